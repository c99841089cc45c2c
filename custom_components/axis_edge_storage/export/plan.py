"""The plan of a clip export (pure): the range checks, which recordings cover it, which disk.

Nothing here talks to the camera or touches a file: `exporter` asks the camera, hands the
answers to `choose`, and writes. Every function is unit-tested without HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Final

from homeassistant.util import dt as dt_util

from ..disks import SD_CARD_PREFIX, is_sd_card, is_unbound_share
from ..vapix import Disk, DiskStatus, Recording, RecordingType
from .errors import ExportError
from .models import Part

MIN_DURATION: Final = timedelta(seconds=1)
MAX_DURATION: Final = timedelta(hours=24)
#: The times an export may name; outside them a time is refused (no overflow anywhere).
EARLIEST_TIME: Final = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_TIME: Final = datetime(9998, 12, 31, tzinfo=UTC)

_TEXT_TIME = "%Y-%m-%d %H:%M:%S"


def _text(moment: datetime) -> str:
    """A time for a message: local, to the second."""
    return dt_util.as_local(moment).strftime(_TEXT_TIME)


def range_placeholders(start: datetime, end: datetime) -> dict[str, str]:
    """The start and end of a range for a message, in local time."""
    return {"start": _text(start), "end": _text(end)}


def time_out_of_range(moment: datetime | str) -> ExportError:
    """The user error for a time outside `EARLIEST_TIME` .. `LATEST_TIME`."""
    shown = moment.isoformat(sep=" ") if isinstance(moment, datetime) else moment
    return ExportError(
        "time_out_of_range",
        {
            "time": shown[:40],
            "earliest": EARLIEST_TIME.date().isoformat(),
            "latest": LATEST_TIME.date().isoformat(),
        },
        user_error=True,
    )


def utc_in_bounds(moment: datetime) -> datetime:
    """`moment` in UTC, or a `time_out_of_range` error (never an `OverflowError`)."""
    try:
        utc = dt_util.as_utc(moment)
    except (OverflowError, ValueError):
        raise time_out_of_range(moment) from None
    if not EARLIEST_TIME <= utc <= LATEST_TIME:
        raise time_out_of_range(moment)
    return utc


def check_range(start: datetime, end: datetime, now: datetime) -> tuple[datetime, datetime]:
    """Check an export range (1 s to 24 h, end after start, start in the past); return it in UTC.

    Raises `ExportError` (a user error) naming what is wrong.
    """
    start = utc_in_bounds(start)
    end = utc_in_bounds(end)
    places = range_placeholders(start, end)
    if end <= start:
        raise ExportError("end_before_start", places, user_error=True)
    if end - start < MIN_DURATION:
        raise ExportError("range_too_short", places, user_error=True)
    if end - start > MAX_DURATION:
        raise ExportError("range_too_long", places, user_error=True)
    if start > now - MIN_DURATION:
        raise ExportError("start_in_future", {"start": places["start"]}, user_error=True)
    return start, end


def exportable(recording: Recording) -> bool:
    """Whether a recording can be exported as Matroska (Motion JPEG cannot)."""
    video = recording.video
    mime = (video.mime_type or "") if video is not None else ""
    return not mime.lower().startswith("image/")


def _recording_end(recording: Recording, now: datetime) -> datetime | None:
    if recording.stop is not None:
        return recording.stop
    return now if recording.ongoing else None


def cover(
    recordings: Sequence[Recording], start: datetime, end: datetime, now: datetime
) -> list[Part]:
    """Return the fewest parts of `recordings` that cover [start, end], per video source.

    At each point the recording reaching furthest is taken (continuous before triggered on a
    tie); a gap no recording covers is skipped.
    """
    by_source: dict[str, list[tuple[datetime, datetime, Recording]]] = {}
    for recording in recordings:
        rec_end = _recording_end(recording, now)
        if recording.start is None or rec_end is None or rec_end <= recording.start:
            continue
        by_source.setdefault(recording.source or "", []).append(
            (recording.start, rec_end, recording)
        )
    parts: list[Part] = []
    for spans in by_source.values():
        cursor = start
        while cursor < end:
            covering = [span for span in spans if span[0] <= cursor < span[1]]
            if not covering:
                later = [span[0] for span in spans if cursor < span[0] < end]
                if not later:
                    break
                cursor = min(later)
                continue
            best = max(
                covering,
                key=lambda span: (
                    span[1],
                    span[2].recording_type is RecordingType.CONTINUOUS,
                    span[2].recording_id,
                ),
            )
            stop = min(best[1], end)
            parts.append(Part(best[2], cursor, stop))
            cursor = stop
    parts.sort(key=lambda part: (part.start, part.recording.source or ""))
    return parts


def covered_seconds(parts: Iterable[Part]) -> float:
    """Seconds of the range the parts cover."""
    return sum((part.stop - part.start).total_seconds() for part in parts)


def disk_problem(disk: Disk) -> ExportError | None:
    """The error a disk's state gives, if any."""
    if disk.locked:
        return ExportError("disk_locked", {"disk": disk.disk_id})
    if disk.status is not DiskStatus.OK:
        return ExportError("disk_unavailable", {"disk": disk.disk_id, "status": str(disk.status)})
    return None


