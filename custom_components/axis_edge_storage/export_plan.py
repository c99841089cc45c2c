"""The plan of a clip export (pure): what is asked, the range checks, which recordings cover it.

Nothing here talks to the camera or touches a file: `exporter` asks the camera and writes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from homeassistant.util import slugify

from .export_errors import ExportError
from .vapix import Disk, DiskStatus, Recording, RecordingType

EXPORT_FOLDER_NAME: Final = "axis_edge_storage"
MIN_DURATION: Final = timedelta(seconds=1)
MAX_DURATION: Final = timedelta(hours=24)
SD_DISK: Final = "SD_DISK"
#: The times an export may name; outside them a time is refused (no overflow anywhere).
EARLIEST_TIME: Final = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_TIME: Final = datetime(9998, 12, 31, tzinfo=UTC)


_TEXT_TIME = "%Y-%m-%d %H:%M:%S"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export.

    Attributes:
        start: Start of the range (aware; a naive time is Home Assistant's local time).
        end: End of the range; in the future only while a recording is ongoing (cut at now).
        disk_id: The disk to export from; None: the disk whose recordings cover the range,
            the SD card first.
        folder: Destination folder; None: ``<media>/axis_edge_storage/<camera>/``. Another
            folder must be allowed by ``allowlist_external_dirs``; a relative one is taken
            relative to the configuration folder.
        password: Export as an AES-256 zip protected by this password.
        name: File name prefix instead of the camera's name (no separators, no ``..``).
    """

    start: datetime
    end: datetime
    disk_id: str | None = None
    folder: Path | None = None
    password: str | None = field(default=None, repr=False)
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ExportedFile:
    """One finished file: where, how big, its SHA-256, and the range it really holds."""

    path: Path
    size: int
    sha256: str
    start: datetime
    stop: datetime
    recording_id: str
    disk_id: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form (response data, events)."""
        return {
            "path": str(self.path),
            "size": self.size,
            "sha256": self.sha256,
            "start": self.start.isoformat(),
            "stop": self.stop.isoformat(),
            "recording_id": self.recording_id,
            "disk_id": self.disk_id,
        }


@dataclass(frozen=True, slots=True)
class ExportResult:
    """The files of one export, their total size and the proper (key-frame) start."""

    files: tuple[ExportedFile, ...]
    total_bytes: int
    proper_start: datetime | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form (response data, events)."""
        return {
            "files": [exported.as_dict() for exported in self.files],
            "total_bytes": self.total_bytes,
            "proper_start": self.proper_start.isoformat() if self.proper_start else None,
        }


@dataclass(frozen=True, slots=True)
class Part:
    """One recording's share of the range."""

    recording: Recording
    start: datetime
    stop: datetime


@dataclass(slots=True)
class Planned:
    """A part with its export properties."""

    part: Part
    start: datetime
    stop: datetime
    estimated_bytes: int | None


def default_export_root(hass: HomeAssistant) -> Path:
    """Return the integration's own export folder: ``<media>/axis_edge_storage``."""
    media = hass.config.media_dirs.get("local") or hass.config.path("media")
    return Path(media) / EXPORT_FOLDER_NAME


def sanitize_name(name: str) -> str:
    """Return a safe file name part: letters, digits, ``_`` and ``-`` only (``../x`` -> ``x``)."""
    slug = slugify(name)[:64].rstrip("_-") if name.strip() else ""
    return slug if _SAFE_NAME.match(slug) and slug != "unknown" else "camera"


def check_name(name: str) -> str:
    """Validate a user-given file name prefix and return its sanitized form."""
    if (
        not name.strip()
        or "/" in name
        or "\\" in name
        or ".." in name
        or any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name)
    ):
        shown = "".join(ch if ch.isprintable() else "?" for ch in name)[:100]
        raise ExportError("invalid_name", {"name": shown}, user_error=True)
    return sanitize_name(name)


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


def is_unbound_share(disk: Disk) -> bool:
    """An unbound network share is disconnected by design: not a reason to fail."""
    return disk.status is DiskStatus.DISCONNECTED and (disk.filesystem or "").lower() == "cifs"
