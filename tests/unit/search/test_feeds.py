"""Feeds of any search, through the gateway: each format parses cleanly and lists exactly
the roles the search API returns for the same parameters; bad parameters get the same 422."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from xml.etree import ElementTree as ET

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.common.auth import issue_token
from services.common.config import Config
from services.common.service import runtime_of
from tests.unit.conftest import POSTCODES
from tests.unit.search.test_demo_and_reindex import drain

FORMATS = ("atom", "rss", "json")
ROLES = (
    ("Hedgehog hospital helper", ["AnimalWelfare"], "SE1 7AE", False),
    ("Community garden volunteer", ["Community"], "SE1 7PB", True),
    ("Food bank driver", ["Community", "AntiPoverty"], "M1 1AE", False),
)
SEARCHES = (
    "",
    "sort=newest",
    "postcode=SE1+7AE&radius_km=5",
    "q=garden",
    "causes=Community&sort=newest",
    "per_page=2",
    "remote=only&utm_source=partner",
)
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """``platform_app``, built once for this module: every test here only reads."""
    from gateway.wsgi import create_app

    tmp = tmp_path_factory.mktemp("feeds")
    config = Config(
        service="gateway",
        data_dir=tmp,
        event_log_path=tmp / "eventlog.sqlite",
        database_url=f"sqlite:///{tmp / 'gateway.sqlite'}",
        postcodes_db=POSTCODES,
    )
    app = create_app(config, start_workers=False)
    _publish_roles(app)
    yield app
    app.extensions["platform"].shutdown()


@pytest.fixture
def client(platform: Flask) -> FlaskClient:
    return platform.test_client()


def _publish_roles(platform_app: Flask) -> None:
    """One organisation's three published roles, indexed."""
    opportunities = platform_app.extensions["platform"].apps["opportunities"]
    token = issue_token(opportunities.config["VMP_AUTH_SECRET"], "owner-1")
    author = platform_app.test_client()
    author.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    org = author.post("/api/v1/organisations", json={"name": "Borough Trust", "type": "charity"})
    for title, causes, postcode, remote in ROLES:
        body = {
            "organisation_id": org.get_json()["id"],
            "title": title,
            "summary": f"{title}: a few hours a week.",
            "commitment": "flexible",
            "causes": causes,
            "remote": remote,
            "locations": [{"postcode": postcode}],
            "closes_on": "2099-01-01",
        }
        created = author.post("/api/v1/opportunities", json=body)
        assert created.status_code == 201, created.get_json()
        role_id = created.get_json()["id"]
        assert author.post(f"/api/v1/opportunities/{role_id}/publish").status_code == 200
    drain(platform_app)


def api_ids(client: FlaskClient, query: str) -> list[str]:
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 200, response.get_json()
    return [r["id"] for r in response.get_json()["results"]]


def role_url(role_id: str) -> str:
    return f"http://127.0.0.1:8000/opportunities/{role_id}"


def role_updated(client: FlaskClient, role_id: str) -> dt.datetime:
    """The role's updated time as the opportunities service reports it."""
    raw = client.get(f"/api/v1/opportunities/{role_id}").get_json()["updated_at"]
    return dt.datetime.fromisoformat(raw)


@pytest.mark.parametrize("query", SEARCHES)
def test_every_format_lists_what_the_search_api_returns(client: FlaskClient, query: str) -> None:
    expected = [role_url(i) for i in api_ids(client, query)]
    assert expected or query == "remote=only&utm_source=partner"
    for kind in ("atom", "rss"):
        response = client.get(f"/feeds/search.{kind}?{query}")
        assert response.status_code == 200
        parsed = feedparser.parse(response.data)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert [e.link for e in parsed.entries] == expected
        assert [e.id for e in parsed.entries] == expected
    items = client.get(f"/feeds/search.json?{query}").get_json()["items"]
    assert [item["url"] for item in items] == expected


