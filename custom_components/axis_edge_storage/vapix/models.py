"""Frozen data models of the VAPIX Edge storage responses.

Enumerations are open: a value the device sends that the documentation does not list is kept
as a pseudo-member (``DiskStatus("rebuilding").value == "rebuilding"``) instead of failing.
Sizes are kept in the device's unit (kilobytes of 1024 bytes) with byte properties beside.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Self

KIB = 1024


class OpenStrEnum(StrEnum):
    """A StrEnum that matches case-insensitively and keeps unknown values."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        lowered = value.strip().lower()
        for member in cls:
            if member.value.lower() == lowered:
                return member
        pseudo = str.__new__(cls, value)
        pseudo._name_ = "UNKNOWN"
        pseudo._value_ = value
        return pseudo

    @property
    def known(self) -> bool:
        """Whether the value is one the documentation lists."""
        return self._name_ != "UNKNOWN"


class DiskStatus(OpenStrEnum):
    """Disk status of disks/list.cgi."""

    DISCONNECTED = "disconnected"
    CONNECTED = "connected"
    OK = "OK"
    FAILED = "failed"
    WRONG_PASSPHRASE = "wrong passphrase"  # noqa: S105 (a status, not a secret)
    NOT_ENCRYPTED = "not encrypted"
    NO_PASSPHRASE = "no passphrase"  # noqa: S105 (a status: encrypted disk, encryption off)


class CleanupPolicy(OpenStrEnum):
    """Recording cleanup policy of a disk."""

    FIFO = "fifo"
    NONE = "none"


class DiskJobAction(OpenStrEnum):
    """The action of a disk management job."""

    FORMAT = "format"
    CHECKDISK = "checkdisk"
    REPAIR = "repair"
    MOUNT = "mount"
    UNMOUNT = "unmount"
    NOT_APPLICABLE = "N/A"


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


class ExportJobState(OpenStrEnum):
    """State of an export-to-external job."""

    IN_PROGRESS = "In Progress"
    DONE = "Done"
    FAILED = "Failed"


class ReadingState(StrEnum):
    """What a disk health attribute says: a value, or why there is none."""

    VALUE = "value"
    NOT_SUPPORTED = "not_supported"  # -1
    ERROR = "error"  # -2
    NOT_PRESENT = "not_present"  # -3
    NOT_REPORTED = "not_reported"  # attribute absent (older firmware)


_SENTINELS = {-1: ReadingState.NOT_SUPPORTED, -2: ReadingState.ERROR, -3: ReadingState.NOT_PRESENT}


@dataclass(frozen=True, slots=True)
class HealthReading:
    """One disk health attribute. `value` is None unless `state` is VALUE."""

    value: int | None
    state: ReadingState

    @classmethod
    def from_raw(cls, raw: int | None) -> HealthReading:
        """Interpret a raw attribute: negative sentinels and absence are not numbers."""
        if raw is None:
            return cls(None, ReadingState.NOT_REPORTED)
        if raw < 0:
            return cls(None, _SENTINELS.get(raw, ReadingState.ERROR))
        return cls(raw, ReadingState.VALUE)


@dataclass(frozen=True, slots=True)
class DiskHealth:
    """Health of one disk (gethealth.cgi): wear %, temperature (Kelvin), overall health."""

    disk_id: str
    wear: HealthReading
    temperature: HealthReading
    overall_health: HealthReading

    @property
    def temperature_celsius(self) -> float | None:
        """Temperature in degrees Celsius, None when not a number."""
        if self.temperature.value is None:
            return None
        return round(self.temperature.value - 273.15, 2)

    @property
    def healthy(self) -> bool | None:
        """Overall health: True PASSED, False FAIL, None unknown."""
        if self.overall_health.value is None:
            return None
        return self.overall_health.value == 1


