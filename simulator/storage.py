"""The camera's storage: disks, network shares, recordings and continuous profiles.

With the rules of recording on them; ``simulator/state.py`` adds the jobs and time.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from . import factory, history
from .clock import Clock, compact
from .config import SimulatorConfig
from .model import DeviceError, Disk, Profile, Recording, Share


class Storage:
    """Disks, shares, recordings and profiles, as they are when the camera leaves the factory."""

    def __init__(
        self, config: SimulatorConfig, clock: Clock, rng: random.Random, video: dict[str, str]
    ) -> None:
        self.config = config
        self.clock = clock
        self.rng = rng
        self.video = video
        self.disks: dict[str, Disk] = {d.diskid: d for d in factory.factory_disks()}
        self.shares: dict[str, Share] = {s.shareid: s for s in factory.factory_shares()}
        self.recordings: dict[str, Recording] = {}
        self.profiles: dict[int, Profile] = {p.profile: p for p in factory.factory_profiles()}
        now = self.now().replace(microsecond=0)
        for start_ago, stop_ago, extra in factory.TIMELINE:
            stop = None if stop_ago is None else now - stop_ago
            self.add_recording("SD_DISK", now - start_ago, stop, **extra)
        # After the factory timeline, so that its recording ids stay those of the seed.
        first_start = now - max(start_ago for start_ago, _, _ in factory.TIMELINE)
        history.add_history(self, first_start, config.history_days)
        sd = self.disks["SD_DISK"]
        sd.other_used_kb = max(
            0, sd.totalsize_kb - factory.SD_FREE_KB - self.used_kb("SD_DISK", now)
        )

    def new_recording_id(self, start: datetime) -> str:
        """Make a unique recording id like ``20141211_091153_025B_ACCC8E012345``."""
        while True:
            rid = f"{compact(start)}_{self.rng.randrange(0x10000):04X}_{self.config.serial}"
            if rid not in self.recordings:
                return rid

    def add_recording(
        self, diskid: str, start: datetime, stop: datetime | None, **extra: Any
    ) -> Recording:
        """Add a recording to the timeline (no checks)."""
        rec = Recording(
            recordingid=self.new_recording_id(start), diskid=diskid, start=start, stop=stop, **extra
        )
        self.recordings[rec.recordingid] = rec
        return rec

    # ------------------------------------------------------------- accessors
    def now(self) -> datetime:
        """Current simulated time."""
        return self.clock.now()

    def disk(self, diskid: str) -> Disk:
        """Look a disk up; raises ``DeviceError`` when there is none."""
        disk = self.disks.get(diskid)
        if disk is None:
            raise DeviceError(f"Invalid disk ID: {diskid}")
        return disk

    def bound_share(self, diskid: str) -> Share | None:
        """The share bound to a disk, if any."""
        return next((s for s in self.shares.values() if s.diskid == diskid), None)

    def used_kb(self, diskid: str, now: datetime | None = None) -> int:
        """Space used by recordings on a disk."""
        now = now or self.now()
        return sum(r.size_kb(now) for r in self.recordings.values() if r.diskid == diskid)

    def sizes(self, disk: Disk) -> tuple[int, int]:
        """Total and free size in kB as the device reports them (0 when not mounted)."""
        if not disk.mounted:
            return 0, 0
        used = self.used_kb(disk.diskid)
        free = max(0, disk.totalsize_kb - disk.other_used_kb - used)
        if disk.storage_limit_kb > 0:
            free = min(free, max(0, disk.storage_limit_kb - used))
        return disk.totalsize_kb, free

    def is_full(self, disk: Disk) -> bool:
        """Whether a mounted disk has no free space left."""
        return disk.mounted and self.sizes(disk)[1] <= 0

    def visible_recordings(self) -> list[Recording]:
        """Recordings on disks that are present and mounted."""
        return [
            r
            for r in self.recordings.values()
            if r.diskid in self.disks and self.disks[r.diskid].mounted
        ]

    def health(self, disk: Disk) -> dict[str, int | None]:
        """Health attributes of a disk (``None`` = attribute left out)."""
        if disk.health is not None:
            return dict(disk.health)
        if disk.kind == "share":
            value = -3 if self.bound_share(disk.diskid) is None else -1
            return {"wear": value, "temperature": value, "overallhealth": value}
        return {"wear": -1, "temperature": -1, "overallhealth": -1}

    # ----------------------------------------------------------- recordings
    def writable_problem(self, disk: Disk) -> str | None:
        """Why a recording cannot be written to the disk right now (None if it can)."""
        if not disk.mounted:
            return "The disk is not mounted."
        if disk.locked:
            return "The disk is locked."
        if disk.readonly:
            return "The disk is read-only."
        if self.is_full(disk):
            return "The disk is full."
        return None

    def start_recording(
        self,
        diskid: str,
        at: datetime | None = None,
        *,
        recordingtype: str = "continuous",
        eventid: str = "continuous",
        eventtrigger: str = "continuous",
        profile: int | None = None,
    ) -> Recording:
        """Start an ongoing recording; raises ``DeviceError`` if the disk cannot take it."""
        problem = self.writable_problem(self.disk(diskid))
        if problem:
            raise DeviceError(problem)
        fields = {"recordingtype": recordingtype, "eventid": eventid, "profile": profile}
        return self.add_recording(
            diskid, at or self.now(), None, eventtrigger=eventtrigger, **fields
        )

    def stop_recording(self, rec: Recording, at: datetime | None = None) -> None:
        """Stop an ongoing recording."""
        if rec.stop is None:
            rec.stop = max(at or self.now(), rec.start)

    def stop_disk_recordings(self, diskid: str, at: datetime) -> None:
        """Stop every ongoing recording on a disk."""
        for rec in self.recordings.values():
            if rec.diskid == diskid and rec.ongoing:
                self.stop_recording(rec, at)

    def resume_profiles(self, diskid: str | None, at: datetime) -> None:
        """Start the recordings of continuous profiles that can record again."""
        for prof in sorted(self.profiles.values(), key=lambda p: p.profile):
            if diskid is not None and prof.diskid != diskid:
                continue
            disk = self.disks.get(prof.diskid)
            if disk is None or self.writable_problem(disk):
                continue
            if any(r.profile == prof.profile and r.ongoing for r in self.recordings.values()):
                continue
            fields = {"eventid": prof.eventid, "profile": prof.profile}
            self.add_recording(prof.diskid, at, None, eventtrigger="continuous", **fields)
