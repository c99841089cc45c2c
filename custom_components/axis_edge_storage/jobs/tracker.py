"""The job coordinator: follows every device job of one camera to its end.

Format, check, repair, mount and unmount (disks/job.cgi), network share tests
(networkshare/job.cgi) and exports to the USB disk (getjobstatus.cgi) run on the camera and are
started by an action. `JobTracker` polls them about once a second while one runs, and nothing
otherwise; how the camera answers about each kind is read in `readers.py`. It is a
`DataUpdateCoordinator` that never refreshes on its own (`update_interval=None`): each change
(a job followed, progressing or ended) reaches the job sensors through
`async_set_updated_data` as a `JobsData`. When a job ends it fires
`axis_edge_storage_job_finished` exactly once, wakes the actions that wait for it
(`wait: true`), and asks the state coordinator to read the disks again.

Running jobs are kept in Home Assistant's storage (`store.py`), so a reload or a restart
re-attaches them. A job the camera forgets while it is followed (it restarted) ends as `failed`
and says so; a re-attached job the camera no longer knows, or one whose camera stays
unreachable for `UNREACHABLE_LIMIT`, ends as `lost` (its result is unknown). A camera that
does not answer or rejects the credentials is asked less often (`schedule.py`). Nothing
secret is kept or sent with a job.

A tracker that stopped (unload, reload) follows nothing: an action waiting on it, or starting
to wait after, is told at once (`job_follow_stopped`); a job it is handed late goes to the
live tracker, or is kept for the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum, auto

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from ..const import EVENT_JOB_FINISHED, LOGGER
from ..push import PushCoordinator
from ..vapix import AxisEdgeStorage, VapixError, VapixForbiddenError, VapixUnauthorizedError
from .model import (
    LOST_DESCRIPTION,
    UNREACHABLE_DESCRIPTION,
    UNREADABLE_DESCRIPTION,
    Job,
    JobResult,
    JobsData,
    JobUpdate,
)
from .readers import async_read_job
from .schedule import PollBackoff, PollOutcome
from .store import StoredJobs, job_store
from .waiters import JobWaiters, follow_stopped

POLL_INTERVAL = 1.0
# The longest pause between two polls while the camera does not answer (doubling up to it).
RETRY_MAX = 10.0
# The same while the camera rejects the credentials: a reauth is needed, not a faster poll.
AUTH_RETRY_MAX = 60.0
UNREACHABLE_LIMIT = timedelta(minutes=15)


class _State(Enum):
    NEW = auto()  # made, the kept jobs not read yet: writes nothing
    LIVE = auto()  # the entry's tracker: follows and keeps its jobs
    CLOSED = auto()  # stopped: follows nothing, writes nothing


class JobTracker(PushCoordinator[JobsData]):
    """Follows one camera's jobs; the source of the job sensors and the finished event.

    Never refreshes on its own: the poll loop below pushes each change as a `JobsData`.
    """

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: AxisEdgeStorage,
        camera_device_id: str,
        on_finished: Callable[[Job], None],
    ) -> None:
        """Nothing is polled until a job is followed."""
        super().__init__(hass, LOGGER, entry, "jobs", JobsData())
        self._client = client
        self._camera_device_id = camera_device_id
        self._on_finished = on_finished
        self._store = job_store(hass, entry.entry_id)
        self._state = _State.NEW
        self._running: dict[str, Job] = {}
        # Jobs re-attached from storage that the camera has not confirmed yet.
        self._restored: set[str] = set()
        self._last: dict[str | None, Job] = {}
        self._waiters = JobWaiters(hass)
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._unreachable_since: datetime | None = None
        self._backoff = PollBackoff()

    # ------------------------------------------------------------------ reading
    @property
    def running(self) -> tuple[Job, ...]:
        """The jobs that have not ended yet."""
        return tuple(self._running.values())

    @property
    def last(self) -> tuple[Job, ...]:
        """The last ended job of each disk (and of the camera)."""
        return tuple(self._last.values())

    @callback
    def _notify(self) -> None:
        """A job started, progressed or ended: show it."""
        self.async_set_updated_data(JobsData(running=self.running, last=dict(self._last)))

    # ---------------------------------------------------------------- lifecycle
    async def async_restore(self) -> None:
        """Re-attach the jobs that ran when the integration stopped; from now on keep them."""
        kept, dropped = await self._store.async_open(self, self._adopt, self.config_entry.title)
        # Rewritten when a kept job was dropped, or one was followed before the store was read.
        rewrite = dropped or bool(self._running)
        for job in kept:
            if job.key not in self._running:
                LOGGER.info(
                    "Re-attaching %s job %s of %s", job.action, job.job_id, self.config_entry.title
                )
                self._running[job.key] = job
                self._restored.add(job.key)
        self._state = _State.LIVE
        if rewrite:
            self._save()
        self._notify()
        self._ensure_polling()

    async def async_shutdown(self) -> None:
        """Stop following (unload): waiting actions are told, running jobs are kept now.

        Registered with the config entry by the coordinator itself; a second call does nothing.

        After this the tracker never writes again, so a reload's new tracker keeps the store.
        """
        if self._state is _State.CLOSED:
            return
        self._state = _State.CLOSED
        await super().async_shutdown()
        if self._task is not None:
            self._task.cancel()
        self._waiters.stop()
        # At once, not delayed: a reload reads the store again right after.
        await self._store.async_close(self, self._stored)

    def _stored(self) -> StoredJobs:
        return {"jobs": [job.to_store() for job in self._running.values()]}

    @callback
    def _save(self) -> None:
        if self._state is _State.LIVE:
            self._store.save(self, self._stored)

    # ---------------------------------------------------------------- following
    async def async_follow(self, job: Job) -> Job:
        """Follow a job the camera has just started.

        On a stopped tracker (the action's device call returned after the unload) the job goes
        to the entry's live tracker, or is kept for the next one; waiting for it is refused.
        """
        if self._state is _State.CLOSED:
            followed = await self._store.async_hand_over(job)
            LOGGER.info(
                "%s job %s of %s started while the integration stopped: %s",
                job.action,
                job.job_id,
                self.config_entry.title,
                "followed after the reload" if followed else "followed when it starts again",
            )
            return job
        self._running[job.key] = job
        self._save()
        self._notify()
        if self._backoff.failures:
            # The camera has just answered the action: no reason to wait for the back-off.
            self._backoff.reset()
            self._wake.set()
        self._ensure_polling()
        return job

    async def async_wait(self, job: Job, limit: float | None) -> Job:
        """Wait for a followed job to end; raise a translated error after `limit` seconds."""
        if job.done:
            return job
        if self._state is _State.CLOSED:
            raise follow_stopped()
        return await self._waiters.async_wait(job, limit)

    @callback
    def _adopt(self, job: Job) -> None:
        """Follow a job that a stopped tracker of this entry was handed."""
        if job.key in self._running:
            return
        self._running[job.key] = job
        self._save()
        self._notify()
        self._ensure_polling()

    def _ensure_polling(self) -> None:
        if (
            self._running
            and self._state is not _State.CLOSED
            and (self._task is None or self._task.done())
        ):
            self._task = self.config_entry.async_create_background_task(
                self.hass, self._async_poll_loop(), self.name
            )

    async def _async_poll_loop(self) -> None:
        delay = POLL_INTERVAL
        while self._running:
            await self._async_pause(delay)
            outcome = await self._async_poll_round()
            self._check_unreachable(outcome is PollOutcome.REACHED)
            delay = self._backoff.next_delay(outcome, POLL_INTERVAL, RETRY_MAX, AUTH_RETRY_MAX)

    async def _async_pause(self, seconds: float) -> None:
        """Sleep until the next poll, or until a new job ends a back-off."""
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()

    async def _async_poll_round(self) -> PollOutcome:
        """Ask the camera about every running job once."""
        reached = False
        for job in list(self._running.values()):
            try:
                update = await async_read_job(self._client, job)
            except (VapixUnauthorizedError, VapixForbiddenError) as err:
                # The same credentials for every job: asking about the others is no use.
                self._credentials_rejected(err)
                return PollOutcome.REJECTED
            except VapixError as err:
                LOGGER.debug("Job %s of %s: %s", job.key, self.config_entry.title, err)
                continue
            except Exception:  # noqa: BLE001 - one job it cannot read must not stop the others
                LOGGER.exception(
                    "Job %s of %s cannot be followed", job.key, self.config_entry.title
                )
                self._finish(job, JobUpdate.ended(JobResult.LOST, UNREADABLE_DESCRIPTION))
                continue
            reached = True
            if job.key in self._restored:
                self._restored.discard(job.key)
                if update.forgotten:
                    # Not seen since the integration stopped: lost, not failed.
                    update = JobUpdate.ended(JobResult.LOST, LOST_DESCRIPTION)
            self._apply(job, update)
        return PollOutcome.REACHED if reached else PollOutcome.UNREACHABLE

    def _credentials_rejected(self, err: VapixError) -> None:
        """Ask for re-authentication once per streak of rejected polls."""
        if not self._backoff.ask_reauth():
            LOGGER.debug(
                "Jobs of %s: the camera still rejects the credentials", self.config_entry.title
            )
            return
        LOGGER.warning(
            "The camera %s rejects the credentials (%s) while its jobs are followed: "
            "asking to re-authenticate; the jobs are asked about less often until then",
            self.config_entry.title,
            type(err).__name__,
        )
        self.config_entry.async_start_reauth(self.hass)

    def _check_unreachable(self, reached: bool) -> None:
        now = dt_util.utcnow()
        if reached or not self._running:
            self._unreachable_since = None
            return
        if self._unreachable_since is None:
            self._unreachable_since = now
        elif now - self._unreachable_since >= UNREACHABLE_LIMIT:
            minutes = round(UNREACHABLE_LIMIT.total_seconds() / 60)
            lost = JobUpdate.ended(JobResult.LOST, UNREACHABLE_DESCRIPTION.format(minutes=minutes))
            for job in list(self._running.values()):
                self._finish(job, lost)

    @callback
    def _apply(self, job: Job, update: JobUpdate) -> None:
        if update.done:
            self._finish(job, update)
        elif update.progress != job.progress:
            job.progress = update.progress
            self._notify()

    @callback
    def _finish(self, job: Job, update: JobUpdate) -> None:
        """End a job: exactly one event, the waiters woken, the state read again."""
        if self._running.pop(job.key, None) is None:
            return
        job.result = update.result or JobResult.FAILED
        job.description = update.description
        job.error_code = update.error_code
        job.finished = dt_util.utcnow()
        if job.result is JobResult.OK:
            job.progress = 100
        self._last[job.disk_id] = job
        self._save()
        self.hass.bus.async_fire(
            EVENT_JOB_FINISHED, {"device_id": self._camera_device_id, **job.as_dict()}
        )
        self._waiters.job_ended(job)
        self._notify()
        self._on_finished(job)
