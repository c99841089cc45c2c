"""One camera's segment exports: players first, prefetches after, stale ones cancelled.

A `Job` is one segment being made (a background task, so that a player's request going away
does not cut an export others wait for). `CameraExports` orders a camera's jobs:

* a segment a player waits for starts at once, up to `MAX_EXPORTS` at a time per camera;
* prefetches wait in a queue (at most `MAX_QUEUED`, the oldest dropped) and run one at a time,
  only while no player waits for an export of the camera;
* when the last request waiting for a job goes (aborted: the player seeked elsewhere), the
  export is cancelled, unless it is downloaded already (only the remux is left) or it is just
  ahead of its playlist's newest request (a prefetch would make it again);
* a request of a playlist (`asked`) makes that playlist's queued and running prefetches that
  are no longer just ahead of it stale: they are dropped, or cancelled unless downloaded.
  Players of the same range share its newest request (the last one asked wins).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from homeassistant.core import HomeAssistant

_LOGGER = logging.getLogger(__name__)

#: Exports that players wait for, at once per camera.
MAX_EXPORTS: Final = 2
#: Prefetches waiting per camera at most; the oldest are dropped.
MAX_QUEUED: Final = 4
#: Playlists whose newest request is remembered per camera.
MAX_PLAYBACKS: Final = 64


@dataclass(eq=False)
class Job:
    """One segment to make: its cache name, its playlist (`playback`), index and maker."""

    name: str
    playback: str
    index: int
    make: Callable[[Job], Awaitable[Path]]
    task: asyncio.Task[Path] | None = None
    prefetch: bool = False
    waiters: int = 0
    downloaded: bool = False

    def set_downloaded(self) -> None:
        """The export is in: only the remux is left (the job is no longer cancelled)."""
        self.downloaded = True


class CameraExports:
    """The segment exports of one camera."""

    def __init__(self, hass: HomeAssistant, name: str) -> None:
        """Run jobs as background tasks of `hass`, named after `name`."""
        self._hass = hass
        self._name = name
        self._slots = asyncio.Semaphore(MAX_EXPORTS)
        self._waited = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._jobs: dict[str, Job] = {}
        self._queue: deque[Job] = deque()
        self._worker: asyncio.Task[None] | None = None
        self._newest: OrderedDict[str, tuple[int, int]] = OrderedDict()

    @property
    def queued(self) -> list[int]:
        """The indexes of the prefetches waiting, in order."""
        return [job.index for job in self._queue]

    @property
    def running(self) -> list[Job]:
        """The jobs being made."""
        return list(self._jobs.values())

    def job(self, name: str) -> Job | None:
        """The job making `name`, if any (a cancelled one is gone)."""
        return self._jobs.get(name)

    def start(self, job: Job, *, foreground: bool) -> Job:
        """Make `job` now: `foreground` when a player waits for it (`MAX_EXPORTS` at once)."""
        job.prefetch = not foreground
        if foreground:
            self._waited += 1
            self._idle.clear()
        task = self._hass.async_create_background_task(
            self._run(job, foreground=foreground), f"{self._name} segment"
        )
        job.task = task
        self._jobs[job.name] = job
        task.add_done_callback(lambda _: self._finished(job, foreground=foreground))
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
        return job

    async def _run(self, job: Job, *, foreground: bool) -> Path:
        if not foreground:
            return await job.make(job)
        async with self._slots:
            return await job.make(job)

    def _finished(self, job: Job, *, foreground: bool) -> None:
        if self._jobs.get(job.name) is job:
            del self._jobs[job.name]
        if foreground:
            self._waited -= 1
            if not self._waited:
                self._idle.set()

    def _cancel(self, job: Job) -> None:
        """Stop making `job` (its export closed); a new request starts another."""
        if job.task is None or job.task.done() or job.downloaded:
            return
        _LOGGER.debug("Cancelling segment %d: no longer wanted", job.index)
        if self._jobs.get(job.name) is job:
            del self._jobs[job.name]
        job.task.cancel()

    async def wait(self, job: Job) -> Path:
        """The job's file; when the last waiter is cancelled, the job is too (unless kept)."""
        if (task := job.task) is None:
            raise RuntimeError("a job is waited for once started")
        job.waiters += 1
        try:
            return await asyncio.shield(task)
        finally:
            job.waiters -= 1
            if not job.waiters and not self._ahead(job):
                self._cancel(job)

    def asked(self, playback: str, index: int, window: int) -> None:
        """A player asked for segment `index` of `playback`: its stale prefetches go."""
        self._newest[playback] = (index, window)
        self._newest.move_to_end(playback)
        while len(self._newest) > MAX_PLAYBACKS:
            self._newest.popitem(last=False)
        self._queue = deque(
            job for job in self._queue if job.playback != playback or self._ahead(job)
        )
        for job in self.running:
            if (
                job.playback == playback
                and job.prefetch
                and not job.waiters
                and job.index != index
                and not self._ahead(job)
            ):
                self._cancel(job)

    def _ahead(self, job: Job) -> bool:
        """Whether `job` is among the prefetches just ahead of its playlist's newest request."""
        newest = self._newest.get(job.playback)
        return newest is not None and newest[0] < job.index <= newest[0] + newest[1]

    def queue(self, job: Job) -> None:
        """Make `job` when the camera has no player waiting (one prefetch at a time)."""
        if job.name in self._jobs or any(queued.name == job.name for queued in self._queue):
            return
        self._queue.append(job)
        while len(self._queue) > MAX_QUEUED:
            self._queue.popleft()
        if self._worker is None or self._worker.done():
            self._worker = self._hass.async_create_background_task(
                self._prefetch(), f"{self._name} prefetch"
            )

    async def _prefetch(self) -> None:
        while self._queue:
            await self._idle.wait()
            if not self._queue:
                return
            job = self._queue.popleft()
            if job.name in self._jobs:
                continue
            self.start(job, foreground=False)
            if (task := job.task) is None:
                continue
            await asyncio.wait([task])
            if not task.cancelled() and (err := task.exception()) is not None:
                # A prefetch that fails is only not kept.
                _LOGGER.debug("Prefetching a segment failed: %s", type(err).__name__)
