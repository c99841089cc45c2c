"""What every management action shares: its target, its guards, its job and its answer.

An action targets a camera device or one of its disk devices (`device_id`), and a disk with
`disk_id` where it matters. An action that starts a device job answers with the job; with
`wait: true` it answers with the job's final result, or a translated timeout error.

The admin gate. Every action and setting entity that can delete, stop or redirect recordings,
or send credentials elsewhere, is refused to a Home Assistant user who is not an administrator,
with a translated `Unauthorized` (`AdminRequired`), before the camera is asked anything. A call
without a user (an automation's trigger, the system) may. `async_check_admin` is the one gate;
actions reach it through `async_require_admin(call)`, entities with their service call's context.

    action / entity                 who   why
    format_disk, repair_disk        admin erases or rewrites recordings (+ confirm)
    mount_disk                      admin with a required file system the camera formats it
    unmount_disk                    admin recording stops
    lock_disk                       admin ongoing recordings stop
    unlock_disk                     admin the card's recordings become deletable (cleanup,
                                          format; a required file system formats it on mount)
    check_disk                      all   reads only (and only on an unmounted disk)
    enable_disk_encryption          admin a format follows (+ confirm, not on a locked disk)
    disable_disk_encryption         admin encrypted recordings unreadable (+ confirm, lock)
    change_disk_passphrase          admin replaces the key the recordings are read with
    add/modify_network_share        admin credentials to an address; the share's recordings
    test_network_share              admin sends (stored) credentials to an address
    bind/unbind_network_share       admin redirects recordings to / stops them on a share
    remove_network_share            admin deletes the share's settings (+ confirm)
    start_recording                 all   adds a recording; deletes, stops, redirects nothing
    stop_recording                  admin recording stops
    remove_recording                admin deletes video (+ confirm)
    add_continuous_recording        admin standing configuration: records round the clock, so
                                          fifo cleanup deletes older recordings sooner
    remove_continuous_recording     admin continuous recording stops
    number cleanup max age          admin the camera deletes older recordings
    number recording storage limit  admin a lower limit deletes or stops recordings
    select cleanup policy           admin fifo deletes, none lets a full disk stop recording
    select required file system     admin a card of another file system is formatted on mount
    number wear/temperature alert   all   when the camera warns; nothing is deleted or stopped
    export_clip, export_clip_to_usb all   copies; reading stays open (services.py)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import voluptuous as vol
from homeassistant.auth.permissions.const import POLICY_CONTROL
from homeassistant.core import (
    Context,
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
)
from homeassistant.exceptions import ServiceValidationError, Unauthorized, UnknownUser
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .device_errors import async_device_call
from .jobs import Job, JobKind
from .runtime import AxisEdgeStorageConfigEntry
from .services import ATTR_DEVICE_ID, ATTR_DISK_ID, camera_entry
from .vapix import AxisEdgeStorage, Disk

ATTR_CONFIRM = "confirm"
ATTR_WAIT = "wait"
ATTR_TIMEOUT = "timeout"
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


TARGET_FIELDS: dict[vol.Marker, object] = {
    vol.Required(ATTR_DEVICE_ID): cv.string,
    vol.Optional(ATTR_DISK_ID): cv.string,
}
CONFIRM_FIELD: dict[vol.Marker, object] = {vol.Optional(ATTR_CONFIRM, default=False): cv.boolean}
WAIT_FIELDS: dict[vol.Marker, object] = {
    vol.Optional(ATTR_WAIT, default=False): cv.boolean,
    vol.Optional(ATTR_TIMEOUT, default=DEFAULT_JOB_TIMEOUT): vol.All(
        vol.Coerce(float), vol.Range(min=1, max=86400)
    ),
}


@dataclass(frozen=True, slots=True)
class Target:
    """The camera an action works on, and the disk when it names one."""

    entry: AxisEdgeStorageConfigEntry
    camera_device_id: str
    disk_id: str | None

    @property
    def device(self) -> AxisEdgeStorage:
        """The camera's client."""
        return self.entry.runtime_data.device

    def disk(self) -> Disk:
        """The disk the action needs; a translated error when none or an unknown one."""
        disks = self.entry.runtime_data.coordinator.data.disks
        if self.disk_id is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="disk_required",
                translation_placeholders={"disks": ", ".join(sorted(disks)) or "-"},
            )
        disk = disks.get(self.disk_id)
        if disk is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_disk",
                translation_placeholders={
                    "disk": self.disk_id,
                    "disks": ", ".join(sorted(disks)) or "-",
                },
            )
        return disk


def action_target(call: ServiceCall) -> Target:
    """The camera (and disk) a call targets: a disk's device picks that disk."""
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


def require_confirm(call: ServiceCall, action: str) -> None:
    """Refuse a destructive action without `confirm: true`."""
    if not call.data.get(ATTR_CONFIRM):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="confirm_required",
            translation_placeholders={"action": action},
        )


async def async_start_job(
    call: ServiceCall,
    target: Target,
    *,
    kind: JobKind,
    action: str,
    start: Awaitable[int | str],
    disk_id: str | None = None,
    share_id: str | None = None,
) -> ServiceResponse:
    """Start a device job, follow it, and answer with it (or with its end, when waited for)."""
    # The tracker is taken before the camera is asked: an unload while the camera answers
    # removes the entry's runtime data, and the stopped tracker hands the job on.
    jobs = target.entry.runtime_data.jobs
    # Errors name the action the user called (check_disk), not the camera's job (checkdisk).
    job_id = await async_device_call(call.service, start, disk=disk_id, share=share_id)
    job = await jobs.async_follow(
        Job(
            kind=kind,
            job_id=str(job_id),
            action=action,
            disk_id=disk_id,
            share_id=share_id,
            started=dt_util.utcnow(),
        )
    )
    if call.data.get(ATTR_WAIT):
        job = await jobs.async_wait(job, call.data[ATTR_TIMEOUT])
    return {"device_id": target.camera_device_id, **job.as_dict()}


async def async_changed(target: Target) -> None:
    """The action changed the device: read its state (and the slow data) again."""
    coordinator = target.entry.runtime_data.coordinator
    coordinator.async_mark_slow_data_stale()
    # Not debounced: a second change within seconds must show as well.
    await coordinator.async_refresh()


def register(
    hass: HomeAssistant,
    name: str,
    handler: Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]],
    schema: vol.Schema,
    supports_response: SupportsResponse = SupportsResponse.OPTIONAL,
) -> None:
    """Register one action of the integration."""
    hass.services.async_register(
        DOMAIN, name, handler, schema=schema, supports_response=supports_response
    )