@dataclass(frozen=True, slots=True)
class Disk:
    """One disk of disks/list.cgi."""

    disk_id: str
    name: str
    total_size_kb: int | None
    free_size_kb: int | None
    status: DiskStatus
    filesystem: str | None = None
    group: str | None = None
    cleanup_level: int | None = None
    cleanup_max_age: int | None = None
    cleanup_policy: CleanupPolicy | None = None
    locked: bool | None = None
    full: bool | None = None
    read_only: bool | None = None
    required_filesystem: str | None = None
    encryption_enabled: bool | None = None
    encrypted: bool | None = None

    @property
    def total_bytes(self) -> int | None:
        """Total size in bytes."""
        return None if self.total_size_kb is None else self.total_size_kb * KIB

    @property
    def free_bytes(self) -> int | None:
        """Free space in bytes."""
        return None if self.free_size_kb is None else self.free_size_kb * KIB

    @property
    def used_percent(self) -> float | None:
        """Used space in percent of the total; None without a total."""
        if not self.total_size_kb or self.free_size_kb is None:
            return None
        used = self.total_size_kb - self.free_size_kb
        return round(100.0 * used / self.total_size_kb, 2)

    @property
    def mounted(self) -> bool:
        """Whether the disk is mounted and working (status OK)."""
        return self.status is DiskStatus.OK


@dataclass(frozen=True, slots=True)
class FileSystemCapability:
    """A file system a disk can be formatted with."""

    name: str
    nice_name: str | None
    required_fs_supported: bool | None


@dataclass(frozen=True, slots=True)
class DiskCapabilities:
    """getcapabilities.cgi for one disk."""

    disk_id: str
    required_fs_supported: bool | None
    encryption_supported: bool | None
    filesystems: tuple[FileSystemCapability, ...]


@dataclass(frozen=True, slots=True)
class DiskJob:
    """A disk management job (format, checkdisk, repair, mount, unmount).

    While running, `result` is OK and `progress` below 100. A job is over when progress
    reaches 100 or the result is ERROR.
    """

    job_id: int
    disk_id: str
    action: DiskJobAction
    progress: int | None
    ok: bool
    description: str | None = None

    @property
    def done(self) -> bool:
        """Whether the job has ended (successfully or not)."""
        return not self.ok or (self.progress is not None and self.progress >= 100)


@dataclass(frozen=True, slots=True)
class AlertLevels:
    """Disk alert levels: wear in percent, temperature in Kelvin."""

    wear: int | None
    temperature: int | None


@dataclass(frozen=True, slots=True)
class SchemaVersion:
    """One supported XML schema version of an API."""

    version: str
    deprecated: bool

    @property
    def major(self) -> int | None:
        """The major version number."""
        head = self.version.split(".", 1)[0]
        return int(head) if head.isdigit() else None


@dataclass(frozen=True, slots=True)
class NetworkShare:
    """A network share added to the device. The share password is never reported."""

    share_id: str
    nice_name: str | None
    address: str | None
    share: str | None
    user: str | None
    disk_id: str | None

    @property
    def bound(self) -> bool:
        """Whether the share is bound to a disk."""
        return self.disk_id is not None


@dataclass(frozen=True, slots=True)
class ShareJob:
    """Progress or result of a network share test job."""

    job_id: str
    progress: int | None
    done: bool
    ok: bool | None
    error_code: int | None = None
    error_description: str | None = None


@dataclass(frozen=True, slots=True)
class StorageLimit:
    """Recording storage limit of one disk, in kB (size 0: no limit)."""

    disk_id: str
    size_kb: int | None
    used_kb: int | None

    @property
    def enabled(self) -> bool:
        """Whether a limit is set."""
        return bool(self.size_kb)


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


@dataclass(frozen=True, slots=True)
class Capabilities:
    """Edge storage capabilities from Properties.LocalStorage and Properties.NetworkShare."""

    local_storage: bool
    version: str | None = None
    sd_card: bool = False
    continuous_recording: bool = False
    continuous_recording_profiles: int = 0
    export_recording: bool = False
    storage_limit: bool = False
    disk_encryption: bool = False
    required_filesystem: bool = False
    disk_health: bool = False
    network_share: bool = False
    cifs: bool = False
    raw: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """Identity of the device. `serial` is the MAC address without colons."""

    serial: str
    model: str | None = None
    product_name: str | None = None
    short_name: str | None = None
    brand: str | None = None
    firmware: str | None = None
    hardware_id: str | None = None
    architecture: str | None = None
    soc: str | None = None
    web_url: str | None = None
