"""Data models of the recordings (record/list.cgi, continuous profiles) and their export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .model_base import KIB, OpenStrEnum


class RecordingStatus(OpenStrEnum):
    """Status of a recording."""

    RECORDING = "recording"
    COMPLETED = "completed"
    UNKNOWN_STATUS = "unknown"


class RecordingType(OpenStrEnum):
    """How a recording was started."""

    TRIGGERED = "triggered"
    SCHEDULED = "scheduled"
    CONTINUOUS = "continuous"


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """Video stream of a recording."""

    mime_type: str | None
    source: str | None
    frame_rate: str | None
    resolution: str | None
    width: int | None
    height: int | None


@dataclass(frozen=True, slots=True)
class AudioInfo:
    """Audio stream of a recording."""

    mime_type: str | None
    source: str | None
    bitrate: int | None
    sample_rate: int | None


@dataclass(frozen=True, slots=True)
class Recording:
    """One recording of record/list.cgi. `stop` is None while it is ongoing."""

    recording_id: str
    disk_id: str
    start: datetime | None
    stop: datetime | None
    status: RecordingStatus
    recording_type: RecordingType | None = None
    event_id: str | None = None
    event_trigger: str | None = None
    source: str | None = None
    start_local: str | None = None
    stop_local: str | None = None
    video: VideoInfo | None = None
    audio: AudioInfo | None = None

    @property
    def ongoing(self) -> bool:
        """Whether the recording is still being written."""
        return self.status is RecordingStatus.RECORDING or (
            self.stop is None and self.status is not RecordingStatus.COMPLETED
        )


@dataclass(frozen=True, slots=True)
class RecordingList:
    """A page of record/list.cgi results.

    `total` counts all recordings (of the disk when filtered by disk), `matched` the recordings
    that match the filter regardless of paging.
    """

    total: int | None
    matched: int | None
    recordings: tuple[Recording, ...]


@dataclass(frozen=True, slots=True)
class ContinuousProfile:
    """A continuous recording profile."""

    profile: int
    disk_id: str | None
    options: str | None
    event_id: str | None


class ExportJobState(OpenStrEnum):
    """State of an export-to-external job."""

    IN_PROGRESS = "In Progress"
    DONE = "Done"
    FAILED = "Failed"


@dataclass(frozen=True, slots=True)
class ExportCapabilities:
    """Export formats and encryption formats the device offers."""

    formats: tuple[str, ...]
    encryption_formats: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExportProperties:
    """Export properties of (part of) a recording; `start` is the proper (key-frame) start."""

    recording_id: str
    export_format: str | None
    encryption_format: str | None
    estimated_size_kb: int | None
    start: datetime | None
    stop: datetime | None

    @property
    def estimated_bytes(self) -> int | None:
        """Estimated file size in bytes, None when the device cannot tell (-1)."""
        if self.estimated_size_kb is None or self.estimated_size_kb < 0:
            return None
        return self.estimated_size_kb * KIB


@dataclass(frozen=True, slots=True)
class ExportJob:
    """An export-to-external job as started."""

    job_id: int
    file_path: str | None


@dataclass(frozen=True, slots=True)
class ExportJobStatus:
    """Status of an export-to-external job."""

    job_id: int
    state: ExportJobState
    progress: int | None
    description: str | None = None
    error_code: int | None = None

    @property
    def done(self) -> bool:
        """Whether the job has ended."""
        return self.state is not ExportJobState.IN_PROGRESS

    @property
    def ok(self) -> bool:
        """Whether the job ended successfully."""
        return self.state is ExportJobState.DONE
