"""The authorisation matrix: every route x every principal x own/other tenant.

Each row of ``MATRIX`` (in ``tests/unit/authorisation_matrix.py``) classifies one route
(method + Flask rule) of the gateway or a service, and each row becomes one test per principal
and tenant. The world (``authorisation_world.py``) has two symmetric tenants: X (organisation
X: owner ``ox``, editor ``ex``; volunteer ``va``; Volunteer Centre C covering X, staff ``cx``)
and Y (organisation Y: owner ``oy``; volunteer ``vb``; Volunteer Centre D covering Y, staff
``dx``), plus ``admin`` and ``anonymous``. "own" targets the caller's tenant's objects, "other"
the other tenant's (for admin and anonymous, own = X, other = Y); "self" marks routes that act
on the caller alone (no tenant object in the call).

What every case asserts:

- listed in ``ok`` for that tenant: a 2xx answer; with ``status``: exactly that status;
- otherwise: refused with 401, 403 or 404 (404 for another tenant's object is the right
  refusal: ids must not reveal that something exists);
- any 2xx answer to anyone but the admin contains none of the other tenant's private markers
  (application ids and messages, the volunteer's id, phone and accessibility needs, draft roles,
  saved searches, pending organisations awaiting moderation, member account ids); anonymous
  callers see neither tenant's. This is how "self" routes are checked for cross-tenant reads.

``test_every_route_is_in_the_matrix`` fails for any route with no row (so new endpoints must be
classified) and for rows whose route no longer exists. See the matrix module for the row format.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.routing import Rule

from gateway.routing import resolve_api, resolve_public
from tests.unit.authorisation_matrix import (
    MATRIX,
    NOT_IN_MATRIX,
    OPS_RULES,
    OTHER,
    Row,
)
from tests.unit.authorisation_world import (
    HOME,
    OTHER_TENANT,
    PASSWORD,
    PRINCIPALS,
    TENANTS,
    World,
)

REFUSED = (401, 403, 404)
SESSION_COOKIE = "vmp_session"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = World(tmp_path_factory.mktemp("authorisation"))
    yield built
    built.close()


def _cases() -> list[Any]:
    cases = []
    for row in MATRIX:
        for who in PRINCIPALS:
            for tenant in row.tenants:
                name = f"{row.method} {row.rule}{f' [{row.variant}]' if row.variant else ''}"
                cases.append(pytest.param(row, who, tenant, id=f"{name}-{who}-{tenant}"))
    return cases


@pytest.mark.parametrize(("row", "who", "tenant"), _cases())
def test_authorisation(world: World, row: Row, who: str, tenant: str) -> None:
    home = HOME[who]
    target = OTHER_TENANT[home] if tenant == OTHER else home
    objects: dict[str, Any] = {**world.tenant[target], "me": world.ids.get(who, "nobody")}
    if row.fresh is not None:
        objects.update(row.fresh(world, target, who))
    path = row.path.format_map(objects)
    query = {k: v.format_map(objects) for k, v in (row.query or {}).items()}
    body = row.body(objects) if row.body else None
    client = world.client(who, objects.get("_as"))
    if "_cookie" in objects:
        client.set_cookie(SESSION_COOKIE, objects["_cookie"])
    response = client.open(
        path, method=row.method, query_string=query, json=body, headers=row.headers
    )
    status = response.status_code
    detail = response.get_data(as_text=True)[:300]
    expected = row.status.get((who, tenant))
    if expected is not None:
        assert status == expected, f"expected {expected}, got {status}: {detail}"
    elif tenant in row.ok.get(who, ()):
        assert 200 <= status < 300, f"expected to be allowed, got {status}: {detail}"
    else:
        assert status in REFUSED, f"expected a refusal, got {status}: {detail}"
    if 200 <= status < 300 and row.leaks and who != "admin":
        request_text = f"{path} {json.dumps(query)} {json.dumps(body)}"
        _assert_no_leak(world, who, request_text, response.get_data(as_text=True))


def _assert_no_leak(world: World, who: str, request_text: str, answer: str) -> None:
    hidden = ["X", "Y"] if who == "anonymous" else [OTHER_TENANT[HOME[who]]]
    for tenant in hidden:
        for name, marker in world.markers(tenant).items():
            if marker in request_text:
                continue  # the caller named it: echoing it back reveals nothing
            assert marker not in answer, f"{who} was shown {tenant}'s {name}: {answer[:300]}"


def test_no_organisation_makes_itself_the_volunteer_centre_of_another_area(world: World) -> None:
    """With real sign-in tokens: the owner of an approved organisation in X's area must not
    gain Volunteer Centre powers over Y's area by changing its type and catchment."""
    email = world.fresh_email()
    world.register(email, "organisation")
    world.ok("anonymous", "POST", "/api/v1/auth/verify", json={"token": world.link_token(email)})
    client = world.app.test_client()
    client.environ_base["REMOTE_ADDR"] = world.ip()

    def sign_in() -> None:
        credentials = {"email": email, "password": PASSWORD}
        token = client.post("/api/v1/auth/token", json=credentials).get_json()["access_token"]
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    sign_in()
    body = {"name": "Borough Trust", "type": "charity", "postcode": TENANTS["X"]["postcode"]}
    org = client.post("/api/v1/organisations", json=body).get_json()["id"]
    world.ok("cx", "POST", f"/api/v1/organisations/{org}/approve")
    catchment = {"outward_codes": [TENANTS["Y"]["outward"]], "districts": []}
    change = {"type": "volunteer_centre", "catchment": catchment}
    client.patch(f"/api/v1/organisations/{org}", json=change)
    world.pump()
    sign_in()
    in_y = world.fresh_org("Y", approved=False)["org"]
    queue = client.get("/api/v1/moderation/queue")
    approved = client.post(f"/api/v1/organisations/{in_y}/approve")
    shown = queue.status_code not in REFUSED and in_y in queue.get_data(as_text=True)
    assert not shown, "Y's pending organisation is in the self-made centre's queue"
    assert approved.status_code in REFUSED, f"approved an organisation in Y: {approved.text}"


