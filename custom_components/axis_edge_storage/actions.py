"""What every management action shares: its target, its guards, its job and its answer.

An action targets a camera device or one of its disk devices (`device_id`), and a disk with
`disk_id` where it matters. Destructive actions are admin-only (a Home Assistant user who is
not an administrator is refused, as core's admin services do) and need `confirm: true`.
An action that starts a device job answers with the job; with `wait: true` it answers with the
job's final result, or a translated timeout error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import voluptuous as vol
from homeassistant.auth.permissions.const import POLICY_CONTROL
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import ServiceValidationError, Unauthorized, UnknownUser
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .coordinator import AxisEdgeStorageConfigEntry
from .device_errors import async_device_call
from .jobs import Job, JobKind
from .services import ATTR_DEVICE_ID, ATTR_DISK_ID, camera_entry
from .vapix import AxisEdgeStorage, Disk

ATTR_CONFIRM = "confirm"
ATTR_WAIT = "wait"
ATTR_TIMEOUT = "timeout"
DEFAULT_JOB_TIMEOUT = 600.0

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


async def async_require_admin(call: ServiceCall) -> None:
    """Refuse a destructive action to a Home Assistant user who is not an administrator."""
    if not call.context.user_id:
        return  # automations, scripts and the system act with full rights
    user = await call.hass.auth.async_get_user(call.context.user_id)
    if user is None:
        raise UnknownUser(
            context=call.context, permission=POLICY_CONTROL, user_id=call.context.user_id
        )
    if not user.is_admin:
        raise Unauthorized(context=call.context, permission=POLICY_CONTROL)


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
    # Errors name the action the user called (check_disk), not the camera's job (checkdisk).
    job_id = await async_device_call(call.service, start, disk=disk_id, share=share_id)
    jobs = target.entry.runtime_data.jobs
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
