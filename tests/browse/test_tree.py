"""browse/tree.py: identifiers (round trip, every malformed part refused), days, hours, items
and their titles, in time zones where the day boundary and clock changes matter."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.axis_edge_storage.browse import tree
from custom_components.axis_edge_storage.vapix import (
    Recording,
    RecordingStatus,
    RecordingType,
)
from custom_components.axis_edge_storage.vapix.recording_models import VideoInfo

BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)
D = tree.DASH


def _rec(
    rid: str,
    start: datetime,
    stop: datetime | None,
    *,
    kind: RecordingType | None = RecordingType.CONTINUOUS,
    event_id: str | None = "continuous",
    mime: str | None = None,
) -> Recording:
    return Recording(
        recording_id=rid,
        disk_id="SD_DISK",
        start=start,
        stop=stop,
        status=RecordingStatus.RECORDING if stop is None else RecordingStatus.COMPLETED,
        recording_type=kind,
        event_id=event_id,
        video=VideoInfo(mime, None, None, None, None, None) if mime else None,
    )


def test_identifiers_round_trip() -> None:
    start = datetime(2025, 3, 1, 13, 0, 0, 250000, tzinfo=UTC)
    item = tree.Item("rec/1 ü", start, start + H, False, None, False, True)
    text = tree.item_id("entry", "SD_DISK", item)
    assert text == "entry/SD_DISK/rec%2F1%20%C3%BC/20250301T130000.25Z/20250301T140000.25Z"
    node = tree.parse(text, BERLIN)
    assert node.item == tree.ItemRef("SD_DISK", "rec/1 ü", start, start + H)
    assert tree.parse("entry", BERLIN) == tree.Node("entry")
    assert tree.parse("entry/SD_DISK", BERLIN) == tree.Node("entry", "SD_DISK")
    day = date(2025, 3, 30)
    assert tree.parse(tree.day_id("e", "d", day), BERLIN) == tree.Node("e", "d", day=day)
    assert tree.parse(tree.hour_id("e", "d", day, 22), BERLIN).hour == 22


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a/b/c/d/e/f", "6 parts"),
        ("", "camera"),
        ("e/", "disk"),
        ("e/d/2025-13-01", "not a valid day"),
        ("e/d/yesterday", "not a day"),
        ("e/d/2025-03-01/7", "not an hour"),
        ("e/d/2025-03-30/23", "not an hour"),  # 23 hours on the day the clocks go forward
        ("e/d/2025-03-01/24", "not an hour"),
        ("e/d/r/20250301T130000Z/20250301T120000Z", "must follow"),
        ("e/d/r/20250301T130000Z/20250303T130000Z", "at most a day"),
        ("e/d/r/20250301T130000/20250301T140000Z", "not a time"),
        ("e/d/r/20251301T130000Z/20250301T140000Z", "not a valid time"),
        ("e/d/%0A/20250301T130000Z/20250301T140000Z", "recording"),
        ("e/" + "x" * 201, "disk"),
    ],
)
def test_malformed_identifiers_are_refused(text: str, message: str) -> None:
    with pytest.raises(tree.IdentifierError, match=message):
        tree.parse(text, BERLIN)


def test_days_newest_first_in_the_zone() -> None:
    now = datetime(2025, 3, 3, 12, tzinfo=UTC)
    recordings = [
        # 22:30 UTC on 1 March is 23:30 in Berlin; it runs past midnight into 2 March.
        _rec(
            "c", datetime(2025, 3, 1, 22, 30, tzinfo=UTC), datetime(2025, 3, 1, 23, 30, tzinfo=UTC)
        ),
        # An event is on the day it starts, even when it ends the next day.
        _rec(
            "e",
            datetime(2025, 2, 26, 22, 50, tzinfo=UTC),
            datetime(2025, 2, 26, 23, 10, tzinfo=UTC),
            kind=RecordingType.TRIGGERED,
            event_id="motion",
        ),
        _rec("o", datetime(2025, 3, 3, 11, tzinfo=UTC), None),
        _rec("no start", None, None),  # type: ignore[arg-type]
    ]
    assert tree.days(recordings, now, BERLIN) == [
        date(2025, 3, 3),
        date(2025, 3, 2),
        date(2025, 3, 1),
        date(2025, 2, 26),
    ]
    assert tree.days(recordings, now, UTC) == [
        date(2025, 3, 3),
        date(2025, 3, 1),
        date(2025, 2, 26),
    ]


def test_a_recording_with_a_broken_clock_covers_a_bounded_number_of_days() -> None:
    start = datetime(2000, 1, 1, tzinfo=UTC)
    found = tree.days([_rec("x", start, datetime(2025, 1, 1, tzinfo=UTC))], start, UTC)
    assert len(found) == tree.MAX_DAYS_PER_RECORDING + 1
    assert found[0] == date(2025, 1, 1)


def test_hours_and_items_of_a_day() -> None:
    zone = BERLIN  # UTC+1 in March before the 30th
    day = date(2025, 3, 1)
    now = datetime(2025, 3, 1, 14, 37, 5, tzinfo=UTC)  # 15:37:05 local
    recordings = [
        # 12:20:30 .. ongoing (local)
        _rec("cont", datetime(2025, 3, 1, 11, 20, 30, tzinfo=UTC), None),
        _rec(
            "ev",
            datetime(2025, 3, 1, 12, 3, 12, tzinfo=UTC),
            datetime(2025, 3, 1, 12, 4, 22, tzinfo=UTC),
            kind=RecordingType.TRIGGERED,
            event_id="motion",
        ),
        _rec(
            "mjpeg",
            datetime(2025, 3, 1, 12, 50, tzinfo=UTC),
            datetime(2025, 3, 1, 12, 50, 45, tzinfo=UTC),
            kind=RecordingType.TRIGGERED,
            event_id=None,
            mime="image/jpeg",
        ),
        _rec(
            "ends on the hour",
            datetime(2025, 3, 1, 9, 0, tzinfo=UTC),
            datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
        ),
    ]
    hours = tree.hours(recordings, day, now, zone)
    assert [hour for hour, _ in hours] == [15, 14, 13, 12, 10]
    titles = {hour: [tree.item_title(i, zone) for i in items] for hour, items in hours}
    assert titles[15] == [f"15:00{D}15:37"]
    assert titles[13] == [
        f"13:00{D}14:00",
        "13:03:12 · 1 min 10 s · motion",
        "13:50:00 · 45 s · event",
    ]
    assert titles[12] == [f"12:20{D}13:00"]
    assert titles[10] == [f"10:00{D}11:00"]
    items13 = dict(hours)[13]
    assert [i.playable for i in items13] == [True, True, False]
    assert tree.hour_title(*tree.hour_bounds(day, 23, zone), zone) == f"23:00{D}24:00"


def test_an_ongoing_event_and_lengths() -> None:
    start = datetime(2025, 3, 1, 12, tzinfo=UTC)
    ongoing = _rec("ev", start, None, kind=RecordingType.TRIGGERED, event_id="alarm")
    (item,) = tree.items([ongoing], start, start + H, start + timedelta(minutes=2))
    assert tree.item_title(item, UTC) == "12:00:00 · recording · alarm"
    assert item.end == start + timedelta(minutes=2)
    assert tree.length_text(timedelta(hours=2)) == "2 h"
    assert tree.length_text(timedelta(hours=2, minutes=5, seconds=9)) == "2 h 5 min"
    assert tree.length_text(timedelta(minutes=3)) == "3 min"
    assert tree.length_text(timedelta(seconds=-3)) == "0 s"


def test_clock_changes() -> None:
    # 30 March 2025: 23 hours in Berlin; 26 October 2025: 25 hours.
    spring, autumn = date(2025, 3, 30), date(2025, 10, 26)
    assert tree.hour_span(spring, 22, BERLIN) is not None
    assert tree.hour_span(spring, 23, BERLIN) is None
    assert tree.hour_span(autumn, 24, BERLIN) is not None
    start, end = tree.day_span(autumn, BERLIN)
    assert end - start == timedelta(hours=25)
    # The hour after 01:00 local on the spring day is 03:00 local.
    assert tree.hour_title(*tree.hour_bounds(spring, 2, BERLIN), BERLIN) == f"03:00{D}04:00"
    with pytest.raises(tree.IdentifierError):
        tree.hour_bounds(spring, 23, BERLIN)


def test_a_day_title() -> None:
    assert tree.day_title(date(2025, 3, 1)) == "2025-03-01 Saturday"
