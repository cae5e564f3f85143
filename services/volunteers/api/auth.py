"""HTTP handlers for accounts: registration, verification, sign-in, sessions, passwords.

Sign-in returns a 15-minute access token (a JWT every service checks on its own) and sets a
session cookie backed by a row in ``account_sessions``. Signing out deletes that row, so the
cookie can no longer mint tokens; access tokens already issued are not revoked, because they
expire within 15 minutes and checking a revocation list would put this service on every
request of every other service.
"""

from __future__ import annotations

import html
from typing import Any

from flask import Blueprint, Response, current_app, request
from marshmallow import Schema, fields

from services.common.auth import (
    ACCESS_TOKEN_TTL,
    current_principal,
    issue_token,
    require_principal,
)
from services.common.openapi import operation
from services.common.problems import Problem
from services.common.validation import InvalidInput
from services.volunteers.api.common import (
    client_ip,
    form_or_json,
    html_page,
    json_body,
    json_response,
    load,
    runtime,
    wants_html,
)
from services.volunteers.domain.accounts import SESSION_TTL, Account
from services.volunteers.domain.passwords import MIN_LENGTH
from services.volunteers.service_layer import accounts as use_cases
from services.volunteers.service_layer.applications import staff_centres

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")
me = Blueprint("me_account", __name__, url_prefix="/api/v1/me")
SESSION_COOKIE = "vmp_session"
TAGS = ("accounts",)


def _text(missing: str, **kwargs: Any) -> fields.String:
    messages: dict[str, Any] = {"required": missing, "null": missing}
    messages["invalid"] = "This must be text"
    return fields.String(error_messages=messages, **kwargs)


class RegisterIn(Schema):
    email = _text("Enter an email address", load_default="")
    password = _text("Enter a password", load_default="")
    name = _text("Enter your name", load_default="")
    account_type = _text(
        "Choose whether this is a volunteer or an organisation account",
        load_default="",
        metadata={"enum": ["volunteer", "organisation"]},
    )


class AccountOut(Schema):
    id = fields.String()
    email = fields.String()
    name = fields.String()
    account_type = fields.String(metadata={"enum": ["volunteer", "organisation"]})
    email_verified = fields.Boolean()


class VerifyIn(Schema):
    token = _text("Enter the token from the link", required=True)


class SignInIn(Schema):
    email = _text("Enter your email address", required=True)
    password = _text("Enter your password", required=True)


class TokenOut(Schema):
    access_token = fields.String()
    token_type = fields.String(metadata={"enum": ["bearer"]})
    expires_in = fields.Integer(metadata={"description": "Seconds until the token expires"})


class ResetIn(Schema):
    email = _text("Enter your email address", required=True)


class ResetConfirmIn(Schema):
    token = _text("Enter the token from the link", required=True)
    password = _text("Enter a new password", required=True)


class ChangeEmailIn(Schema):
    password = _text("Enter your password", required=True)
    new_email = _text("Enter your new email address", required=True)


def account_view(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "email": account.email,
        "name": account.name,
        "account_type": account.account_type.value,
        "email_verified": account.email_verified,
    }


@bp.post("/register")
@operation(
    summary="Create an account; a verification email follows",
    tags=TAGS,
    body=RegisterIn,
    responses={201: AccountOut, 409: "The email address already has an account", 422: None},
)
def register() -> Response:
    data = load(RegisterIn(), json_body())
    account = use_cases.register(runtime(), **data, ip=client_ip())
    return json_response(account_view(account), 201, location="/api/v1/me/account")


@bp.post("/verify")
@operation(
    summary="Confirm an email address with the token from the link",
    tags=TAGS,
    body=VerifyIn,
    responses={200: AccountOut, 422: "The link is not valid any more"},
)
def verify() -> Response:
    data = load(VerifyIn(), json_body())
    return json_response(account_view(use_cases.verify_email(runtime(), data["token"])))


@bp.get("/verify")
def verify_link() -> Response:
    """The link in a verification email: confirms the address and says so."""
    token = request.args.get("token", "")
    if not wants_html():
        return json_response(account_view(use_cases.verify_email(runtime(), token)))
    try:
        use_cases.verify_email(runtime(), token)
    except InvalidInput as exc:
        return html_page("This link did not work", _paragraphs(exc.errors.get("token", [])), 422)
    return html_page(
        "Your email address is confirmed",
        _paragraphs(["You can now sign in and apply for volunteering roles."]),
    )


@bp.post("/verify/resend")
@operation(summary="Send the verification email again", tags=TAGS, responses={202: None})
def resend() -> Response:
    principal = require_principal(verified=False)
    use_cases.resend_verification(runtime(), principal.account_id)
    return json_response({"detail": "We have sent you a new link."}, 202)


@bp.post("/token")
@operation(
    summary="Sign in: an access token, and a session cookie for the web pages",
    tags=TAGS,
    body=SignInIn,
    responses={200: TokenOut, 401: None, 429: None},
)
def token() -> Response:
    data = load(SignInIn(), json_body())
    signed_in = use_cases.sign_in(runtime(), **data, ip=client_ip())
    response = _token_response(signed_in.account)
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.session_secret,
        max_age=int(SESSION_TTL.total_seconds()),
        path="/",
        httponly=True,
        secure=current_app.config["VMP"].production,
        samesite="Lax",
    )
    return response


