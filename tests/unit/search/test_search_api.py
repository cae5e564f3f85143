"""The public search API over the embedded index: parameters, errors and response shape."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.common.config import Config
from services.search.definition import SERVICE
from services.search.domain.documents import GeoPoint, RoleDocument
from tests.unit.conftest import POSTCODES

PUBLISHED = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
# SE1 7AE is at 51.50052, -0.113771 (Code-Point Open); the others are real postcodes too.
SE1_7AE = GeoPoint(51.50052, -0.113771, "SE1 7AE")
M1_1AE = GeoPoint(53.477146, -2.236049, "M1 1AE")


def role(role_id: str, **overrides: Any) -> RoleDocument:
    values: dict[str, Any] = {
        "id": role_id,
        "title": "Role " + role_id,
        "summary": "A summary",
        "description": "",
        "organisation_id": "org-1",
        "organisation_name": "Riverside Food Bank",
        "commitment": "regular",
        "remote": False,
        "published_at": PUBLISHED,
        "updated_at": PUBLISHED,
        "locations": (SE1_7AE,),
    }
    values.update(overrides)
    return RoleDocument(**values)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[FlaskClient]:
    config = Config(
        service="search",
        data_dir=tmp_path,
        postcodes_db=POSTCODES,
        database_url=f"sqlite:///{tmp_path / 'search.sqlite'}",
        event_log_path=tmp_path / "eventlog.sqlite",
    )
    app = SERVICE.create_app(config)
    runtime = app.extensions["runtime"]
    runtime.extensions["clock"] = lambda: dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    runtime.extensions["index"].upsert(
        [
            role("near", title="Befriending older people", causes=("OlderPeople",)),
            role("manchester", title="Food bank driver", locations=(M1_1AE,), skills=("Driving",)),
            role("online", title="Online homework helper", remote=True, locations=()),
            role("expired", closes_on=dt.date(2026, 11, 22)),
        ]
    )
    yield app.test_client()
    runtime.close()


def get(client: FlaskClient, query: str) -> Any:
    response = client.get("/api/v1/search?" + query)
    return response.status_code, response.get_json(), response


def test_postcode_search_has_the_contract_shape(client: FlaskClient) -> None:
    status, body, response = get(client, "postcode=se17ae&radius_km=5")
    assert status == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert set(body) == {
        "total", "page", "per_page", "next_cursor", "location", "results", "facets"
    }  # fmt: skip
    assert body["location"] == {"postcode": "SE1 7AE", "latitude": 51.50052, "longitude": -0.113771}
    assert [r["id"] for r in body["results"]] == ["near", "online"]
    near = body["results"][0]
    assert near["distance_km"] == 0.0
    assert near["nearest_location"]["postcode"] == "SE1 7AE"
    assert near["organisation"] == {"id": "org-1", "name": "Riverside Food Bank"}
    assert near["url"].endswith("/opportunities/near")
    assert body["results"][1]["distance_km"] is None  # remote: no distance
    assert set(body["facets"]) == {"causes", "skills", "commitment", "accessibility", "remote"}
    assert body["facets"]["remote"] == {"false": 1, "true": 1}


def test_outward_code_and_coordinates_work_as_places(client: FlaskClient) -> None:
    _, by_outward, _ = get(client, "postcode=M1&radius_km=10&remote=exclude")
    _, by_point, _ = get(client, "lat=53.4771&lon=-2.2360&radius_km=10&remote=exclude")
    assert [r["id"] for r in by_outward["results"]] == ["manchester"]
    assert by_outward["location"]["postcode"] == "M1"
    assert [r["id"] for r in by_point["results"]] == ["manchester"]
    assert by_point["location"]["postcode"] is None


def test_synonyms_and_highlights_through_the_api(client: FlaskClient) -> None:
    _, body, _ = get(client, "q=elderly")
    assert [r["id"] for r in body["results"]] == ["near"]
    assert "<mark>" in body["results"][0]["highlight"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("postcode=ZZ1+1ZZ", "postcode"),
        ("postcode=SE1+9ZZ", "postcode"),
        ("causes=OlderPeople,Nope", "causes"),
        ("skills=Juggling", "skills"),
        ("available=Mondays", "available"),
        ("commitment=weekly", "commitment"),
        ("radius_km=0", "radius_km"),
        ("radius_km=201", "radius_km"),
        ("per_page=1000", "per_page"),
        ("page=0", "page"),
        ("page=600&per_page=20", "page"),
        ("cursor=not-a-cursor", "cursor"),
        ("q=" + "x" * 201, "q"),
        ("age=-1", "age"),
        ("starts_before=tomorrow", "starts_before"),
        ("remote=sometimes", "remote"),
        ("sort=cheapest", "sort"),
        ("radius=5", "radius"),
        ("lat=51.5", "lon"),
        ("lat=10&lon=0", "lat"),
        ("postcode=SE17AE&lat=51.5&lon=0", "postcode"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client: FlaskClient, query: str, field: str) -> None:
    status, body, response = get(client, query)
    assert status == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert field in body["errors"], body


def test_unknown_code_lists_the_valid_ones(client: FlaskClient) -> None:
    _, body, _ = get(client, "causes=Nope")
    message = body["errors"]["causes"][0]
    assert "'Nope'" in message and "OlderPeople" in message and "AnimalWelfare" in message


def test_unknown_inward_code_suggests_the_district(client: FlaskClient) -> None:
    _, body, _ = get(client, "postcode=SE1+9ZZ")
    assert "SE1" in body["errors"]["postcode"][0]


def test_cursor_walks_every_result_once(client: FlaskClient) -> None:
    seen: list[str] = []
    _, body, _ = get(client, "per_page=1&sort=newest")
    total = body["total"]
    while True:
        seen += [r["id"] for r in body["results"]]
        if body["next_cursor"] is None:
            break
        _, body, _ = get(client, f"per_page=1&sort=newest&cursor={body['next_cursor']}")
        assert body["page"] is None
    assert total == 3
    assert sorted(seen) == ["manchester", "near", "online"]


def test_a_cursor_from_another_search_is_refused(client: FlaskClient) -> None:
    _, body, _ = get(client, "per_page=1&sort=newest")
    status, problem, _ = get(client, f"per_page=1&sort=newest&q=food&cursor={body['next_cursor']}")
    assert status == 422
    assert "does not belong" in problem["errors"]["cursor"][0]


def test_expired_roles_never_appear(client: FlaskClient) -> None:
    _, body, _ = get(client, "per_page=50")
    assert "expired" not in {r["id"] for r in body["results"]}


def test_tracking_parameters_and_empty_fields_are_ignored(client: FlaskClient) -> None:
    status, body, _ = get(client, "utm_source=council&causes=&q=")
    assert status == 200
    assert body["total"] == 3


def test_suggest(client: FlaskClient) -> None:
    response = client.get("/api/v1/search/suggest?q=food")
    assert response.get_json() == {"suggestions": ["Food bank driver"]}
    assert client.get("/api/v1/search/suggest").status_code == 422
