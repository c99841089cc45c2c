"""What every action shares: its fields, its target, and the admin gate.

Every field name (`ATTR_*`) and every field used by more than one action is defined here,
once. An action targets a camera device or one of its disk devices (`device_id`), and a disk
with `disk_id` where it matters: `action_target` finds the camera's loaded config entry, the
camera's own device and the disk.

The admin gate: `async_check_admin` is the one check, for actions (through the guarded
sequence, `guard.py`) and for setting entities (with their service call's context). The
package's docstring says who may run what.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import voluptuous as vol
from homeassistant.auth.permissions.const import POLICY_CONTROL
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Context, HomeAssistant, ServiceCall
from homeassistant.exceptions import ServiceValidationError, Unauthorized, UnknownUser
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr

from ..const import DOMAIN
from ..runtime import AxisEdgeStorageConfigEntry
from ..vapix import AxisEdgeStorage, Disk

ATTR_DEVICE_ID = "device_id"
ATTR_DISK_ID = "disk_id"
ATTR_CONFIRM = "confirm"
ATTR_WAIT = "wait"
ATTR_TIMEOUT = "timeout"
ATTR_PASSWORD = "password"  # noqa: S105 (the name of a field)

DEFAULT_JOB_TIMEOUT = 600.0
MAX_TEXT_LENGTH = 1024


def device_text(value: Any) -> str:
    """A text the camera stores or uses: no control characters, at most 1024 characters.

    A control character (NUL above all) cannot be written in the XML the camera answers
    with: a share named with one makes every later list of shares unreadable.
    """
    text: str = cv.string(value)
    if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in text):
        raise vol.Invalid("control characters are not allowed")
    if len(text) > MAX_TEXT_LENGTH:
        raise vol.Invalid(f"at most {MAX_TEXT_LENGTH} characters")
    return text


def timeout_field(default: float) -> dict[vol.Marker, object]:
    """How long to wait, in seconds (1 s to a day)."""
    return {
        vol.Optional(ATTR_TIMEOUT, default=default): vol.All(
            vol.Coerce(float), vol.Range(min=1, max=86400)
        )
    }


CAMERA_FIELD: dict[vol.Marker, object] = {vol.Required(ATTR_DEVICE_ID): cv.string}
TARGET_FIELDS: dict[vol.Marker, object] = {
    **CAMERA_FIELD,
    vol.Optional(ATTR_DISK_ID): cv.string,
}
CONFIRM_FIELD: dict[vol.Marker, object] = {vol.Optional(ATTR_CONFIRM, default=False): cv.boolean}
WAIT_FIELDS: dict[vol.Marker, object] = {
    vol.Optional(ATTR_WAIT, default=False): cv.boolean,
    **timeout_field(DEFAULT_JOB_TIMEOUT),
}


def camera_entry(
    hass: HomeAssistant, device_id: str
) -> tuple[AxisEdgeStorageConfigEntry, str | None]:
    """The loaded config entry of a camera device and, for a disk's device, the disk id."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_device",
            translation_placeholders={"device_id": device_id},
        )
    identifiers = {ident for domain, ident in device.identifiers if domain == DOMAIN}
    for entry_id in device.config_entries:
        entry: AxisEdgeStorageConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != DOMAIN or entry.unique_id is None:
            continue
        disk_id = next(
            (
                ident.removeprefix(f"{entry.unique_id}_")
                for ident in identifiers
                if ident.startswith(f"{entry.unique_id}_")
            ),
            None,
        )
        if entry.unique_id not in identifiers and disk_id is None:
            continue
        if entry.state is not ConfigEntryState.LOADED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="camera_not_loaded",
                translation_placeholders={"camera": entry.title},
            )
        return entry, disk_id
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="not_a_camera",
        translation_placeholders={"device": device.name_by_user or device.name or device_id},
    )


@dataclass(frozen=True, slots=True)
class Target:
    """The camera an action works on, and the disk when it names one."""

    entry: AxisEdgeStorageConfigEntry
    camera_device_id: str
    disk_id: str | None

    @property
    def client(self) -> AxisEdgeStorage:
        """The camera's client."""
        return self.entry.runtime_data.client

    def disk(self) -> Disk:
        """The disk the action needs; a translated error when none or an unknown one."""
        disks = self.entry.runtime_data.coordinator.data.disks
        disk = None if self.disk_id is None else disks.get(self.disk_id)
        if disk is not None:
            return disk
        # The refusal names the disks there are, to choose from.
        known = ", ".join(sorted(disks)) or "-"
        if self.disk_id is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="disk_required",
                translation_placeholders={"disks": known},
            )
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_disk",
            translation_placeholders={"disk": self.disk_id, "disks": known},
        )


def action_target(call: ServiceCall) -> Target:
    """The camera (and disk) a call targets: a disk's device picks that disk.

    The camera's own device id, also when the call names a disk's device: every action
    answers with it.
    """
    entry, device_disk = camera_entry(call.hass, call.data[ATTR_DEVICE_ID])
    camera = dr.async_get(call.hass).async_get_device(identifiers={(DOMAIN, str(entry.unique_id))})
    return Target(
        entry=entry,
        camera_device_id=camera.id if camera is not None else call.data[ATTR_DEVICE_ID],
        disk_id=call.data.get(ATTR_DISK_ID, device_disk),
    )


class AdminRequired(Unauthorized):
    """`Unauthorized` with a translated message (`admin_required`).

    `Unauthorized` takes no translation in Home Assistant 2025.4 (nor 2026.2); this sets the
    fields `HomeAssistantError` translates from, so the user reads why, while the error stays
    an `Unauthorized` (the REST API answers 401; the websocket `call_service` answers
    `home_assistant_error` with this translation key).
    """

    def __init__(self, context: Context, action: str, entity_id: str | None = None) -> None:
        """Refuse `action` (an action's or a setting's name) to the user of `context`."""
        super().__init__(context=context, entity_id=entity_id, permission=POLICY_CONTROL)
        self.translation_domain = DOMAIN
        self.translation_key = "admin_required"
        self.translation_placeholders = {"action": action}
        self.generate_message = True


async def async_check_admin(
    hass: HomeAssistant, context: Context | None, action: str, *, entity_id: str | None = None
) -> None:
    """The admin gate: refuse `action` to a Home Assistant user who is not an administrator.

    A context without a user (an automation's trigger, the system) may. Call it before
    anything reaches the camera, so that a refused call changes nothing there.
    """
    if context is None or not context.user_id:
        return
    user = await hass.auth.async_get_user(context.user_id)
    if user is None:
        raise UnknownUser(context=context, permission=POLICY_CONTROL, user_id=context.user_id)
    if not user.is_admin:
        raise AdminRequired(context, action, entity_id)


async def async_require_admin(call: ServiceCall) -> None:
    """Refuse the action called to a Home Assistant user who is not an administrator."""
    await async_check_admin(call.hass, call.context, call.service)