@bp.post("/refresh")
@operation(
    summary="A fresh access token from the session cookie",
    tags=TAGS,
    responses={200: TokenOut, 401: None},
)
def refresh() -> Response:
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise Problem(401, "Unauthorized", "Sign in to do this.")
    return _token_response(use_cases.refresh(runtime(), secret))


@bp.post("/logout")
@operation(
    summary="Sign out: end the session behind the cookie (or, without one, all)",
    tags=TAGS,
    responses={204: None},
)
def logout() -> Response:
    # Deleting the session stops the cookie minting new access tokens. Tokens already minted
    # stay valid until they expire (15 minutes at most): no revocation list is kept for them.
    try:
        principal = current_principal()
    except Problem:  # an expired access token must not stop anyone signing out
        principal = None
    use_cases.sign_out(
        runtime(),
        session_secret=request.cookies.get(SESSION_COOKIE),
        account_id=principal.account_id if principal else None,
    )
    response = Response(status=204)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=current_app.config["VMP"].production,
    )
    return response


@bp.post("/password-reset")
@operation(
    summary="Email a password reset link (the answer never says if the address is known)",
    tags=TAGS,
    body=ResetIn,
    responses={202: None, 429: None},
)
def password_reset() -> Response:
    data = load(ResetIn(), json_body())
    use_cases.request_password_reset(runtime(), data["email"], client_ip())
    detail = "If an account uses that email address, we have sent it a link to reset the password."
    return json_response({"detail": detail}, 202)


@bp.post("/password-reset/confirm")
@operation(
    summary="Choose a new password with the token from the link",
    tags=TAGS,
    body=ResetConfirmIn,
    responses={204: None, 422: None},
)
def password_reset_confirm() -> Response:
    body = form_or_json()
    html_form = request.mimetype == "application/x-www-form-urlencoded"
    try:
        data = load(ResetConfirmIn(), body)
        use_cases.reset_password(runtime(), data["token"], data["password"])
    except InvalidInput as exc:
        if not html_form:
            raise
        return _reset_form(str(body.get("token", "")), exc.errors)
    if html_form:
        return html_page(
            "Your password has been changed", _paragraphs(["Sign in with your new password."])
        )
    return Response(status=204)


@bp.get("/password-reset/confirm")
def password_reset_form() -> Response:
    """The link in a reset email: a form to choose a new password (the link is not spent)."""
    token = request.args.get("token", "")
    problem = use_cases.reset_link_problem(runtime(), token)
    if problem:
        return html_page("This link did not work", _paragraphs([problem]), 422)
    return _reset_form(token, {})


@bp.post("/change-email")
@operation(
    summary="Change the account's email address (after confirming the new one)",
    tags=TAGS,
    body=ChangeEmailIn,
    responses={202: None, 409: None, 422: None},
)
def change_email() -> Response:
    principal = require_principal(verified=False)
    data = load(ChangeEmailIn(), json_body())
    pending = use_cases.change_email(runtime(), principal.account_id, **data, ip=client_ip())
    detail = "We have sent a link to the new address. Your email changes when you follow it."
    return json_response({"pending_email": pending, "detail": detail}, 202)


@me.get("/account")
@operation(summary="The signed-in account", tags=TAGS, responses={200: AccountOut})
def my_account() -> Response:
    principal = require_principal(verified=False)
    return json_response(account_view(use_cases.get_account(runtime(), principal.account_id)))


def _token_response(account: Account) -> Response:
    # Minted on the wall clock (not the service's clock): every service checks expiry by it.
    centres = staff_centres(runtime(), account.id)
    access_token = issue_token(
        current_app.config["VMP_AUTH_SECRET"],
        account.id,
        email_verified=account.email_verified,
        roles=_roles(account, centres),
        centres=centres,
        account_type=account.account_type.value,
        ttl=ACCESS_TOKEN_TTL,
    )
    body = {
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": int(ACCESS_TOKEN_TTL.total_seconds()),
    }
    response = json_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def _roles(account: Account, centres: list[str]) -> list[str]:
    """Platform-wide roles: ``vc_staff`` for members of an approved Volunteer Centre (the
    opportunities service lets them moderate, this one lets them read escalations)."""
    return (["admin"] if account.is_admin else []) + (["vc_staff"] if centres else [])


def _paragraphs(lines: list[str]) -> str:
    return "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)


def _reset_form(token: str, errors: dict[str, list[str]]) -> Response:
    problems = [m for messages in errors.values() for m in messages]
    summary = ""
    if problems:
        items = "".join(f"<li>{html.escape(m)}</li>" for m in problems)
        summary = f'<div role="alert"><h2>There is a problem</h2><ul>{items}</ul></div>'
    form = (
        f'{summary}<form method="post" action="{request.path}">'
        f'<input type="hidden" name="token" value="{html.escape(token)}">'
        f'<p><label for="password">New password (at least {MIN_LENGTH} characters)</label><br>'
        f'<input id="password" name="password" type="password" autocomplete="new-password" '
        f'minlength="{MIN_LENGTH}" required></p>'
        '<p><button type="submit">Change password</button></p></form>'
    )
    return html_page("Choose a new password", form, 422 if problems else 200)