def test_entries_carry_title_summary_organisation_place_time_and_causes(
    client: FlaskClient,
) -> None:
    search = client.get("/api/v1/search?sort=newest").get_json()["results"]
    by_title = {r["title"]: r for r in search}
    atom = feedparser.parse(client.get("/feeds/search.atom?sort=newest").data)
    rss = feedparser.parse(client.get("/feeds/search.rss?sort=newest").data)
    assert atom.feed.title == rss.feed.title == "Volunteering roles"
    assert atom.feed.link == rss.feed.link == "http://127.0.0.1:8000/search?sort=newest"
    for parsed in (atom, rss):
        assert [e.title for e in parsed.entries] == [r["title"] for r in search]
        for entry in parsed.entries:
            role = by_title[entry.title]
            assert entry.link == role_url(role["id"])
            assert entry.summary.startswith(role["summary"])
            assert entry.author == "Borough Trust"
            updated = dt.datetime.fromisoformat(entry.updated)
            assert updated == role_updated(client, role["id"])
            assert {t.term for t in entry.tags} == set(role["causes"])
    garden = next(e for e in atom.entries if e.title.startswith("Community garden"))
    assert garden.summary.endswith("Borough Trust · SE1 or remote")
    assert {t.label for t in garden.tags} == {"Community"}
    assert garden.tags[0].scheme == "https://ns.volunteeringdata.io/"
    driver = next(e for e in rss.entries if e.title == "Food bank driver")
    assert driver.summary.endswith("· M1")


def test_the_json_feed_has_its_required_fields(client: FlaskClient) -> None:
    response = client.get("/feeds/search.json?postcode=SE1+7AE&radius_km=5")
    assert response.content_type.startswith("application/feed+json")
    feed = response.get_json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Volunteering roles near SE1 7AE"
    assert feed["feed_url"].endswith("/feeds/search.json?postcode=SE1+7AE&radius_km=5")
    assert feed["home_page_url"].endswith("/search?postcode=SE1+7AE&radius_km=5")
    assert feed["items"]
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"] == item["url"]
        assert item["title"] and item["date_modified"] and item["authors"]
        assert item["_volunteering"]["organisation"] == "Borough Trust"
        assert item["_volunteering"]["place"].startswith("SE1")


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize(
    "query", ["radius_km=0", "causes=Nope", "postcode=ZZ1+1ZZ", "radius=5", "cursor=junk"]
)
def test_bad_parameters_get_the_search_apis_422(client: FlaskClient, kind: str, query: str) -> None:
    expected = client.get(f"/api/v1/search?{query}")
    response = client.get(f"/feeds/search.{kind}?{query}")
    assert response.status_code == expected.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.get_json()["errors"] == expected.get_json()["errors"]


def test_feeds_are_cacheable_and_conditional(client: FlaskClient) -> None:
    first = client.get("/feeds/search.atom?sort=newest")
    assert "max-age=300" in first.headers["Cache-Control"]
    assert "public" in first.headers["Cache-Control"]
    assert first.headers["ETag"]
    assert "Last-Modified" not in first.headers  # a role leaving would not make it newer
    again = client.get("/feeds/search.atom?sort=newest")
    assert again.headers["ETag"] == first.headers["ETag"]  # stable while nothing changes
    etag = first.headers["ETag"]
    unchanged = client.get("/feeds/search.atom?sort=newest", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    other = client.get("/feeds/search.atom?sort=newest&per_page=1")
    assert other.headers["ETag"] != etag
    stale = client.get("/feeds/search.atom?sort=newest&per_page=1", headers={"If-None-Match": etag})
    assert stale.status_code == 200


def test_a_feed_with_no_matches_is_still_valid(client: FlaskClient) -> None:
    for kind in ("atom", "rss"):
        parsed = feedparser.parse(client.get(f"/feeds/search.{kind}?q=zzzqqq").data)
        assert parsed.bozo == 0 and parsed.entries == []
        assert "zzzqqq" in parsed.feed.title
    assert client.get("/feeds/search.json?q=zzzqqq").get_json()["items"] == []


def test_opensearch_points_at_the_search_page_and_feeds(client: FlaskClient) -> None:
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response.content_type == "application/opensearchdescription+xml"
    assert response.headers["ETag"]
    root = ET.fromstring(response.data)
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert root.findtext(f"{OPENSEARCH}ShortName")
    templates = {url.get("type"): url.get("template") for url in root.iter(f"{OPENSEARCH}Url")}
    assert templates == {
        "text/html": "http://127.0.0.1:8000/search?q={searchTerms}",
        "application/atom+xml": "http://127.0.0.1:8000/feeds/search.atom?q={searchTerms}",
        "application/rss+xml": "http://127.0.0.1:8000/feeds/search.rss?q={searchTerms}",
    }


def test_links_use_the_configured_public_url(platform: Flask) -> None:
    search = runtime_of(platform.extensions["platform"].apps["search"])
    assert search.config.public_url == "http://127.0.0.1:8000"
