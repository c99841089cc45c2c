"""The recordings of each disk of a camera, read once and kept for the media browser.

The days of a disk come from here, not from a listing of every recording at each browse.
The index of a disk is read (``record/list.cgi``, paged, newest first, at most
`MAX_RECORDINGS`) when first needed, and again when it is older than `MAX_AGE` or after it was
invalidated: when the state coordinator's set of ongoing recordings or of disks changes (a
recording started or stopped, a disk came or went), or when `invalidate` is called (after
recordings were removed). One read at a time per disk; browses waiting meanwhile share it.

Days and hours, which must show what is there now, are listed through time windows of
``record/list.cgi`` (`window`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN, LOGGER
from ..runtime import AxisEdgeStorageConfigEntry
from ..vapix import AxisEdgeStorage, Recording

#: How long an index is trusted when nothing said the recordings changed.
MAX_AGE: Final = timedelta(minutes=5)
#: The most recordings kept per disk (the newest); more are cut, with one log line.
MAX_RECORDINGS: Final = 20_000
#: The most recordings one time window (a day, an hour) lists.
MAX_WINDOW: Final = 2_000
PAGE_SIZE: Final = 500

DATA_INDEXES: HassKey[dict[str, RecordingIndex]] = HassKey(f"{DOMAIN}_recording_indexes")


@dataclass(frozen=True, slots=True)
class DiskIndex:
    """The recordings of one disk, as read at ``read_at``."""

    recordings: tuple[Recording, ...]
    read_at: datetime
    cut: bool


def _slim(recording: Recording) -> Recording:
    """Keep only what the days need: id, disk, type, event id, start, stop, status."""
    return Recording(
        recording_id=recording.recording_id,
        disk_id=recording.disk_id,
        start=recording.start,
        stop=recording.stop,
        status=recording.status,
        recording_type=recording.recording_type,
        event_id=recording.event_id,
    )


class RecordingIndex:
    """The per-disk recordings of one loaded camera."""

    def __init__(self, hass: HomeAssistant, entry: AxisEdgeStorageConfigEntry) -> None:
        """Follow the entry's state coordinator; nothing is read before it is asked for."""
        self._hass = hass
        self._entry = entry
        self._disks: dict[str, DiskIndex] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._generation = 0
        self._cut_logged: set[str] = set()
        self._signature = self._current_signature()

    @property
    def _client(self) -> AxisEdgeStorage:
        return self._entry.runtime_data.client

    def _current_signature(self) -> tuple[frozenset[str], frozenset[str]]:
        data = self._entry.runtime_data.coordinator.data
        return frozenset(rec.recording_id for rec in data.ongoing), frozenset(data.disks)

    @callback
    def async_coordinator_updated(self) -> None:
        """The state was polled: when its recordings or disks changed, read again."""
        signature = self._current_signature()
        if signature != self._signature:
            self._signature = signature
            self.invalidate()

    @callback
    def invalidate(self, disk_id: str | None = None) -> None:
        """Forget what was read (of one disk or of all): the next browse reads again."""
        self._generation += 1
        if disk_id is None:
            self._disks.clear()
        else:
            self._disks.pop(disk_id, None)

    def cached(self, disk_id: str) -> DiskIndex | None:
        """The index of a disk if it is still trusted."""
        index = self._disks.get(disk_id)
        if index is None or dt_util.utcnow() - index.read_at >= MAX_AGE:
            return None
        return index

    async def recordings(self, disk_id: str) -> tuple[Recording, ...]:
        """The disk's recordings (newest first), read only when the index is not trusted."""
        if (index := self.cached(disk_id)) is not None:
            return index.recordings
        lock = self._locks.setdefault(disk_id, asyncio.Lock())
        async with lock:
            if (index := self.cached(disk_id)) is not None:
                return index.recordings
            generation = self._generation
            read_at = dt_util.utcnow()
            found = await self._client.recordings.list(
                disk_id=disk_id, page_size=PAGE_SIZE, limit=MAX_RECORDINGS
            )
            index = DiskIndex(
                recordings=tuple(_slim(rec) for rec in found if rec.disk_id in ("", disk_id)),
                read_at=read_at,
                cut=len(found) >= MAX_RECORDINGS,
            )
            if index.cut and disk_id not in self._cut_logged:
                self._cut_logged.add(disk_id)
                LOGGER.warning(
                    "%s: disk %s holds more than %d recordings; the media browser shows the "
                    "newest %d",
                    self._entry.title,
                    disk_id,
                    MAX_RECORDINGS,
                    MAX_RECORDINGS,
                )
            if generation == self._generation:  # not invalidated while it was read
                self._disks[disk_id] = index
            return index.recordings

    async def window(self, disk_id: str, start: datetime, end: datetime) -> tuple[Recording, ...]:
        """The recordings of a disk overlapping [start, end), listed now (paged, bounded)."""
        found = await self._client.recordings.list(
            disk_id=disk_id, start=start, stop=end, page_size=PAGE_SIZE, limit=MAX_WINDOW
        )
        return tuple(rec for rec in found if rec.disk_id in ("", disk_id))


@callback
def async_get_index(hass: HomeAssistant, entry: AxisEdgeStorageConfigEntry) -> RecordingIndex:
    """The index of a loaded camera, made on first use and dropped when it unloads."""
    indexes = hass.data.setdefault(DATA_INDEXES, {})
    if (index := indexes.get(entry.entry_id)) is not None:
        return index
    index = indexes[entry.entry_id] = RecordingIndex(hass, entry)
    remove: CALLBACK_TYPE = entry.runtime_data.coordinator.async_add_listener(
        index.async_coordinator_updated
    )

    @callback
    def _unloaded() -> None:
        remove()
        indexes.pop(entry.entry_id, None)

    entry.async_on_unload(_unloaded)
    return index


@callback
def async_invalidate(hass: HomeAssistant, entry_id: str, disk_id: str | None = None) -> None:
    """Recordings were removed (or changed otherwise): read the index again at the next browse.

    The hook for the remove_recording action; a camera whose index was never read is left alone.
    """
    if (index := hass.data.get(DATA_INDEXES, {}).get(entry_id)) is not None:
        index.invalidate(disk_id)
