"""Every error is RFC 9457 problem+json with field messages."""

from __future__ import annotations

from flask import Flask

from services.common.auth import issue_token
from services.common.problems import flatten_errors


def _signed_in(app: Flask) -> dict[str, str]:
    secret = app.extensions["platform"].apps["opportunities"].config["VMP_AUTH_SECRET"]
    return {"Authorization": f"Bearer {issue_token(secret, 'account-1')}"}


def test_validation_errors_name_each_field(platform_app: Flask) -> None:
    response = platform_app.test_client().post(
        "/api/v1/organisations",
        json={"name": "", "type": "bank", "website": "nope"},
        headers=_signed_in(platform_app),
    )
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 422 and body["title"] == "Invalid request"
    assert set(body["errors"]) == {"name", "type", "website"}
    assert "charity" in body["errors"]["type"][0]


def test_404_405_and_malformed_json_are_problems(platform_app: Flask) -> None:
    client = platform_app.test_client()
    missing = client.get("/api/v1/organisations/does-not-exist")
    wrong_method = client.delete("/healthz")
    not_json = client.post(
        "/api/v1/organisations",
        data="{oops",
        headers={"Content-Type": "application/json", **_signed_in(platform_app)},
    )
    for response, status in ((missing, 404), (wrong_method, 405), (not_json, 400)):
        assert response.status_code == status
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.get_json()["status"] == status
    assert "GET" in wrong_method.headers["Allow"]


def test_oversized_bodies_are_refused(platform_app: Flask) -> None:
    big = {"name": "x", "type": "charity", "description": "a" * 2_000_000}
    response = platform_app.test_client().post("/api/v1/organisations", json=big)
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"


def test_unexpected_errors_are_500_problems_without_internals(platform_app: Flask) -> None:
    service_app = platform_app.extensions["platform"].apps["opportunities"]

    @service_app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = service_app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "secret" not in response.get_data(as_text=True)


def test_nested_marshmallow_errors_flatten_to_paths() -> None:
    flat = flatten_errors(
        {"locations": {0: {"postcode": ["Unknown postcode."]}}, "q": ["Too long."]}
    )
    assert flat == {"locations[0].postcode": ["Unknown postcode."], "q": ["Too long."]}


def test_an_unknown_postcode_is_a_field_error_in_plain_english(platform_app: Flask) -> None:
    client = platform_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = _signed_in(platform_app)["Authorization"]
    unknown = client.post(
        "/api/v1/organisations", json={"name": "A", "type": "charity", "postcode": "SE1 9ZZ"}
    )
    outward = client.post(
        "/api/v1/organisations", json={"name": "A", "type": "charity", "postcode": "SE1"}
    )
    ok = client.post(
        "/api/v1/organisations", json={"name": "A", "type": "charity", "postcode": "se17ae"}
    )
    assert unknown.status_code == 422 and "SE1" in unknown.get_json()["errors"]["postcode"][0]
    assert (
        outward.status_code == 422
        and "full postcode" in outward.get_json()["errors"]["postcode"][0]
    )
    assert ok.status_code == 201 and ok.get_json()["postcode"] == "SE1 7AE"
