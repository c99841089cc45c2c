"""One camera's clip exports: in order, one at a time, with progress, events and links.

Exports of one camera run one after the other in the order they were asked for (an
`asyncio.Lock` wakes its waiters first in, first out); different cameras export in parallel.
The lock belongs to the camera (its unique id, in ``hass.data``), not to the config entry:
after a reload the old entry's queue may still be finishing an export (an options change
must not kill a user's export half-way; the export is bounded by its deadline), and the new
entry's queue waits for it instead of starting a second export on the same camera.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Context, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util.hass_dict import HassKey

from ..const import (
    CONF_EXPORT_FOLDER,
    CONF_EXPORT_RETENTION_DAYS,
    CONF_LINK_VALIDITY_HOURS,
    DEFAULT_LINK_VALIDITY_HOURS,
    DEFAULT_RETENTION_DAYS,
    DOMAIN,
    EVENT_EXPORT_COMPLETED,
    EVENT_EXPORT_FAILED,
    EVENT_EXPORT_STARTED,
    LOGGER,
    MAX_LINK_VALIDITY_HOURS,
)
from ..vapix import AxisEdgeStorage
from .errors import ExportError
from .exporter import ClipExporter
from .folders import default_export_root, sanitize_name
from .links import DOWNLOAD_PATH, async_get_links
from .models import ExportedFile, ExportRequest
from .progress import ExportProgressCoordinator
from .retention import async_remove_old_exports

RETENTION_INTERVAL = timedelta(days=1)
_EXPORT_LOCKS: HassKey[dict[str, asyncio.Lock]] = HassKey(f"{DOMAIN}_export_locks")

__all__ = ["DOWNLOAD_PATH", "ExportQueue", "camera_export_lock", "camera_folder"]


def camera_export_lock(hass: HomeAssistant, camera: str) -> asyncio.Lock:
    """The lock that keeps a camera's exports one at a time, whichever entry runs them."""
    return hass.data.setdefault(_EXPORT_LOCKS, {}).setdefault(camera, asyncio.Lock())


def _digest(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of a small file (a thumbnail) (BLOCKING)."""
    data = path.read_bytes()
    return len(data), hashlib.sha256(data).hexdigest()


def _resolved(folder: Path) -> Path:
    """`folder` with its symlinks resolved (BLOCKING)."""
    return folder.resolve()


def camera_folder(hass: HomeAssistant, entry: ConfigEntry) -> Path:
    """Where a camera's exports go: the configured folder, or the integration's own."""
    configured = entry.options.get(CONF_EXPORT_FOLDER)
    if configured:
        return Path(configured)
    return default_export_root(hass) / sanitize_name(entry.title)


class ExportQueue:
    """The exports of one camera."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, client: AxisEdgeStorage, device_id: str
    ) -> None:
        """Prepare; nothing runs until an export is asked for."""
        self._hass = hass
        self._entry = entry
        self._device_id = device_id
        self.folder = camera_folder(hass, entry)
        self.progress_coordinator = ExportProgressCoordinator(hass, entry)
        self._exporter = ClipExporter(
            hass,
            client,
            camera_name=entry.title,
            default_folder=self.folder,
            configured=bool(entry.options.get(CONF_EXPORT_FOLDER)),
        )
        self._lock = camera_export_lock(hass, entry.unique_id or entry.entry_id)
        self._waiting = 0

    # -- exports -------------------------------------------------------------------------------

    async def async_export(self, request: ExportRequest, context: Context) -> dict[str, Any]:
        """Export after the exports asked for before; return the response data.

        Raises `ExportError` after firing the failed event.
        """
        self._waiting += 1
        self.progress_coordinator.async_queued(self._waiting)
        try:
            await self._lock.acquire()
        finally:
            self._waiting -= 1
            self.progress_coordinator.async_queued(self._waiting)
        try:
            return await self._async_run(request, context)
        finally:
            self._lock.release()

    async def _async_run(self, request: ExportRequest, context: Context) -> dict[str, Any]:
        base = {
            "device_id": self._device_id,
            "camera": self._entry.title,
            "start": request.start.isoformat(),
            "end": request.end.isoformat(),
            "disk_id": request.disk_id,
        }
        self._hass.bus.async_fire(EVENT_EXPORT_STARTED, base, context=context)
        progress = self.progress_coordinator
        progress.async_progress(0.0, None)
        try:
            result = await self._exporter.async_export(request, progress.async_progress)
        except ExportError as err:
            progress.async_stopped()
            self._hass.bus.async_fire(
                EVENT_EXPORT_FAILED,
                {**base, "error": err.translation_key, "message": err.message(self._hass)},
                context=context,
            )
            raise
        progress.async_progress(100.0, None)
        response = result.as_dict()
        for item, exported in zip(response["files"], result.files, strict=True):
            item["url"] = await self.async_download_url(
                exported.path, exported.size, exported.sha256
            )
            item["thumbnail_url"] = await self._async_thumbnail_url(exported)
        self._hass.bus.async_fire(EVENT_EXPORT_COMPLETED, {**base, **response}, context=context)
        return response

    async def async_download_url(self, path: Path, size: int, sha256: str) -> str | None:
        """A download link (see `links`) when the file is in the camera's folder.

        Folders are compared with their symlinks resolved (a symlinked media folder still
        gives a link); the file is recorded as written by this integration.
        """
        folder = await self._hass.async_add_executor_job(_resolved, self.folder)
        if path.parent != folder:
            return None
        links = await async_get_links(self._hass)
        try:
            record = await links.async_record(self._entry.entry_id, path, size, sha256)
        except OSError as err:
            LOGGER.warning("No download link for %s: %s", path.name, err.strerror)
            return None
        hours = self._entry.options.get(CONF_LINK_VALIDITY_HOURS, DEFAULT_LINK_VALIDITY_HOURS)
        hours = min(max(float(hours), 0.0), MAX_LINK_VALIDITY_HOURS)
        return links.url(self._entry.entry_id, record, timedelta(hours=hours))

    async def _async_thumbnail_url(self, exported: ExportedFile) -> str | None:
        """A link to the file's thumbnail, if it has one (recorded like the file)."""
        if exported.thumbnail is None:
            return None
        try:
            size, sha256 = await self._hass.async_add_executor_job(_digest, exported.thumbnail)
        except OSError as err:
            LOGGER.warning("No thumbnail link for %s: %s", exported.thumbnail.name, err.strerror)
            return None
        return await self.async_download_url(exported.thumbnail, size, sha256)

    @callback
    def async_start_retention(self) -> CALLBACK_TYPE:
        """Remove old exports now and daily, from the integration's own folder only.

        The camera's folder is not walked when it is a symlink (see `retention`).
        Then the record of written files forgets the files that are gone.
        """

        async def _remove(_now: Any = None) -> None:
            days = int(self._entry.options.get(CONF_EXPORT_RETENTION_DAYS, DEFAULT_RETENTION_DAYS))
            removed = []
            if not self._entry.options.get(CONF_EXPORT_FOLDER):  # never delete in the user's
                removed = await async_remove_old_exports(self._hass, self.folder, days)
            await (await async_get_links(self._hass)).async_prune(self._entry.entry_id)
            if removed:
                LOGGER.info(
                    "Removed %d exports of %s older than %d days",
                    len(removed),
                    self._entry.title,
                    days,
                )

        self._entry.async_create_background_task(
            self._hass, _remove(), f"{DOMAIN} retention {self._entry.title}"
        )
        return async_track_time_interval(self._hass, _remove, RETENTION_INTERVAL)
