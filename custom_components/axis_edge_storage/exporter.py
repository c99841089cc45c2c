"""Clip export engine: a time range becomes verified video files in an allowed folder.

How a range becomes files:

1. The range is checked: the end after the start, from 1 s to 24 h, the start in the past.
   An end in the future is accepted only while a recording that covers *now* is ongoing on the
   chosen disk; the export is then **cut at now** (it does not wait for the future to be
   recorded), and each file's ``stop`` says where it really ends.
2. The folder is the default ``<media>/axis_edge_storage/<camera>/`` or a folder that
   ``hass.config.is_allowed_path`` allows; the resolved path must stay inside it.
3. The disks are read (``disks/list.cgi``): a locked disk or one whose status is not OK is
   refused with an error that says what to do.
4. Every recording overlapping the range is listed (paged ``record/list.cgi``). Without an
   explicit disk, the disk whose recordings cover most of the range is used, the SD card
   first on a tie. Recordings of one video source that overlap (a triggered recording inside a
   continuous one) are not exported twice: the fewest recordings that cover the range are
   chosen, and each is clipped to its share of the range. Motion JPEG recordings cannot be
   exported as Matroska and are skipped.
5. ``export/properties.cgi`` gives each part's proper (key-frame) start and estimated size;
   the free space at the destination is checked against the sum of the estimates.
6. Each part is streamed to ``<folder>/.<name>.part`` (never whole in memory; every file
   operation in the executor, chunks batched into writes of about 1 MiB), its Content-Type and
   leading bytes are checked, its SHA-256 is computed on the way, then it is fsynced and renamed
   to ``<camera>_<start>_<stop>.mkv`` (``.zip`` with a password), times in Home Assistant's
   local time. An existing file is never overwritten: a suffix ``_2``, ``_3``... is added.
7. On any failure or cancellation every ``.part`` and every file this request already finished
   is removed; a failure raises `ExportError`, a cancellation is re-raised as is.

Secrets (the export password, the camera's credentials) never appear in logs, exceptions,
results or ``repr``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import logging
import os
import re
import shutil
import stat
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
from homeassistant.util import slugify

from .vapix import (
    AxisEdgeStorage,
    Disk,
    DiskStatus,
    ExportProperties,
    ExportStream,
    Recording,
    RecordingType,
    SortOrder,
    VapixConnectionError,
    VapixError,
    VapixForbiddenError,
    VapixHttpError,
    VapixNotSupportedError,
    VapixRequestError,
    VapixUnauthorizedError,
)

_LOGGER = logging.getLogger(__name__)

EXPORT_FOLDER_NAME: Final = "axis_edge_storage"
MIN_DURATION: Final = timedelta(seconds=1)
MAX_DURATION: Final = timedelta(hours=24)
MAX_PASSWORD_BYTES: Final = 512
WRITE_BATCH_BYTES: Final = 1 << 20
ZIP_AES256: Final = "zip-aes256"
SD_DISK: Final = "SD_DISK"

_MKV_TYPES = frozenset({"video/x-matroska", "video/matroska", "application/octet-stream"})
_ZIP_TYPES = frozenset(
    {"application/zip", "application/x-zip-compressed", "application/octet-stream"}
)
_MKV_MAGIC = b"\x1a\x45\xdf\xa3"  # EBML header
_ZIP_MAGIC = b"PK\x03\x04"
_MAGIC_LEN = 4
_MAX_SUFFIX = 1000
_NAME_TIME = "%Y%m%d-%H%M%S"
_TEXT_TIME = "%Y-%m-%d %H:%M:%S"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_MB = 1_000_000
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)

#: English messages of every `ExportError` key, with their ``{placeholders}``: the
#: ``exceptions`` section of strings.json.
EXPORT_ERROR_MESSAGES: Final[dict[str, str]] = {
    "end_before_start": (
        "The end of the range ({end}) must be after its start ({start}). "
        "Choose an end after the start."
    ),
    "range_too_short": (
        "The range {start} to {end} is shorter than 1 second. Choose a range of at least 1 second."
    ),
    "range_too_long": (
        "The range {start} to {end} is longer than 24 hours. "
        "Export at most 24 hours at a time: split the range into several exports."
    ),
    "start_in_future": (
        "The range starts at {start}, which is not yet recorded. Choose a start in the past."
    ),
    "end_in_future": (
        "The range ends at {end}, in the future, and no recording is ongoing now. "
        "Choose an end in the past, or start a recording first."
    ),
    "invalid_name": (
        'The file name "{name}" is not allowed: use no slashes, no "..", and no control characters.'
    ),
    "invalid_password": (
        "The export password must be 1 to 512 bytes long. Choose another password, or leave it "
        "empty to export an unencrypted video file."
    ),
    "folder_not_allowed": (
        "Home Assistant may not write to {folder}. Add the folder to allowlist_external_dirs in "
        "the configuration, or leave the folder empty to use the default export folder."
    ),
    "unknown_disk": 'The camera has no disk "{disk}". Choose one of: {disks}.',
    "disk_locked": "The disk {disk} is locked. Unlock it first, then export again.",
    "disk_unavailable": (
        "The disk {disk} is not available (status: {status}). Insert, mount or connect it "
        "first, then export again."
    ),
    "no_recording": (
        "No recording covers {start} to {end}. Check the range against the camera's recordings."
    ),
    "recording_not_exportable": (
        "The recordings covering {start} to {end} cannot be exported as video files (for example "
        "Motion JPEG recordings). Choose another range."
    ),
    "not_enough_space": (
        "Not enough free space in {folder}: the export needs about {needed} MB but {free} MB "
        "are free. Free some space or choose another folder."
    ),
    "device_error": (
        "The camera refused the export (error {code}: {meaning}). The recording may have been "
        "removed or changed meanwhile: check the recordings and try again."
    ),
    "connection_lost": (
        "The connection to the camera was lost during the export. Nothing was saved: check the "
        "network and try again."
    ),
    "auth_failed": (
        "The camera rejected the credentials. Re-authenticate the integration, then export again."
    ),
    "forbidden": (
        "The camera account is not allowed to do this. Use an operator or administrator account."
    ),
    "not_supported": "The camera does not support exporting recordings.",
    "http_error": "The camera answered with HTTP error {status}. Try again later.",
    "invalid_response": (
        "The camera sent an answer that could not be read. Try again; if it keeps happening, "
        "restart the camera."
    ),
    "unexpected_content": (
        "The camera sent {content_type} instead of the expected file. Nothing was saved: try again."
    ),
    "write_failed": (
        "The export could not be written to {folder}: {error}. Check the folder's permissions "
        "and free space."
    ),
}

ProgressCallback = Callable[[float, str | None], None]


class ExportError(Exception):
    """An export failed; `translation_key` and `placeholders` say why, in translatable form.

    `user_error` is True when the request itself is wrong (raise `ServiceValidationError`),
    False when the device or the file system failed (raise `HomeAssistantError`). Neither the
    message nor the placeholders ever hold a secret or a URL.
    """

    def __init__(
        self,
        translation_key: str,
        placeholders: Mapping[str, str] | None = None,
        *,
        user_error: bool = False,
    ) -> None:
        """Build the error; the message is the English text of the key."""
        self.translation_key = translation_key
        self.placeholders: dict[str, str] = dict(placeholders or {})
        self.user_error = user_error
        super().__init__(EXPORT_ERROR_MESSAGES[translation_key].format_map(self.placeholders))

    def as_homeassistant_error(self, domain: str) -> HomeAssistantError:
        """Return the translated Home Assistant error to raise from an action."""
        cls = ServiceValidationError if self.user_error else HomeAssistantError
        return cls(
            translation_domain=domain,
            translation_key=self.translation_key,
            translation_placeholders=self.placeholders,
        )


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
class _Part:
    """One recording's share of the range."""

    recording: Recording
    start: datetime
    stop: datetime


