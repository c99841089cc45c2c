"""Pure: the media browser's tree of one disk, its identifiers and its titles.

The tree: camera (config entry) → disk → day → hour → items, in a given time zone.

Identifiers (each part percent-encoded, joined by ``/``):

- ``<entry>`` a camera; ``<entry>/<disk>`` a disk;
- ``<entry>/<disk>/<YYYY-MM-DD>`` a local day;
- ``<entry>/<disk>/<YYYY-MM-DD>/<NN>`` an hour of that day: the ``NN``-th hour elapsed since
  local midnight (``00``..``24``; the local hour on every day without a clock change);
- ``<entry>/<disk>/<recording>/<start>/<end>`` a playable item: part of a recording, the times
  in UTC as ``YYYYMMDDTHHMMSS[.ffffff]Z``.

An identifier is user input: `parse` checks every part and raises `IdentifierError` with a
sentence saying which part is wrong. Nothing here imports Home Assistant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final
from urllib.parse import quote, unquote

from ..vapix import Recording, RecordingType

HOUR: Final = timedelta(hours=1)
#: The longest item: a triggered recording is one item, whatever its length.
MAX_ITEM: Final = timedelta(days=1)
#: Pieces shorter than this (a recording that ends on the hour) are not shown.
MIN_PIECE: Final = timedelta(seconds=1)
#: How many days one recording may cover in the index (a clock gone wrong on the camera).
MAX_DAYS_PER_RECORDING: Final = 400
_MAX_PART: Final = 200
_TIME = re.compile(r"^(\d{8}T\d{6})(?:\.(\d{1,6}))?Z$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HOUR = re.compile(r"^\d{2}$")
#: Between the two times of a span in a title.
DASH: Final = "\N{EN DASH}"


class IdentifierError(ValueError):
    """An identifier that names nothing this integration can browse or play."""


@dataclass(frozen=True, slots=True)
class ItemRef:
    """What an item's identifier names: a time range of a recording on a disk."""

    disk_id: str
    recording_id: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Node:
    """A parsed identifier: its fields are set by its depth (an item sets only ``item``)."""

    entry_id: str
    disk_id: str | None = None
    day: date | None = None
    hour: int | None = None
    item: ItemRef | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """A playable part of a recording."""

    recording_id: str
    start: datetime
    end: datetime
    event: bool
    event_id: str | None
    ongoing: bool
    playable: bool


