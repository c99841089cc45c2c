"""A device job as Home Assistant follows it, and how it is kept across restarts.

`JobUpdate` is what one poll learns about a job (with an explicit `forgotten` when the camera
no longer knows it); `JobsData` is what the job coordinator hands its sensors.

A kept job comes from storage that an older version (or a hand) may have written: reading it
back checks every field, so a job the tracker could not follow (a disk job whose id is not a
number, a disk id that is not text) is refused here, not in the middle of the poll loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from homeassistant.util import dt as dt_util

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
UNREADABLE_DESCRIPTION = (
    "The integration could not follow this job (see the log). "
    "The result is unknown; check the disk's state."
)

# Longer than any job id a camera gives; a kept id past it is not one.
_MAX_ID_LENGTH = 64


class JobKind(StrEnum):
    """Which API runs the job."""

    DISK = "disk"
    SHARE_TEST = "share_test"
    USB_EXPORT = "usb_export"

    @property
    def numeric_ids(self) -> bool:
        """Whether the camera numbers this kind's jobs (disks/job.cgi, getjobstatus.cgi)."""
        return self is not JobKind.SHARE_TEST


class JobResult(StrEnum):
    """How a job ended."""

    OK = "ok"
    FAILED = "failed"
    LOST = "lost"


@dataclass(frozen=True, slots=True)
class JobUpdate:
    """What the camera said about a followed job in one poll.

    `forgotten`: the camera no longer knows the job (it restarted). The job ends as failed, or
    as lost when it was re-attached from storage and never seen since.
    """

    progress: int | None
    result: JobResult | None = None
    description: str | None = None
    error_code: int | None = None
    forgotten: bool = False

    @property
    def done(self) -> bool:
        """Whether the job has ended."""
        return self.result is not None

    @classmethod
    def ended(
        cls, result: JobResult, description: str | None, error_code: int | None = None
    ) -> JobUpdate:
        """The job has ended."""
        return cls(progress=None, result=result, description=description, error_code=error_code)

    @classmethod
    def forgotten_by_camera(cls) -> JobUpdate:
        """The camera no longer knows the job: it failed (its effect is unknown)."""
        return cls(
            progress=None,
            result=JobResult.FAILED,
            description=FORGOTTEN_DESCRIPTION,
            forgotten=True,
        )


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
        return job_key(self.kind, self.job_id)

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
    def from_store(cls, data: Any) -> Job:
        """Read a kept job back; `ValueError` or `TypeError` for one that cannot be followed."""
        if not isinstance(data, dict):
            raise TypeError("a kept job is not a mapping")
        kind = JobKind(data["kind"])
        result = data.get("result")
        return cls(
            kind=kind,
            job_id=_job_id(kind, data["job_id"]),
            action=_text(data["action"]),
            disk_id=_optional_text(data.get("disk_id")),
            started=_time(data["started"]) or dt_util.utcnow(),
            share_id=_optional_text(data.get("share_id")),
            recording_id=_optional_text(data.get("recording_id")),
            file_path=_optional_text(data.get("file_path")),
            progress=_optional_int(data.get("progress")),
            result=JobResult(result) if result else None,
            description=_optional_text(data.get("description")),
            error_code=_optional_int(data.get("error_code")),
            finished=_time(data.get("finished")),
        )


def job_key(kind: JobKind | str, job_id: str) -> str:
    """The key of a job among one camera's jobs."""
    return f"{kind}:{job_id}"


def _job_id(kind: JobKind, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = _text(value)
    if len(text) > _MAX_ID_LENGTH or not text.isascii() or not text.isprintable():
        raise ValueError("a kept job id is not one the camera gives")
    if kind.numeric_ids and not text.isdigit():
        raise ValueError(f"a kept {kind} job id is not a number")
    return text


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError("a kept job field is not text")
    return value


def _optional_text(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError("a kept job field is not text")
    return value


def _optional_int(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("a kept job number is not an integer")
    return value


def _time(value: Any) -> datetime | None:
    """A kept time (None when absent or unreadable), always aware."""
    text = _optional_text(value)
    try:
        parsed = dt_util.parse_datetime(text) if text else None
    except ValueError:  # shaped like a time, but not one (month 13)
        parsed = None
    # A time without a zone (an older version) is UTC, as every time the tracker keeps.
    return None if parsed is None else dt_util.as_utc(parsed)


@dataclass(frozen=True, slots=True)
class JobsData:
    """The jobs of one camera as the job sensors show them."""

    running: tuple[Job, ...] = ()
    # The last ended job of each disk (None: of the camera, for jobs without a disk).
    last: Mapping[str | None, Job] = field(default_factory=dict)

    def job_for(self, disk_id: str | None) -> Job | None:
        """A disk's running job, else its last one (None: the camera's jobs without a disk)."""
        running = [job for job in self.running if job.disk_id == disk_id]
        if running:
            return max(running, key=lambda job: job.started)
        return self.last.get(disk_id)
