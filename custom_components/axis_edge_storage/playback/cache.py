"""Segments made once, kept on disk with a size cap, shared, and the next ones prefetched.

* **Where**: ``<config>/.cache/axis_edge_storage/hls``; a segment's file name is a hash of the
  camera, disk, recording, the playlist's range and the segment's index (not the URL's expiry:
  a playlist resolved again finds its segments).
* **Cap**: `MAX_BYTES` in total (`SegmentCache.max_bytes`); the least recently used segments
  go first. The order is kept in memory, from the files' times at the first use after a start.
* **Shared**: requests for a segment being made wait for the same export.
* **Prefetch**: after a segment is served, the next `PREFETCH` are made in the background, one
  at a time per camera (`prefetch` 0 turns it off). A user's request never waits for them: it
  starts its own export, unless that very segment is already being made.
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
from .playlist import segment_count
from .segments import KeyFrames
from .urls import PlaybackClaims

_LOGGER = logging.getLogger(__name__)

MAX_BYTES: Final = 512 << 20
PREFETCH: Final = 2
#: Prefetches waiting per camera at most; more are dropped.
MAX_QUEUED: Final = 4
SUFFIX: Final = ".ts"

type Make = Callable[[Path], Awaitable[None]]

DATA_CACHE: HassKey[SegmentCache] = HassKey(f"{DOMAIN}_hls_cache")


def segment_key(claims: PlaybackClaims, index: int) -> str:
    """The file name of a segment."""
    text = "\n".join(
        (
            claims.entry_id,
            claims.disk_id,
            claims.recording_id,
            claims.start.isoformat(),
            claims.end.isoformat(),
            str(index),
        )
    )
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
        self._making: dict[str, asyncio.Task[Path]] = {}
        self._prefetch_locks: dict[str, asyncio.Semaphore] = {}
        self._queued: dict[str, set[str]] = {}
        self._scan_lock = asyncio.Lock()

    @property
    def total_bytes(self) -> int:
        """The bytes of the segments kept."""
        return sum((self._files or {}).values())

    async def _async_files(self) -> OrderedDict[str, int]:
        async with self._scan_lock:
            if self._files is None:
                found = await self._hass.async_add_executor_job(_scan, self.folder)
                self._files = OrderedDict(found)
        return self._files

    async def async_get(self, claims: PlaybackClaims, index: int, make: Make) -> Path:
        """The segment's file, made by `make` unless kept or being made."""
        files = await self._async_files()
        name = segment_key(claims, index)
        if name in files:
            files.move_to_end(name)
            return self.folder / name
        task = self._making.get(name)
        if task is None:
            task = self._start(name, make)
        return await asyncio.shield(task)

    def _start(self, name: str, make: Make) -> asyncio.Task[Path]:
        task = self._hass.async_create_background_task(
            self._async_make(name, make), f"{DOMAIN} HLS segment"
        )
        self._making[name] = task
        task.add_done_callback(lambda _: self._making.pop(name, None))
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
        return task

    async def _async_make(self, name: str, make: Make) -> Path:
        files = await self._async_files()
        path = self.folder / name
        await make(path)
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

    def async_prefetch(
        self, claims: PlaybackClaims, index: int, make: Callable[[int], Make]
    ) -> None:
        """Make the segments after `index` in the background (bounded per camera)."""
        queued = self._queued.setdefault(claims.entry_id, set())
        for ahead in range(index + 1, min(index + 1 + self.prefetch, segment_count(claims))):
            name = segment_key(claims, ahead)
            if self._files is not None and name in self._files:
                continue
            if name in self._making or name in queued or len(queued) >= MAX_QUEUED:
                continue
            queued.add(name)
            self._hass.async_create_background_task(
                self._async_prefetch(claims.entry_id, name, make(ahead)),
                f"{DOMAIN} HLS prefetch",
            )

    async def _async_prefetch(self, entry_id: str, name: str, make: Make) -> None:
        lock = self._prefetch_locks.setdefault(entry_id, asyncio.Semaphore(1))
        try:
            async with lock:
                self._queued.get(entry_id, set()).discard(name)
                files = await self._async_files()
                if name in files:
                    return
                task = self._making.get(name) or self._start(name, make)
                await asyncio.shield(task)
        except Exception as err:  # noqa: BLE001 (a prefetch that fails is only not kept)
            _LOGGER.debug("Prefetching a segment failed: %s", type(err).__name__)
        finally:
            self._queued.get(entry_id, set()).discard(name)


def async_get_cache(hass: HomeAssistant) -> SegmentCache:
    """The segment cache (made on first use)."""
    if (cache := hass.data.get(DATA_CACHE)) is None:
        folder = Path(hass.config.path(".cache", DOMAIN, "hls"))
        cache = hass.data[DATA_CACHE] = SegmentCache(hass, folder)
    return cache
