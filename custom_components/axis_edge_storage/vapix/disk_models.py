"""Data models of the disks: list, health, capabilities, jobs, alert levels, storage limits.

Sizes are kept in the device's unit (kilobytes of 1024 bytes) with byte properties beside.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .model_base import KIB, OpenStrEnum


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
class StorageLimit:
    """Recording storage limit of one disk, in kB (size 0: no limit)."""

    disk_id: str
    size_kb: int | None
    used_kb: int | None

    @property
    def enabled(self) -> bool:
        """Whether a limit is set."""
        return bool(self.size_kb)
