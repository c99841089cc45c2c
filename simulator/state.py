"""The stateful model of the simulated camera: its storage, jobs and time.

Everything that changes with time is evaluated lazily: ``tick()`` (called before every
request) completes the jobs whose simulated end time has passed, in the order they end,
and applies their effects as of that moment.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta
from typing import Any

from . import disk_rules, factory
from .clock import Clock, format_time
from .config import SimulatorConfig
from .jobs import DiskJob, Job, ShareTestJob, UsbJob
from .model import DeviceError, Disk, Profile, Recording, Share
from .snapshot import public
from .storage import Storage

#: Simulated seconds a disk stays "connected" after a reboot before it is remounted.
REMOUNT_DELAY = 3.0
#: Maximum number of network shares that can be added.
MAX_SHARES = 3
#: Number of continuous recording profiles the product supports.
MAX_PROFILES = 2
#: Maximum number of concurrent network share tests.
MAX_SHARE_TESTS = 2
#: Completed export-to-external jobs remembered besides the ongoing ones.
KEPT_USB_JOBS = 5

__all__ = ["DeviceError", "DeviceState", "Disk", "Profile", "Recording", "Share"]


class DeviceState(Storage):
    """The whole mutable model of the camera: its storage, jobs and time."""

    def __init__(
        self, config: SimulatorConfig, clock: Clock, rng: random.Random, video: dict[str, str]
    ) -> None:
        super().__init__(config, clock, rng, video)
        self.disk_jobs: dict[int, DiskJob] = {}
        self.share_jobs: dict[int, ShareTestJob] = {}
        self.usb_jobs: dict[int, UsbJob] = {}
        self.usb_present = True
        self.remount_at: datetime | None = None
        self.unavailable_until: datetime | None = None
        self._job_ids: dict[type[Job], itertools.count[int]] = {
            kind: itertools.count(1) for kind in (DiskJob, ShareTestJob, UsbJob)
        }

    def busy(self, diskid: str) -> bool:
        """Whether a disk job is running on the disk."""
        return any(j.diskid == diskid and j.running for j in self.disk_jobs.values())

    # ------------------------------------------------------------------ jobs
    def job_duration(self) -> float:
        """Simulated seconds one job takes at the configured speed (<=0: never ends)."""
        speed = self.config.job_speed
        return 100.0 / speed if speed > 0 else 0.0

    def _new_job[J: Job](self, kind: type[J], jobs: dict[int, J], **fields: Any) -> J:
        job = kind(
            jobid=next(self._job_ids[kind]),
            started=self.now(),
            duration=self.job_duration(),
            **fields,
        )
        jobs[job.jobid] = job
        return job

    def start_disk_job(self, disk: Disk, action: str, filesystem: str = "") -> DiskJob:
        """Start a disk job (checks are the caller's) and apply its immediate effects."""
        job = self._new_job(
            DiskJob, self.disk_jobs, diskid=disk.diskid, action=action, filesystem=filesystem
        )
        if action in ("format", "unmount"):
            self.stop_disk_recordings(disk.diskid, job.started)
        if action == "format":
            disk.status = "connected"
        return job

    def start_share_test(self, outcome: tuple[int, str] | None) -> ShareTestJob:
        """Start a share test whose result is known in advance."""
        return self._new_job(ShareTestJob, self.share_jobs, outcome=outcome)

    def running_share_tests(self) -> int:
        """Number of share tests still running."""
        return sum(1 for j in self.share_jobs.values() if j.running)

    def start_usb_job(self, filepath: str) -> UsbJob:
        """Start an export-to-external job."""
        return self._new_job(UsbJob, self.usb_jobs, filepath=filepath)

    def usb_job_running(self) -> bool:
        """Whether an export-to-external job is running."""
        return any(j.running for j in self.usb_jobs.values())

    def set_usb(self, present: bool) -> None:
        """Insert or remove the USB disk; running exports to it fail."""
        self.usb_present = present
        if not present:
            now = self.now()
            for job in self.usb_jobs.values():
                if job.running:
                    job.status = "Failed"
                    job.error = (210, "Unusable external disk: the disk was removed.")
                    job.finished = now
            self._prune_usb_jobs()

    def _prune_usb_jobs(self) -> None:
        finished = sorted(
            (j for j in self.usb_jobs.values() if not j.running),
            key=lambda j: (j.finished or j.started, j.jobid),
        )
        for job in finished[:-KEPT_USB_JOBS] if len(finished) > KEPT_USB_JOBS else []:
            del self.usb_jobs[job.jobid]

    # --------------------------------------------------------------- shares
    def new_share_id(self) -> str:
        """A fresh numeric share id like ``35419``."""
        while True:
            sid = str(self.rng.randrange(10000, 99999))
            if sid not in self.shares:
                return sid

    def bind(self, share: Share, automaticmount: bool) -> Disk:
        """Bind a share to the network share disk (the caller checked the rules)."""
        disk = self.disks["NetworkShare"]
        share.diskid = disk.diskid
        share.automaticmount = automaticmount
        disk.status = "connected"
        disk.device_node = f"//{share.address}/{share.share}"
        if not disk.name:
            disk.name = share.nicename
        if automaticmount:
            self.start_disk_job(disk, "mount")
        return disk

    def unbind(self, share: Share) -> None:
        """Unbind a share (the caller checked it is not mounted)."""
        disk = self.disks.get(share.diskid or "")
        share.diskid = None
        if disk is not None:
            disk.status = "disconnected"
            disk.device_node = ""
            if disk.name == share.nicename:
                disk.name = ""

    # ---------------------------------------------------------------- disks
    def add_disk(self, diskid: str, *, kind: str = "sd", totalsize_kb: int = 31166976) -> Disk:
        """Insert a disk (e.g. a second SD card) in the first free ``Storage.S#`` group."""
        if diskid in self.disks:
            raise DeviceError(f"disk {diskid} already present")
        used_groups = {int(d.group[1:]) for d in self.disks.values()}
        group = next(n for n in range(len(used_groups) + 1) if n not in used_groups)
        disk = factory.inserted_disk(diskid, f"S{group}", kind, totalsize_kb)
        self.disks[diskid] = disk
        self.resume_profiles(diskid, self.now())
        return disk

    def remove_disk(self, diskid: str) -> None:
        """Pull a disk out; its recordings come back if it is inserted again."""
        disk = self.disk(diskid)
        self.stop_disk_recordings(diskid, self.now())
        share = self.bound_share(diskid)
        if share is not None:
            share.diskid = None
        del self.disks[disk.diskid]

    def patch_disk(self, diskid: str, fields: dict[str, Any]) -> Disk:
        """Change a disk as a test or demo would (see ``disk_rules.PATCHABLE``)."""
        self.tick()
        disk = self.disk(diskid)
        disk_rules.patch(self, disk, fields)
        return disk

    # ------------------------------------------------------------------ time
    def tick(self) -> None:
        """Apply everything that happened up to now, in time order."""
        now = self.now()
        jobs: list[Job] = [
            *self.disk_jobs.values(),
            *self.share_jobs.values(),
            *self.usb_jobs.values(),
        ]
        events: list[tuple[datetime, int, Job | None]] = [
            (end, job.jobid, job) for job in jobs if (end := job.due(now)) is not None
        ]
        if self.remount_at is not None and self.remount_at <= now:
            events.append((self.remount_at, -1, None))
        events.sort(key=lambda e: (e[0], e[1]))
        for at, _, job in events:
            if isinstance(job, DiskJob):
                disk_rules.finish_disk_job(self, job, at)
            elif isinstance(job, ShareTestJob):
                job.done = True
            elif isinstance(job, UsbJob):
                job.status, job.finished = "Done", at
            else:
                disk_rules.remount_all(self, at)
        if any(isinstance(e[2], UsbJob) for e in events):
            self._prune_usb_jobs()
        self._cleanup(now)

    def _cleanup(self, now: datetime) -> None:
        for disk in self.disks.values():
            if disk.cleanuppolicy != "fifo" or disk.cleanupmaxage <= 0 or disk.locked:
                continue
            limit = now - timedelta(days=disk.cleanupmaxage)
            for rid in [
                r.recordingid
                for r in self.recordings.values()
                if r.diskid == disk.diskid and r.stop is not None and r.stop < limit
            ]:
                del self.recordings[rid]

    def reboot(self, downtime: float = 0.0) -> None:
        """Restart the device: jobs are forgotten, recordings stop, disks remount later."""
        now = self.now()
        for rec in self.recordings.values():
            if rec.ongoing:
                self.stop_recording(rec, now)
        self.disk_jobs.clear()
        self.share_jobs.clear()
        self.usb_jobs.clear()
        for disk in self.disks.values():
            if disk.status not in ("disconnected",):
                disk.status = "connected"
        self.remount_at = now + timedelta(seconds=max(downtime, 0.0) + REMOUNT_DELAY)
        self.unavailable_until = now + timedelta(seconds=downtime) if downtime > 0 else None

    # -------------------------------------------------------------- snapshot
    def disk_view(self, disk: Disk, now: datetime | None = None) -> dict[str, Any]:
        """A disk as JSON: its fields (no secrets) and what the device reports of it."""
        now = now or self.now()
        total, free = self.sizes(disk)
        return public(
            disk,
            totalsize=total,
            freesize=free,
            usedspace=self.used_kb(disk.diskid, now),
            full=self.is_full(disk),
            health=self.health(disk),
        )

    def snapshot(self) -> dict[str, Any]:
        """A JSON-able view of the whole state (no secrets; see ``simulator/snapshot.py``)."""
        now = self.now()
        recordings = sorted(self.recordings.values(), key=lambda r: r.start)
        return {
            "now": format_time(now),
            "clock_offset": self.clock.offset,
            "disks": [self.disk_view(d, now) for d in self.disks.values()],
            "shares": [public(s) for s in self.shares.values()],
            "recordings": [public(r, ongoing=r.ongoing) for r in recordings],
            "profiles": [public(p) for p in self.profiles.values()],
            "disk_jobs": [public(j, progress=j.progress(now)) for j in self.disk_jobs.values()],
            "share_jobs": [public(j, progress=j.progress(now)) for j in self.share_jobs.values()],
            "usb_jobs": [public(j, progress=j.progress(now)) for j in self.usb_jobs.values()],
            "usb_present": self.usb_present,
        }
