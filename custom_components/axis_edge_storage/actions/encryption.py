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

from typing import Any

import voluptuous as vol

from .common import CONFIRM_FIELD, TARGET_FIELDS, device_text
from .guard import ActionCall, GuardedAction, action

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


@action(ENABLE_DISK_ENCRYPTION, ENABLE_SCHEMA, disk=True, confirm=True, unlocked=True)
async def _enable(call: ActionCall) -> dict[str, Any]:
    disk_id = call.disk.disk_id
    properties = call.client.disk_properties
    await call.device_call(properties.enable_encryption(disk_id, call.data[ATTR_PASSPHRASE]))
    return {"disk_id": disk_id, "encryption_enabled": True}


@action(DISABLE_DISK_ENCRYPTION, DISABLE_SCHEMA, disk=True, confirm=True, unlocked=True)
async def _disable(call: ActionCall) -> dict[str, Any]:
    disk_id = call.disk.disk_id
    await call.device_call(call.client.disk_properties.disable_encryption(disk_id))
    return {"disk_id": disk_id, "encryption_enabled": False}


@action(CHANGE_DISK_PASSPHRASE, CHANGE_SCHEMA, disk=True)
async def _change(call: ActionCall) -> dict[str, Any]:
    disk_id = call.disk.disk_id
    old, new = call.data[ATTR_OLD_PASSPHRASE], call.data[ATTR_NEW_PASSPHRASE]
    await call.device_call(call.client.disk_properties.change_passphrase(disk_id, old, new))
    return {"disk_id": disk_id, "passphrase_changed": True}


ACTIONS: tuple[GuardedAction, ...] = (_enable, _disable, _change)
