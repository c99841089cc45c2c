"""Clip export engine: a time range becomes verified video files in an allowed folder.

How a range becomes files:

1. The range is checked: the end after the start, from 1 s to 24 h, the start in the past.
   An end in the future is accepted only while a recording that covers *now* is ongoing on the
   chosen disk; the export is then **cut at now** (it does not wait for the future to be
   recorded), and each file's ``stop`` says where it really ends.
2. The folder is the default ``<media>/axis_edge_storage/<camera>/`` (the resolved path must
   stay inside ``<media>/axis_edge_storage``), or the camera's configured export folder or the
   request's folder, which ``hass.config.is_allowed_path`` must allow (checked in the executor,
   before and after symlinks are resolved).
3. The disks are read (``disks/list.cgi``): a locked disk or one whose status is not OK is
   refused with an error that says what to do.
4. Every recording overlapping the range is listed (paged ``record/list.cgi``). Without an
   explicit disk, the disk whose recordings cover most of the range is used, the SD card
   first on a tie. Recordings of one video source that overlap (a triggered recording inside a
   continuous one) are not exported twice: the fewest recordings that cover the range are
   chosen, and each is clipped to its share of the range. Motion JPEG recordings cannot be
   exported as Matroska and are skipped.
5. ``export/properties.cgi`` gives each part's proper (key-frame) start and estimated size;
   the free space at the destination, less a reserve kept free (`export_limits`), is checked
   against the sum of the estimates.
6. Each part is streamed to ``<folder>/.<name>.part`` (never whole in memory; every file
   operation in the executor, chunks batched into writes of about 1 MiB), its Content-Type and
   leading bytes are checked, its SHA-256 is computed on the way, then it is fsynced and renamed
   to ``<camera>_<start>_<stop>.mkv`` (``.zip`` with a password), times in Home Assistant's
   local time. An existing file is never overwritten: a suffix ``_2``, ``_3``... is added.
   Each file is bounded (`export_limits`): a deadline from the request to the last byte, a
   byte cap, and the free-space reserve checked after every write.
7. On any failure or cancellation every ``.part`` and every file this request already finished
   is removed; a failure raises `ExportError`, a cancellation is re-raised as is.

Secrets (the export password, the camera's credentials) never appear in logs, exceptions,
results or ``repr``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from . import export_limits
from .export_errors import EXPORT_ERROR_MESSAGES, ExportError, from_vapix
from .export_files import (
    LowSpaceError,
    PartFile,
    discard_all,
    disk_space,
    inside,
    may_write_in,
    prepare_folder,
)
from .export_limits import ExportLimits
from .export_plan import (
    SD_DISK,
    ExportedFile,
    ExportRequest,
    ExportResult,
    Part,
    Planned,
    check_name,
    check_range,
    cover,
    covered_seconds,
    default_export_root,
    disk_problem,
    exportable,
    is_unbound_share,
    range_placeholders,
    sanitize_name,
)
from .vapix import (
    AxisEdgeStorage,
    Disk,
    ExportProperties,
    ExportStream,
    Recording,
    SortOrder,
    VapixError,
    VapixForbiddenError,
)

_LOGGER = logging.getLogger(__name__)

MAX_PASSWORD_BYTES: Final = 512
WRITE_BATCH_BYTES: Final = 1 << 20
ZIP_AES256: Final = "zip-aes256"
_MKV_TYPES = frozenset({"video/x-matroska", "video/matroska", "application/octet-stream"})
_ZIP_TYPES = frozenset(
    {"application/zip", "application/x-zip-compressed", "application/octet-stream"}
)
_MKV_MAGIC = b"\x1a\x45\xdf\xa3"  # EBML header
_ZIP_MAGIC = b"PK\x03\x04"
_MAGIC_LEN = 4
_NAME_TIME = "%Y%m%d-%H%M%S"
_MB = 1_000_000

ProgressCallback = Callable[[float, str | None], None]


@dataclass(slots=True)
class _Run:
    """What one export request has written so far, for the clean-up."""

    folder: Path = Path()
    files: list[PartFile] = field(default_factory=list)


def _shown_type(stream: ExportStream) -> str:
    """The device's Content-Type, safe to show: printable and short."""
    shown = "".join(ch for ch in stream.content_type if ch.isprintable())[:80]
    return shown or "no content type"


def _consume(future: asyncio.Future[None]) -> None:
    """Retrieve a background write's outcome so that it is never reported as unretrieved."""
    if not future.cancelled():
        future.exception()


