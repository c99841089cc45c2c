"""The stateful model of the simulated camera: disks, shares, jobs and recordings.

Everything that changes with time is evaluated lazily: ``tick()`` (called before every
request) completes the jobs whose simulated end time has passed, in the order they end,
and applies their effects as of that moment.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .clock import Clock, compact, format_time
from .config import SimulatorConfig

#: Recording bit rate of the model, in kB per second (about 1 Mbit/s).
RATE_KB_PER_S = 125
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
#: Host names the simulated network resolves (IPv4 literals always resolve).
KNOWN_HOSTS = frozenset({"nas", "nas.local", "mynas", "mynas.mycompany.com", "storage.example.com"})
#: Shares exported by the simulated NAS and how they behave.
NAS_SHARES: dict[str, str] = {
    "recordings": "rw",
    "myshare": "rw",
    "video": "rw",
    "readonly": "ro",
    "flaky": "flaky",
}
#: Accounts of the simulated NAS.
NAS_USERS: dict[str, str] = {"camera": "nas-secret", "nasuser": "pass"}

_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9-]{1,63})*$")
_IPV4 = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$")


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


@dataclass
class DiskJob:
    """A format, checkdisk, repair, mount or unmount job."""

    jobid: int
    diskid: str
    action: str
    started: datetime
    duration: float
    filesystem: str = ""
    done: bool = False
    result: str = "OK"
    description: str = ""

    def progress(self, now: datetime) -> int:
        """Progress in percent."""
        if self.done:
            return 100
        return _progress(self.started, self.duration, now)


@dataclass
class ShareTestJob:
    """A network share test started with ``networkshare/test.cgi``."""

    jobid: int
    started: datetime
    duration: float
    outcome: tuple[int, str] | None
    done: bool = False

    def progress(self, now: datetime) -> int:
        """Progress in percent."""
        if self.done:
            return 100
        return _progress(self.started, self.duration, now)


@dataclass
class UsbJob:
    """An export-to-external (USB) job."""

    jobid: int
    started: datetime
    duration: float
    filepath: str
    status: str = "In Progress"
    error: tuple[int, str] | None = None
    finished: datetime | None = None

    def progress(self, now: datetime) -> int:
        """Progress in percent (-1 for a failed job)."""
        if self.status == "Done":
            return 100
        if self.status == "Failed":
            return -1
        return _progress(self.started, self.duration, now)


def _progress(started: datetime, duration: float, now: datetime) -> int:
    if duration <= 0:
        return 99
    elapsed = (now - started).total_seconds()
    return max(0, min(99, int(100 * elapsed / duration)))


def _is_ipv4(address: str) -> bool:
    match = _IPV4.match(address)
    return match is not None and all(0 <= int(part) <= 255 for part in match.groups())


def evaluate_share(address: str, share: str, user: str, password: str) -> tuple[int, str] | None:
    """Decide what testing or mounting a share with these settings runs into.

    Returns ``None`` when the share works, else the network share error code and text.
    """
    address = address.strip()
    if not _is_ipv4(address):
        if address.lower().endswith(".invalid") or address.lower() not in KNOWN_HOSTS:
            return 700, "No such hostname."
    elif address.startswith("198.51.100."):
        return 760, "Problem connecting to the share."
    if "," in password:
        return 720, "Internal error while mounting network share."
    mode = NAS_SHARES.get(share.strip("/"))
    if mode is None or not user or NAS_USERS.get(user) != password:
        return 710, "Error while mounting network share."
    if mode == "ro":
        return 740, "Problem writing to the share."
    if mode == "flaky":
        return 750, "Problem reading data written to the share."
    return None


def valid_hostname(address: str) -> bool:
    """Whether ``address`` is an IPv4 address or a syntactically valid host name."""
    return _is_ipv4(address) or bool(_HOSTNAME.match(address))


class DeviceState:
    """The whole mutable model of the camera."""

    def __init__(
        self, config: SimulatorConfig, clock: Clock, rng: random.Random, video: dict[str, str]
    ) -> None:
        self.config = config
        self.clock = clock
        self.rng = rng
        self.video = video
        self.disks: dict[str, Disk] = {}
        self.shares: dict[str, Share] = {}
        self.recordings: dict[str, Recording] = {}
        self.profiles: dict[int, Profile] = {}
        self.disk_jobs: dict[int, DiskJob] = {}
        self.share_jobs: dict[int, ShareTestJob] = {}
        self.usb_jobs: dict[int, UsbJob] = {}
        self.usb_present = True
        self.remount_at: datetime | None = None
        self.unavailable_until: datetime | None = None
        self._next_disk_job = 1
        self._next_share_job = 1
        self._next_usb_job = 1
        self._populate()

    # ----------------------------------------------------------------- set-up
    def _populate(self) -> None:
        now = self.clock.now().replace(microsecond=0)
        sd = Disk(
            diskid="SD_DISK",
            group="S0",
            kind="sd",
            totalsize_kb=116109036,
            device_node="/dev/mmcblk0p1",
            health={"wear": 12, "temperature": 315, "overallhealth": 1},
        )
        share_disk = Disk(
            diskid="NetworkShare",
            group="S1",
            kind="share",
            totalsize_kb=4194304000,
            other_used_kb=524288000,
            filesystem="cifs",
            status="disconnected",
            cleanupmaxage=7,
        )
        self.disks = {sd.diskid: sd, share_disk.diskid: share_disk}
        self.shares["nas1"] = Share(
            shareid="nas1",
            nicename="NAS",
            address="192.0.2.10",
            share="recordings",
            user="camera",
            password="nas-secret",  # noqa: S106 - a simulated NAS account
        )
        hour = timedelta(hours=1)
        plan: list[tuple[timedelta, timedelta | None, dict[str, Any]]] = [
            (5 * hour, 3 * hour, {}),
            (3 * hour, hour + timedelta(seconds=20), {}),
            (
                4 * hour + timedelta(minutes=10),
                4 * hour + timedelta(minutes=8, seconds=30),
                {"recordingtype": "triggered", "eventid": "motion", "eventtrigger": "motion"},
            ),
            (
                3 * hour + timedelta(minutes=40),
                3 * hour + timedelta(minutes=39),
                {
                    "recordingtype": "triggered",
                    "eventid": "audio detection",
                    "eventtrigger": "audio",
                    "mimetype": "image/jpeg",
                    "audio": True,
                },
            ),
            (
                2 * hour + timedelta(minutes=15, seconds=12),
                2 * hour + timedelta(minutes=14, seconds=2),
                {"recordingtype": "triggered", "eventid": "motion", "eventtrigger": "motion"},
            ),
            (hour, None, {"profile": 1}),
        ]
        for start_ago, stop_ago, extra in plan:
            stop = None if stop_ago is None else now - stop_ago
            self.add_recording("SD_DISK", now - start_ago, stop, **extra)
        self.profiles[1] = Profile(
            profile=1, diskid="SD_DISK", options="resolution=1920x1080", eventid="continuous"
        )
        sd.other_used_kb = max(0, sd.totalsize_kb - 75106020 - self.used_kb("SD_DISK", now))

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

    def busy(self, diskid: str) -> bool:
        """Whether a disk job is running on the disk."""
        return any(j.diskid == diskid and not j.done for j in self.disk_jobs.values())

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
        disk = self.disk(diskid)
        problem = self.writable_problem(disk)
        if problem:
            raise DeviceError(problem)
        at = at or self.now()
        return self.add_recording(
            diskid,
            at,
            None,
            recordingtype=recordingtype,
            eventid=eventid,
            eventtrigger=eventtrigger,
            profile=profile,
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
            self.add_recording(
                prof.diskid,
                at,
                None,
                eventid=prof.eventid,
                eventtrigger="continuous",
                profile=prof.profile,
            )

    # ------------------------------------------------------------- disk jobs
    def job_duration(self) -> float:
        """Simulated seconds one job takes at the configured speed (<=0: never ends)."""
        speed = self.config.job_speed
        return 100.0 / speed if speed > 0 else 0.0

    def start_disk_job(self, disk: Disk, action: str, filesystem: str = "") -> DiskJob:
        """Start a disk job (checks are the caller's) and apply its immediate effects."""
        now = self.now()
        job = DiskJob(
            jobid=self._next_disk_job,
            diskid=disk.diskid,
            action=action,
            started=now,
            duration=self.job_duration(),
            filesystem=filesystem,
        )
        self._next_disk_job += 1
        self.disk_jobs[job.jobid] = job
        if action in ("format", "unmount"):
            self.stop_disk_recordings(disk.diskid, now)
        if action == "format":
            disk.status = "connected"
        return job

    def _finish_disk_job(self, job: DiskJob, at: datetime) -> None:
        job.done = True
        disk = self.disks.get(job.diskid)
        if disk is None:
            job.result, job.description = "ERROR", "The disk was removed."
            return
        if job.action == "format":
            self._format(disk, job.filesystem or disk.filesystem, at)
            job.description = "Format completed."
        elif job.action == "checkdisk":
            if disk.fs_errors:
                job.result = "ERROR"
                job.description = "File system errors found. Repair the disk."
            else:
                job.description = "No errors found."
        elif job.action == "repair":
            disk.fs_errors = False
            if disk.status == "failed":
                disk.status = "connected"
            job.description = "The file system was repaired."
        elif job.action == "unmount":
            self.stop_disk_recordings(disk.diskid, at)
            disk.status = "connected"
            job.description = "The disk was unmounted."
        elif job.action == "mount":
            problem = self._mount(disk, at)
            if problem:
                job.result, job.description = "ERROR", problem
            else:
                job.description = "The disk was mounted."

    def _format(self, disk: Disk, filesystem: str, at: datetime) -> None:
        for rid in [r.recordingid for r in self.recordings.values() if r.diskid == disk.diskid]:
            del self.recordings[rid]
        disk.filesystem = filesystem
        disk.encrypted = disk.encryption_enabled
        disk.disk_key = disk.passphrase if disk.encryption_enabled else None
        disk.fs_errors = False
        disk.status = "OK"
        self.resume_profiles(disk.diskid, at)

    def _mount(self, disk: Disk, at: datetime) -> str | None:
        """Mount a disk; returns the problem description when it does not become OK."""
        if disk.kind == "share":
            share = self.bound_share(disk.diskid)
            if share is None:
                disk.status = "disconnected"
                return "No network share is bound to the disk."
            outcome = evaluate_share(share.address, share.share, share.user, share.password)
            if outcome is not None:
                disk.status = "connected"
                return outcome[1]
        if disk.fs_errors:
            disk.status = "failed"
            return "File system errors found. Use checkdisk.cgi and repair.cgi."
        auto_format = disk.requiredfs != "none" and not disk.locked
        if disk.encryption_enabled:
            if not disk.encrypted:
                if auto_format:
                    self._format(disk, disk.requiredfs, at)
                    return None
                disk.status = "not encrypted"
                return "Encryption is enabled but the disk is not encrypted. Format the disk."
            if disk.disk_key != disk.passphrase:
                disk.status = "wrong passphrase"
                return "The passphrase does not match the disk."
        elif disk.encrypted:
            disk.status = "no passphrase"
            return "The disk is encrypted but encryption is disabled. Format the disk."
        if auto_format and disk.filesystem != disk.requiredfs:
            self._format(disk, disk.requiredfs, at)
            return None
        disk.status = "OK"
        self.resume_profiles(disk.diskid, at)
        return None

    # --------------------------------------------------------------- shares
    def start_share_test(self, outcome: tuple[int, str] | None) -> ShareTestJob:
        """Start a share test whose result is known in advance."""
        job = ShareTestJob(
            jobid=self._next_share_job,
            started=self.now(),
            duration=self.job_duration(),
            outcome=outcome,
        )
        self._next_share_job += 1
        self.share_jobs[job.jobid] = job
        return job

    def running_share_tests(self) -> int:
        """Number of share tests still running."""
        return sum(1 for j in self.share_jobs.values() if not j.done)

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

    # ------------------------------------------------------------ USB export
    def start_usb_job(self, filepath: str) -> UsbJob:
        """Start an export-to-external job."""
        job = UsbJob(
            jobid=self._next_usb_job,
            started=self.now(),
            duration=self.job_duration(),
            filepath=filepath,
        )
        self._next_usb_job += 1
        self.usb_jobs[job.jobid] = job
        return job

    def usb_job_running(self) -> bool:
        """Whether an export-to-external job is running."""
        return any(j.status == "In Progress" for j in self.usb_jobs.values())

    def set_usb(self, present: bool) -> None:
        """Insert or remove the USB disk; running exports to it fail."""
        self.usb_present = present
        if not present:
            now = self.now()
            for job in self.usb_jobs.values():
                if job.status == "In Progress":
                    job.status = "Failed"
                    job.error = (210, "Unusable external disk: the disk was removed.")
                    job.finished = now
            self._prune_usb_jobs()

    def _prune_usb_jobs(self) -> None:
        finished = sorted(
            (j for j in self.usb_jobs.values() if j.status != "In Progress"),
            key=lambda j: (j.finished or j.started, j.jobid),
        )
        for job in finished[:-KEPT_USB_JOBS] if len(finished) > KEPT_USB_JOBS else []:
            del self.usb_jobs[job.jobid]

    # ------------------------------------------------------------------ time
    def tick(self) -> None:
        """Apply everything that happened up to now, in time order."""
        now = self.now()
        events: list[tuple[datetime, int, Any]] = []
        for djob in self.disk_jobs.values():
            if not djob.done and djob.duration > 0:
                end = djob.started + timedelta(seconds=djob.duration)
                if end <= now:
                    events.append((end, djob.jobid, djob))
        for sjob in self.share_jobs.values():
            if not sjob.done and sjob.duration > 0:
                end = sjob.started + timedelta(seconds=sjob.duration)
                if end <= now:
                    events.append((end, sjob.jobid, sjob))
        for ujob in self.usb_jobs.values():
            if ujob.status == "In Progress" and ujob.duration > 0:
                end = ujob.started + timedelta(seconds=ujob.duration)
                if end <= now:
                    events.append((end, ujob.jobid, ujob))
        if self.remount_at is not None and self.remount_at <= now:
            events.append((self.remount_at, -1, "remount"))
        events.sort(key=lambda e: (e[0], e[1]))
        for at, _, item in events:
            if isinstance(item, DiskJob):
                self._finish_disk_job(item, at)
            elif isinstance(item, ShareTestJob):
                item.done = True
            elif isinstance(item, UsbJob):
                item.status, item.finished = "Done", at
            else:
                self._remount_all(at)
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

    def _remount_all(self, at: datetime) -> None:
        self.remount_at = None
        for disk in self.disks.values():
            if disk.status != "connected" or not disk.mount_on_boot or not disk.enabled:
                continue
            if disk.kind == "share":
                share = self.bound_share(disk.diskid)
                if share is None or not share.automaticmount:
                    continue
            self._mount(disk, at)

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
    def snapshot(self) -> dict[str, Any]:
        """A JSON-able view of the whole state (no passwords)."""
        now = self.now()
        disks = []
        for disk in self.disks.values():
            total, free = self.sizes(disk)
            disks.append(
                {
                    "diskid": disk.diskid,
                    "group": disk.group,
                    "kind": disk.kind,
                    "name": disk.name,
                    "status": disk.status,
                    "filesystem": disk.filesystem,
                    "totalsize": total,
                    "freesize": free,
                    "usedspace": self.used_kb(disk.diskid, now),
                    "locked": disk.locked,
                    "readonly": disk.readonly,
                    "full": self.is_full(disk),
                    "requiredfs": disk.requiredfs,
                    "encryption_enabled": disk.encryption_enabled,
                    "encrypted": disk.encrypted,
                    "fs_errors": disk.fs_errors,
                    "cleanupmaxage": disk.cleanupmaxage,
                    "cleanuppolicy": disk.cleanuppolicy,
                    "storage_limit": disk.storage_limit_kb,
                    "alert_levels": {
                        "wear": disk.alert_wear,
                        "temperature": disk.alert_temperature,
                    },
                    "health": self.health(disk),
                }
            )
        return {
            "now": format_time(now),
            "clock_offset": self.clock.offset,
            "disks": disks,
            "shares": [
                {
                    "shareid": s.shareid,
                    "nicename": s.nicename,
                    "address": s.address,
                    "share": s.share,
                    "user": s.user,
                    "diskid": s.diskid,
                }
                for s in self.shares.values()
            ],
            "recordings": [
                {
                    "recordingid": r.recordingid,
                    "diskid": r.diskid,
                    "starttime": format_time(r.start),
                    "stoptime": format_time(r.stop) if r.stop else "",
                    "recordingtype": r.recordingtype,
                    "eventid": r.eventid,
                    "ongoing": r.ongoing,
                    "mimetype": r.mimetype,
                    "profile": r.profile,
                }
                for r in sorted(self.recordings.values(), key=lambda r: r.start)
            ],
            "profiles": [
                {
                    "profile": p.profile,
                    "diskid": p.diskid,
                    "options": p.options,
                    "eventid": p.eventid,
                }
                for p in self.profiles.values()
            ],
            "disk_jobs": [
                {
                    "jobid": j.jobid,
                    "diskid": j.diskid,
                    "action": j.action,
                    "progress": j.progress(now),
                    "done": j.done,
                    "result": j.result,
                    "description": j.description,
                }
                for j in self.disk_jobs.values()
            ],
            "share_jobs": [
                {"jobid": j.jobid, "progress": j.progress(now), "done": j.done}
                for j in self.share_jobs.values()
            ],
            "usb_jobs": [
                {
                    "jobid": j.jobid,
                    "status": j.status,
                    "progress": j.progress(now),
                    "filepath": j.filepath,
                }
                for j in self.usb_jobs.values()
            ],
            "usb_present": self.usb_present,
        }
