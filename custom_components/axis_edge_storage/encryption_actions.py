"""Disk encryption actions: enable, disable, and change the passphrase of an SD card.

The camera decides when each is allowed: encryption is enabled or disabled on an unmounted
disk (error 160 says "unmount it first"), the passphrase is changed on a mounted one (error 150
says "mount it first"). After enabling or disabling, the disk must be formatted (or mounted,
when a required file system formats it) before it records again, so enabling erases the card
and disabling makes the encrypted recordings unreadable: both are admin-only, need
`confirm: true` and are refused on a locked disk. Changing the passphrase replaces the key the
recordings are read with: admin-only.

Passphrases go to the camera and nowhere else: not in a response, an event, a log line or an
error message.
"""

from __future__ import annotations

import voluptuous as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse
from homeassistant.exceptions import ServiceValidationError

from .actions import (
    CONFIRM_FIELD,
    TARGET_FIELDS,
    Target,
    action_target,
    async_changed,
    async_require_admin,
    device_text,
    register,
    require_confirm,
)
from .const import DOMAIN
from .device_errors import async_device_call
from .vapix import Disk

ENABLE_DISK_ENCRYPTION = "enable_disk_encryption"
DISABLE_DISK_ENCRYPTION = "disable_disk_encryption"
CHANGE_DISK_PASSPHRASE = "change_disk_passphrase"  # noqa: S105 (an action name)

ATTR_PASSPHRASE = "passphrase"  # noqa: S105 (the name of a field)
ATTR_OLD_PASSPHRASE = "old_passphrase"  # noqa: S105 (the name of a field)
ATTR_NEW_PASSPHRASE = "new_passphrase"  # noqa: S105 (the name of a field)

# The camera checks the passphrases (1 to 512 bytes, errors 110 and 120): it is the one that
# knows its rules, and its refusal is translated.
ENABLE_SCHEMA = vol.Schema(
    {**TARGET_FIELDS, vol.Required(ATTR_PASSPHRASE): device_text, **CONFIRM_FIELD}
)
DISABLE_SCHEMA = vol.Schema({**TARGET_FIELDS, **CONFIRM_FIELD})
CHANGE_SCHEMA = vol.Schema(
    {
        **TARGET_FIELDS,
        vol.Required(ATTR_OLD_PASSPHRASE): device_text,
        vol.Required(ATTR_NEW_PASSPHRASE): device_text,
    }
)


def _answer(target: Target, disk: Disk, **data: bool) -> ServiceResponse:
    return {"device_id": target.camera_device_id, "disk_id": disk.disk_id, **data}


async def _async_confirmed_disk(call: ServiceCall, action: str) -> tuple[Target, Disk]:
    """The target and disk of an action that erases: admin, confirmed, not on a lock."""
    await async_require_admin(call)
    target = action_target(call)
    disk = target.disk()
    require_confirm(call, action)
    if disk.locked:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="disk_locked_action",
            translation_placeholders={"disk": disk.disk_id, "action": action},
        )
    return target, disk


async def _async_enable(call: ServiceCall) -> ServiceResponse:
    target, disk = await _async_confirmed_disk(call, ENABLE_DISK_ENCRYPTION)
    await async_device_call(
        ENABLE_DISK_ENCRYPTION,
        target.device.disk_properties.enable_encryption(disk.disk_id, call.data[ATTR_PASSPHRASE]),
        disk=disk.disk_id,
    )
    await async_changed(target)
    return _answer(target, disk, encryption_enabled=True)


async def _async_disable(call: ServiceCall) -> ServiceResponse:
    target, disk = await _async_confirmed_disk(call, DISABLE_DISK_ENCRYPTION)
    await async_device_call(
        DISABLE_DISK_ENCRYPTION,
        target.device.disk_properties.disable_encryption(disk.disk_id),
        disk=disk.disk_id,
    )
    await async_changed(target)
    return _answer(target, disk, encryption_enabled=False)


async def _async_change(call: ServiceCall) -> ServiceResponse:
    await async_require_admin(call)
    target = action_target(call)
    disk = target.disk()
    await async_device_call(
        CHANGE_DISK_PASSPHRASE,
        target.device.disk_properties.change_passphrase(
            disk.disk_id, call.data[ATTR_OLD_PASSPHRASE], call.data[ATTR_NEW_PASSPHRASE]
        ),
        disk=disk.disk_id,
    )
    await async_changed(target)
    return _answer(target, disk, passphrase_changed=True)


def async_setup_encryption_actions(hass: HomeAssistant) -> None:
    """Register the disk encryption actions."""
    register(hass, ENABLE_DISK_ENCRYPTION, _async_enable, ENABLE_SCHEMA)
    register(hass, DISABLE_DISK_ENCRYPTION, _async_disable, DISABLE_SCHEMA)
    register(hass, CHANGE_DISK_PASSPHRASE, _async_change, CHANGE_SCHEMA)