@dataclass(slots=True)
class _Run:
    """What one export request has written so far, for the clean-up."""

    folder: Path = Path()
    files: list[_PartFile] = field(default_factory=list)


@dataclass(slots=True)
class _Planned:
    """A part with its export properties."""

    part: _Part
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


def _check_name(name: str) -> str:
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


def check_range(start: datetime, end: datetime, now: datetime) -> tuple[datetime, datetime]:
    """Check an export range (1 s to 24 h, end after start, start in the past); return it in UTC.

    Raises `ExportError` (a user error) naming what is wrong.
    """
    start = dt_util.as_utc(start)
    end = dt_util.as_utc(end)
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


def _exportable(recording: Recording) -> bool:
    """Whether a recording can be exported as Matroska (Motion JPEG cannot)."""
    video = recording.video
    mime = (video.mime_type or "") if video is not None else ""
    return not mime.lower().startswith("image/")


def _recording_end(recording: Recording, now: datetime) -> datetime | None:
    if recording.stop is not None:
        return recording.stop
    return now if recording.ongoing else None


def _cover(
    recordings: Sequence[Recording], start: datetime, end: datetime, now: datetime
) -> list[_Part]:
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
    parts: list[_Part] = []
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
            parts.append(_Part(best[2], cursor, stop))
            cursor = stop
    parts.sort(key=lambda part: (part.start, part.recording.source or ""))
    return parts


