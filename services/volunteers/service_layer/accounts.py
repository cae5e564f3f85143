"""Account use cases: register, verify, sign in and out, reset a password, change email.

Refusals that must still be remembered (a wrong password counts towards a lockout) are
returned from inside the unit of work and raised after it commits; everything else raises
inside it, so nothing is written.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from services.common.mail import Message
from services.common.runtime import ServiceRuntime
from services.common.validation import InvalidInput
from services.volunteers.adapters.accounts_repository import email_taken
from services.volunteers.domain.accounts import (
    SESSION_TTL,
    UNKNOWN_TOKEN,
    Account,
    Conflict,
    DomainError,
    InvalidCredentials,
    NotFound,
    OneTimeToken,
    SignInPolicy,
    TokenPurpose,
    TooManyAttempts,
    check_registration,
    digest,
    email_key,
    new_secret,
    normalise_email,
)
from services.volunteers.domain.passwords import password_problems
from services.volunteers.service_layer.unit_of_work import (
    UnitOfWork,
    mail_relay,
    passwords,
    unit_of_work,
)

POLICY = SignInPolicy()
SIGN_IN, REGISTER, RESET, RESEND = "sign-in", "register", "password-reset", "resend"
WRONG_CREDENTIALS = "The email address or password is not right."
VERIFYING = (TokenPurpose.VERIFY_EMAIL, TokenPurpose.CHANGE_EMAIL)


@dataclass(frozen=True)
class SignedIn:
    account: Account
    session_secret: str  # for the session cookie; only its digest is stored


def register(
    runtime: ServiceRuntime,
    *,
    email: str,
    password: str,
    name: str,
    account_type: str,
    ip: str | None,
) -> Account:
    address, kind = check_registration(email, password, name, account_type)
    password_hash = passwords(runtime).hash(password)  # slow: before taking the write lock
    with unit_of_work(runtime) as uow:
        _check_ip(uow, REGISTER, ip)
        if uow.accounts.key_taken(email_key(address)):
            raise email_taken()
        account = Account.register(
            email=address,
            name=name,
            account_type=kind,
            password_hash=password_hash,
            now=uow.now,
        )
        uow.accounts.add(account)
        uow.attempts.record(REGISTER, None, ip, "success", uow.now)
        uow.publish(account)
        _send_link(uow, account, TokenPurpose.VERIFY_EMAIL)
    return account


def verify_email(runtime: ServiceRuntime, secret: str) -> Account:
    """Spend a verification link; a second click on a spent link that did its job is fine."""
    with unit_of_work(runtime) as uow:
        token = uow.tokens.get(digest(secret))
        if token is None or token.purpose not in VERIFYING:
            raise InvalidInput.field("token", UNKNOWN_TOKEN)
        account = _account(uow, token.account_id)
        still_current = token.purpose is TokenPurpose.CHANGE_EMAIL or token.email == account.email
        if not still_current:
            raise InvalidInput.field("token", UNKNOWN_TOKEN)  # the address has changed since
        refusal = token.refusal(uow.now)
        if refusal and token.used_at and account.email_verified and account.email == token.email:
            return account
        if refusal:
            raise InvalidInput.field("token", refusal)
        owner = uow.accounts.by_email_key(email_key(token.email))
        if owner is not None and owner.id != account.id:
            raise email_taken("token")
        account.verify_email(token.email, uow.now)
        uow.accounts.save(account)
        uow.tokens.spend_all(account.id, VERIFYING, uow.now)
        uow.publish(account)
    return account


def resend_verification(runtime: ServiceRuntime, account_id: str) -> None:
    with unit_of_work(runtime) as uow:
        account = _account(uow, account_id)
        if account.email_verified:
            raise Conflict("Your email address is already verified.")
        _spend_mail_quota(uow, RESEND, account.email_key, quietly=False)
        _send_link(uow, account, TokenPurpose.VERIFY_EMAIL)


def sign_in(runtime: ServiceRuntime, *, email: str, password: str, ip: str | None) -> SignedIn:
    with unit_of_work(runtime) as uow:
        _check_ip(uow, SIGN_IN, ip)
        key = email.strip().casefold()
        account = uow.accounts.by_email_key(key)
        refusal = _check_password(uow, key, account, password, ip)
        if refusal is None and account is not None:
            _upgrade_hash(uow, account, password)
            secret = new_secret()
            uow.sessions.add(digest(secret), account.id, uow.now, SESSION_TTL)
            outcome: SignedIn | DomainError = SignedIn(account, secret)
        else:
            outcome = refusal or InvalidCredentials(WRONG_CREDENTIALS)
    if isinstance(outcome, DomainError):
        raise outcome  # after the commit: the failed attempt is remembered
    return outcome


def _check_password(
    uow: UnitOfWork, key: str, account: Account | None, password: str, ip: str | None
) -> DomainError | None:
    """None if ``password`` is right and the address is not locked; else the refusal."""
    hasher = passwords(uow.runtime)
    locked_for = _locked_for(uow, key)
    if locked_for is not None:
        uow.attempts.record(SIGN_IN, key, ip, "locked", uow.now)
        return _locked(locked_for)
    if account is None:
        hasher.verify_nothing(password)
    if account is None or not hasher.verify(account.password_hash, password):
        return _failed(uow, key, ip)
    uow.attempts.record(SIGN_IN, key, ip, "success", uow.now)
    return None


def _locked_for(uow: UnitOfWork, key: str) -> dt.timedelta | None:
    marker = uow.attempts.last_marker(SIGN_IN, key)
    if marker is None or marker.outcome != "lockout":
        return None
    ends = marker.at + POLICY.lockout
    return ends - uow.now if ends > uow.now else None


def _failed(uow: UnitOfWork, key: str, ip: str | None) -> DomainError:
    """Count a failure; the fifth within the window locks the address (known or not)."""
    uow.attempts.record(SIGN_IN, key, ip, "failure", uow.now)
    marker = uow.attempts.last_marker(SIGN_IN, key)
    since = uow.now - POLICY.failure_window
    failures = uow.attempts.count(SIGN_IN, key, "failure", since, marker.id if marker else 0)
    if failures < POLICY.max_failures:
        return InvalidCredentials(WRONG_CREDENTIALS)
    uow.attempts.record(SIGN_IN, key, None, "lockout", uow.now)
    return _locked(POLICY.lockout)


def _locked(remaining: dt.timedelta) -> TooManyAttempts:
    minutes = max(1, round(remaining.total_seconds() / 60))
    return TooManyAttempts(
        "There have been too many attempts to sign in to this account, so it is locked for "
        f"{minutes} minute{'s' if minutes != 1 else ''}. Try again later, or reset your password.",
        remaining,
    )


def _check_ip(uow: UnitOfWork, kind: str, ip: str | None) -> None:
    if ip is None:
        return
    count, oldest = uow.attempts.from_ip(kind, ip, uow.now - POLICY.ip_window)
    if count >= POLICY.per_ip and oldest is not None:
        raise TooManyAttempts(
            "There have been too many attempts from your network. Wait a minute and try again.",
            oldest + POLICY.ip_window - uow.now,
        )


def _upgrade_hash(uow: UnitOfWork, account: Account, password: str) -> None:
    hasher = passwords(uow.runtime)
    if hasher.needs_rehash(account.password_hash):
        account.change_password(hasher.hash(password), uow.now)
        uow.accounts.save(account)


def refresh(runtime: ServiceRuntime, session_secret: str) -> Account:
    """The account behind a live session (for a fresh access token)."""
    with unit_of_work(runtime) as uow:
        record = uow.sessions.active(digest(session_secret), uow.now)
        account = None if record is None else uow.accounts.get(record.account_id)
        if account is None:
            raise InvalidCredentials("Your session has ended. Sign in again.")
    return account


def sign_out(
    runtime: ServiceRuntime, *, session_secret: str | None, account_id: str | None
) -> None:
    """End the session behind the cookie; with only an access token, every session."""
    with unit_of_work(runtime) as uow:
        if session_secret:
            uow.sessions.delete(digest(session_secret))
        elif account_id:
            uow.sessions.delete_for(account_id)


def request_password_reset(runtime: ServiceRuntime, email: str, ip: str | None) -> None:
    """Email a reset link if the address has an account; the caller learns nothing either way."""
    key = email_key(normalise_email(email))
    with unit_of_work(runtime) as uow:
        _check_ip(uow, RESET, ip)
        uow.attempts.record(RESET, key, ip, "requested", uow.now)
        account = uow.accounts.by_email_key(key)
        if account is not None and _spend_mail_quota(uow, RESET, key, quietly=True):
            _send_link(uow, account, TokenPurpose.RESET_PASSWORD)


def reset_link_problem(runtime: ServiceRuntime, secret: str) -> str | None:
    """Why a reset link will not work (to say so before asking for a password); None if fine."""
    try:
        with unit_of_work(runtime) as uow:
            _reset_token(uow, secret)
    except InvalidInput as exc:
        return exc.errors["token"][0]
    return None


def _reset_token(uow: UnitOfWork, secret: str) -> OneTimeToken:
    token = uow.tokens.get(digest(secret))
    if token is None or token.purpose is not TokenPurpose.RESET_PASSWORD:
        raise InvalidInput.field("token", UNKNOWN_TOKEN)
    if refusal := token.refusal(uow.now):
        raise InvalidInput.field("token", refusal)
    return token


def reset_password(runtime: ServiceRuntime, secret: str, password: str) -> Account:
    with unit_of_work(runtime) as uow:
        account = _account(uow, _reset_token(uow, secret).account_id)
        if problems := password_problems(password, account.email):
            raise InvalidInput({"password": problems})
        account.change_password(passwords(runtime).hash(password), uow.now)
        uow.accounts.save(account)
        uow.tokens.spend_all(account.id, [TokenPurpose.RESET_PASSWORD], uow.now)
        uow.sessions.delete_for(account.id)  # whoever else was signed in is signed out
        uow.attempts.record(SIGN_IN, account.email_key, None, "reset", uow.now)  # unlocks
        uow.send(_notice(account.email, "Your password has been changed", PASSWORD_CHANGED))
    return account


def change_email(
    runtime: ServiceRuntime, account_id: str, *, password: str, new_email: str, ip: str | None
) -> str:
    """Send a link to the new address; the account switches when it is followed."""
    address = normalise_email(new_email, "new_email")
    with unit_of_work(runtime) as uow:
        _check_ip(uow, SIGN_IN, ip)
        account = _account(uow, account_id)
        refusal = _check_password(uow, account.email_key, account, password, ip)
        if refusal is None:
            _start_email_change(uow, account, address)
    if isinstance(refusal, InvalidCredentials):
        raise InvalidInput.field("password", "Your password is not right")
    if refusal is not None:
        raise refusal
    return address


def _start_email_change(uow: UnitOfWork, account: Account, address: str) -> None:
    if address == account.email:
        raise InvalidInput.field("new_email", "This is already your email address")
    owner = uow.accounts.by_email_key(email_key(address))
    if owner is not None and owner.id != account.id:
        raise email_taken("new_email")
    _send_link(uow, account, TokenPurpose.CHANGE_EMAIL, address)
    uow.send(_notice(account.email, "Your email address is being changed", EMAIL_CHANGING))


def get_account(runtime: ServiceRuntime, account_id: str) -> Account:
    with unit_of_work(runtime) as uow:
        return _account(uow, account_id)


def grant_admin(runtime: ServiceRuntime, email: str) -> Account:
    with unit_of_work(runtime) as uow:
        account = uow.accounts.by_email_key(email_key(normalise_email(email)))
        if account is None:
            raise NotFound("There is no account with that email address.")
        account.grant("admin", uow.now)
        uow.accounts.save(account)
    return account


def prune(runtime: ServiceRuntime) -> dict[str, int]:
    """Forget old attempts, long-expired links and sessions, and sent mail."""
    with unit_of_work(runtime) as uow:
        counts = {
            "attempts": uow.attempts.prune(uow.now - dt.timedelta(days=1)),
            "tokens": uow.tokens.prune(uow.now - dt.timedelta(days=7)),
            "sessions": uow.sessions.prune(uow.now),
        }
    counts["mail"] = mail_relay(runtime).prune()
    return counts


def _account(uow: UnitOfWork, account_id: str) -> Account:
    account = uow.accounts.get(account_id)
    if account is None:
        raise NotFound("There is no such account.")
    return account


def _spend_mail_quota(uow: UnitOfWork, kind: str, key: str, *, quietly: bool) -> bool:
    """Cap link emails per address per hour, so nobody can flood someone's inbox."""
    hour = dt.timedelta(hours=1)
    if uow.attempts.count(kind, key, "sent", uow.now - hour) >= POLICY.mails_per_hour:
        if quietly:
            return False
        raise TooManyAttempts("We have sent you several emails already. Try again later.", hour)
    uow.attempts.record(kind, key, None, "sent", uow.now)
    return True