def format_time(value: datetime) -> str:
    """A UTC instant as an identifier part."""
    value = value.astimezone(UTC)
    text = value.strftime("%Y%m%dT%H%M%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def parse_time(text: str) -> datetime:
    """An identifier part as a UTC instant; `IdentifierError` if it is not one."""
    match = _TIME.match(text)
    if match is None:
        raise IdentifierError(f"'{text}' is not a time (YYYYMMDDTHHMMSSZ)")
    try:
        value = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    except ValueError as err:
        raise IdentifierError(f"'{text}' is not a valid time") from err
    fraction = match.group(2)
    return value.replace(microsecond=int(fraction.ljust(6, "0"))) if fraction else value


def check_part(text: str, what: str) -> str:
    """A part of an identifier as given, if it is one (`IdentifierError` names `what`)."""
    if not text or len(text) > _MAX_PART or not text.isprintable():
        raise IdentifierError(f"the {what} in the identifier is empty, too long or not printable")
    return text


def identifier(*parts: str) -> str:
    """Join identifier parts, each percent-encoded."""
    return "/".join(quote(part, safe="") for part in parts)


def day_id(entry_id: str, disk_id: str, day: date) -> str:
    """The identifier of a local day of a disk."""
    return identifier(entry_id, disk_id, day.isoformat())


def hour_id(entry_id: str, disk_id: str, day: date, hour: int) -> str:
    """The identifier of an hour of a local day."""
    return identifier(entry_id, disk_id, day.isoformat(), f"{hour:02d}")


def item_id(entry_id: str, disk_id: str, item: Item) -> str:
    """The identifier of a playable item."""
    return identifier(
        entry_id, disk_id, item.recording_id, format_time(item.start), format_time(item.end)
    )


def parse(text: str, zone: tzinfo) -> Node:
    """Parse an identifier; `IdentifierError` names the part that is wrong."""
    raw = text.split("/")
    if len(raw) not in (1, 2, 3, 4, 5):
        raise IdentifierError(f"'{text}' has {len(raw)} parts: expected 1 to 5")
    parts = [unquote(part) for part in raw]
    entry_id = check_part(parts[0], "camera")
    if len(parts) == 1:
        return Node(entry_id)
    disk_id = check_part(parts[1], "disk")
    if len(parts) == 5:
        start, end = parse_time(parts[3]), parse_time(parts[4])
        if not start < end <= start + MAX_ITEM:
            raise IdentifierError("the item's end must follow its start, by at most a day")
        ref = ItemRef(disk_id, check_part(parts[2], "recording"), start, end)
        return Node(entry_id, disk_id, item=ref)
    if len(parts) == 2:
        return Node(entry_id, disk_id)
    if not _DAY.match(parts[2]):
        raise IdentifierError(f"'{parts[2]}' is not a day (YYYY-MM-DD)")
    try:
        day = date.fromisoformat(parts[2])
    except ValueError as err:
        raise IdentifierError(f"'{parts[2]}' is not a valid day") from err
    if len(parts) == 3:
        return Node(entry_id, disk_id, day=day)
    if not _HOUR.match(parts[3]) or hour_span(day, int(parts[3]), zone) is None:
        raise IdentifierError(f"'{parts[3]}' is not an hour of {day.isoformat()}")
    return Node(entry_id, disk_id, day=day, hour=int(parts[3]))


def day_span(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants of a local day's start and end (23, 24 or 25 hours apart)."""
    start = datetime.combine(day, time(), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)
    return start, end


def hour_bounds(day: date, hour: int, zone: tzinfo) -> tuple[datetime, datetime]:
    """The span of an hour known to be one of the day (`IdentifierError` if not)."""
    if (where := hour_span(day, hour, zone)) is None:
        raise IdentifierError(f"{day.isoformat()} has no hour {hour}")
    return where


def hour_span(day: date, hour: int, zone: tzinfo) -> tuple[datetime, datetime] | None:
    """The ``hour``-th hour elapsed since the local day's start, or None past its end."""
    day_start, day_end = day_span(day, zone)
    start = day_start + hour * HOUR
    if hour < 0 or start >= day_end:
        return None
    return start, min(start + HOUR, day_end)


def span(recording: Recording, now: datetime) -> tuple[datetime, datetime] | None:
    """Where a recording lies: its start and its stop (now while it is ongoing)."""
    if recording.start is None:
        return None
    stop = recording.stop if recording.stop is not None else max(now, recording.start)
    return recording.start, stop


def is_event(recording: Recording) -> bool:
    """A triggered recording is one item; a continuous or scheduled one is cut into hours."""
    return recording.recording_type == RecordingType.TRIGGERED


def is_playable(recording: Recording) -> bool:
    """Whether the recording can be exported as video (an MJPEG recording cannot)."""
    video = recording.video
    return video is None or (video.mime_type or "").lower() != "image/jpeg"


def days(recordings: Iterable[Recording], now: datetime, zone: tzinfo) -> list[date]:
    """Every local day that holds recordings, newest first."""
    found: set[date] = set()
    for recording in recordings:
        if (where := span(recording, now)) is None:
            continue
        first = where[0].astimezone(zone).date()
        last = first if is_event(recording) else where[1].astimezone(zone).date()
        if (last - first).days > MAX_DAYS_PER_RECORDING:
            first = last - timedelta(days=MAX_DAYS_PER_RECORDING)
        found.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return sorted(found, reverse=True)


def items(
    recordings: Iterable[Recording], start: datetime, end: datetime, now: datetime
) -> list[Item]:
    """The items of the window [start, end): events starting in it, continuous pieces in it."""
    found: list[Item] = []
    for recording in recordings:
        if (where := span(recording, now)) is None:
            continue
        rec_start, rec_stop = where
        if is_event(recording):
            if start <= rec_start < end and rec_stop > rec_start:
                stop = min(rec_stop, rec_start + MAX_ITEM)
                found.append(_item(recording, rec_start, stop, event=True))
            continue
        piece_start, piece_end = max(rec_start, start), min(rec_stop, end)
        if piece_end - piece_start >= MIN_PIECE:
            found.append(_item(recording, piece_start, piece_end, event=False))
    return sorted(found, key=lambda item: (item.start, item.recording_id))


def _item(recording: Recording, start: datetime, end: datetime, *, event: bool) -> Item:
    ongoing, playable = recording.ongoing, is_playable(recording)
    return Item(recording.recording_id, start, end, event, recording.event_id, ongoing, playable)


def hours(
    recordings: Iterable[Recording], day: date, now: datetime, zone: tzinfo
) -> list[tuple[int, list[Item]]]:
    """The hours of a local day that hold items, newest first, each with its items."""
    listed = list(recordings)
    found: list[tuple[int, list[Item]]] = []
    hour = 0
    while (where := hour_span(day, hour, zone)) is not None:
        if hour_items := items(listed, where[0], where[1], now):
            found.append((hour, hour_items))
        hour += 1
    found.reverse()
    return found


def day_title(day: date) -> str:
    """``2025-03-01 Saturday``."""
    return f"{day.isoformat()} {day.strftime('%A')}"


def _clock(value: datetime, zone: tzinfo) -> str:
    return value.astimezone(zone).strftime("%H:%M")


def hour_title(start: datetime, end: datetime, zone: tzinfo) -> str:
    """``14:00-15:00`` (an en dash); the end of the last hour of a day is ``24:00``."""
    end_text = _clock(end, zone)
    if end - start >= HOUR and end_text == "00:00":
        end_text = "24:00"
    return f"{_clock(start, zone)}{DASH}{end_text}"


def length_text(length: timedelta) -> str:
    """``45 s``, ``1 min 10 s``, ``2 h 5 min``."""
    seconds = max(0, int(length.total_seconds()))
    hours_, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours_:
        return f"{hours_} h {minutes} min" if minutes else f"{hours_} h"
    if minutes:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    return f"{seconds} s"


def item_title(item: Item, zone: tzinfo) -> str:
    """An event: ``14:03:12 · 1 min 10 s · motion``; a piece: ``14:00-14:37`` (an en dash)."""
    if item.event:
        local = item.start.astimezone(zone).strftime("%H:%M:%S")
        length = "recording" if item.ongoing else length_text(item.end - item.start)
        return f"{local} · {length} · {item.event_id or 'event'}"
    return hour_title(item.start, item.end, zone)