def _covered_seconds(parts: Iterable[_Part]) -> float:
    return sum((part.stop - part.start).total_seconds() for part in parts)


def _disk_problem(disk: Disk) -> ExportError | None:
    """The error a disk's state gives, if any."""
    if disk.locked:
        return ExportError("disk_locked", {"disk": disk.disk_id})
    if disk.status is not DiskStatus.OK:
        return ExportError("disk_unavailable", {"disk": disk.disk_id, "status": str(disk.status)})
    return None


def _is_unbound_share(disk: Disk) -> bool:
    """An unbound network share is disconnected by design: not a reason to fail."""
    return disk.status is DiskStatus.DISCONNECTED and (disk.filesystem or "").lower() == "cifs"


def _from_vapix(err: VapixError) -> ExportError:
    """The export error for a client error (no URL, no device text)."""
    if isinstance(err, VapixConnectionError):
        return ExportError("connection_lost")
    if isinstance(err, VapixUnauthorizedError):
        return ExportError("auth_failed")
    if isinstance(err, VapixForbiddenError):
        return ExportError("forbidden")
    if isinstance(err, VapixNotSupportedError):
        return ExportError("not_supported")
    if isinstance(err, VapixHttpError):
        return ExportError("http_error", {"status": str(err.status)})
    if isinstance(err, VapixRequestError):
        return ExportError(
            "device_error",
            {
                "code": str(err.code) if err.code is not None else "?",
                "meaning": err.meaning or "no documented meaning",
            },
        )
    return ExportError("invalid_response")


def _shown_type(stream: ExportStream) -> str:
    """The device's Content-Type, safe to show: printable and short."""
    shown = "".join(ch for ch in stream.content_type if ch.isprintable())[:80]
    return shown or "no content type"


def _free_bytes(folder: Path) -> int:
    """Free bytes on the file system of `folder` or its nearest existing parent (BLOCKING)."""
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    return shutil.disk_usage(probe).free


def _inside(path: Path, root: Path) -> bool:
    """Whether `path`, symlinks resolved, is `root` or below it (BLOCKING)."""
    return path.resolve().is_relative_to(root.resolve())