# Emails. Plain words; every link says how long it works. Links carry the secret, so the
# mail outbox blanks a message's body once it is sent.
LINKS = {
    TokenPurpose.VERIFY_EMAIL: (
        "Confirm your email address",
        "Confirm your email address to finish setting up your volunteering account.",
        "/account/verify",  # the web page (gateway/web), which confirms it through the API
        "48 hours. If you did not create an account, you can ignore this email.",
    ),
    TokenPurpose.CHANGE_EMAIL: (
        "Confirm your new email address",
        "Confirm this is the new email address for your volunteering account.",
        "/account/verify",
        "48 hours. If you did not ask for this, you can ignore this email.",
    ),
    TokenPurpose.RESET_PASSWORD: (
        "Reset your password",
        "Someone asked to reset the password for your volunteering account.",
        "/account/reset-password/new",  # the web page (gateway/web), which asks for one
        "1 hour. If you did not ask for this, ignore this email: your password has not changed.",
    ),
}
PASSWORD_CHANGED = (
    "The password for your volunteering account has just been changed, and you have been "
    "signed out everywhere. If you did not do this, reset your password now."
)
EMAIL_CHANGING = (
    "Someone signed in to your volunteering account asked to change its email address. "
    "Nothing changes until the new address is confirmed. If this was not you, reset your "
    "password now."
)


