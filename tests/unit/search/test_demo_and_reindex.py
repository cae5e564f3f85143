"""`make run`'s demo data reaches search through the real path, and `reindex` rebuilds the
index from the opportunities service alone."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from gateway.demo import load_demo
from services.common.auth import issue_token
from services.common.service import runtime_of
from services.opportunities.demo import demo_dataset
from services.search.definition import SERVICE as SEARCH
from services.search.service_layer.reindex import in_process_fetcher, reindex, service_token

TODAY = dt.date(2026, 11, 23)


def drain(platform_app: Flask) -> None:
    """Relay every outbox row and let the indexer handle every event (no threads)."""
    platform = platform_app.extensions["platform"]
    relay = runtime_of(platform.apps["opportunities"]).relay()
    search = runtime_of(platform.apps["search"])
    indexer = search.consumer(SEARCH.consumer_specs(search)[0])
    while relay.publish_pending():
        pass
    while indexer.run_once(1.0):
        pass


def test_demo_data_loads_once_and_is_found_near_real_postcodes(platform_app: Flask) -> None:
    platform = platform_app.extensions["platform"]
    opportunities = platform.apps["opportunities"]
    data_dir = runtime_of(opportunities).config.data_dir
    expected = demo_dataset(TODAY)
    assert load_demo(opportunities, data_dir, TODAY) == len(expected.roles)
    assert load_demo(opportunities, data_dir, TODAY) == 0  # the second start skips it
    drain(platform_app)
    client = platform_app.test_client()
    everything = client.get("/api/v1/search?per_page=1").get_json()
    assert everything["total"] == len(expected.roles)
    for postcode in ("SE1 7AE", "LS1 4DY", "EH1 1YZ", "CF10 1EP"):
        near = client.get(f"/api/v1/search?postcode={postcode}&radius_km=25&remote=exclude")
        assert near.status_code == 200
        body = near.get_json()
        assert body["total"] >= 3, postcode
        distances = [r["distance_km"] for r in body["results"]]
        assert distances == sorted(distances) and distances[-1] <= 25

    search = runtime_of(platform.apps["search"])
    index = search.extensions["index"]
    index.rebuild([])  # an index lost or corrupted
    assert client.get("/api/v1/search").get_json()["total"] == 0
    fetch = in_process_fetcher(service_token(search), opportunities)
    assert reindex(search, fetch) == len(expected.roles)
    assert client.get("/api/v1/search").get_json()["total"] == len(expected.roles)


def test_changes_during_a_reindex_are_not_lost(platform_app: Flask) -> None:
    platform = platform_app.extensions["platform"]
    opportunities = platform.apps["opportunities"]
    token = issue_token(opportunities.config["VMP_AUTH_SECRET"], "owner-1")
    client = platform_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    org = client.post("/api/v1/organisations", json={"name": "Canal Trust", "type": "charity"})
    role_ids = []
    for title in ("Towpath litter pick", "Lock keeper's assistant"):
        body = {
            "organisation_id": org.get_json()["id"],
            "title": title,
            "summary": "Outdoors by the canal.",
            "commitment": "flexible",
            "locations": [{"postcode": "M1 1AE"}],
            "closes_on": "2099-01-01",
        }
        role_id = client.post("/api/v1/opportunities", json=body).get_json()["id"]
        assert client.post(f"/api/v1/opportunities/{role_id}/publish").status_code == 200
        role_ids.append(role_id)
    drain(platform_app)
    search = runtime_of(platform.apps["search"])
    export = in_process_fetcher(service_token(search), opportunities)

    def export_then_change(params: dict) -> dict:
        page = export(params)
        # While the new index is being built, the organisation pauses a role and the
        # indexer applies that to the index being retired.
        assert client.post(f"/api/v1/opportunities/{role_ids[0]}/pause").status_code == 200
        drain(platform_app)
        return page

    assert reindex(search, export_then_change) == 2  # built from the export, read before
    found = client.get("/api/v1/search").get_json()
    assert [r["id"] for r in found["results"]] == [role_ids[1]]