def test_the_leak_check_sees_the_markers_where_they_belong(world: World) -> None:
    """The markers do show up for those entitled to them, so their absence elsewhere means
    something."""
    org = world.tenant["X"]["org"]
    seen = {
        "va": ["/api/v1/applications", "/api/v1/me/profile", "/api/v1/saved-searches",
               "/api/v1/availability", "/api/v1/credentials", "/api/v1/microtasks/offers",
               "/api/v1/hours", "/api/v1/timebank/statement", "/api/v1/timebank/exchanges"],
        "ox": [f"/api/v1/organisations/{org}/opportunities", f"/api/v1/organisations/{org}/members",
               f"/api/v1/applications?organisation_id={org}",
               f"/api/v1/microtasks?organisation_id={org}", "/partner/v1/partners",
               f"/partner/v1/partners/{world.tenant['X']['partner']}/keys"],
        "cx": ["/api/v1/applications/escalated", "/api/v1/moderation/queue"],
    }  # fmt: skip
    answers = "".join(
        world.call(who, "GET", path).get_data(as_text=True)
        for who, paths in seen.items()
        for path in paths
    )
    missing = [name for name, marker in world.markers("X").items() if marker not in answers]
    assert not missing, f"markers nobody was shown: {missing}"


def _routes(world: World) -> dict[tuple[str, str, str], Rule]:
    found = {}
    for service, app in {"gateway": world.app, **world.apps}.items():
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or rule.rule in OPS_RULES:
                continue
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                found[(service, method, rule.rule)] = rule
    return found


def test_every_route_is_in_the_matrix(world: World) -> None:
    routes = _routes(world)
    classified = {(row.service, row.method, row.rule) for row in MATRIX}
    classified |= set(NOT_IN_MATRIX)
    unclassified = sorted(set(routes) - classified)
    stale = sorted(classified - set(routes))
    assert not unclassified, f"routes with no row in the authorisation matrix: {unclassified}"
    assert not stale, f"matrix rows for routes that do not exist: {stale}"


def test_each_row_calls_the_route_it_classifies(world: World) -> None:
    """A row's path must reach its own rule (not, say, a wider rule that shadows it)."""
    placeholders = _Placeholders(world.tenant["X"], me=world.ids["va"])
    for row in MATRIX:
        path = row.path.format_map(placeholders)
        app = world.app if row.service == "gateway" else world.apps[row.service]
        rule, _ = app.url_map.bind("localhost").match(path, row.method, return_rule=True)
        assert rule.rule == row.rule, (row.method, row.path, rule.rule)
        if row.service != "gateway":  # and the gateway sends the call to that service
            gateway_rule, _ = world.app.url_map.bind("localhost").match(
                path, row.method, return_rule=True
            )
            proxies = ("proxy.api", "proxy.public")
            assert gateway_rule.endpoint in proxies, (row.method, path, gateway_rule.rule)
            target = resolve_api(path) or resolve_public(path)
            assert target is not None and target.service == row.service, (row.method, path)


def test_rows_name_known_principals_and_tenants() -> None:
    for row in MATRIX:
        for who, tenants in row.ok.items():
            assert who in PRINCIPALS, f"{row.method} {row.rule}: unknown principal {who}"
            assert tenants, f"{row.method} {row.rule}: {who} allowed nowhere"
        for who, tenant in row.status:
            assert who in PRINCIPALS and tenant in row.tenants, (row.method, row.rule, who)


class _Placeholders(dict[str, str]):
    def __init__(self, objects: dict[str, str], **extra: str) -> None:
        super().__init__(objects, **extra)

    def __missing__(self, key: str) -> str:
        return f"some-{key}"
