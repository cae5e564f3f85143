"""A volunteer's own account: profile, saved searches and alerts, password reset, export
and erasure."""

from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request
from werkzeug.wrappers import Response

from gateway.sessions import SESSION_COOKIE
from gateway.web.api import Answer, api
from gateway.web.forms import error_list, page, sign_in_first
from gateway.web.pages import profile_forms as profile_form
from gateway.web.pages import profile_searches as searches
from gateway.web.templating import signed_in_principal

bp = Blueprint("web_profile", __name__)
SAVED = "/api/v1/saved-searches"


@bp.get("/account")
def overview() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    found = api().get("/api/v1/me/account")
    return render_template("profile/overview.html", title="Your account", nav="account",
                           account=found.body if found.ok else None)  # fmt: skip


@bp.route("/account/profile", methods=["GET", "POST"])
def profile() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = profile_form.form_from_post(request.form)
        body, errors = profile_form.body_from_form(form)
        if not errors:
            answer = api().call("PATCH", "/api/v1/me/profile", body=body)
            if answer.ok:
                return redirect("/account/profile?saved=1", 303)
            errors = profile_form.api_errors(answer.errors()) or {
                "postcode": answer.detail or "Your profile was not saved. Try again."
            }
    else:
        form = profile_form.form_from_profile(page(api().get("/api/v1/me/profile")))
    return render_template(
        "profile/profile.html", title="Your volunteer profile", nav="account", form=form,
        choices=profile_form.choices(form), saved=request.args.get("saved") == "1",
        errors=errors, error_list=error_list(errors, {}),
    )  # fmt: skip


# -- saved searches ----------------------------------------------------------------------


@bp.get("/account/saved-searches")
def saved_searches() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    items = page(api().get(SAVED))["items"]
    for item in items:
        item["lines"] = searches.describe(item["params"])
        item["results"] = searches.results_link(item["params"])
    return render_template(
        "profile/saved_searches.html", title="Your saved searches", nav="account", items=items,
        frequencies=searches.FREQUENCIES, short=searches.FREQUENCY_SHORT,
        done=request.args.get("done", ""),
    )  # fmt: skip


@bp.route("/account/saved-searches/new", methods=["GET", "POST"])
def save_search() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    params = searches.params_from_page(request.args)
    form = {"name": request.form.get("name", searches.default_name(params)),
            "frequency": request.form.get("frequency", "daily")}  # fmt: skip
    errors: dict[str, str] = {}
    if request.method == "POST":
        answer = api().call("POST", SAVED, body={**form, "params": params})
        if answer.ok:
            return redirect("/account/saved-searches?done=saved", 303)
        errors = _search_errors(answer)
    return render_template(
        "profile/save_search.html", title="Save this search", nav="account", form=form,
        lines=searches.describe(params), results=searches.results_link(params),
        query=request.query_string.decode(), items=searches.frequency_items(form["frequency"]),
        errors=errors, error_list=error_list(errors, {"frequency": "frequency"}),
    )  # fmt: skip


def _search_errors(answer: Answer) -> dict[str, str]:
    """Field messages; a bad search (``params.*``), 403 (email not confirmed) or 409 (too
    many) has no field of its own on this form, so it goes on the name."""
    found = answer.errors()
    errors = {k: v for k, v in found.items() if k in {"name", "frequency"}}
    others = [v for k, v in found.items() if k not in errors]
    if others or not errors:
        errors["name"] = (others[0] if others else answer.detail) or "The search was not saved."
    return errors


@bp.post("/account/saved-searches/<search_id>/frequency")
def change_frequency(search_id: str) -> Response:
    if signed_in_principal() is None:  # signed out meanwhile: back to the list, not a POST
        return redirect("/sign-in?next=/account/saved-searches", 303)
    body = {"frequency": request.form.get("frequency", "")}
    page(api().call("PATCH", f"{SAVED}/{search_id}", body=body))
    return redirect("/account/saved-searches?done=changed", 303)


@bp.route("/account/saved-searches/<search_id>/delete", methods=["GET", "POST"])
def delete_search(search_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    if request.method == "POST":
        page(api().call("DELETE", f"{SAVED}/{search_id}"))
        return redirect("/account/saved-searches?done=deleted", 303)
    found = page(api().get(f"{SAVED}/{search_id}"))
    return render_template("profile/delete_search.html", title="Delete this saved search",
                           nav="account", search=found)  # fmt: skip


# -- password reset (no sign-in: the emailed link is the credential) ---------------------


@bp.route("/account/reset-password", methods=["GET", "POST"])
def reset_password() -> str | Response:
    form = {"email": request.form.get("email", "").strip()}
    errors: dict[str, str] = {}
    if request.method == "POST":
        answer = api().call("POST", "/api/v1/auth/password-reset", body=form)
        if answer.ok:
            return redirect("/account/reset-password/sent", 303)
        errors = answer.errors() or {"email": answer.detail or "Try again in a few minutes."}
    return render_template("profile/reset_password.html", title="Reset your password",
                           form=form, errors=errors, error_list=error_list(errors, {}))  # fmt: skip


@bp.get("/account/reset-password/sent")
def reset_sent() -> str:
    return render_template("profile/reset_sent.html", title="Check your email")


@bp.route("/account/reset-password/new", methods=["GET", "POST"])
def new_password() -> Response:
    token = request.values.get("token", "")
    errors: dict[str, str] = {}
    if request.method == "POST":
        body = {"token": token, "password": request.form.get("password", "")}
        answer = api().call("POST", "/api/v1/auth/password-reset/confirm", body=body)
        if answer.ok:
            return redirect("/account/reset-password/done", 303)
        errors = answer.errors()
        usable = "token" not in errors
    else:
        usable = api().get("/api/v1/auth/password-reset/confirm", {"token": token}).ok
    if usable:
        html = render_template("profile/new_password.html", title="Choose a new password",
                               token=token, errors=errors,
                               error_list=error_list(errors, {}))  # fmt: skip
    else:
        html = render_template("profile/reset_failed.html", title="This link did not work",
                               message=errors.get("token", ""))  # fmt: skip
    response = make_response(html, 200 if usable else 400)
    # The token is in this page's URL (or form): no link on it may pass it on in a Referer.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/account/reset-password/done")
def reset_done() -> str:
    return render_template("profile/reset_done.html", title="Your password has been changed")


# -- your data: download and delete ------------------------------------------------------


@bp.get("/account/data")
def data() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    return render_template("profile/data.html", title="Your data", nav="account")


@bp.route("/account/delete", methods=["GET", "POST"])
def delete_account() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    errors: dict[str, str] = {}
    if request.method == "POST":
        body = {"password": request.form.get("password", "")}
        answer = api().call("DELETE", "/api/v1/me", body=body)
        if answer.ok:
            return _forget_session(redirect("/account/deleted", 303), answer)
        errors = answer.errors() or {"password": answer.detail or "Try again later."}
    return render_template("profile/delete_account.html", title="Delete your account",
                           nav="account", errors=errors,
                           error_list=error_list(errors, {}))  # fmt: skip


@bp.get("/account/deleted")
def deleted() -> str:
    return render_template("profile/deleted.html", title="Your account has been deleted")


def _forget_session(response: Response, answer: Answer) -> Response:
    """Pass on the API's deletion of the session cookie, so the browser is signed out."""
    for name, value in answer.headers:
        if name.lower() == "set-cookie" and value.startswith(f"{SESSION_COOKIE}="):
            response.headers.add("Set-Cookie", value)
    return response
