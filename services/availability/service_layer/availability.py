"""Use cases of a volunteer's availability settings: when they are free, how far they go,
what they will do, and whether they are taking offers at all."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from services.availability.adapters.wallet_repository import SettingsRepository
from services.availability.domain.errors import Invalid, NotFound
from services.availability.domain.model import Window, clock_text
from services.availability.domain.wallet import (
    WEEKDAYS,
    Settings,
    check_settings,
    uk_today,
    window_ended,
)
from services.availability.service_layer.unit_of_work import (
    UnitOfWork,
    clock,
    geocoder,
    unit_of_work,
)
from services.common.geo.postcodes import Location, UnknownPostcode, format_postcode
from services.common.runtime import ServiceRuntime

NOT_SET = (
    "You have not set your availability yet. PUT your postcode, travel distance, task types, "
    "date of birth and the times you are free to /api/v1/availability to start."
)
_SIMPLE = ("travel_km", "paused", "date_of_birth")


def get(runtime: ServiceRuntime, account_id: str) -> dict[str, Any]:
    with unit_of_work(runtime) as uow:
        settings = SettingsRepository(uow.session).get(account_id)
        if settings is None:
            raise NotFound(NOT_SET)
        return settings_document(settings, uk_today(uow.now))


def replace(runtime: ServiceRuntime, account_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Set every setting and window at once (the whole document)."""
    windows = check_settings(data, uk_today(clock(runtime))) or ()
    place = _locate(runtime, data["postcode"])
    with unit_of_work(runtime) as uow:
        settings = Settings(
            postcode=place.postcode or data["postcode"], latitude=place.latitude,
            longitude=place.longitude, travel_km=data["travel_km"],
            task_types=_once(data["task_types"]), paused=data.get("paused", False),
            date_of_birth=data["date_of_birth"], windows=windows, updated_at=uow.now,
        )  # fmt: skip
        return _save(uow, account_id, settings, windows_changed=True)


def change(runtime: ServiceRuntime, account_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Change some settings (``{"paused": true}`` pauses every offer); windows, if given,
    replace all of them."""
    windows = check_settings(changes, uk_today(clock(runtime)))
    place = _locate(runtime, changes["postcode"]) if "postcode" in changes else None
    with unit_of_work(runtime) as uow:
        repo = SettingsRepository(uow.session)
        current = repo.get(account_id, lock=True)
        if current is None:
            raise NotFound(NOT_SET)
        settings = dataclasses.replace(
            current, updated_at=uow.now, **{k: changes[k] for k in _SIMPLE if k in changes}
        )
        if "task_types" in changes:
            settings = dataclasses.replace(settings, task_types=_once(changes["task_types"]))
        if windows is not None:
            settings = dataclasses.replace(settings, windows=windows)
        if place is not None:
            settings = dataclasses.replace(
                settings, postcode=place.postcode or current.postcode,
                latitude=place.latitude, longitude=place.longitude,
            )  # fmt: skip
        return _save(uow, account_id, settings, windows_changed=windows is not None)


def stop(runtime: ServiceRuntime, account_id: str) -> None:
    """Stop micro-volunteering: the settings and windows go; the wallet stays."""
    with unit_of_work(runtime) as uow:
        SettingsRepository(uow.session).delete(account_id)


def _save(uow: UnitOfWork, account_id: str, settings: Settings, *, windows_changed: bool) -> dict:
    repo = SettingsRepository(uow.session)
    repo.save(account_id, settings, uow.now)
    if windows_changed:
        repo.replace_windows(account_id, settings.windows)
    return settings_document(settings, uk_today(uow.now))


def _locate(runtime: ServiceRuntime, postcode: str) -> Location:
    try:
        return geocoder(runtime).lookup(postcode)
    except UnknownPostcode as exc:
        message = exc.message
        if exc.suggestion is not None:  # the geocoder's wording suggests a search
            message = (
                f"We could not find {format_postcode(postcode)}. Check it, or give just "
                f"{exc.suggestion.postcode} (distances are then measured from its middle)."
            )
        raise Invalid({"postcode": [message]}) from exc


def _once(codes: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def window_document(window: Window) -> dict[str, Any]:
    """A window as the volunteer wrote it (times as HH:MM)."""
    times = {"start": clock_text(window.start_minute), "end": clock_text(window.end_minute)}
    if window.on is not None:
        return {"date": window.on, **times}
    doc: dict[str, Any] = {"weekday": WEEKDAYS[window.weekday or 0], **times}
    if window.valid_from is not None:
        doc["from"] = window.valid_from
    if window.valid_until is not None:
        doc["until"] = window.valid_until
    return doc


def settings_document(settings: Settings, today: dt.date) -> dict[str, Any]:
    """The settings as the volunteer wrote them, less windows that have ended."""
    return {
        "postcode": settings.postcode,
        "travel_km": settings.travel_km,
        "task_types": list(settings.task_types),
        "paused": settings.paused,
        "date_of_birth": settings.date_of_birth,
        "windows": [window_document(w) for w in settings.windows if not window_ended(w, today)],
        "updated_at": settings.updated_at,
    }
