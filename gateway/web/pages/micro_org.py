"""An organisation's short tasks: the list, posting one (offered at once to the best-placed
volunteers), and one task with its candidates and bookings, where coordinators cancel it
and confirm who came. Whether the visitor may do any of it is the API's decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, redirect, request
from werkzeug.wrappers import Response

from gateway.web.api import api
from gateway.web.forms import error_list, page, sign_in_first
from gateway.web.pages.micro_format import UK, parse_date, plain, render, uk
from services.common.vocab.micro import TASK_TYPES, TRAINING_TYPES

DURATIONS = (15, 30, 45, 60, 90, 120, 180, 240)
TASK_FIELDS = ("task_type", "title", "description", "where", "postcode", "date", "time",
               "duration", "volunteers_needed", "min_age", "dbs_level", "dbs_workforce",
               "verified", "person_ref")  # fmt: skip
FIELD_IDS = {"starts_at": "date", "duration_minutes": "duration", "remote": "where",
             "organisation_id": "title", "needs": "training"}  # fmt: skip


LABELS = {"task_type": "the kind of task", "title": "a title", "date": "the date and start time",
          "duration": "how long", "volunteers_needed": "the volunteers needed",
          "min_age": "the minimum age", "postcode": "the postcode"}  # fmt: skip


def tasks(org_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    found = page(api().get("/api/v1/microtasks", {"organisation_id": org_id, "limit": 200}))
    return render("org_tasks.html", title="Short tasks", nav="manage", org_id=org_id,
                  organisation=_name(org_id), items=found["items"])  # fmt: skip


def new_task(org_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    # Members only: the list answers 403/404 to anyone else, before a form is shown.
    page(api().get("/api/v1/microtasks", {"organisation_id": org_id, "limit": 1}))
    form: dict[str, Any] = {name: request.form.get(name, "") for name in TASK_FIELDS}
    form["training"] = request.form.getlist("training")
    errors: dict[str, str] = {}
    if request.method == "POST":
        answer = api().call("POST", "/api/v1/microtasks", body=_task_body(org_id, form))
        if answer.ok:
            return redirect(f"/manage/{org_id}/microtasks/{answer.body['id']}?posted=1", 303)
        if answer.status in {403, 404}:
            abort(answer.status)
        found = answer.errors() or {"title": answer.detail}
        errors = {}
        for name, message in found.items():
            errors.setdefault(FIELD_IDS.get(name.split("[")[0], name), message)
        errors = plain(errors, LABELS)
    elif not form["where"]:
        form.update(where="in_person", duration="60", volunteers_needed="1", min_age="18")
    return render(
        "org_new_task.html", title="Post a short task", nav="manage", org_id=org_id,
        organisation=_name(org_id), form=form, task_types=TASK_TYPES, trainings=TRAINING_TYPES,
        durations=DURATIONS, errors=errors, error_list=error_list(errors, {}),
    )  # fmt: skip


def _task_body(org_id: str, form: dict[str, Any]) -> dict[str, Any]:
    remote = form["where"] == "remote"
    needs: list[dict[str, Any]] = [
        {"kind": "training", "code": code, "verified": form["verified"] == "yes"}
        for code in form["training"]
    ]
    if form["dbs_level"]:
        dbs = {"kind": "requirement", "code": "DBSCheck", "verified": form["verified"] == "yes",
               "dbs_level": form["dbs_level"],
               "dbs_workforce": form["dbs_workforce"] or None}  # fmt: skip
        needs.insert(0, dbs)
    return {
        "organisation_id": org_id, "task_type": form["task_type"], "title": form["title"].strip(),
        "description": form["description"].strip(), "remote": remote,
        "postcode": None if remote else form["postcode"].strip() or None,
        "starts_at": _starts_at(form["date"], form["time"]),
        "duration_minutes": _number(form["duration"]), "needs": needs,
        "volunteers_needed": _number(form["volunteers_needed"]),
        "min_age": _number(form["min_age"]), "person_ref": form["person_ref"].strip() or None,
    }  # fmt: skip


def _starts_at(date: str, time: str) -> str | None:
    """The UK date and time typed, as an instant with its offset (the API wants one)."""
    try:
        day = dt.date.fromisoformat(parse_date(date))
        hour, minute = (int(part) for part in time.strip().replace(".", ":").split(":"))
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=UK).isoformat()
    except ValueError:
        return date or None  # the API says what is wrong with it


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return text or None


def task(org_id: str, task_id: str, errors: dict[str, str] | None = None) -> Any:
    if (go := sign_in_first()) is not None:
        return go
    found = page(api().get(f"/api/v1/microtasks/{task_id}"))
    if found["organisation_id"] != org_id or "booking" in found:
        abort(404)  # the volunteer's view of a task, or another organisation's path
    candidates = page(api().get(f"/api/v1/microtasks/{task_id}/candidates", {"limit": 50}))
    bookings = page(api().get(f"/api/v1/microtasks/{task_id}/bookings"))["items"]
    started = uk(found["starts_at"]) <= dt.datetime.now(dt.UTC)
    errors = errors or {}
    body = render(
        "org_task.html", title=found["title"], nav="manage", org_id=org_id, task=found,
        organisation=_name(org_id), candidates=candidates, bookings=bookings, started=started,
        done=request.args.get("posted") and "Your task is posted and offered to volunteers",
        errors=errors, error_list=error_list(errors, {}),
    )  # fmt: skip
    return body, 422 if errors else 200


def cancel(org_id: str, task_id: str) -> Any:
    if (go := sign_in_first()) is not None:
        return go
    answer = api().call("POST", f"/api/v1/microtasks/{task_id}/cancel")
    if answer.status in {403, 404}:
        abort(404)
    if not answer.ok:
        return task(org_id, task_id, {"cancel": answer.detail or "This task cannot be cancelled."})
    return redirect(f"/manage/{org_id}/microtasks/{task_id}", 303)


def attendance(org_id: str, task_id: str, booking_id: str) -> Any:
    if (go := sign_in_first()) is not None:
        return go
    attended = request.form.get(f"attended-{booking_id}", "")
    body: dict[str, Any] = {"attended": attended == "yes" if attended else None}
    minutes = request.form.get(f"minutes-{booking_id}", "").strip()
    if minutes:
        body["minutes"] = _number(minutes)
    path = f"/api/v1/microtasks/{task_id}/bookings/{booking_id}/attendance"
    answer = api().call("POST", path, body=body)
    if answer.status in {403, 404}:
        abort(404)
    if not answer.ok:
        found = answer.errors()
        field = "minutes" if "minutes" in found else "attended"
        message = found.get(field) or answer.detail or "That did not work."
        if field == "attended" and attended == "":
            message = "Say whether the volunteer came"
        return task(org_id, task_id, {f"{field}-{booking_id}": message})
    return redirect(f"/manage/{org_id}/microtasks/{task_id}", 303)


def _name(org_id: str) -> str:
    found = api().get(f"/api/v1/organisations/{org_id}")
    return str(found.body["name"]) if found.ok else "Your organisation"
