"""Disk actions: format, check, repair, mount, unmount (device jobs), lock and unlock.

Every one but check_disk is admin-only (actions.py says why, per action): format and repair
destroy or rewrite data, unmount and lock stop recording, mount formats a card when a required
file system is set, unlock makes the card's recordings deletable. Format and repair also need
`confirm: true` and are refused on a locked disk, before the camera is asked. The file systems
`format_disk` accepts are those the disk's getcapabilities offers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import voluptuous as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .actions import (
    CONFIRM_FIELD,
    TARGET_FIELDS,
    WAIT_FIELDS,
    Target,
    action_target,
    async_changed,
    async_require_admin,
    async_start_job,
    register,
    require_confirm,
)
from .const import DOMAIN
from .device_errors import async_device_call
from .jobs import JobKind
from .vapix import Disk
from .vapix.disks import DiskManagementApi

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


def _refuse_locked(disk: Disk, action: str) -> None:
    if disk.locked:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="disk_locked_action",
            translation_placeholders={"disk": disk.disk_id, "action": action},
        )


def _filesystem(target: Target, disk: Disk, wanted: str | None) -> str | None:
    """The file system to format to: one the disk offers (None: the camera's default)."""
    if wanted is None:
        return None
    capabilities = target.entry.runtime_data.coordinator.data.slow.disk_capabilities.get(
        disk.disk_id
    )
    offered = [fs.name for fs in capabilities.filesystems] if capabilities is not None else []
    match = next((name for name in offered if name.lower() == wanted.strip().lower()), None)
    if match is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="filesystem_not_offered",
            translation_placeholders={
                "disk": disk.disk_id,
                "filesystem": wanted,
                "filesystems": ", ".join(offered) or "-",
            },
        )
    return match


async def _async_disk_job(
    call: ServiceCall,
    action: str,
    start: Callable[[Target, Disk], Awaitable[int]],
    *,
    admin: bool = True,
    destructive: bool = False,
) -> ServiceResponse:
    """Start a disk job: admin-only unless said; a destructive one confirmed, never on a lock."""
    if admin:
        await async_require_admin(call)
    target = action_target(call)
    disk = target.disk()
    if destructive:
        require_confirm(call, call.service)
        _refuse_locked(disk, call.service)
    return await async_start_job(
        call,
        target,
        kind=JobKind.DISK,
        action=action,
        start=start(target, disk),
        disk_id=disk.disk_id,
    )


async def _async_format(call: ServiceCall) -> ServiceResponse:
    wanted: str | None = call.data.get(ATTR_FILESYSTEM)

    async def start(target: Target, disk: Disk) -> int:
        filesystem = _filesystem(target, disk, wanted)
        return await target.device.disks.format(disk.disk_id, filesystem)

    return await _async_disk_job(call, "format", start, destructive=True)


def _job_action(
    action: str,
    start: Callable[[DiskManagementApi, str], Awaitable[int]],
    *,
    admin: bool = True,
    destructive: bool = False,
) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    async def handle(call: ServiceCall) -> ServiceResponse:
        return await _async_disk_job(
            call,
            action,
            lambda target, disk: start(target.device.disks, disk.disk_id),
            admin=admin,
            destructive=destructive,
        )

    return handle


async def _async_lock(call: ServiceCall, *, locked: bool) -> ServiceResponse:
    await async_require_admin(call)
    target = action_target(call)
    disk = target.disk()
    action = LOCK_DISK if locked else UNLOCK_DISK
    disks = target.device.disks
    request = disks.lock(disk.disk_id) if locked else disks.unlock(disk.disk_id)
    await async_device_call(action, request, disk=disk.disk_id)
    await async_changed(target)
    return {"device_id": target.camera_device_id, "disk_id": disk.disk_id, "locked": locked}


async def _async_lock_disk(call: ServiceCall) -> ServiceResponse:
    return await _async_lock(call, locked=True)


async def _async_unlock_disk(call: ServiceCall) -> ServiceResponse:
    return await _async_lock(call, locked=False)


def async_setup_disk_actions(hass: HomeAssistant) -> None:
    """Register the disk actions."""
    register(hass, FORMAT_DISK, _async_format, FORMAT_SCHEMA)
    # Reads only: open to every user (the camera checks an unmounted disk only).
    register(
        hass,
        CHECK_DISK,
        _job_action("checkdisk", DiskManagementApi.check, admin=False),
        JOB_SCHEMA,
    )
    register(
        hass,
        REPAIR_DISK,
        _job_action("repair", DiskManagementApi.repair, destructive=True),
        CONFIRMED_JOB_SCHEMA,
    )
    register(hass, MOUNT_DISK, _job_action("mount", DiskManagementApi.mount), JOB_SCHEMA)
    register(hass, UNMOUNT_DISK, _job_action("unmount", DiskManagementApi.unmount), JOB_SCHEMA)
    register(hass, LOCK_DISK, _async_lock_disk, LOCK_SCHEMA)
    register(hass, UNLOCK_DISK, _async_unlock_disk, LOCK_SCHEMA)