def _prepare_folder(folder: Path) -> Path:
    """Create the folder and return it resolved (BLOCKING)."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve(strict=True)


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class _PartFile:
    """One download: written to ``.<name>.part``, then fsynced and renamed (BLOCKING methods).

    A lock serialises the methods, so `discard` (from a failure or a cancellation) waits for a
    write still running in another executor thread, and nothing runs after it.
    """

    def __init__(self, folder: Path, stem: str, ext: str) -> None:
        self.folder = folder
        self.stem = stem
        self.ext = ext
        self.size = 0
        self.part: Path | None = None
        self.final: Path | None = None
        self._suffix = 1
        self._file: io.FileIO | None = None
        self._sha = hashlib.sha256()
        self._lock = threading.Lock()
        self._hash_lock = threading.Lock()
        self._discarded = False

    def name(self, suffix: int | None = None) -> str:
        """The final file name with a suffix (``_2``...) when the plain one is taken."""
        number = self._suffix if suffix is None else suffix
        return f"{self.stem}{'' if number == 1 else f'_{number}'}{self.ext}"

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of what was written."""
        return self._sha.hexdigest()

    def open(self) -> None:
        """Create ``.<name>.part`` exclusively, with the first name neither file uses."""
        with self._lock:
            if self._discarded:
                return
            for suffix in range(1, _MAX_SUFFIX):
                name = self.name(suffix)
                if os.path.lexists(self.folder / name):
                    continue
                part = self.folder / f".{name}.part"
                try:
                    fd = os.open(part, _OPEN_FLAGS, 0o644)
                except FileExistsError:
                    continue
                self._suffix = suffix
                self.part = part
                self._file = io.FileIO(fd, "wb", closefd=True)
                return
            raise FileExistsError(f"no free file name for {self.stem}{self.ext}")

    def write(self, chunks: Sequence[bytes]) -> None:
        """Append chunks (the hash is computed apart, in parallel: see `hash`)."""
        with self._lock:
            file = self._file
            if file is None:
                if self._discarded:
                    return
                raise RuntimeError("write to a part file that is not open")
            for chunk in chunks:
                view = memoryview(chunk)
                while view:
                    view = view[file.write(view) :]
                self.size += len(chunk)

    def hash(self, chunks: Sequence[bytes]) -> None:
        """Add chunks to the SHA-256, in the order they are written.

        Kept apart from `write` so that hashing (CPU bound, slower than the disk on CPUs
        without SHA instructions) and writing run in two executor threads at once; hashlib
        and file writes release the GIL.
        """
        with self._hash_lock:
            for chunk in chunks:
                self._sha.update(chunk)

    def commit(self) -> Path:
        """Fsync, close and rename to the final name without ever replacing another file."""
        with self._lock:
            file, part = self._file, self.part
            if file is None or part is None or self._discarded:
                raise RuntimeError("commit of a part file that is not open")
            os.fsync(file.fileno())
            file.close()
            self._file = None
            for suffix in range(self._suffix, _MAX_SUFFIX):
                final = self.folder / self.name(suffix)
                try:  # reserve the name: O_EXCL never follows or replaces anything
                    os.close(os.open(final, _OPEN_FLAGS, 0o644))
                except FileExistsError:
                    continue
                self.final = final
                part.replace(final)
                self.part = None
                _fsync_dir(self.folder)
                return final
            raise FileExistsError(f"no free file name for {self.stem}{self.ext}")

    def discard(self) -> None:
        """Close and remove the part and the final file (if this request made it)."""
        with self._lock:
            self._discarded = True
            if self._file is not None:
                with contextlib.suppress(OSError):
                    self._file.close()
                self._file = None
            for path in (self.part, self.final):
                if path is not None:
                    with contextlib.suppress(OSError):
                        path.unlink(missing_ok=True)
            self.part = self.final = None


def _discard_all(files: Sequence[_PartFile]) -> None:
    for part_file in files:
        part_file.discard()


