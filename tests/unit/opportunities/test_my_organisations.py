"""GET /api/v1/organisations?member=me: the organisations the caller is a member of."""

from __future__ import annotations

from tests.unit.opportunities.conftest import Service

PATH = "/api/v1/organisations"


def _mine(svc: Service, who: str) -> list[dict]:
    response = svc.call("GET", PATH, who, query_string={"member": "me"})
    assert response.status_code == 200, response.get_json()
    items: list[dict] = response.get_json()["items"]
    return items


def test_members_see_their_organisations_by_name_with_their_role(svc: Service) -> None:
    zebra = svc.register("owner-1", name="Zebra Trust")
    aardvark = svc.register("owner-2", name="Aardvark Club")
    svc.register("owner-3", name="Someone Else's")
    member = {"account_id": "owner-1", "role": "editor"}
    added = svc.call("POST", f"{PATH}/{aardvark['id']}/members", "owner-2", json=member)
    assert added.status_code == 201
    mine = _mine(svc, "owner-1")
    assert [(o["name"], o["your_role"]) for o in mine] == [
        ("Aardvark Club", "editor"),
        ("Zebra Trust", "owner"),
    ]
    assert mine[1]["id"] == zebra["id"]


def test_people_in_no_organisation_get_an_empty_list(svc: Service) -> None:
    svc.register("owner-1")
    assert _mine(svc, "volunteer-1") == []


def test_a_member_who_leaves_no_longer_sees_it(svc: Service) -> None:
    org = svc.register("owner-1")
    svc.call("POST", f"{PATH}/{org['id']}/members", "owner-1",
             json={"account_id": "editor-1", "role": "editor"})  # fmt: skip
    assert [o["id"] for o in _mine(svc, "editor-1")] == [org["id"]]
    left = svc.call("DELETE", f"{PATH}/{org['id']}/members/editor-1", "editor-1")
    assert left.status_code == 204
    assert _mine(svc, "editor-1") == []


def test_the_list_needs_a_signed_in_caller_and_member_me(svc: Service) -> None:
    svc.register("owner-1")
    anonymous = svc.call("GET", PATH, query_string={"member": "me"})
    assert anonymous.status_code == 401
    for query in ({}, {"member": "someone-else"}):
        refused = svc.call("GET", PATH, "owner-1", query_string=query)
        assert refused.status_code == 422
        assert "member" in refused.get_json()["errors"]
