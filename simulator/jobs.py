"""The device's jobs: disk jobs, network share tests and exports to the USB disk.

A job ends ``duration`` simulated seconds after it started (never when the duration is 0);
``DeviceState.tick`` finishes the jobs that are due, in the order they end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(kw_only=True)
class Job:
    """What every job has: an id, a start and a duration."""

    jobid: int
    started: datetime
    duration: float

    @property
    def running(self) -> bool:
        """Whether the job has not ended yet."""
        raise NotImplementedError

    def due(self, now: datetime) -> datetime | None:
        """When a running job ended, if it did by ``now`` (a job without duration never ends)."""
        if not self.running or self.duration <= 0:
            return None
        end = self.started + timedelta(seconds=self.duration)
        return end if end <= now else None

    def progress(self, now: datetime) -> int:
        """Progress in percent (99 at most while running)."""
        if not self.running:
            return 100
        if self.duration <= 0:
            return 99
        elapsed = (now - self.started).total_seconds()
        return max(0, min(99, int(100 * elapsed / self.duration)))


@dataclass(kw_only=True)
class DiskJob(Job):
    """A format, checkdisk, repair, mount or unmount job."""

    diskid: str
    action: str
    filesystem: str = ""
    done: bool = False
    result: str = "OK"
    description: str = ""

    @property
    def running(self) -> bool:
        """Whether the job has not ended yet."""
        return not self.done


@dataclass(kw_only=True)
class ShareTestJob(Job):
    """A network share test started with ``networkshare/test.cgi``; its outcome is known."""

    outcome: tuple[int, str] | None
    done: bool = False

    @property
    def running(self) -> bool:
        """Whether the job has not ended yet."""
        return not self.done


@dataclass(kw_only=True)
class UsbJob(Job):
    """An export-to-external (USB) job."""

    filepath: str
    status: str = "In Progress"
    error: tuple[int, str] | None = None
    finished: datetime | None = None

    @property
    def running(self) -> bool:
        """Whether the job has not ended yet."""
        return self.status == "In Progress"

    def progress(self, now: datetime) -> int:
        """Progress in percent (-1 for a failed job)."""
        return -1 if self.status == "Failed" else super().progress(now)
