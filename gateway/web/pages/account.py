"""Accounts: create one, confirm the email address, sign in and out."""

from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request
from werkzeug.wrappers import Response

from gateway.sessions import SESSION_COOKIE
from gateway.web.api import Answer, api
from gateway.web.forms import error_list, safe_next

bp = Blueprint("account", __name__)
ACCOUNT_TYPES = {
    "volunteer": "I want to volunteer",
    "organisation": "I post roles for an organisation",
}
REGISTER_FIELDS = ("name", "email", "password", "account_type")


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    form = {name: request.form.get(name, "") for name in REGISTER_FIELDS}
    form["next"] = safe_next(request.values.get("next"))
    errors: dict[str, str] = {}
    if request.method == "POST":
        answer = api().call("POST", "/api/v1/auth/register",
                            body={k: form[k] for k in REGISTER_FIELDS})  # fmt: skip
        if answer.ok:
            return render_template("account/check_email.html", title="Check your email",
                                   email=answer.body["email"], next=form["next"])  # fmt: skip
        errors = _field_errors(answer, "email")
    return render_template(
        "account/register.html", title="Create an account", nav="register", form=form,
        errors=errors, error_list=error_list(errors, {"account_type": "account_type"}),
        account_types=ACCOUNT_TYPES,
    )  # fmt: skip


@bp.get("/account/verify")
def verify() -> Response:
    answer = api().call(
        "POST", "/api/v1/auth/verify", body={"token": request.args.get("token", "")}
    )
    page = render_template(
        "account/verified.html",
        title="Your email address is confirmed" if answer.ok else "This link did not work",
        confirmed=answer.ok,
        messages=list(answer.errors().values()) or [answer.detail],
    )
    response = make_response(page, 200 if answer.ok else 400)
    # The token is in this page's URL: no link on it may pass it on in a Referer.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response:
    form = {"email": request.form.get("email", ""), "next": safe_next(request.values.get("next"))}
    errors: dict[str, str] = {}
    if request.method == "POST":
        body = {"email": form["email"], "password": request.form.get("password", "")}
        answer = api().call("POST", "/api/v1/auth/token", body=body)
        if answer.ok:
            return _with_cookies(redirect(form["next"] or "/search", 303), answer)
        errors = _field_errors(answer, "email")
    return render_template("account/sign_in.html", title="Sign in", nav="sign-in", form=form,
                           errors=errors, error_list=error_list(errors, {}))  # fmt: skip


@bp.get("/sign-out")
def sign_out_page() -> str:
    return render_template("account/sign_out.html", title="Sign out", nav="sign-out")


@bp.post("/sign-out")
def sign_out() -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    answer = api().call(
        "POST", "/api/v1/auth/logout", cookie=f"{SESSION_COOKIE}={cookie}" if cookie else None
    )
    return _with_cookies(redirect("/signed-out", 303), answer)


@bp.get("/signed-out")
def signed_out() -> str:
    return render_template("account/signed_out.html", title="You have signed out")


def _field_errors(answer: Answer, fallback_field: str) -> dict[str, str]:
    """Field messages; a problem without fields (401, 409, 429) is put on one field."""
    errors = answer.errors()
    if not errors:
        errors = {fallback_field: answer.detail or "Something went wrong. Try again."}
    return errors


def _with_cookies(response: Response, answer: Answer) -> Response:
    """Pass on the session cookie the volunteers service set or deleted."""
    for name, value in answer.headers:
        if name.lower() == "set-cookie" and value.startswith(f"{SESSION_COOKIE}="):
            response.headers.add("Set-Cookie", value)
    return response
