"""``/api/v1/saved-searches``: a person's saved searches and how often they hear about them.

Every route but unsubscribe needs the owner's token; someone else's saved search is a 404.
Unsubscribe is the link in each alert email: GET shows a page with a button (mail scanners
follow links, so a GET alone must change nothing), POST turns alerts off; mail clients'
one-click unsubscribe (RFC 8058) posts ``List-Unsubscribe=One-Click`` to the same address.
"""

from __future__ import annotations

import html
from typing import Any

from flask import Blueprint, Response, request
from marshmallow import Schema, fields, validate

from services.common.auth import require_principal
from services.common.openapi import listing, operation
from services.volunteers.api.common import (
    html_page,
    iso_utc,
    json_body,
    json_response,
    load,
    runtime,
    wants_html,
)
from services.volunteers.domain.accounts import NotFound
from services.volunteers.domain.alerts import Frequency
from services.volunteers.service_layer import saved_searches as use_cases

bp = Blueprint("saved_searches", __name__, url_prefix="/api/v1/saved-searches")
TAGS = ("saved searches",)
FREQUENCIES = [f.value for f in Frequency]


class SavedSearchIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    params = fields.Dict(
        required=True,
        metadata={"description": "The search API's parameters, as for GET /api/v1/search."},
    )
    frequency = fields.String(
        load_default=Frequency.DAILY.value, validate=validate.OneOf(FREQUENCIES)
    )


class SavedSearchChange(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    params = fields.Dict()
    frequency = fields.String(validate=validate.OneOf(FREQUENCIES))


class SavedSearchOut(Schema):
    id = fields.String()
    name = fields.String()
    params = fields.Dict()
    frequency = fields.String()
    search_url = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


def view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "params": row["params"],
        "frequency": row["frequency"],
        "search_url": use_cases.search_url(runtime(), row["params"]),
        "created_at": iso_utc(row["created_at"]),
        "updated_at": iso_utc(row["updated_at"]),
    }


@bp.post("")
@operation(
    summary="Save a search, with alerts by email",
    tags=TAGS,
    body=SavedSearchIn,
    responses={201: SavedSearchOut, 409: "Too many saved searches", 422: "Invalid"},
)
def create() -> Response:
    principal = require_principal()
    data = load(SavedSearchIn(), json_body())
    params = use_cases.check_params(data["params"], runtime().extensions["geocoder"])
    row = use_cases.create(runtime(), principal.account_id, data["name"], params, data["frequency"])
    return json_response(view(row), 201, location=f"{bp.url_prefix}/{row['id']}")


@bp.get("")
@operation(summary="Your saved searches", tags=TAGS, responses={200: listing(SavedSearchOut)})
def index() -> Response:
    principal = require_principal(verified=False)
    rows = use_cases.list_for(runtime(), principal.account_id)
    return json_response({"items": [view(r) for r in rows]})


@bp.get("/<search_id>")
@operation(summary="One of your saved searches", tags=TAGS, responses={200: SavedSearchOut})
def show(search_id: str) -> Response:
    principal = require_principal(verified=False)
    return json_response(view(use_cases.get(runtime(), principal.account_id, search_id)))


@bp.patch("/<search_id>")
@operation(
    summary="Rename a saved search, change it or how often you hear about it",
    tags=TAGS,
    body=SavedSearchChange,
    responses={200: SavedSearchOut, 422: "Invalid"},
)
def change(search_id: str) -> Response:
    principal = require_principal(verified=False)
    changes = load(SavedSearchChange(), json_body())
    if "params" in changes:
        changes["params"] = use_cases.check_params(
            changes["params"], runtime().extensions["geocoder"]
        )
    row = use_cases.update(runtime(), principal.account_id, search_id, changes)
    return json_response(view(row))


@bp.delete("/<search_id>")
@operation(summary="Delete a saved search and its alerts", tags=TAGS, responses={204: None})
def delete(search_id: str) -> Response:
    principal = require_principal(verified=False)
    use_cases.delete(runtime(), principal.account_id, search_id)
    return Response(status=204)


@bp.get("/<search_id>/unsubscribe")
@operation(summary="The unsubscribe link in an alert email", tags=TAGS)
def unsubscribe_page(search_id: str) -> Response:
    token = request.args.get("token", "")
    if not wants_html():
        return json_response({"unsubscribe": "POST to this address to stop the alerts."})
    body = (
        "<p>You will stop getting emails about this saved search. "
        "The search stays saved, and you can turn alerts back on when you sign in.</p>"
        f'<form method="post" action="{html.escape(request.path)}">'
        f'<input type="hidden" name="token" value="{html.escape(token)}">'
        '<p><button type="submit">Stop these emails</button></p></form>'
    )
    return html_page("Stop emails about this search", body)


@bp.post("/<search_id>/unsubscribe")
@operation(
    summary="Stop alerts for a saved search (one-click, RFC 8058)",
    tags=TAGS,
    responses={200: None, 404: "The link is not valid"},
)
def unsubscribe(search_id: str) -> Response:
    # One-click posts carry the token in the address; the page's form posts it as a field.
    token = request.args.get("token") or request.form.get("token", "")
    try:
        row = use_cases.unsubscribe(runtime(), search_id, token)
    except NotFound as exc:
        if wants_html():
            return html_page("This link did not work", f"<p>{html.escape(exc.detail)}</p>", 404)
        raise
    if wants_html():
        message = f"You will get no more emails about \u201c{row['name']}\u201d."
        return html_page("You have unsubscribed", f"<p>{html.escape(message)}</p>")
    return json_response({"id": row["id"], "frequency": row["frequency"]})
