"""Segments made once, kept on disk with a size cap, shared, and the next ones prefetched.

* **Where**: ``<config>/.cache/axis_edge_storage/hls``; a segment's file name is a hash of the
  camera, disk, recording, the playlist's range and layout and the segment's index (not the
  URL's expiry: a playlist resolved again finds its segments).
* **Cap**: `MAX_BYTES` in total (`SegmentCache.max_bytes`); the least recently used segments
  go first. The order is kept in memory, from the files' times at the first use after a start.
* **Shared**: requests for a segment being made wait for the same export. When the last of
  them goes (the player aborted its request: it seeked elsewhere) the export is cancelled,
  unless it is downloaded already (the remux is short) or is a prefetch still ahead.
* **Order**: per camera, at most `MAX_EXPORTS` exports that players wait for run at once;
  prefetches run one at a time, and only while no player waits (`exports`).
* **Prefetch**: after a segment is served, the next `PREFETCH` are queued (`prefetch` 0 turns
  it off). A request of a playlist drops its queued prefetches that are no longer just ahead
  of it and cancels such a running one (a seek makes them stale).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN
from .exports import CameraExports, Job
from .playlist import Layout
from .segments import KeyFrames

_LOGGER = logging.getLogger(__name__)

MAX_BYTES: Final = 512 << 20
PREFETCH: Final = 2
SUFFIX: Final = ".ts"

#: Makes a segment at the path; calls the callback once its export is downloaded.
type Make = Callable[[Path, Callable[[], None]], Awaitable[None]]

DATA_CACHE: HassKey[SegmentCache] = HassKey(f"{DOMAIN}_hls_cache")


def playback_key(layout: Layout) -> str:
    """What the segments of one playlist share (their key without the index)."""
    claims = layout.claims
    return "\n".join(
        (
            claims.entry_id,
            claims.disk_id,
            claims.recording_id,
            claims.start.isoformat(),
            claims.end.isoformat(),
            str(layout.flag),
        )
    )


def segment_key(layout: Layout, index: int) -> str:
    """The file name of a segment."""
    text = f"{playback_key(layout)}\n{index}"
    return hashlib.sha256(text.encode()).hexdigest()[:40] + SUFFIX


def _scan(folder: Path) -> list[tuple[str, int]]:
    """The segments in `folder`, oldest first; leftovers of an interrupted make removed."""
    folder.mkdir(parents=True, exist_ok=True)
    found: list[tuple[float, str, int]] = []
    for path in folder.iterdir():
        if path.name.startswith(".") or path.suffix != SUFFIX or not path.is_file():
            path.unlink(missing_ok=True)
            continue
        info = path.stat()
        found.append((info.st_mtime, path.name, info.st_size))
    return [(name, size) for _, name, size in sorted(found)]


def _evict(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _size(path: Path) -> int:
    return path.stat().st_size


class SegmentCache:
    """The segment files of every camera."""

    def __init__(self, hass: HomeAssistant, folder: Path) -> None:
        """Keep segments in `folder` (scanned at the first use)."""
        self._hass = hass
        self.folder = folder
        self.max_bytes = MAX_BYTES
        self.prefetch = PREFETCH
        self.key_frames = KeyFrames()
        self._files: OrderedDict[str, int] | None = None
        self._cameras: dict[str, CameraExports] = {}
        self._scan_lock = asyncio.Lock()

    @property
    def total_bytes(self) -> int:
        """The bytes of the segments kept."""
        return sum((self._files or {}).values())

    def exports(self, entry_id: str) -> CameraExports:
        """The exports of a camera (made on first use)."""
        if (camera := self._cameras.get(entry_id)) is None:
            camera = self._cameras[entry_id] = CameraExports(self._hass, f"{DOMAIN} HLS")
        return camera

    async def _async_files(self) -> OrderedDict[str, int]:
        async with self._scan_lock:
            if self._files is None:
                found = await self._hass.async_add_executor_job(_scan, self.folder)
                self._files = OrderedDict(found)
        return self._files

    async def async_get(self, layout: Layout, index: int, make: Make) -> Path:
        """The segment's file, made by `make` unless kept or being made.

        Cancelled (the player went), it cancels the export that no one else waits for.
        """
        files = await self._async_files()
        exports = self.exports(layout.claims.entry_id)
        exports.asked(playback_key(layout), index, self.prefetch)
        name = segment_key(layout, index)
        if name in files:
            files.move_to_end(name)
            return self.folder / name
        job = exports.job(name) or exports.start(
            self._job(layout, index, name, make), foreground=True
        )
        return await exports.wait(job)

    def _job(self, layout: Layout, index: int, name: str, make: Make) -> Job:
        return Job(name, playback_key(layout), index, lambda job: self._async_make(make, job))

    async def _async_make(self, make: Make, job: Job) -> Path:
        files = await self._async_files()
        name = job.name
        if name in files:
            return self.folder / name
        path = self.folder / name
        await make(path, job.set_downloaded)
        files[name] = await self._hass.async_add_executor_job(_size, path)
        files.move_to_end(name)
        gone: list[Path] = []
        total = sum(files.values())
        while total > self.max_bytes and len(files) > 1:
            old, size = next(iter(files.items()))
            if old == name:
                break
            del files[old]
            total -= size
            gone.append(self.folder / old)
        if gone:
            await self._hass.async_add_executor_job(_evict, gone)
        return path

    def async_prefetch(self, layout: Layout, index: int, make: Callable[[int], Make]) -> None:
        """Queue the segments after `index` (made one at a time per camera, players first)."""
        exports = self.exports(layout.claims.entry_id)
        for ahead in range(index + 1, min(index + 1 + self.prefetch, layout.count())):
            name = segment_key(layout, ahead)
            if self._files is not None and name in self._files:
                continue
            exports.queue(self._job(layout, ahead, name, make(ahead)))


def async_get_cache(hass: HomeAssistant) -> SegmentCache:
    """The segment cache (made on first use)."""
    if (cache := hass.data.get(DATA_CACHE)) is None:
        folder = Path(hass.config.path(".cache", DOMAIN, "hls"))
        cache = hass.data[DATA_CACHE] = SegmentCache(hass, folder)
    return cache
