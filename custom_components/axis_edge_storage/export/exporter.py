"""Clip export engine: a time range becomes verified video files in an allowed folder.

How a range becomes files:

1. The range is checked (`plan.check_range`): the end after the start, from 1 s to 24 h, the
   start in the past. An end in the future is accepted only while a recording that covers
   *now* is ongoing on the chosen disk; the export is then **cut at now** (it does not wait
   for the future to be recorded), and each file's ``stop`` says where it really ends.
2. The folder is the default ``<media>/axis_edge_storage/<camera>/`` (the resolved path must
   stay inside ``<media>/axis_edge_storage``), or the camera's configured export folder or the
   request's folder, which ``hass.config.is_allowed_path`` must allow (checked in the executor,
   before and after symlinks are resolved).
3. The disks are read (``disks/list.cgi``): a locked disk or one whose status is not OK is
   refused with an error that says what to do.
4. Every recording overlapping the range is listed (paged ``record/list.cgi``) and
   `plan.choose` picks the disk and the fewest recordings that cover the range.
5. ``export/properties.cgi`` gives each part's proper (key-frame) start and estimated size;
   the free space at the destination, less a reserve kept free (`limits`), is checked
   against the sum of the estimates.
6. Each part becomes one file (`deliver`): MP4 by default (the camera's, when its export
   capabilities list MP4, else its Matroska remuxed without re-encoding), the camera's
   Matroska with ``format: mkv``, its AES-256 zip with a password. It is streamed to
   ``<folder>/.<name>.part`` (read, written and hashed at once, never whole in memory: see
   `download` and the bounds of `limits`), verified by its own content (`finish`: the video
   must cover the part within one GOP at each end; a zip must end with its directory),
   fsynced and renamed to ``<camera>_<start>_<stop>.mp4`` (``.mkv``, ``.zip``), times in Home
   Assistant's local time, never overwriting a file (a suffix ``_2``, ``_3``... is added).
   A video file gets a thumbnail, ``<same name>.jpg``.
7. On any failure or cancellation every ``.part``, file and thumbnail this request wrote is
   removed; a failure raises `ExportError`, a cancellation is re-raised as is.

Secrets (the export password, the camera's credentials) never appear in logs, exceptions,
results or ``repr``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..device_errors import export_error
from ..vapix import (
    AxisEdgeStorage,
    Disk,
    SortOrder,
    VapixError,
    VapixForbiddenError,
    VapixNotSupportedError,
    VapixRequestError,
)
from ..vapix.export import MATROSKA, MP4
from . import limits as export_limits
from .deliver import Delivery, discard_thumbnails
from .errors import ExportError
from .files import LowSpaceError, discard_all
from .folders import (
    check_name,
    default_export_root,
    disk_space,
    inside,
    may_write_in,
    prepare_folder,
    sanitize_name,
)
from .limits import ExportLimits
from .models import ExportedFile, ExportFormat, ExportRequest, ExportResult, Part, Planned
from .plan import check_range, check_wanted_disk, choose
from .progress import PartsProgress, ProgressCallback

_LOGGER = logging.getLogger(__name__)

MAX_PASSWORD_BYTES: Final = 512
ZIP_AES256: Final = "zip-aes256"
_MB = 1_000_000


@dataclass(slots=True)
class _Run:
    """What one export request has written so far, for the clean-up."""

    folder: Path = Path()
    delivery: Delivery | None = None


def _discard(delivery: Delivery) -> None:
    """Remove every file, part and thumbnail an export wrote (BLOCKING)."""
    discard_all(tuple(delivery.files))
    discard_thumbnails(delivery.thumbnails)


class ClipExporter:
    """Exports ranges of recordings of one camera to files (see the module docstring)."""

    def __init__(
        self,
        hass: HomeAssistant,
        client: AxisEdgeStorage,
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
        self._client = client
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
            if (delivery := run.delivery) is not None:
                # Remove what this request wrote; a second cancellation does not stop it.
                await asyncio.shield(self._run(_discard, delivery))
            if isinstance(err, VapixError):
                _LOGGER.debug("Export failed: %s", type(err).__name__)
                raise export_error(err) from err
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

    async def _async_plan(
        self, request: ExportRequest, start: datetime, end: datetime, now: datetime
    ) -> tuple[str, list[Part]]:
        """Read the disks and the recordings, then choose (see `plan.choose`)."""
        disks: dict[str, Disk] | None
        try:
            disks = {disk.disk_id: disk for disk in await self._client.disks.list()}
        except VapixForbiddenError:
            _LOGGER.debug("The account may not list disks; exporting without the disk check")
            disks = None
        check_wanted_disk(disks, request.disk_id)
        recordings = await self._client.recordings.list(
            disk_id=request.disk_id, start=start, stop=min(end, now), sort=SortOrder.ASCENDING
        )
        return choose(recordings, disks, request.disk_id, (start, end), now)

    async def _async_sent(self, wanted: ExportFormat) -> ExportFormat:
        """What the camera sends: MP4 if asked and offered (capabilities), else Matroska."""
        if wanted is not ExportFormat.MP4:
            return wanted
        try:
            capabilities = await self._client.exports.capabilities()
        except (VapixNotSupportedError, VapixForbiddenError, VapixRequestError) as err:
            _LOGGER.debug("No export capabilities (%s): Matroska", type(err).__name__)
            return ExportFormat.MKV
        return ExportFormat.MP4 if MP4 in capabilities.formats else ExportFormat.MKV

    async def _async_properties(
        self, disk_id: str, parts: Sequence[Part], sent: ExportFormat
    ) -> list[Planned]:
        planned: list[Planned] = []
        for part in parts:
            props = await self._client.exports.properties(
                part.recording.recording_id,
                disk_id,
                start=part.start,
                stop=part.stop,
                export_format=MP4 if sent is ExportFormat.MP4 else MATROSKA,
                encryption_format=ZIP_AES256 if sent is ExportFormat.ZIP else None,
            )
            start, stop = props.start or part.start, props.stop or part.stop
            planned.append(Planned(part, start, stop, props.estimated_bytes))
        return planned

    async def _async_space(self, folder: Path, planned: Sequence[Planned], remux: bool) -> int:
        """Check the free space for the estimated sizes; return the reserve to keep.

        A remux holds a part's Matroska and its MP4 at once (the Matroska goes when its MP4
        is done): the largest part counts twice.
        """
        sizes = [item.estimated_bytes or 0 for item in planned]
        needed = sum(sizes) + (max(sizes, default=0) if remux else 0)
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
        return reserve

    async def _async_export(
        self, request: ExportRequest, progress: ProgressCallback | None, run: _Run
    ) -> ExportResult:
        exact_now = dt_util.utcnow()
        now = exact_now.replace(microsecond=0)
        start, end = check_range(request.start, request.end, now)
        password = request.password
        if password is not None and not 0 < len(password.encode("utf-8")) <= MAX_PASSWORD_BYTES:
            raise ExportError("invalid_password", user_error=True)
        prefix = check_name(request.name) if request.name is not None else self._prefix
        folder, root = await self._async_folder(request)
        run.folder = folder
        # An end up to the exact present is not "in the future"; the cut is at a whole second.
        if now < end <= exact_now:
            end = now
        disk_id, parts = await self._async_plan(request, start, end, now)
        wanted = ExportFormat.ZIP if password is not None else request.format
        sent = await self._async_sent(wanted)
        planned = await self._async_properties(disk_id, parts, sent)
        remux = sent is ExportFormat.MKV and wanted is ExportFormat.MP4
        reserve = await self._async_space(folder, planned, remux)
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
        tracker = PartsProgress(progress, planned)
        delivery = run.delivery = Delivery(
            self._hass,
            self._client,
            disk_id,
            resolved,
            prefix,
            reserve,
            self.limits,
            password,
            wanted,
            sent,
        )
        exported: list[ExportedFile] = []
        for index, item in enumerate(planned):

            def report(fraction: float, name: str | None, index: int = index) -> None:
                tracker.report(index, fraction, name)

            exported.append(await delivery.async_part(item, report))
        tracker.finished()
        return ExportResult(
            files=tuple(exported),
            total_bytes=sum(f.size for f in exported),
            format=wanted,
            proper_start=exported[0].start if exported else None,
        )