def _consume(future: asyncio.Future[None]) -> None:
    """Retrieve a background write's outcome so that it is never reported as unretrieved."""
    if not future.cancelled():
        future.exception()


class _Progress:
    """Overall percent: finished parts' weight plus the current part's received fraction."""

    def __init__(self, callback: ProgressCallback | None, planned: Sequence[_Planned]) -> None:
        self._callback = callback
        if all(item.estimated_bytes for item in planned):
            self._weights = [float(item.estimated_bytes or 0) for item in planned]
        else:  # some size unknown: weigh the parts by duration
            self._weights = [
                max((item.stop - item.start).total_seconds(), 0.001) for item in planned
            ]
        self._total = sum(self._weights) or 1.0
        self._last: tuple[int, str | None] | None = None

    def report(self, index: int, fraction: float, name: str | None) -> None:
        """Report part `index` as `fraction` done (capped below 1 until it is finished)."""
        if self._callback is None:
            return
        done = sum(self._weights[:index]) + self._weights[index] * min(max(fraction, 0.0), 0.99)
        percent = round(min(100.0 * done / self._total, 99.9), 1)
        self._send(percent, name)

    def finished(self) -> None:
        """Report 100 %."""
        self._send(100.0, None)

    def _send(self, percent: float, name: str | None) -> None:
        key = (int(percent * 10), name)
        if key == self._last or self._callback is None:
            return
        self._last = key
        try:
            self._callback(percent, name)
        except Exception:
            _LOGGER.exception("Export progress callback failed")


