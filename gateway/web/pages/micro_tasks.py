"""The volunteer's side of micro-tasks: the tasks offered to them, one task with why they
were asked, and accepting, declining or giving back a place."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request
from werkzeug.wrappers import Response

from gateway.web.api import Answer, api
from gateway.web.forms import page, sign_in_first
from gateway.web.pages.micro_format import render

DONE = {
    "accepted": "You have this task",
    "declined": "You declined this task",
    "withdrawn": "You gave this task back",
}


def offers() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    items = page(api().get("/api/v1/microtasks/offers"))["items"]
    waiting = [i for i in items if i["booking"]["status"] == "offered"]
    others = [i for i in items if i["booking"]["status"] != "offered"]
    return render("offers.html", title="Short tasks offered to you", nav="microtasks",
                  waiting=waiting, others=others, names=_names(items))  # fmt: skip


def task(task_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    return _task_page(task_id)


def _task_page(task_id: str, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    answer = api().get(f"/api/v1/microtasks/{task_id}")
    if answer.status == 404:
        abort(404)
    found = page(answer)
    errors = errors or {}
    body = render(
        "task.html", title=found["title"], nav="microtasks", task=found,
        booking=found.get("booking"), organisation=_names([found]).get(found["organisation_id"]),
        done=DONE.get(request.args.get("done", "")),
        form={"reason": request.form.get("reason", "")},
        errors=errors, error_list=[{"text": m, "href": f"#{k}"} for k, m in errors.items()],
    )  # fmt: skip
    return body, status


def accept(task_id: str) -> Any:
    return _answer(task_id, "accept", "accepted")


def decline(task_id: str) -> Any:
    return _answer(task_id, "decline", "declined")


def withdraw(task_id: str) -> Any:
    if (go := sign_in_first()) is not None:
        return go
    body = {"reason": request.form.get("reason", "").strip()}
    answer = api().call("POST", f"/api/v1/microtasks/{task_id}/withdraw", body=body)
    if answer.ok:
        return redirect(f"/microtasks/{task_id}?done=withdrawn", 303)
    if answer.status == 404:
        abort(404)
    return _task_page(task_id, {"reason": _message(answer)}, 409)


def _answer(task_id: str, action: str, done: str) -> Any:
    if (go := sign_in_first()) is not None:
        return go
    answer = api().call("POST", f"/api/v1/microtasks/{task_id}/{action}")
    if answer.ok:
        return redirect(f"/microtasks/{task_id}?done={done}", 303)
    if answer.status == 404:
        abort(404)
    # The place went to someone else, the offer lapsed, or it clashes with another task.
    return _task_page(task_id, {"answer": _message(answer)}, 409)


def _message(answer: Answer) -> str:
    return next(iter(answer.errors().values()), "") or answer.detail or "That did not work."


def _names(items: list[dict[str, Any]]) -> dict[str, str]:
    """Organisation names for the tasks shown (public details from the API)."""
    names = {}
    for org_id in {i["organisation_id"] for i in items}:
        found = api().get(f"/api/v1/organisations/{org_id}")
        names[org_id] = found.body["name"] if found.ok else "An organisation"
    return names
