"""Thumbnails of the media browser: one key frame of a recording at a time, made on demand.

``GET /api/axis_edge_storage/thumbnail/<entry>/<disk>/<recording>/<time>.jpg`` (a signed-in
user, like core's thumbnails; the frontend signs the path) answers ``image/jpeg``. To make
one, about one GOP from `time` is exported from the camera (``exportrecording.cgi``, at most
`MAX_EXPORT_BYTES`, within `DEADLINE`) into a temporary file, and the first key frame of it is
encoded as a JPEG (`media.write_thumbnail`, in the executor). JPEGs are kept in a folder of
their own, at most `MAX_CACHE_BYTES` in all (the least recently served go first). At most
`PER_CAMERA` thumbnails of one camera are made at once; asking twice for one being made waits
for it. Anything that goes wrong (camera error, no key frame, too large) answers 404.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import secrets
import tempfile
from datetime import datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Final

from aiohttp import web
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN, LOGGER
from ..export.short import ShortExportTooLargeError, async_export_to_file
from ..media import MediaError, write_thumbnail
from ..runtime import AxisEdgeStorageConfigEntry
from ..vapix import VapixError
from .tree import IdentifierError, check_part, format_time, identifier, parse_time

THUMBNAIL_PATH: Final = f"/api/{DOMAIN}/thumbnail"
MAX_CACHE_BYTES: Final = 64 << 20
MAX_EXPORT_BYTES: Final = 16 << 20
SPAN: Final = timedelta(seconds=2)
DEADLINE: Final = 30.0
PER_CAMERA: Final = 2
_NAME = re.compile(r"^([0-9TZ.]{16,24})\.jpg$")

DATA_THUMBNAILS: HassKey[Thumbnails] = HassKey(f"{DOMAIN}_thumbnails")


class ThumbnailError(Exception):
    """No thumbnail could be made (the reason is logged at debug level)."""


def thumbnail_url(entry_id: str, disk_id: str, recording_id: str, moment: datetime) -> str:
    """The path of the thumbnail of a recording at `moment`."""
    return (
        f"{THUMBNAIL_PATH}/{identifier(entry_id, disk_id, recording_id)}/{format_time(moment)}.jpg"
    )


def default_folder(hass: HomeAssistant) -> Path:
    """A folder of the system's temporary files, one per Home Assistant configuration."""
    tag = hashlib.sha256(hass.config.config_dir.encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"{DOMAIN}-{tag}" / "thumbnails"


def _read(path: Path) -> bytes | None:
    """The cached JPEG, marked as used now (BLOCKING)."""
    try:
        data = path.read_bytes()
        os.utime(path)
    except OSError:
        return None
    return data


def _evict(folder: Path, limit: int) -> None:
    """Remove the least recently used JPEGs until the folder holds at most `limit` (BLOCKING)."""
    files: list[tuple[float, int, Path]] = []
    for path in folder.glob("*.jpg"):
        with contextlib.suppress(OSError):
            info = path.stat()
            files.append((info.st_mtime, info.st_size, path))
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files):
        if total <= limit:
            break
        path.unlink(missing_ok=True)
        total -= size


def _make_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)


def _make(source: Path, target: Path, folder: Path, limit: int) -> bytes:
    """The JPEG of `source`'s first key frame, written to `target`, the cache bounded (BLOCKING)."""
    write_thumbnail(source, target)
    data = target.read_bytes()
    _evict(folder, limit)
    return data