class _Progress:
    """Overall percent: finished parts' weight plus the current part's received fraction."""

    def __init__(self, callback: ProgressCallback | None, planned: Sequence[Planned]) -> None:
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
        configured: bool = False,
        limits: ExportLimits | None = None,
    ) -> None:
        """Describe the camera.

        `default_folder` is where a request without a folder goes. Unless `configured`, it
        must lie inside `default_export_root(hass)`; normally it is
        ``default_export_root(hass) / sanitize_name(camera_name)``. A `configured` folder (the
        camera's export folder option) is its own root: Home Assistant must allow it
        (``is_allowed_path``). `limits` bound each file; default: `DEFAULT_LIMITS`.
        """
        self._hass = hass
        self._device = device
        self._prefix = sanitize_name(camera_name)
        self._default_folder = default_folder
        self._configured = configured
        self.limits = limits or export_limits.DEFAULT_LIMITS

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
                raise from_vapix(err) from err
            if isinstance(err, LowSpaceError):
                raise ExportError(
                    "low_disk_space",
                    {
                        "folder": str(run.folder),
                        "free": f"{err.free / _MB:.1f}",
                        "reserve": f"{err.reserve / _MB:.1f}",
                    },
                ) from None
            if isinstance(err, OSError):
                raise ExportError(
                    "write_failed",
                    {"folder": str(run.folder), "error": err.strerror or type(err).__name__},
                ) from err
            raise

    async def _async_discard(self, files: Sequence[PartFile]) -> None:
        """Remove what this request wrote; a second cancellation does not stop the removal."""
        job = self._hass.async_add_executor_job(discard_all, tuple(files))
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
        if request.folder is None and not self._configured:
            folder = self._default_folder
            root = default_export_root(self._hass)
            if not await self._run(inside, folder, root):
                raise ExportError("folder_not_allowed", {"folder": str(folder)}, user_error=True)
            return folder, root
        folder = request.folder or self._default_folder
        if not folder.is_absolute():
            folder = Path(self._hass.config.path(str(folder)))
        if not await self._run(may_write_in, self._hass.config.is_allowed_path, folder):
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
    ) -> tuple[str, list[Part]]:
        """Choose the disk and the parts of the range (see the module docstring)."""
        disks = await self._async_disks()
        wanted = request.disk_id
        if wanted is not None and disks is not None:
            if wanted not in disks:
                raise ExportError(
                    "unknown_disk", {"disk": wanted, "disks": ", ".join(disks)}, user_error=True
                )
            if (problem := disk_problem(disks[wanted])) is not None:
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
            if not exportable(recording):
                unexportable = True
                continue
            by_disk.setdefault(recording.disk_id or wanted or SD_DISK, []).append(recording)
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
                    key=lambda d: (not d.disk_id.startswith(SD_DISK), d.disk_id),
                )
                if down and (problem := disk_problem(down[0])) is not None:
                    raise problem
            if end > now:
                raise ExportError("end_in_future", {"end": places["end"]}, user_error=True)
            raise ExportError("no_recording", places, user_error=True)

        def rank(disk_id: str) -> tuple[bool, int, bool, str]:
            usable = disks is None or (disk_id in disks and disk_problem(disks[disk_id]) is None)
            covered = round(covered_seconds(covers[disk_id]))
            return (usable, covered, disk_id.startswith(SD_DISK), disk_id)

        disk_id = wanted or max(covers, key=rank)
        if (
            disks is not None
            and disk_id in disks
            and (problem := disk_problem(disks[disk_id])) is not None
        ):
            raise problem
        if end > now and not any(
            r.ongoing and r.start is not None and r.start <= now for r in by_disk[disk_id]
        ):
            raise ExportError("end_in_future", {"end": places["end"]}, user_error=True)
        return disk_id, covers[disk_id]

    async def _async_properties(
        self, disk_id: str, parts: Sequence[Part], encrypted: bool
    ) -> list[Planned]:
        planned: list[Planned] = []
        for part in parts:
            props: ExportProperties = await self._device.exports.properties(
                part.recording.recording_id,
                disk_id,
                start=part.start,
                stop=part.stop,
                encryption_format=ZIP_AES256 if encrypted else None,
            )
            planned.append(
                Planned(
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
        prefix = check_name(request.name) if request.name is not None else self._prefix
        folder, root = await self._async_folder(request)
        run.folder = folder
        # An end up to the exact present is not "in the future"; the cut is at a whole second.
        if now < end <= exact_now:
            end = now
        disk_id, parts = await self._async_plan(request, start, end, now)
        encrypted = request.password is not None
        planned = await self._async_properties(disk_id, parts, encrypted)

        needed = sum(item.estimated_bytes or 0 for item in planned)
        free, total = await self._run(disk_space, folder)
        reserve = self.limits.reserve(total)
        if needed + reserve > free:
            raise ExportError(
                "not_enough_space",
                {
                    "folder": str(folder),
                    "needed": f"{needed / _MB:.1f}",
                    "free": f"{free / _MB:.1f}",
                    "reserve": f"{reserve / _MB:.1f}",
                },
            )
        resolved = await self._run(prepare_folder, folder)
        allowed = (
            await self._run(inside, resolved, root)
            if root is not None
            else await self._run(may_write_in, self._hass.config.is_allowed_path, resolved)
        )
        if not allowed:
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
            part_file = PartFile(resolved, stem, ext, reserve)
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
        item: Planned,
        part_file: PartFile,
        password: str | None,
        tracker: _Progress,
        index: int,
    ) -> ExportedFile:
        """Stream one part to its .part file, verify, fsync and rename it.

        The part must arrive within its deadline and stay under its byte cap (`limits`).
        """
        duration = (item.stop - item.start).total_seconds()
        deadline = asyncio.timeout(self.limits.deadline(duration))
        cap = self.limits.byte_cap(duration, item.estimated_bytes)
        await self._run(part_file.open)
        name = part_file.name()
        tracker.report(index, 0.0, name)
        recording = item.part.recording
        pending: list[asyncio.Future[None]] = []
        batch: list[bytes] = []
        try:
            try:
                async with deadline:
                    await self._async_receive(
                        disk_id=disk_id,
                        item=item,
                        part_file=part_file,
                        password=password,
                        progress=(tracker, index),
                        cap=cap,
                        pending=pending,
                        batch=batch,
                    )
            except TimeoutError:
                if not deadline.expired():
                    raise
                raise ExportError(
                    "export_too_slow",
                    {"file": name, "seconds": str(round(self.limits.deadline(duration)))},
                ) from None
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

    async def _async_receive(
        self,
        *,
        disk_id: str,
        item: Planned,
        part_file: PartFile,
        password: str | None,
        progress: tuple[_Progress, int],
        cap: int,
        pending: list[asyncio.Future[None]],
        batch: list[bytes],
    ) -> None:
        """Receive a part into `part_file`, at most `cap` bytes.

        `pending` is filled with the writes in flight and `batch` with the chunks not yet
        submitted (the caller finishes both). An announced length over `cap` is refused at once.
        """
        tracker, index = progress
        name = part_file.name()
        recording = item.part.recording
        async with self._device.exports.export(
            recording.recording_id,
            disk_id,
            start=item.start,
            stop=item.stop,
            password=password,
        ) as stream:
            magic = self._check_type(stream, password is not None)
            too_large = ExportError("export_too_large", {"file": name, "limit": f"{cap / _MB:.1f}"})
            if stream.content_length is not None and stream.content_length > cap:
                raise too_large
            expected = stream.content_length or item.estimated_bytes
            head = b""
            batched = received = 0
            async for chunk in stream.iter_chunks():
                if len(head) < _MAGIC_LEN:
                    head += chunk[: _MAGIC_LEN - len(head)]
                    if len(head) == _MAGIC_LEN and head != magic:
                        raise ExportError(
                            "unexpected_content", {"content_type": _shown_type(stream)}
                        )
                received += len(chunk)
                if received > cap:
                    raise too_large
                batch.append(chunk)
                batched += len(chunk)
                if batched >= WRITE_BATCH_BYTES:
                    # One batch in flight (written and hashed in parallel) while the next
                    # one arrives: at most two batches in memory.
                    await self._async_settle(pending)
                    pending[:] = self._submit(part_file, batch[:])
                    batch.clear()
                    batched = 0
                    tracker.report(index, received / expected if expected else 0.0, name)
            if head != magic:  # fewer bytes than the magic number
                raise ExportError("unexpected_content", {"content_type": _shown_type(stream)})

    def _submit(self, part_file: PartFile, batch: list[bytes]) -> list[asyncio.Future[None]]:
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


__all__ = [
    "EXPORT_ERROR_MESSAGES",
    "ClipExporter",
    "ExportError",
    "ExportRequest",
    "ExportResult",
    "ExportedFile",
    "default_export_root",
    "sanitize_name",
]
