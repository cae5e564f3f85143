"""Through the gateway: the dev mailbox pages, and the whole way from registering to a call
that needs a verified address."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from gateway.app import create_gateway_app
from gateway.transport import InProcessTransport
from services.common.config import Config
from services.common.service import runtime_of
from services.volunteers.definition import MAIL_RELAY_JOB, SERVICE
from services.volunteers.domain.passwords import Passwords
from tests.unit.volunteers.test_accounts_support import FAST, PASSWORD


def relay_mail(platform_app: Flask) -> None:
    runtime = runtime_of(platform_app.extensions["platform"].apps["volunteers"])
    [job] = [j for j in SERVICE.periodic_jobs(runtime) if j.name == MAIL_RELAY_JOB]
    job.run()


def register(platform_app: Flask, name: str = "Jane Doe") -> None:
    volunteers = platform_app.extensions["platform"].apps["volunteers"]
    runtime_of(volunteers).extensions["passwords"] = Passwords(FAST)
    body = {
        "email": "jane@example.org",
        "password": PASSWORD,
        "name": name,
        "account_type": "volunteer",
    }
    assert platform_app.test_client().post("/api/v1/auth/register", json=body).status_code == 201
    relay_mail(platform_app)


def test_from_registration_to_a_call_that_needs_a_verified_address(platform_app: Flask) -> None:
    client = platform_app.test_client()
    register(platform_app)
    sign_in = {"email": "jane@example.org", "password": PASSWORD}
    early = client.post("/api/v1/auth/token", json=sign_in).get_json()["access_token"]
    org = {"name": "Canal Volunteers", "type": "community_group"}
    refused = client.post(
        "/api/v1/organisations", json=org, headers={"Authorization": f"Bearer {early}"}
    )
    assert refused.status_code == 403

    [mail] = client.get("/dev/mail.json").get_json()
    assert mail["subject"] == "Confirm your email address"
    link = urlsplit(mail["text"].split("Use this link: ")[1].split()[0])
    page = client.get(f"{link.path}?{link.query}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "confirmed" in page.text

    token = client.post("/api/v1/auth/token", json=sign_in).get_json()["access_token"]
    created = client.post(
        "/api/v1/organisations", json=org, headers={"Authorization": f"Bearer {token}"}
    )
    assert created.status_code == 201, created.get_json()
    me = client.get("/api/v1/me/account", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["email_verified"] is True


def test_the_json_list_has_every_part_of_each_message(platform_app: Flask) -> None:
    register(platform_app)
    client = platform_app.test_client()
    client.post("/api/v1/auth/password-reset", json={"email": "jane@example.org"})
    relay_mail(platform_app)
    response = client.get("/dev/mail.json")
    assert response.headers["Cache-Control"] == "no-store"
    newest, oldest = response.get_json()
    assert set(newest) == {"to", "subject", "text", "html", "headers", "sent_at"}
    assert newest["subject"] == "Reset your password"
    assert oldest["subject"] == "Confirm your email address"
    assert newest["headers"]["Auto-Submitted"] == "auto-generated"
    assert newest["html"].startswith("<!doctype html>")


def test_the_page_is_accessible_html_with_bodies_escaped(platform_app: Flask) -> None:
    register(platform_app, name="Jane <script>alert(1)</script> Doe")
    page = platform_app.test_client().get("/dev/mail")
    text = page.text
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert '<html lang="en-GB">' in text and "<title>Development mailbox</title>" in text
    assert "<h1>Development mailbox</h1>" in text
    assert '<th scope="col">Subject</th>' in text and "<caption>" in text
    assert "<details><summary>Show message 1</summary>" in text
    assert '<iframe sandbox=""' in text and 'srcdoc="&lt;!doctype html&gt;' in text
    assert "<script>" not in text
    assert '<a href="http://127.0.0.1:8000/account/verify?token=' in text
    assert "script-src" not in page.headers["Content-Security-Policy"]  # none allowed


def test_an_empty_mailbox_says_so(platform_app: Flask) -> None:
    client = platform_app.test_client()
    assert client.get("/dev/mail.json").get_json() == []
    assert "No emails have been sent yet." in client.get("/dev/mail").text


def test_the_pages_do_not_exist_in_production_or_when_turned_off(
    embedded_config: Config,
) -> None:
    production = replace(embedded_config, environment="production", auth_secret="s" * 40)
    switched_off = replace(embedded_config, dev_mailbox=False)
    for config in (production, switched_off):
        gateway = create_gateway_app(config, InProcessTransport({}))
        client = gateway.test_client()
        for path in ("/dev/mail", "/dev/mail.json"):
            response = client.get(path)
            assert response.status_code == 404
            assert response.headers["Content-Type"] == "application/problem+json"


def test_the_dev_mailbox_file_lives_in_the_data_folder(
    platform_app: Flask, embedded_config: Config
) -> None:
    register(platform_app)
    assert (Path(embedded_config.data_dir) / "devmail.sqlite").exists()