def check_wanted_disk(disks: Mapping[str, Disk] | None, wanted: str | None) -> None:
    """Refuse an explicit disk the camera does not have, or one that cannot export now.

    `disks` is None when the account may not list them: nothing to check then.
    """
    if wanted is None or disks is None:
        return
    if wanted not in disks:
        raise ExportError(
            "unknown_disk", {"disk": wanted, "disks": ", ".join(disks)}, user_error=True
        )
    if (problem := disk_problem(disks[wanted])) is not None:
        raise problem


def choose(
    recordings: Iterable[Recording],
    disks: Mapping[str, Disk] | None,
    wanted: str | None,
    window: tuple[datetime, datetime],
    now: datetime,
) -> tuple[str, list[Part]]:
    """The disk to export from and the parts of the range `window` it covers.

    `recordings` overlap the range (listed up to now); `disks` are the camera's (None: the
    account may not list them); `wanted` is the request's disk. Without one, the usable disk
    covering most of the range wins, the SD card first on a tie. An end after `now` needs a
    recording ongoing now on that disk. Raises `ExportError` saying why nothing can be exported.
    """
    start, end = window
    list_end = min(end, now)
    by_disk: dict[str, list[Recording]] = {}
    unexportable = False
    for recording in recordings:
        if wanted is not None and recording.disk_id not in ("", wanted):
            continue
        if not exportable(recording):
            unexportable = True
            continue
        by_disk.setdefault(recording.disk_id or wanted or SD_CARD_PREFIX, []).append(recording)
    covers = {
        disk_id: parts
        for disk_id, recs in by_disk.items()
        if (parts := cover(recs, start, list_end, now))
    }
    places = range_placeholders(start, end)
    if not covers:
        if unexportable:
            raise ExportError("recording_not_exportable", places, user_error=True)
        if wanted is None and disks is not None:
            down = sorted(
                (d for d in disks.values() if not d.mounted and not is_unbound_share(d)),
                key=lambda d: (not is_sd_card(d.disk_id), d.disk_id),
            )
            if down and (problem := disk_problem(down[0])) is not None:
                raise problem
        if end > now:
            raise ExportError("end_in_future", {"end": places["end"]}, user_error=True)
        raise ExportError("no_recording", places, user_error=True)

    def rank(disk_id: str) -> tuple[bool, int, bool, str]:
        usable = disks is None or (disk_id in disks and disk_problem(disks[disk_id]) is None)
        covered = round(covered_seconds(covers[disk_id]))
        return (usable, covered, is_sd_card(disk_id), disk_id)

    disk_id = wanted or max(covers, key=rank)
    if disks is not None and disk_id in disks and (problem := disk_problem(disks[disk_id])):
        raise problem
    if end > now and not any(
        r.ongoing and r.start is not None and r.start <= now for r in by_disk[disk_id]
    ):
        raise ExportError("end_in_future", {"end": places["end"]}, user_error=True)
    return disk_id, covers[disk_id]
