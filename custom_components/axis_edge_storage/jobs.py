"""The job coordinator: follows every device job of one camera to its end.

Format, check, repair, mount and unmount (disks/job.cgi), network share tests
(networkshare/job.cgi) and exports to the USB disk (getjobstatus.cgi) run on the camera and are
started by an action. `JobTracker` polls them about once a second while one runs, and nothing
otherwise. When a job ends it fires `axis_edge_storage_job_finished` exactly once, wakes the
actions that wait for it (`wait: true`), and asks the state coordinator to read the disks
again.

Running jobs are kept in Home Assistant's storage, so a reload or a restart re-attaches them.
A job the camera forgets while it is followed (it restarted) ends as `failed` and says so; a
re-attached job the camera no longer knows, or one whose camera stays unreachable for
`UNREACHABLE_LIMIT`, ends as `lost` (its result is unknown). Nothing secret is kept or sent
with a job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, EVENT_JOB_FINISHED, LOGGER
from .vapix import (
    AxisEdgeStorage,
    DiskJobAction,
    VapixConnectionError,
    VapixError,
    VapixHttpError,
    VapixRequestError,
)

POLL_INTERVAL = 1.0
UNREACHABLE_LIMIT = timedelta(minutes=15)
STORAGE_VERSION = 1
# Codes that mean "try again" when polling a job, not "the camera does not know this job".
_TRANSIENT_CODES = frozenset({10})

FORGOTTEN_DESCRIPTION = (
    "The camera restarted (or dropped the job) before the job ended: it no longer knows it. "
    "Check the disk's state, and run the action again if needed."
)
LOST_DESCRIPTION = (
    "The job ran when the integration stopped, and the camera no longer knew it when the "
    "integration started again: it restarted meanwhile. The result is unknown; check the "
    "disk's state."
)
UNREACHABLE_DESCRIPTION = (
    "The camera could not be reached for {minutes} minutes while the job ran. "
    "The result is unknown; check the disk's state."
)


class JobKind(StrEnum):
    """Which API runs the job."""

    DISK = "disk"
    SHARE_TEST = "share_test"
    USB_EXPORT = "usb_export"


class JobResult(StrEnum):
    """How a job ended."""

    OK = "ok"
    FAILED = "failed"
    LOST = "lost"


@dataclass(slots=True)
class Job:
    """One device job as Home Assistant follows it. Holds no secret."""

    kind: JobKind
    job_id: str
    action: str
    disk_id: str | None
    started: datetime
    share_id: str | None = None
    recording_id: str | None = None
    file_path: str | None = None
    progress: int | None = 0
    result: JobResult | None = None
    description: str | None = None
    error_code: int | None = None
    finished: datetime | None = None

    @property
    def key(self) -> str:
        """Unique among one camera's jobs."""
        return f"{self.kind}:{self.job_id}"

    @property
    def done(self) -> bool:
        """Whether the job has ended (in any way)."""
        return self.result is not None

    @property
    def changes_disks(self) -> bool:
        """Whether the job may have changed a disk (a check, a share test, a USB export don't)."""
        return self.kind is JobKind.DISK and self.action != "checkdisk"

    def as_dict(self) -> dict[str, Any]:
        """The job as response data and event data (JSON-able)."""
        data = {
            "job_id": self.job_id,
            "kind": str(self.kind),
            "action": self.action,
            "disk_id": self.disk_id,
            "progress": self.progress,
            "result": None if self.result is None else str(self.result),
            "description": self.description,
            "error_code": self.error_code,
            "started": self.started.isoformat(),
            "finished": None if self.finished is None else self.finished.isoformat(),
        }
        if self.share_id is not None:
            data["share_id"] = self.share_id
        if self.kind is JobKind.USB_EXPORT:
            data["recording_id"] = self.recording_id
            data["file_path"] = self.file_path
        return data

    def to_store(self) -> dict[str, Any]:
        """What is kept across restarts."""
        data = asdict(self)
        data["started"] = self.started.isoformat()
        data["finished"] = None if self.finished is None else self.finished.isoformat()
        return data

    @classmethod
    def from_store(cls, data: dict[str, Any]) -> Job:
        """Read a kept job back."""
        finished = data.get("finished")
        result = data.get("result")
        return cls(
            kind=JobKind(data["kind"]),
            job_id=str(data["job_id"]),
            action=str(data["action"]),
            disk_id=data.get("disk_id"),
            started=dt_util.parse_datetime(data["started"]) or dt_util.utcnow(),
            share_id=data.get("share_id"),
            recording_id=data.get("recording_id"),
            file_path=data.get("file_path"),
            progress=data.get("progress"),
            result=JobResult(result) if result else None,
            description=data.get("description"),
            error_code=data.get("error_code"),
            finished=dt_util.parse_datetime(finished) if finished else None,
        )