class Thumbnails:
    """The thumbnails of every camera: the folder, one limit per camera, the ones being made."""

    def __init__(self, hass: HomeAssistant, folder: Path | None = None) -> None:
        """Keep the JPEGs in `folder` (by default: `default_folder`)."""
        self._hass = hass
        self.folder = folder or default_folder(hass)
        self.max_bytes = MAX_CACHE_BYTES
        self._limits: dict[str, asyncio.Semaphore] = {}
        self._making: dict[str, asyncio.Future[bytes]] = {}
        self.made = 0

    async def async_get(
        self, entry: AxisEdgeStorageConfigEntry, disk_id: str, recording_id: str, moment: datetime
    ) -> bytes:
        """The JPEG, cached or made now; `ThumbnailError` when none can be made."""
        key = hashlib.sha256(
            f"{entry.unique_id or entry.entry_id}\n{disk_id}\n{recording_id}\n"
            f"{format_time(moment)}".encode()
        ).hexdigest()[:40]
        target = self.folder / f"{key}.jpg"
        if (data := await self._hass.async_add_executor_job(_read, target)) is not None:
            return data
        if (making := self._making.get(key)) is None:
            making = self._making[key] = self._hass.async_create_task(
                self._make(entry, disk_id, recording_id, moment, target),
                f"{DOMAIN} thumbnail",
                eager_start=False,
            )
            making.add_done_callback(lambda _: self._making.pop(key, None))
        return await asyncio.shield(making)

    async def _make(
        self,
        entry: AxisEdgeStorageConfigEntry,
        disk_id: str,
        recording_id: str,
        moment: datetime,
        target: Path,
    ) -> bytes:
        limit = self._limits.setdefault(entry.entry_id, asyncio.Semaphore(PER_CAMERA))
        path = self.folder / f".{target.stem}.{secrets.token_hex(4)}.mkv"
        async with limit:
            try:
                await self._hass.async_add_executor_job(_make_folder, self.folder)
                async with asyncio.timeout(DEADLINE):
                    await async_export_to_file(
                        self._hass,
                        entry.runtime_data.client,
                        recording_id=recording_id,
                        disk_id=disk_id,
                        start=moment,
                        stop=moment + SPAN,
                        path=path,
                        max_bytes=MAX_EXPORT_BYTES,
                    )
                data = await self._hass.async_add_executor_job(
                    _make, path, target, self.folder, self.max_bytes
                )
            except ShortExportTooLargeError:
                LOGGER.debug(
                    "No thumbnail of %s at %s: the export is too large", recording_id, moment
                )
                raise ThumbnailError("the export is too large for a thumbnail") from None
            except (VapixError, MediaError, TimeoutError, ThumbnailError, OSError) as err:
                LOGGER.debug("No thumbnail of %s at %s: %s", recording_id, moment, err)
                raise ThumbnailError(str(err)) from None
            finally:
                await self._hass.async_add_executor_job(path.unlink, True)
        self.made += 1
        return data


def async_get_thumbnails(hass: HomeAssistant) -> Thumbnails:
    """The one `Thumbnails` of this Home Assistant."""
    if (found := hass.data.get(DATA_THUMBNAILS)) is None:
        found = hass.data[DATA_THUMBNAILS] = Thumbnails(hass)
    return found


def _moment(name: str, *parts: str) -> datetime | None:
    """The time of a thumbnail's name, if the name and the parts are valid."""
    if (match := _NAME.match(name)) is None:
        return None
    try:
        for part in parts:
            check_part(part, "part")
        return parse_time(match.group(1))
    except IdentifierError:
        return None


class ThumbnailView(HomeAssistantView):
    """Serve a thumbnail of a recording to a signed-in user."""

    url = THUMBNAIL_PATH + "/{entry_id}/{disk_id}/{recording_id}/{name}"
    name = f"api:{DOMAIN}:thumbnail"
    requires_auth = True

    async def get(
        self, request: web.Request, entry_id: str, disk_id: str, recording_id: str, name: str
    ) -> web.Response:
        """The JPEG, or 404 for anything that is not a thumbnail of a loaded camera."""
        hass = request.app[KEY_HASS]
        moment = _moment(name, entry_id, disk_id, recording_id)
        if moment is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        try:
            data = await async_get_thumbnails(hass).async_get(entry, disk_id, recording_id, moment)
        except ThumbnailError:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        return web.Response(
            body=data,
            content_type="image/jpeg",
            headers={"Cache-Control": "private, max-age=86400"},
        )
