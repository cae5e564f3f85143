"""The internal export the search service reindexes from: keyset pages of full snapshots."""

from __future__ import annotations

from services.common.envelope import new_envelope
from tests.unit.opportunities.conftest import Service

SERVICE_TOKEN = {"roles": ["service"], "email_verified": False}


def test_export_pages_every_non_deleted_role_with_its_organisation(svc: Service) -> None:
    org = svc.register()
    ids = [svc.create_role(org["id"], title=f"Role {n}")["id"] for n in range(5)]
    svc.act(ids[0], "publish")
    deleted = ids.pop()
    svc.call("DELETE", f"/api/v1/opportunities/{deleted}", "owner-1")
    seen, after, pages = [], "", 0
    while True:
        query = f"?limit=2&after={after}" if after else "?limit=2"
        page = svc.call(
            "GET", f"/api/v1/opportunities/export{query}", "search", claims=SERVICE_TOKEN
        )
        assert page.status_code == 200, page.get_json()
        body = page.get_json()
        seen += body["items"]
        pages += 1
        if not body["next_after"]:
            break
        after = body["next_after"]
    assert [item["opportunity_id"] for item in seen] == sorted(ids)
    assert pages == 3
    item = next(i for i in seen if i["opportunity_id"] == ids[0])
    assert item["organisation"] == {
        "id": org["id"],
        "name": org["name"],
        "moderation": "approved",
        "type": "charity",
        "postcode": "SE1 7AE",
    }
    assert (item["revision"], item["opportunity"]["status"]) == (2, "published")
    for item in seen:  # each item is exactly an event's Change data, so search can reuse it
        data = {k: item[k] for k in ("opportunity_id", "revision", "opportunity")}
        envelope = new_envelope(
            event_type="OpportunityUpdated",
            version=1,
            producer="test",
            key=item["opportunity_id"],
            data=data,
        )
        svc.runtime.registry.validate("opportunities", envelope)


def test_export_is_for_services_and_admins_only(svc: Service) -> None:
    path = "/api/v1/opportunities/export"
    assert svc.call("GET", path).status_code == 401
    assert svc.call("GET", path, "volunteer").status_code == 403
    assert svc.call("GET", path, "root", claims={"roles": ["admin"]}).status_code == 200
    bad = svc.call("GET", f"{path}?limit=0", "search", claims=SERVICE_TOKEN)
    assert bad.status_code == 422 and "limit" in bad.get_json()["errors"]


def test_export_is_marked_internal_in_the_openapi_document(svc: Service) -> None:
    doc = svc.client.get("/openapi.json").get_json()
    operation = doc["paths"]["/api/v1/opportunities/export"]["get"]
    assert operation["summary"].startswith("INTERNAL")
    assert operation["tags"] == ["internal"]
