"""The things the simulated camera holds: disks, network shares, recordings, profiles.

Plain dataclasses; the rules that change them are the state's (``simulator/state.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: Recording bit rate of the model, in kB per second (about 1 Mbit/s).
RATE_KB_PER_S = 125
#: Fields of the model that hold secrets: never shown (``/sim/state``, logs).
SECRET_FIELDS = frozenset({"password", "passphrase", "disk_key"})


class DeviceError(Exception):
    """A request the device refuses; the message is the device's description."""


@dataclass
class Disk:
    """One storage disk (``Storage.S#`` group)."""

    diskid: str
    group: str
    kind: str  # "sd" or "share"
    totalsize_kb: int
    other_used_kb: int = 0
    name: str = ""
    filesystem: str = "ext4"
    status: str = "OK"
    cleanuplevel: int = 99
    cleanupmaxage: int = 7
    cleanuppolicy: str = "fifo"
    locked: bool = False
    readonly: bool = False
    requiredfs: str = "none"
    encryption_enabled: bool = False
    encrypted: bool = False
    passphrase: str | None = None
    disk_key: str | None = None
    fs_errors: bool = False
    alert_wear: int = 50
    alert_temperature: int = 360
    health: dict[str, int | None] | None = None
    storage_limit_kb: int = 0
    mount_on_boot: bool = True
    auto_repair: bool = True
    enabled: bool = True
    mount_permissions: str = "0770"
    extra_mount_options: str = ""
    device_node: str = ""

    @property
    def mounted(self) -> bool:
        """Whether the disk is mounted and usable."""
        return self.status == "OK"

    @property
    def formats(self) -> tuple[str, ...]:
        """File systems the disk can be formatted with."""
        return ("cifs",) if self.kind == "share" else ("vfat", "ext4")

    @property
    def requiredfs_supported(self) -> bool:
        """Whether the disk supports a required file system."""
        return self.kind == "sd"

    @property
    def encryption_supported(self) -> bool:
        """Whether the disk supports encryption."""
        return self.kind == "sd"


@dataclass
class Share:
    """A network share added with ``networkshare/add.cgi``."""

    shareid: str
    nicename: str
    address: str
    share: str
    user: str = ""
    password: str = ""
    diskid: str | None = None
    automaticmount: bool = True


@dataclass
class Recording:
    """One recording on a disk."""

    recordingid: str
    diskid: str
    start: datetime
    stop: datetime | None
    recordingtype: str = "continuous"
    eventid: str = "continuous"
    eventtrigger: str = "continuous"
    source: str = "1"
    mimetype: str = "video/x-h264"
    audio: bool = False
    profile: int | None = None

    @property
    def ongoing(self) -> bool:
        """Whether the recording is still being recorded."""
        return self.stop is None

    def end(self, now: datetime) -> datetime:
        """Stop time, or ``now`` for an ongoing recording."""
        return self.stop if self.stop is not None else max(now, self.start)

    def size_kb(self, now: datetime) -> int:
        """Space the recording takes on its disk."""
        return int((self.end(now) - self.start).total_seconds() * RATE_KB_PER_S)


@dataclass
class Profile:
    """A continuous recording profile."""

    profile: int
    diskid: str
    options: str
    eventid: str
