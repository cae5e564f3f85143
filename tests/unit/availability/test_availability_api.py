"""``/api/v1/availability``: a volunteer's settings and windows, through HTTP, down to the
rows matching reads (minutes since midnight, weekday numbers, the reach box)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from services.availability.adapters.tables import availability_windows, micro_volunteers
from services.availability.domain.model import reach_box
from services.common.runtime import ServiceRuntime
from tests.unit.availability.conftest import Clock, bearer

ME = "vol-settings-1"
URL = "/api/v1/availability"
WINDOWS: list[dict[str, Any]] = [
    {"weekday": "tuesday", "start": "10:00", "end": "12:30"},
    {"weekday": "saturday", "start": "18:00", "end": "24:00",
     "from": "2026-12-05", "until": "2027-03-27"},
    {"date": "2026-12-01", "start": "09:00", "end": "17:00"},
]  # fmt: skip


def document(**changes: Any) -> dict[str, Any]:
    doc = {
        "postcode": "se17pb",
        "travel_km": 5,
        "task_types": ["Shopping", "DogWalking"],
        "paused": False,
        "date_of_birth": "1990-05-17",
        "windows": copy.deepcopy(WINDOWS),
    }
    doc.update(changes)
    return doc


def put(client: FlaskClient, doc: dict[str, Any], who: str = ME) -> Any:
    return client.put(URL, json=doc, headers=bearer(who))


def stored(runtime: ServiceRuntime, who: str = ME) -> tuple[Any, list[Any]]:
    with runtime.engine.connect() as conn:
        row = conn.execute(
            sa.select(micro_volunteers).where(micro_volunteers.c.account_id == who)
        ).first()
        windows = conn.execute(
            sa.select(availability_windows)
            .where(availability_windows.c.account_id == who)
            .order_by(availability_windows.c.id)
        ).all()
    return row, list(windows)


def test_before_anything_is_set_the_answer_says_how_to_start(client: FlaskClient) -> None:
    response = client.get(URL, headers=bearer(ME))
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert "PUT" in response.json["detail"]


def test_settings_and_windows_round_trip(client: FlaskClient, runtime: ServiceRuntime) -> None:
    response = put(client, document())
    assert response.status_code == 200, response.json
    expected = {**document(), "postcode": "SE1 7PB", "travel_km": 5.0}
    body = response.json
    assert {k: v for k, v in body.items() if k != "updated_at"} == expected
    assert body["updated_at"].startswith("2026-11-23T09:00:00")
    assert client.get(URL, headers=bearer(ME)).json == body

    row, windows = stored(runtime)
    assert [(w.weekday, w.on_date, w.start_minute, w.end_minute) for w in windows] == [
        (1, None, 600, 750),
        (5, None, 1080, 1440),  # "24:00": the end of the day
        (None, dt.date(2026, 12, 1), 540, 1020),
    ]
    assert (windows[1].valid_from, windows[1].valid_until) == (
        dt.date(2026, 12, 5), dt.date(2027, 3, 27),
    )  # fmt: skip
    place = runtime.extensions["geocoder"].lookup("SE1 7PB")
    assert (row.latitude, row.longitude) == (place.latitude, place.longitude)
    box = (row.reach_min_lat, row.reach_max_lat, row.reach_min_lon, row.reach_max_lon)
    assert box == pytest.approx(reach_box(place.latitude, place.longitude, 5.0))


def test_a_second_put_replaces_everything(client: FlaskClient, runtime: ServiceRuntime) -> None:
    put(client, document())
    only = [{"weekday": "sunday", "start": "00:00", "end": "01:00"}]
    response = put(client, document(windows=only, task_types=["Gardening"], travel_km=20))
    assert response.json["windows"] == only
    row, windows = stored(runtime)
    assert [(w.weekday, w.start_minute, w.end_minute) for w in windows] == [(6, 0, 60)]
    assert row.task_types == ["Gardening"]
    assert row.reach_max_lat - row.reach_min_lat > 0.35  # 20 km each way


def test_patch_pauses_all_offers_and_keeps_the_rest(
    client: FlaskClient, runtime: ServiceRuntime
) -> None:
    before = put(client, document()).json
    response = client.patch(URL, json={"paused": True}, headers=bearer(ME))
    assert response.status_code == 200, response.json
    assert response.json == {**before, "paused": True}
    row, windows = stored(runtime)
    assert row.paused is True
    assert len(windows) == 3
    resumed = client.patch(URL, json={"paused": False}, headers=bearer(ME)).json
    assert resumed["paused"] is False


def test_patch_moves_the_reach_box_with_the_postcode_and_distance(
    client: FlaskClient, runtime: ServiceRuntime
) -> None:
    put(client, document())
    response = client.patch(URL, json={"postcode": "SE1 7AE", "travel_km": 12.5},
                            headers=bearer(ME))  # fmt: skip
    assert response.json["postcode"] == "SE1 7AE"
    row, windows = stored(runtime)
    place = runtime.extensions["geocoder"].lookup("SE1 7AE")
    box = (row.reach_min_lat, row.reach_max_lat, row.reach_min_lon, row.reach_max_lon)
    assert box == pytest.approx(reach_box(place.latitude, place.longitude, 12.5))
    assert len(windows) == 3  # windows not given: untouched


def test_half_a_postcode_will_do(client: FlaskClient, runtime: ServiceRuntime) -> None:
    assert put(client, document(postcode="se1")).json["postcode"] == "SE1"
    row, _ = stored(runtime)
    place = runtime.extensions["geocoder"].lookup("SE1")
    assert (row.latitude, row.longitude) == (place.latitude, place.longitude)


def test_patch_before_put_is_404(client: FlaskClient) -> None:
    response = client.patch(URL, json={"paused": True}, headers=bearer(ME))
    assert response.status_code == 404


def window(**fields: Any) -> list[dict[str, Any]]:
    return [{"weekday": "monday", "start": "09:00", "end": "12:00", **fields}]


def once(**fields: Any) -> list[dict[str, Any]]:
    return [{"date": "2026-12-01", "start": "09:00", "end": "10:00", **fields}]


INVALID: list[tuple[dict[str, Any], str]] = [
    ({"postcode": "SE1 9ZZ"}, "postcode"),  # postcode-shaped, but no such postcode
    ({"postcode": "nowhere"}, "postcode"),
    ({"postcode": None}, "postcode"),
    ({"travel_km": 0.2}, "travel_km"),
    ({"travel_km": 100.5}, "travel_km"),
    ({"travel_km": "far"}, "travel_km"),
    ({"task_types": []}, "task_types"),
    ({"task_types": ["Shopping", "Juggling"]}, "task_types[1]"),
    ({"paused": "perhaps"}, "paused"),
    ({"date_of_birth": "1890-01-01"}, "date_of_birth"),
    ({"date_of_birth": "17/05/1990"}, "date_of_birth"),
    ({"windows": window(end="08:00")}, "windows[0].end"),
    ({"windows": window(end="09:00")}, "windows[0].end"),
    ({"windows": window(end="24:30")}, "windows[0].end"),
    ({"windows": window(start="9am")}, "windows[0].start"),
    ({"windows": window(weekday="funday")}, "windows[0].weekday"),
    ({"windows": window(date="2026-12-01")}, "windows[0].date"),
    ({"windows": [{"start": "09:00", "end": "10:00"}]}, "windows[0].weekday"),
    ({"windows": once(until="2026-12-31")}, "windows[0].until"),
    ({"windows": once(date="2026-11-20")}, "windows[0].date"),
    ({"windows": window(**{"from": "2027-02-01", "until": "2027-01-01"})}, "windows[0].until"),
    ({"windows": window(until="2026-11-01")}, "windows[0].until"),
    ({"windows": window(colour="blue")}, "windows[0].colour"),
    ({"windows": window() * 51}, "windows"),
    ({"surprise": 1}, "surprise"),
]


@pytest.mark.parametrize(("changes", "field"), INVALID)
def test_each_invalid_field_is_named(
    client: FlaskClient, runtime: ServiceRuntime, changes: dict[str, Any], field: str
) -> None:
    response = put(client, document(**changes))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert set(response.json["errors"]) == {field}, response.json
    assert stored(runtime) == (None, [])  # nothing written


def test_the_third_window_is_named_by_its_position(client: FlaskClient) -> None:
    windows = [*WINDOWS, {"weekday": "friday", "start": "14:00", "end": "13:00"}]
    response = put(client, document(windows=windows))
    assert response.json["errors"] == {"windows[3].end": ["Must be later than the start (14:00)."]}


def test_patch_checks_only_what_it_changes(client: FlaskClient) -> None:
    put(client, document())
    response = client.patch(URL, json={"travel_km": 0}, headers=bearer(ME))
    assert set(response.json["errors"]) == {"travel_km"}
    response = client.patch(URL, json={"windows": window(end="08:00")}, headers=bearer(ME))
    assert set(response.json["errors"]) == {"windows[0].end"}


def test_a_patched_window_still_needs_its_start_and_end(client: FlaskClient) -> None:
    # Found by schemathesis: a window without an end reached the domain and answered 500.
    put(client, document())
    windows = [{"weekday": "monday", "start": "09:00"}, {"date": "2026-12-01", "end": "10:00"}]
    response = client.patch(URL, json={"windows": windows}, headers=bearer(ME))
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"windows[0].end", "windows[1].start"}


@pytest.mark.parametrize(
    ("born", "status"),
    [("2010-11-23", 200), ("2010-11-24", 422), ("2010-11-22", 200), ("2026-01-01", 422)],
)
def test_volunteers_are_sixteen_or_over_today(client: FlaskClient, born: str, status: int) -> None:
    # Today is 2026-11-23: someone born on 2010-11-23 turns 16 today.
    response = put(client, document(date_of_birth=born))
    assert response.status_code == status
    if status == 422:
        assert set(response.json["errors"]) == {"date_of_birth"}
        assert "16" in response.json["errors"]["date_of_birth"][0]


def test_windows_that_have_ended_are_left_out(client: FlaskClient, clock: Clock) -> None:
    put(client, document())
    clock.advance(days=9)  # 2 December: the one-off window on 1 December has passed
    windows = client.get(URL, headers=bearer(ME)).json["windows"]
    assert windows == WINDOWS[:2]
    # ...so what GET shows can be PUT back unchanged.
    again = client.get(URL, headers=bearer(ME)).json
    again.pop("updated_at")
    assert put(client, again).status_code == 200


def test_delete_stops_micro_volunteering(client: FlaskClient, runtime: ServiceRuntime) -> None:
    put(client, document())
    put(client, document(), who="someone-else")
    assert client.delete(URL, headers=bearer(ME)).status_code == 204
    assert client.get(URL, headers=bearer(ME)).status_code == 404
    assert stored(runtime) == (None, [])
    assert stored(runtime, "someone-else")[0] is not None
    assert client.delete(URL, headers=bearer(ME)).status_code == 204


def test_each_volunteer_sees_only_their_own(client: FlaskClient) -> None:
    put(client, document())
    assert client.get(URL, headers=bearer("someone-else")).status_code == 404


def test_signed_in_and_verified_only(client: FlaskClient) -> None:
    assert client.get(URL).status_code == 401
    assert client.put(URL, json=document()).status_code == 401
    unverified = bearer(ME, email_verified=False)
    assert client.put(URL, json=document(), headers=unverified).status_code == 403
