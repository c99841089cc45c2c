"""The device's rules for a disk: the end of a disk job, mounting, control-surface edits.

What each disk job does when it ends, how a disk mounts (share, file system, encryption), and
the edits ``POST /sim/disks/{id}`` may make.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .jobs import DiskJob
from .model import DeviceError, Disk
from .nas import evaluate_share
from .storage import Storage

#: Disk fields ``POST /sim/disks/{id}`` may change, with their types.
PATCHABLE: dict[str, type | tuple[type, ...]] = {
    "status": str,
    "name": str,
    "filesystem": str,
    "locked": bool,
    "readonly": bool,
    "fs_errors": bool,
    "encrypted": bool,
    "encryption_enabled": bool,
    "cleanupmaxage": int,
    "cleanuppolicy": str,
    "storage_limit": int,
    "totalsize": int,
    "freesize": int,
    "disk_passphrase": (str, type(None)),
    "passphrase": (str, type(None)),
    "health": (dict, type(None)),
    "alert_wear": int,
    "alert_temperature": int,
}
#: Patched names that are another field of ``Disk``.
PATCHED_FIELDS = {
    "storage_limit": "storage_limit_kb",
    "totalsize": "totalsize_kb",
    "disk_passphrase": "disk_key",
}
STATUSES = frozenset(
    {
        "disconnected",
        "connected",
        "OK",
        "failed",
        "no passphrase",
        "wrong passphrase",
        "not encrypted",
    }
)
HEALTH_ATTRIBUTES = ("wear", "temperature", "overallhealth")


def finish_disk_job(storage: Storage, job: DiskJob, at: datetime) -> None:
    """End a disk job at ``at`` and apply its effect."""
    job.done = True
    disk = storage.disks.get(job.diskid)
    if disk is None:
        job.result, job.description = "ERROR", "The disk was removed."
        return
    if job.action == "format":
        format_disk(storage, disk, job.filesystem or disk.filesystem, at)
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
        storage.stop_disk_recordings(disk.diskid, at)
        disk.status = "connected"
        job.description = "The disk was unmounted."
    elif job.action == "mount":
        problem = mount(storage, disk, at)
        if problem:
            job.result, job.description = "ERROR", problem
        else:
            job.description = "The disk was mounted."


def format_disk(storage: Storage, disk: Disk, filesystem: str, at: datetime) -> None:
    """Format a disk: its recordings go, encryption applies, it mounts."""
    for rid in [r.recordingid for r in storage.recordings.values() if r.diskid == disk.diskid]:
        del storage.recordings[rid]
    disk.filesystem = filesystem
    disk.encrypted = disk.encryption_enabled
    disk.disk_key = disk.passphrase if disk.encryption_enabled else None
    disk.fs_errors = False
    disk.status = "OK"
    storage.resume_profiles(disk.diskid, at)


def mount(storage: Storage, disk: Disk, at: datetime) -> str | None:
    """Mount a disk; returns the problem description when it does not become OK."""
    if disk.kind == "share":
        share = storage.bound_share(disk.diskid)
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
                format_disk(storage, disk, disk.requiredfs, at)
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
        format_disk(storage, disk, disk.requiredfs, at)
        return None
    disk.status = "OK"
    storage.resume_profiles(disk.diskid, at)
    return None


def remount_all(storage: Storage, at: datetime) -> None:
    """Mount, as after a reboot, every connected disk that mounts on boot."""
    for disk in storage.disks.values():
        if disk.status != "connected" or not disk.mount_on_boot or not disk.enabled:
            continue
        if disk.kind == "share":
            share = storage.bound_share(disk.diskid)
            if share is None or not share.automaticmount:
                continue
        mount(storage, disk, at)


def _checked(fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        expected = PATCHABLE.get(key)
        if expected is None:
            raise DeviceError(f"cannot patch {key!r}; patchable: {sorted(PATCHABLE)}")
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise DeviceError(f"bad value for {key!r}: {value!r}")


def _health(
    storage: Storage, disk: Disk, value: dict[str, Any] | None
) -> dict[str, int | None] | None:
    if value is None:
        return None
    merged = dict(storage.health(disk))
    for name, number in value.items():
        if name not in HEALTH_ATTRIBUTES:
            raise DeviceError(f"unknown health attribute {name!r}")
        merged[name] = None if number is None else int(number)
    return merged


def patch(storage: Storage, disk: Disk, fields: dict[str, Any]) -> None:
    """Apply a patch (checked against ``PATCHABLE`` first); recordings stop where they must."""
    _checked(fields)
    now = storage.now()
    for key, value in fields.items():
        if key == "status":
            if value not in STATUSES:
                raise DeviceError(f"unknown status {value!r}")
            disk.status = value
            if value != "OK":
                storage.stop_disk_recordings(disk.diskid, now)
        elif key == "health":
            disk.health = _health(storage, disk, value)
        elif key == "freesize":
            used = storage.used_kb(disk.diskid, now)
            disk.other_used_kb = max(0, disk.totalsize_kb - value - used)
        else:
            setattr(disk, PATCHED_FIELDS.get(key, key), value)
    if disk.locked or disk.readonly:
        storage.stop_disk_recordings(disk.diskid, now)