def _send_link(
    uow: UnitOfWork, account: Account, purpose: TokenPurpose, address: str | None = None
) -> None:
    address = address or account.email
    secret, token = OneTimeToken.issue(account.id, purpose, address, uow.now)
    uow.tokens.add(token)
    subject, intro, path, expiry = LINKS[purpose]
    link = f"{uow.runtime.config.public_url.rstrip('/')}{path}?token={secret}"
    hello, works = f"Hello {account.name},", f"The link works once, for {expiry}"
    text = "\n\n".join([hello, intro, f"Use this link: {link}", works])
    anchor = f'<a href="{html.escape(link)}">{html.escape(subject)}</a>'
    paragraphs = [html.escape(hello), html.escape(intro), anchor, html.escape(works)]
    uow.send(_message(address, subject, text, "".join(f"<p>{p}</p>" for p in paragraphs)))


def _notice(address: str, subject: str, text: str) -> Message:
    return _message(address, subject, text, f"<p>{html.escape(text)}</p>")


def _message(to: str, subject: str, text: str, body: str) -> Message:
    page = (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head><body>{body}</body></html>"
    )
    # Automatic mail (RFC 3834): out-of-office replies are not sent back to it.
    return Message(to, subject, text + "\n", page, {"Auto-Submitted": "auto-generated"})