class ClipExporter:
    """Exports ranges of recordings of one camera to files (see the module docstring)."""

    def __init__(
        self,
        hass: HomeAssistant,
        device: AxisEdgeStorage,
        *,
        camera_name: str,
        default_folder: Path,
    ) -> None:
        """Describe the camera.

        `default_folder` must lie inside `default_export_root(hass)`; normally it is
        ``default_export_root(hass) / sanitize_name(camera_name)``.
        """
        self._hass = hass
        self._device = device
        self._prefix = sanitize_name(camera_name)
        self._default_folder = default_folder

    async def _run[T](self, target: Callable[..., T], *args: Any) -> T:
        return await self._hass.async_add_executor_job(target, *args)

    async def async_export(
        self, request: ExportRequest, progress: ProgressCallback | None = None
    ) -> ExportResult:
        """Export the range of `request`; see the module docstring for the rules.

        An end in the future is cut at now, and only while a recording covering now is
        ongoing. `progress` is called with the overall percent and the current file's name
        (None at the end).

        Raises:
            ExportError: The request is wrong, the device refused or failed, or the files
                could not be written; nothing this request wrote is left behind.
            asyncio.CancelledError: Cancelled; nothing this request wrote is left behind.
        """
        run = _Run()
        try:
            return await self._async_export(request, progress, run)
        except BaseException as err:
            if run.files:
                await self._async_discard(run.files)
            if isinstance(err, VapixError):
                _LOGGER.debug("Export failed: %s", type(err).__name__)
                raise _from_vapix(err) from err
            if isinstance(err, OSError):
                raise ExportError(
                    "write_failed",
                    {"folder": str(run.folder), "error": err.strerror or type(err).__name__},
                ) from err
            raise

    async def _async_discard(self, files: Sequence[_PartFile]) -> None:
        """Remove what this request wrote; a second cancellation does not stop the removal."""
        job = self._hass.async_add_executor_job(_discard_all, tuple(files))
        await asyncio.shield(job)

    # -- validation --------------------------------------------------------------------------

    def _validate(self, request: ExportRequest, now: datetime) -> tuple[datetime, datetime]:
        start, end = check_range(request.start, request.end, now)
        password = request.password
        if password is not None and not 0 < len(password.encode("utf-8")) <= MAX_PASSWORD_BYTES:
            raise ExportError("invalid_password", user_error=True)
        return start, end

    async def _async_folder(self, request: ExportRequest) -> tuple[Path, Path | None]:
        """The destination folder, and the root it must stay in (None: checked by HA)."""
        if request.folder is None:
            folder = self._default_folder
            root = default_export_root(self._hass)
            if not await self._run(_inside, folder, root):
                raise ExportError("folder_not_allowed", {"folder": str(folder)}, user_error=True)
            return folder, root
        folder = request.folder
        if not folder.is_absolute():
            folder = Path(self._hass.config.path(str(folder)))
        if not await self._run(self._hass.config.is_allowed_path, str(folder)):
            raise ExportError("folder_not_allowed", {"folder": str(folder)}, user_error=True)
        return folder, None

    # -- planning ----------------------------------------------------------------------------

    async def _async_disks(self) -> dict[str, Disk] | None:
        """The disks by id; None when the account may not list them (export still works)."""
        try:
            disks = await self._device.disks.list()
        except VapixForbiddenError:
            _LOGGER.debug("The account may not list disks; exporting without the disk check")
            return None
        return {disk.disk_id: disk for disk in disks}

    async def _async_plan(
        self, request: ExportRequest, start: datetime, end: datetime, now: datetime
    ) -> tuple[str, list[_Part]]:
        """Choose the disk and the parts of the range (see the module docstring)."""
        disks = await self._async_disks()
        wanted = request.disk_id
        if wanted is not None and disks is not None:
            if wanted not in disks:
                raise ExportError(
                    "unknown_disk", {"disk": wanted, "disks": ", ".join(disks)}, user_error=True
                )
            if (problem := _disk_problem(disks[wanted])) is not None:
                raise problem
        list_end = min(end, now)
        recordings = await self._device.recordings.list(
            disk_id=wanted, start=start, stop=list_end, sort=SortOrder.ASCENDING
        )
        if wanted is not None:
            recordings = tuple(r for r in recordings if r.disk_id in ("", wanted))
        by_disk: dict[str, list[Recording]] = {}
        unexportable = False
        for recording in recordings:
            if not _exportable(recording):
                unexportable = True
                continue
            by_disk.setdefault(recording.disk_id or wanted or SD_DISK, []).append(recording)
        covers = {
            disk_id: parts
            for disk_id, recs in by_disk.items()
            if (parts := _cover(recs, start, list_end, now))
        }
        places = range_placeholders(start, end)
        if not covers:
            if unexportable:
                raise ExportError("recording_not_exportable", places, user_error=True)
            if wanted is None and disks is not None:
                down = sorted(
                    (d for d in disks.values() if not d.mounted and not _is_unbound_share(d)),
                    key=lambda d: (not d.disk_id.startswith(SD_DISK), d.disk_id),
                )
                if down and (problem := _disk_problem(down[0])) is not None:
                    raise problem
            if end > now:
                raise ExportError("end_in_future", {"end": places["end"]}, user_error=True)
            raise ExportError("no_recording", places, user_error=True)

        def rank(disk_id: str) -> tuple[bool, int, bool, str]:
            usable = disks is None or (disk_id in disks and _disk_problem(disks[disk_id]) is None)
            covered = round(_covered_seconds(covers[disk_id]))
            return (usable, covered, disk_id.startswith(SD_DISK), disk_id)

        disk_id = wanted or max(covers, key=rank)
        if (
            disks is not None
            and disk_id in disks
            and (problem := _disk_problem(disks[disk_id])) is not None
        ):
            raise problem
        if end > now and not any(
            r.ongoing and r.start is not None and r.start <= now for r in by_disk[disk_id]
        ):
            raise ExportError("end_in_future", {"end": places["end"]}, user_error=True)
        return disk_id, covers[disk_id]

    async def _async_properties(
        self, disk_id: str, parts: Sequence[_Part], encrypted: bool
    ) -> list[_Planned]:
        planned: list[_Planned] = []
        for part in parts:
            props: ExportProperties = await self._device.exports.properties(
                part.recording.recording_id,
                disk_id,
                start=part.start,
                stop=part.stop,
                encryption_format=ZIP_AES256 if encrypted else None,
            )
            planned.append(
                _Planned(
                    part=part,
                    start=props.start or part.start,
                    stop=props.stop or part.stop,
                    estimated_bytes=props.estimated_bytes,
                )
            )
        return planned

    # -- the export --------------------------------------------------------------------------

    async def _async_export(
        self,
        request: ExportRequest,
        progress: ProgressCallback | None,
        run: _Run,
    ) -> ExportResult:
        exact_now = dt_util.utcnow()
        now = exact_now.replace(microsecond=0)
        start, end = self._validate(request, now)
        prefix = _check_name(request.name) if request.name is not None else self._prefix
        folder, root = await self._async_folder(request)
        run.folder = folder
        # An end up to the exact present is not "in the future"; the cut is at a whole second.
        if now < end <= exact_now:
            end = now
        disk_id, parts = await self._async_plan(request, start, end, now)
        encrypted = request.password is not None
        planned = await self._async_properties(disk_id, parts, encrypted)

        needed = sum(item.estimated_bytes or 0 for item in planned)
        free = await self._run(_free_bytes, folder)
        if needed > free:
            raise ExportError(
                "not_enough_space",
                {
                    "folder": str(folder),
                    "needed": f"{needed / _MB:.1f}",
                    "free": f"{free / _MB:.1f}",
                },
            )
        resolved = await self._run(_prepare_folder, folder)
        inside = (
            await self._run(_inside, resolved, root)
            if root is not None
            else await self._run(self._hass.config.is_allowed_path, str(resolved))
        )
        if not inside:
            raise ExportError("folder_not_allowed", {"folder": str(folder)}, user_error=True)

        _LOGGER.debug(
            "Exporting %d part(s) from disk %s, %s to %s, to %s",
            len(planned),
            disk_id,
            start.isoformat(),
            end.isoformat(),
            resolved,
        )
        tracker = _Progress(progress, planned)
        exported: list[ExportedFile] = []
        ext = ".zip" if encrypted else ".mkv"
        for index, item in enumerate(planned):
            stem = (
                f"{prefix}_{dt_util.as_local(item.start).strftime(_NAME_TIME)}"
                f"_{dt_util.as_local(item.stop).strftime(_NAME_TIME)}"
            )
            part_file = _PartFile(resolved, stem, ext)
            run.files.append(part_file)
            exported.append(
                await self._async_download(
                    disk_id=disk_id,
                    item=item,
                    part_file=part_file,
                    password=request.password,
                    tracker=tracker,
                    index=index,
                )
            )
        tracker.finished()
        return ExportResult(
            files=tuple(exported),
            total_bytes=sum(f.size for f in exported),
            proper_start=exported[0].start if exported else None,
        )

    async def _async_download(
        self,
        *,
        disk_id: str,
        item: _Planned,
        part_file: _PartFile,
        password: str | None,
        tracker: _Progress,
        index: int,
    ) -> ExportedFile:
        """Stream one part to its .part file, verify, fsync and rename it."""
        await self._run(part_file.open)
        name = part_file.name()
        tracker.report(index, 0.0, name)
        recording = item.part.recording
        pending: list[asyncio.Future[None]] = []
        try:
            async with self._device.exports.export(
                recording.recording_id,
                disk_id,
                start=item.start,
                stop=item.stop,
                password=password,
            ) as stream:
                magic = self._check_type(stream, password is not None)
                expected = stream.content_length or item.estimated_bytes
                head = b""
                batch: list[bytes] = []
                batched = received = 0
                async for chunk in stream.iter_chunks():
                    if len(head) < _MAGIC_LEN:
                        head += chunk[: _MAGIC_LEN - len(head)]
                        if len(head) == _MAGIC_LEN and head != magic:
                            raise ExportError(
                                "unexpected_content", {"content_type": _shown_type(stream)}
                            )
                    batch.append(chunk)
                    batched += len(chunk)
                    received += len(chunk)
                    if batched >= WRITE_BATCH_BYTES:
                        # One batch in flight (written and hashed in parallel) while the next
                        # one arrives: at most two batches in memory.
                        await self._async_settle(pending)
                        pending = self._submit(part_file, batch)
                        batch, batched = [], 0
                        tracker.report(index, received / expected if expected else 0.0, name)
                if head != magic:  # fewer bytes than the magic number
                    raise ExportError("unexpected_content", {"content_type": _shown_type(stream)})
            await self._async_settle(pending)
            if batch:
                pending = self._submit(part_file, batch)
                await self._async_settle(pending)
            final = await self._run(part_file.commit)
        finally:
            for future in pending:
                if not future.done():
                    future.cancel()  # a running write finishes; discard() waits for it
        return ExportedFile(
            path=final,
            size=part_file.size,
            sha256=part_file.sha256,
            start=item.start,
            stop=item.stop,
            recording_id=recording.recording_id,
            disk_id=disk_id,
        )

    def _submit(self, part_file: _PartFile, batch: list[bytes]) -> list[asyncio.Future[None]]:
        """Write and hash a batch in two executor threads."""
        futures = [
            self._hass.async_add_executor_job(part_file.write, batch),
            self._hass.async_add_executor_job(part_file.hash, batch),
        ]
        for future in futures:
            future.add_done_callback(_consume)
        return futures

    @staticmethod
    async def _async_settle(pending: list[asyncio.Future[None]]) -> None:
        """Wait for a batch's jobs; the first failure raises."""
        for future in pending:
            await future

    @staticmethod
    def _check_type(stream: ExportStream, encrypted: bool) -> bytes:
        """Check the Content-Type; return the magic number the body must start with."""
        allowed, magic = (_ZIP_TYPES, _ZIP_MAGIC) if encrypted else (_MKV_TYPES, _MKV_MAGIC)
        if stream.content_type not in allowed:
            raise ExportError("unexpected_content", {"content_type": _shown_type(stream)})
        return magic


