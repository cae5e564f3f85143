"""The credentials wallet: DBS checks, training and other requirements, added and removed by
the volunteer, and the organisations that may see (and verify) them."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request
from werkzeug.wrappers import Response

from gateway.web.api import api
from gateway.web.forms import error_list, page, sign_in_first
from gateway.web.pages.micro_format import parse_date, plain, render
from gateway.web.templating import vocabularies
from services.common.vocab.micro import TRAINING_TYPES

# Each kind's form fields, in the API's names; the page's ids are "<kind>-<field>".
FIELDS = {
    "dbs": ("level", "workforce", "issued_on", "update_service"),
    "training": ("type", "completed_on", "expires_on"),
    "requirement": ("code", "obtained_on", "expires_on"),
}
DATES = {"issued_on", "completed_on", "obtained_on", "expires_on"}
DBS_LEVELS = {"basic": "Basic", "standard": "Standard", "enhanced": "Enhanced"}
WORKFORCES = {
    "adult": "Adult workforce",
    "child": "Child workforce",
    "both": "Adult and child workforce",
}


def wallet() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    return _page({}, {}, None)


def add() -> Any:
    if (go := sign_in_first()) is not None:
        return go
    kind = request.form.get("kind", "")
    if kind not in FIELDS:
        abort(400)
    form = {f"{kind}-{name}": request.form.get(f"{kind}-{name}", "") for name in FIELDS[kind]}
    answer = api().call("POST", "/api/v1/credentials", body=_body(kind))
    if answer.ok:
        return redirect("/account/credentials?done=added", 303)
    found = answer.errors() or {FIELDS[kind][0]: answer.detail}
    errors = {f"{kind}-{name if name in FIELDS[kind] else FIELDS[kind][0]}": message
              for name, message in found.items()}  # fmt: skip
    labels = {f"{kind}-{n}": n.replace("_on", " date").replace("_", " ") for n in FIELDS[kind]}
    return _page(form, plain(errors, labels), kind), 422


def _body(kind: str) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": kind}
    for name in FIELDS[kind]:
        value = request.form.get(f"{kind}-{name}", "").strip()
        if name == "update_service":
            body[name] = value == "yes"
        elif value:
            body[name] = parse_date(value) if name in DATES else value
        elif name != "expires_on":
            body[name] = None  # the API says it is needed
    return body


def remove(credential_id: str) -> Any:
    if (go := sign_in_first()) is not None:
        return go
    answer = api().call("DELETE", f"/api/v1/credentials/{credential_id}")
    if not answer.ok:
        abort(404)
    return redirect("/account/credentials?done=removed", 303)


def shares() -> Any:
    if (go := sign_in_first()) is not None:
        return go
    chosen = [v for v in request.form.getlist("organisation_ids") if v]
    answer = api().call("PUT", "/api/v1/credentials/shares", body={"organisation_ids": chosen})
    if answer.ok:
        return redirect("/account/credentials?done=shared", 303)
    errors = {"organisation_ids": next(iter(answer.errors().values()), answer.detail)}
    return _page({}, errors, None), 422


def _page(form: dict[str, str], errors: dict[str, str], kind: str | None) -> str:
    items = page(api().get("/api/v1/credentials"))["items"]
    shared = page(api().get("/api/v1/credentials/shares"))
    return render(
        "credentials.html", title="Your checks and training", nav="microtasks", items=items,
        shared=shared, choices=_share_choices(shared), form=form, kind=kind,
        done=request.args.get("done"), levels=DBS_LEVELS, workforces=WORKFORCES,
        trainings=TRAINING_TYPES, requirements=_requirements(), errors=errors,
        error_list=error_list(errors, {}),
    )  # fmt: skip


def _share_choices(shared: dict[str, Any]) -> list[dict[str, Any]]:
    """Organisations the volunteer may share with: those already chosen, and those whose
    short tasks were offered to them."""
    names = {s["organisation_id"]: s["name"] for s in shared["organisations"]}
    offered = api().get("/api/v1/microtasks/offers")
    for item in offered.body["items"] if offered.ok else []:
        if item["organisation_id"] not in names:
            found = api().get(f"/api/v1/organisations/{item['organisation_id']}")
            if found.ok:
                names[item["organisation_id"]] = found.body["name"]
    return [
        {"value": org_id, "text": name, "checked": org_id in shared["organisation_ids"]}
        for org_id, name in sorted(names.items(), key=lambda kv: kv[1])
    ]


def _requirements() -> dict[str, str]:
    """Other requirement codes: DBS checks and training have their own forms."""
    found = vocabularies().get("requirements")
    return {code: found.label(code) for code in found.codes if code != "DBSCheck"}
