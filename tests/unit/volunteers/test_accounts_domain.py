"""Account rules without a database: addresses, passwords, links, the migration."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.common.migrations import alembic_config, upgrade
from services.common.validation import InvalidInput
from services.volunteers.adapters.orm import metadata
from services.volunteers.bootstrap import MIGRATIONS
from services.volunteers.domain.accounts import (
    Account,
    AccountType,
    OneTimeToken,
    TokenPurpose,
    email_key,
    normalise_email,
)
from services.volunteers.domain.passwords import (
    COMMON_PASSWORDS,
    is_common,
    password_problems,
)

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Jane.Doe@Example.ORG ", "Jane.Doe@example.org"),
        ("jane+volunteering@example.org", "jane+volunteering@example.org"),
        ("o'brien@mail.example.co.uk", "o'brien@mail.example.co.uk"),
    ],
)
def test_addresses_are_trimmed_and_their_domain_lower_cased(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    "raw", ["jane", "jane@", "@example.org", "jane@example", "ja ne@example.org", "a@b@c.org"]
)
def test_malformed_addresses_are_refused_in_plain_english(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_email(raw)
    assert caught.value.errors == {
        "email": ["Enter an email address in the correct format, like name@example.com"]
    }


def test_case_does_not_make_a_different_account() -> None:
    assert email_key("Jane@Example.org") == email_key("jane@example.org")


def test_the_blocklist_has_a_hundred_passwords_and_sees_through_suffixes() -> None:
    assert len(COMMON_PASSWORDS) == 100
    assert is_common("Liverpool1!") and is_common("PASSWORD123") and is_common("1234567890")
    assert not is_common("kettle lantern orbit")


def test_password_rules() -> None:
    assert password_problems("", "jane@example.org") == ["Enter a password"]
    assert password_problems("123456789", "jane@example.org") == [
        "Your password must be at least 10 characters long"
    ]
    assert password_problems("kettle lantern orbit", "jane@example.org") == []
    assert password_problems("jane's kettle lantern", "jane+vol@example.org") == [
        "Your password must not contain your email address"
    ]
    # Two-letter mailbox names would forbid half the alphabet: they are not checked.
    assert password_problems("jo kettle lantern", "jo@example.org") == []


def test_registration_records_an_event_without_personal_data() -> None:
    account = Account.register(
        email="Jane@Example.org",
        name="  Jane   Doe ",
        account_type=AccountType.ORGANISATION,
        password_hash="$argon2id$...",
        now=NOW,
    )
    assert account.email == "Jane@example.org" and account.name == "Jane Doe"
    [event] = account.events
    assert vars(event) == {
        "account_id": account.id,
        "account_type": "organisation",
        "registered_at": NOW,
    }
    assert account.verify_email(account.email, NOW) is True
    assert account.verify_email(account.email, NOW) is False  # nothing new to say
    assert len(account.events) == 2


def test_links_keep_only_a_digest_and_say_why_they_stopped_working() -> None:
    secret, token = OneTimeToken.issue("a1", TokenPurpose.RESET_PASSWORD, "j@example.org", NOW)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(token)
    assert token.expires_at == NOW + dt.timedelta(hours=1)
    assert token.refusal(NOW + dt.timedelta(minutes=59)) is None
    assert "expired" in (token.refusal(NOW + dt.timedelta(hours=1)) or "")
    _, verify = OneTimeToken.issue("a1", TokenPurpose.VERIFY_EMAIL, "j@example.org", NOW)
    assert verify.expires_at == NOW + dt.timedelta(hours=48)


def test_migration_0002_matches_the_tables_and_downgrades(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'volunteers.sqlite'}"
    upgrade(MIGRATIONS, url, "0002")
    engine = sa.create_engine(url)
    ours = {"accounts", "account_tokens", "account_sessions", "auth_attempts", "outbox_mail"}
    only = sa.MetaData()
    for name in ours:
        metadata.tables[name].to_metadata(only)

    def include(name: str | None, kind: str, parent: object) -> bool:
        return kind != "table" or name in ours

    with engine.connect() as conn:
        assert ours <= set(sa.inspect(conn).get_table_names())
        context = MigrationContext.configure(conn, opts={"include_name": include})
        assert compare_metadata(context, only) == []  # columns, types and indexes agree
    command.downgrade(alembic_config(MIGRATIONS, url), "0001")
    with engine.connect() as conn:
        assert not ours & set(sa.inspect(conn).get_table_names())
    engine.dispose()