class JobTracker:
    """Follows one camera's jobs; the source of the job sensors and the finished event."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        device: AxisEdgeStorage,
        camera_device_id: str,
        on_finished: Callable[[Job], None],
    ) -> None:
        """Nothing is polled until a job is followed."""
        self._hass = hass
        self._entry = entry
        self._device = device
        self._camera_device_id = camera_device_id
        self._on_finished = on_finished
        self._store = _job_store(hass, entry.entry_id)
        self._running: dict[str, Job] = {}
        # Jobs re-attached from storage that the camera has not confirmed yet.
        self._restored: set[str] = set()
        self._last: dict[str | None, Job] = {}
        self._waiters: dict[str, list[asyncio.Future[Job]]] = {}
        self._listeners: list[CALLBACK_TYPE] = []
        self._task: asyncio.Task[None] | None = None
        self._unreachable_since: datetime | None = None
        self._closed = False

    # ------------------------------------------------------------------ reading
    @property
    def running(self) -> tuple[Job, ...]:
        """The jobs that have not ended yet."""
        return tuple(self._running.values())

    @property
    def last(self) -> tuple[Job, ...]:
        """The last ended job of each disk (and of the camera)."""
        return tuple(self._last.values())

    def job_for(self, disk_id: str | None) -> Job | None:
        """A disk's running job, else its last one (None: the camera's jobs without a disk)."""
        running = [job for job in self._running.values() if job.disk_id == disk_id]
        if running:
            return max(running, key=lambda job: job.started)
        return self._last.get(disk_id)

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `listener` whenever a job starts, progresses or ends."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    # ---------------------------------------------------------------- lifecycle
    async def async_restore(self) -> None:
        """Re-attach the jobs that ran when the integration stopped."""
        stored = await self._store.async_load() or {}
        for data in stored.get("jobs", []):
            try:
                job = Job.from_store(data)
            except (KeyError, ValueError, TypeError):
                LOGGER.warning("Dropping an unreadable stored job of %s", self._entry.title)
                continue
            if not job.done:
                LOGGER.info(
                    "Re-attaching %s job %s of %s", job.action, job.job_id, self._entry.title
                )
                self._running[job.key] = job
                self._restored.add(job.key)
        self._ensure_polling()

    async def async_shutdown(self) -> None:
        """Stop following (unload): running jobs are stored now; waiting actions are told."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
        for waiters in self._waiters.values():
            for future in waiters:
                if not future.done():
                    future.set_exception(
                        HomeAssistantError(
                            translation_domain=DOMAIN, translation_key="job_follow_stopped"
                        )
                    )
        self._waiters.clear()
        # At once, not delayed: a reload reads the store again right after.
        await self._store.async_save(self._stored())

    def _stored(self) -> dict[str, Any]:
        return {"jobs": [job.to_store() for job in self._running.values()]}

    def _save(self) -> None:
        self._store.async_delay_save(self._stored, 0)

    # ---------------------------------------------------------------- following
    async def async_follow(self, job: Job) -> Job:
        """Follow a job the camera has just started."""
        self._running[job.key] = job
        self._save()
        self._notify()
        self._ensure_polling()
        return job

    async def async_wait(self, job: Job, limit: float | None) -> Job:
        """Wait for a followed job to end; raise a translated error after `limit` seconds."""
        if job.done:
            return job
        future: asyncio.Future[Job] = self._hass.loop.create_future()
        self._waiters.setdefault(job.key, []).append(future)
        try:
            async with asyncio.timeout(limit):
                return await asyncio.shield(future)
        except TimeoutError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="job_timeout",
                translation_placeholders={
                    "action": job.action,
                    "job_id": job.job_id,
                    "seconds": str(round(limit or 0)),
                },
            ) from err
        finally:
            waiters = self._waiters.get(job.key, [])
            if future in waiters:
                waiters.remove(future)

    def _ensure_polling(self) -> None:
        if self._running and not self._closed and (self._task is None or self._task.done()):
            self._task = self._entry.async_create_background_task(
                self._hass, self._async_poll_loop(), f"{DOMAIN} jobs {self._entry.title}"
            )

    async def _async_poll_loop(self) -> None:
        while self._running:
            await asyncio.sleep(POLL_INTERVAL)
            reached = False
            for job in list(self._running.values()):
                try:
                    update = await self._async_read(job)
                except (VapixConnectionError, VapixHttpError) as err:
                    LOGGER.debug(
                        "Job %s of %s: camera not answering: %s", job.key, self._entry.title, err
                    )
                    continue
                except VapixError as err:
                    LOGGER.debug("Job %s of %s: %s", job.key, self._entry.title, err)
                    continue
                reached = True
                if job.key in self._restored:
                    self._restored.discard(job.key)
                    if update.description == FORGOTTEN_DESCRIPTION:
                        # Not seen since the integration stopped: lost, not failed.
                        update = replace(
                            update, result=JobResult.LOST, description=LOST_DESCRIPTION
                        )
                self._apply(job, update)
            self._check_unreachable(reached)

    def _check_unreachable(self, reached: bool) -> None:
        now = dt_util.utcnow()
        if reached or not self._running:
            self._unreachable_since = None
            return
        if self._unreachable_since is None:
            self._unreachable_since = now
        elif now - self._unreachable_since >= UNREACHABLE_LIMIT:
            minutes = round(UNREACHABLE_LIMIT.total_seconds() / 60)
            for job in list(self._running.values()):
                self._finish(
                    job, JobResult.LOST, UNREACHABLE_DESCRIPTION.format(minutes=minutes), None
                )

    async def _async_read(self, job: Job) -> Job:
        """Ask the camera about a job; return the job as it is now (a copy)."""
        try:
            if job.kind is JobKind.DISK:
                disk_job = await self._device.disks.job(int(job.job_id), job.disk_id or "")
                if (
                    disk_job.action is DiskJobAction.NOT_APPLICABLE
                    or str(disk_job.action).lower() != job.action
                ):
                    return _forgotten(job)
                if not disk_job.ok:
                    return _ended(job, JobResult.FAILED, disk_job.description, None)
                progress = disk_job.progress if disk_job.progress is not None else job.progress
                if progress is not None and progress >= 100:
                    return _ended(job, JobResult.OK, disk_job.description, None)
                return replace(job, progress=progress)
            if job.kind is JobKind.SHARE_TEST:
                share_job = await self._device.network_shares.job(job.job_id)
                if not share_job.done:
                    return replace(job, progress=share_job.progress)
                if share_job.ok:
                    return _ended(job, JobResult.OK, "The network share works.", None)
                return _ended(
                    job, JobResult.FAILED, share_job.error_description, share_job.error_code
                )
            status = await self._device.exports.job_status(int(job.job_id))
            if not status.done:
                return replace(job, progress=status.progress)
            result = JobResult.OK if status.ok else JobResult.FAILED
            return _ended(job, result, status.description, status.error_code)
        except VapixRequestError as err:
            if err.code in _TRANSIENT_CODES:
                raise
            LOGGER.debug(
                "Job %s of %s is unknown to the camera: %s", job.key, self._entry.title, err
            )
            return _forgotten(job)

    @callback
    def _apply(self, job: Job, update: Job) -> None:
        if update.done:
            self._finish(job, update.result, update.description, update.error_code)
        elif update.progress != job.progress:
            job.progress = update.progress
            self._notify()

    @callback
    def _finish(
        self,
        job: Job,
        result: JobResult | None,
        description: str | None,
        error_code: int | None,
    ) -> None:
        """End a job: exactly one event, the waiters woken, the state read again."""
        if self._running.pop(job.key, None) is None:
            return
        job.result = result or JobResult.FAILED
        job.description = description
        job.error_code = error_code
        job.finished = dt_util.utcnow()
        if job.result is JobResult.OK:
            job.progress = 100
        self._last[job.disk_id] = job
        self._save()
        self._hass.bus.async_fire(
            EVENT_JOB_FINISHED, {"device_id": self._camera_device_id, **job.as_dict()}
        )
        for future in self._waiters.pop(job.key, []):
            if not future.done():
                future.set_result(job)
        self._notify()
        self._on_finished(job)


def _job_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.jobs")


async def async_remove_job_store(hass: HomeAssistant, entry_id: str) -> None:
    """Delete the kept jobs of a removed config entry."""
    await _job_store(hass, entry_id).async_remove()


def _ended(job: Job, result: JobResult, description: str | None, code: int | None) -> Job:
    return replace(job, result=result, description=description, error_code=code)


def _forgotten(job: Job) -> Job:
    """The camera no longer knows a job it ran: it failed (its effect is unknown)."""
    return replace(job, result=JobResult.FAILED, description=FORGOTTEN_DESCRIPTION)
