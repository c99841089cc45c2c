"""The kept jobs of one config entry, shared by the trackers its loads and reloads create.

A reload makes a new `JobTracker` while the old one may still be handed a job: an action
whose device call started before the unload returns after it. Two trackers writing their own
`Store` of one key would let the old one's delayed save overwrite what the new one keeps
(a finished job would be re-attached and reported again, a new one forgotten). So one entry
has one `JobStore` for the whole run (in `hass.data`), with one owner at a time:

- a tracker reads the kept jobs and becomes the owner in one step (`async_open`);
- only the owner writes (`save`); a stopped tracker writes its last state at once, under the
  lock, and is then no owner any more (`async_close`);
- a job a stopped tracker is handed goes to the owner, or, when there is none (the entry is
  unloaded), into the store for the next one (`async_hand_over`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN, LOGGER
from .model import Job, job_key

STORAGE_VERSION = 1
_DATA: HassKey[dict[str, JobStore]] = HassKey(f"{DOMAIN}_job_stores")

type StoredJobs = dict[str, Any]


class JobStore:
    """The kept running jobs of one config entry, written by its live tracker only."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """One `Store` and one lock for every tracker of the entry."""
        self._store: Store[StoredJobs] = Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.jobs")
        self._lock = asyncio.Lock()
        self._owner: object | None = None
        self._adopt: Callable[[Job], None] | None = None
        self._removed = False

    async def async_open(
        self, owner: object, adopt: Callable[[Job], None], title: str
    ) -> tuple[list[Job], bool]:
        """Make `owner` the live tracker and read the kept running jobs, in one step.

        `adopt` follows a job that a stopped tracker of the same entry is handed later. A kept
        job that cannot be followed (written by an older version, or by hand) is dropped with
        a warning; the second value says whether one was.
        """
        async with self._lock:
            stored = await self._store.async_load()
            self._owner = owner
            self._adopt = adopt
        jobs: list[Job] = []
        dropped = False
        for data in _kept(stored, self._store.key):
            try:
                job = Job.from_store(data)
            except (KeyError, ValueError, TypeError) as err:
                LOGGER.warning(
                    "Dropping a kept job of %s that cannot be followed (%s): %.80r",
                    title,
                    f"no {err.args[0]}" if isinstance(err, KeyError) else err,
                    data,
                )
                dropped = True
                continue
            if not job.done:
                jobs.append(job)
        return jobs, dropped

    @callback
    def save(self, owner: object, data_func: Callable[[], StoredJobs]) -> None:
        """Keep the owner's jobs on the next loop turn; anyone else is not written for."""
        if owner is not self._owner or self._removed:
            return
        self._store.async_delay_save(data_func, 0)

    async def async_close(self, owner: object, data_func: Callable[[], StoredJobs]) -> None:
        """The owner stops: its jobs are written now (a reload reads them next), and never again.

        A pending delayed save is superseded. A tracker that is not the owner (it never read
        the store, or a newer one did) writes nothing.
        """
        async with self._lock:
            if owner is not self._owner:
                return
            self._owner = None
            self._adopt = None
            if not self._removed:
                await self._store.async_save(data_func())

    async def async_hand_over(self, job: Job) -> bool:
        """A job that a stopped tracker was handed: follow it on the live tracker, else keep it.

        True when the live tracker follows it now; False when it is kept for the next load.
        """
        async with self._lock:
            if self._adopt is not None:
                self._adopt(job)
                return True
            if self._removed:
                return False
            kept = [
                data
                for data in _kept(await self._store.async_load(), self._store.key)
                if not (
                    isinstance(data, dict)
                    and job_key(str(data.get("kind")), str(data.get("job_id"))) == job.key
                )
            ]
            await self._store.async_save({"jobs": [*kept, job.to_store()]})
            return False

    async def async_remove(self) -> None:
        """Delete the kept jobs (the entry is removed); nothing is written for it any more."""
        async with self._lock:
            self._removed = True
            self._owner = None
            self._adopt = None
            await self._store.async_remove()


def _kept(stored: Any, key: str) -> list[Any]:
    """The list of kept jobs in what the store held (anything else: none)."""
    if stored is None:
        return []
    jobs = stored.get("jobs") if isinstance(stored, dict) else None
    if not isinstance(jobs, list):
        LOGGER.warning("Ignoring the unreadable kept jobs in %s", key)
        return []
    return jobs


def job_store(hass: HomeAssistant, entry_id: str) -> JobStore:
    """The one job store of a config entry."""
    stores = hass.data.setdefault(_DATA, {})
    if (store := stores.get(entry_id)) is None:
        store = stores[entry_id] = JobStore(hass, entry_id)
    return store


async def async_remove_job_store(hass: HomeAssistant, entry_id: str) -> None:
    """Delete the kept jobs of a removed config entry."""
    store = hass.data.get(_DATA, {}).pop(entry_id, None) or JobStore(hass, entry_id)
    await store.async_remove()
