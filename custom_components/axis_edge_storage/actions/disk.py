"""Disk actions: format, check, repair, mount, unmount (device jobs), lock and unlock.

Every one but check_disk is admin-only (the package's docstring says why, per action): format
and repair destroy or rewrite data, unmount and lock stop recording, mount formats a card when
a required file system is set, unlock makes the card's recordings deletable. Format and repair
also need `confirm: true` and are refused on a locked disk, before the camera is asked. The
file systems `format_disk` accepts are those the disk's getcapabilities offers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import voluptuous as vol
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from ..const import DOMAIN
from ..jobs import JobKind
from ..vapix.disks import DiskManagementApi
from .common import CONFIRM_FIELD, TARGET_FIELDS, WAIT_FIELDS
from .guard import ActionCall, GuardedAction, action

FORMAT_DISK = "format_disk"
CHECK_DISK = "check_disk"
REPAIR_DISK = "repair_disk"
MOUNT_DISK = "mount_disk"
UNMOUNT_DISK = "unmount_disk"
LOCK_DISK = "lock_disk"
UNLOCK_DISK = "unlock_disk"

ATTR_FILESYSTEM = "filesystem"

JOB_SCHEMA = vol.Schema({**TARGET_FIELDS, **WAIT_FIELDS})
CONFIRMED_JOB_SCHEMA = vol.Schema({**TARGET_FIELDS, **CONFIRM_FIELD, **WAIT_FIELDS})
FORMAT_SCHEMA = CONFIRMED_JOB_SCHEMA.extend({vol.Optional(ATTR_FILESYSTEM): cv.string})
LOCK_SCHEMA = vol.Schema(TARGET_FIELDS)


def _filesystem(call: ActionCall, wanted: str | None) -> str | None:
    """The file system to format to: one the disk offers (None: the camera's default)."""
    if wanted is None:
        return None
    disk_id = call.disk.disk_id
    settings = call.target.entry.runtime_data.coordinator.data.settings
    capabilities = settings.disk_capabilities.get(disk_id)
    offered = [fs.name for fs in capabilities.filesystems] if capabilities is not None else []
    match = next((name for name in offered if name.lower() == wanted.strip().lower()), None)
    if match is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="filesystem_not_offered",
            translation_placeholders={
                "disk": disk_id,
                "filesystem": wanted,
                "filesystems": ", ".join(offered) or "-",
            },
        )
    return match


@action(FORMAT_DISK, FORMAT_SCHEMA, disk=True, confirm=True, unlocked=True, refresh=False)
async def _format(call: ActionCall) -> dict[str, Any]:
    filesystem = _filesystem(call, call.data.get(ATTR_FILESYSTEM))
    start = call.client.disks.format(call.disk.disk_id, filesystem)
    return await call.start_job(JobKind.DISK, "format", start)


def _disk_job(
    name: str,
    schema: vol.Schema,
    job_action: str,
    start: Callable[[DiskManagementApi, str], Awaitable[int]],
    *,
    admin: bool = True,
    destructive: bool = False,
) -> GuardedAction:
    """A disk job: admin-only unless said; a destructive one confirmed, never on a lock."""

    async def handle(call: ActionCall) -> dict[str, Any]:
        return await call.start_job(
            JobKind.DISK, job_action, start(call.client.disks, call.disk.disk_id)
        )

    # The job's end refreshes the disks (the job tracker), not its start.
    declare = action(
        name,
        schema,
        admin=admin,
        disk=True,
        confirm=destructive,
        unlocked=destructive,
        refresh=False,
    )
    return declare(handle)


def _lock(name: str, *, locked: bool) -> GuardedAction:
    @action(name, LOCK_SCHEMA, disk=True)
    async def handle(call: ActionCall) -> dict[str, Any]:
        disks, disk_id = call.client.disks, call.disk.disk_id
        await call.device_call(disks.lock(disk_id) if locked else disks.unlock(disk_id))
        return {"disk_id": disk_id, "locked": locked}

    return handle


ACTIONS: tuple[GuardedAction, ...] = (
    _format,
    # Reads only: open to every user (the camera checks an unmounted disk only).
    _disk_job(CHECK_DISK, JOB_SCHEMA, "checkdisk", DiskManagementApi.check, admin=False),
    _disk_job(
        REPAIR_DISK,
        CONFIRMED_JOB_SCHEMA,
        "repair",
        DiskManagementApi.repair,
        destructive=True,
    ),
    _disk_job(MOUNT_DISK, JOB_SCHEMA, "mount", DiskManagementApi.mount),
    _disk_job(UNMOUNT_DISK, JOB_SCHEMA, "unmount", DiskManagementApi.unmount),
    _lock(LOCK_DISK, locked=True),
    _lock(UNLOCK_DISK, locked=False),
)
