"""A volunteer's profile: where they are, how far they travel, what they care about and can
do, when they are free, and what they consent to. Plain Python.

Some of it is sensitive (date of birth, accessibility needs): date of birth is used only to
check roles' age limits, and accessibility needs are shown only to organisations the
volunteer applies to, and only when they choose to share them with that application.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

CONSENTS = ("email_alerts", "contact_by_phone", "research")
CONTACT_CHANNELS = ("email", "phone", "post")
MAX_TRAVEL_KM = 200


@dataclass(frozen=True)
class Consent:
    given: bool
    at: dt.datetime


@dataclass(frozen=True)
class Profile:
    account_id: str
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    travel_km: float = 10.0
    causes: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    availability: tuple[str, ...] = ()
    commitments: tuple[str, ...] = ()
    date_of_birth: dt.date | None = None
    accessibility_needs: str = ""
    contact_channels: tuple[str, ...] = ("email",)
    phone: str | None = None
    consents: Mapping[str, Consent] = field(default_factory=dict)
    updated_at: dt.datetime | None = None

    def changed(self, now: dt.datetime, **changes: Any) -> Profile:
        """A new profile with these changes; consents are stamped with when they changed."""
        consents = dict(self.consents)
        for name, given in (changes.pop("consents", None) or {}).items():
            if name not in consents or consents[name].given != given:
                consents[name] = Consent(bool(given), now)
        return replace(self, **changes, consents=consents, updated_at=now)

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