# -- retention -------------------------------------------------------------------------------


def _is_export_name(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith((".mkv", ".zip")) or (
        name.startswith(".") and lowered.endswith(".part")
    )


def _remove_old(root: Path, cutoff: float) -> list[Path]:
    """Remove old exports below `root`; never follows a symlink (BLOCKING)."""
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for dirpath, _dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        for filename in filenames:
            if not _is_export_name(filename):
                continue
            path = base / filename
            try:
                info = path.lstat()
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode) or info.st_mtime >= cutoff:
                continue
            try:
                path.unlink()
            except OSError as err:
                _LOGGER.warning("Could not remove the old export %s: %s", path, err.strerror)
                continue
            removed.append(path)
    return removed


async def async_remove_old_exports(
    hass: HomeAssistant, root: Path, max_age_days: int
) -> list[Path]:
    """Delete exports (``*.mkv``, ``*.zip``, stale ``.*.part``) older than `max_age_days`.

    Only regular files below `root` (the integration's own folder) are considered: symlinks
    are neither followed nor removed. `max_age_days` <= 0 keeps exports forever. Returns the
    removed paths.
    """
    if max_age_days <= 0:
        return []
    cutoff = time.time() - max_age_days * 86400
    removed = await hass.async_add_executor_job(_remove_old, root, cutoff)
    if removed:
        _LOGGER.debug("Removed %d export(s) older than %d days", len(removed), max_age_days)
    return removed


__all__ = [
    "EXPORT_ERROR_MESSAGES",
    "ClipExporter",
    "ExportError",
    "ExportRequest",
    "ExportResult",
    "ExportedFile",
    "async_remove_old_exports",
    "default_export_root",
    "sanitize_name",
]
