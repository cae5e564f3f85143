"""The development mailbox: every email the platform "sent", readable in a browser.

Only outside production, and only when the dev mailbox is on (``VMP_DEV_MAILBOX``); anywhere
else these paths do not exist (404). The gateway reads the mailbox's SQLite file straight from
the data folder, where the volunteers service's mail relay writes it.
"""

from __future__ import annotations

import html
import re
from typing import Any

from flask import Blueprint, Response, jsonify

from services.common.config import Config
from services.common.mail import DevMailbox, dev_mailbox_enabled, dev_mailbox_path
from services.common.problems import Problem

_URL = re.compile(r"https?://[^\s<>\"']+")
_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem}"
    "table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #bbb;"
    "padding:.5rem;text-align:left;vertical-align:top}pre{white-space:pre-wrap}"
    "iframe{width:100%;height:20rem;border:1px solid #bbb}"
)


def devmail_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("devmail", __name__)
    mailbox = DevMailbox(dev_mailbox_path(config))

    def messages() -> list[dict[str, Any]]:
        if not dev_mailbox_enabled(config):
            raise Problem(404, "Not Found", "There is nothing at this address.")
        return mailbox.messages()

    @bp.get("/dev/mail")
    def mail_page() -> Response:
        """Development only: the emails the platform sent, newest first."""
        return _no_store(Response(render_page(messages()), mimetype="text/html"))

    @bp.get("/dev/mail.json")
    def mail_json() -> Response:
        """Development only: the emails the platform sent, newest first, as JSON."""
        keys = ("to", "subject", "text", "html", "headers", "sent_at")
        return _no_store(jsonify([{k: m[k] for k in keys} for m in messages()]))

    return bp


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the links carry one-time tokens
    # No scripts anywhere; each HTML body is shown in a sandboxed frame without scripts too.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'"
    )
    return response


def render_page(messages: list[dict[str, Any]]) -> str:
    rows = "\n".join(_row(index, m) for index, m in enumerate(messages, start=1))
    body = (
        f"<p>{len(messages)} message{'s' if len(messages) != 1 else ''}, newest first. "
        'Also as <a href="/dev/mail.json">JSON</a>.</p>'
    )
    if messages:
        body += (
            "<table><caption>Sent emails</caption><thead><tr>"
            '<th scope="col">Sent</th><th scope="col">To</th><th scope="col">Subject</th>'
            f'<th scope="col">Message</th></tr></thead>\n<tbody>\n{rows}\n</tbody></table>'
        )
    else:
        body += "<p>No emails have been sent yet.</p>"
    return (
        '<!doctype html>\n<html lang="en-GB">\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Development mailbox</title><style>{_STYLE}</style></head>\n"
        f"<body><main><h1>Development mailbox</h1>\n{body}\n</main></body>\n</html>\n"
    )


def _row(index: int, message: dict[str, Any]) -> str:
    subject = html.escape(message["subject"] or "(no subject)")
    headers = "".join(
        f"<li>{html.escape(name)}: {html.escape(str(value))}</li>"
        for name, value in message["headers"].items()
    )
    frame = ""
    if message["html"]:
        frame = (
            f'<h3>HTML version</h3><iframe sandbox="" title="HTML version of: {subject}" '
            f'srcdoc="{html.escape(message["html"], quote=True)}"></iframe>'
        )
    return (
        f"<tr><td>{html.escape(message['sent_at'] or '')}</td>"
        f"<td>{html.escape(message['to'])}</td><td>{subject}</td>"
        f"<td><details><summary>Show message {index}</summary>"
        f"<h3>Text version</h3><pre>{_linked(message['text'] or '')}</pre>{frame}"
        f"<h3>Headers</h3><ul>{headers}</ul></details></td></tr>"
    )


def _linked(text: str) -> str:
    """Escaped text with its web addresses made into links (to follow a verification link)."""
    escaped = html.escape(text)
    return _URL.sub(lambda m: f'<a href="{m.group(0)}" rel="noreferrer">{m.group(0)}</a>', escaped)
