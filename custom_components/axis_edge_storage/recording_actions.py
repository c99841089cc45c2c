"""Recording actions: start and stop a recording, remove recordings, continuous profiles.

The Recording API has no error codes: the camera refuses with a description ("The disk is not
mounted."), which the user gets in a translated message. Stopping a recording, adding or
removing a continuous profile are admin-only (actions.py says why); starting a recording is
open to every user. Removing recordings destroys video: admin-only, `confirm: true`, and
refused, before anything is removed, when a recording is on a locked disk or is unknown to the
camera.
"""

from __future__ import annotations

import voluptuous as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .actions import (
    CONFIRM_FIELD,
    TARGET_FIELDS,
    action_target,
    async_changed,
    async_require_admin,
    device_text,
    register,
    require_confirm,
)
from .const import DOMAIN
from .device_errors import async_device_call
from .services import ATTR_DEVICE_ID
from .vapix import Recording

START_RECORDING = "start_recording"
STOP_RECORDING = "stop_recording"
REMOVE_RECORDING = "remove_recording"
ADD_CONTINUOUS_RECORDING = "add_continuous_recording"
REMOVE_CONTINUOUS_RECORDING = "remove_continuous_recording"

ATTR_OPTIONS = "options"
ATTR_EVENT_ID = "event_id"
ATTR_RECORDING_ID = "recording_id"
ATTR_PROFILE = "profile"
MAX_REMOVE = 100

CAMERA_FIELD: dict[vol.Marker, object] = {vol.Required(ATTR_DEVICE_ID): cv.string}

START_SCHEMA = vol.Schema({**TARGET_FIELDS, vol.Optional(ATTR_OPTIONS): device_text})
STOP_SCHEMA = vol.Schema({**CAMERA_FIELD, vol.Required(ATTR_RECORDING_ID): device_text})
REMOVE_SCHEMA = vol.Schema(
    {
        **CAMERA_FIELD,
        vol.Required(ATTR_RECORDING_ID): vol.All(
            cv.ensure_list_csv, [device_text], vol.Length(min=1, max=MAX_REMOVE)
        ),
        **CONFIRM_FIELD,
    }
)
ADD_CONTINUOUS_SCHEMA = vol.Schema(
    {
        **TARGET_FIELDS,
        vol.Optional(ATTR_OPTIONS, default=""): device_text,
        vol.Optional(ATTR_EVENT_ID): device_text,
    }
)
REMOVE_CONTINUOUS_SCHEMA = vol.Schema(
    {**CAMERA_FIELD, vol.Required(ATTR_PROFILE): vol.All(vol.Coerce(int), vol.Range(min=0))}
)


async def _async_start(call: ServiceCall) -> ServiceResponse:
    target = action_target(call)
    disk = target.disk()
    recording_id = await async_device_call(
        START_RECORDING,
        target.device.recordings.start(disk.disk_id, call.data.get(ATTR_OPTIONS)),
        disk=disk.disk_id,
    )
    await async_changed(target)
    return {
        "device_id": target.camera_device_id,
        "disk_id": disk.disk_id,
        "recording_id": recording_id,
    }


async def _async_stop(call: ServiceCall) -> ServiceResponse:
    await async_require_admin(call)
    target = action_target(call)
    recording_id: str = call.data[ATTR_RECORDING_ID]
    await async_device_call(STOP_RECORDING, target.device.recordings.stop(recording_id))
    await async_changed(target)
    return {"device_id": target.camera_device_id, "recording_id": recording_id, "stopped": True}


async def _async_remove(call: ServiceCall) -> ServiceResponse:
    await async_require_admin(call)
    target = action_target(call)
    require_confirm(call, REMOVE_RECORDING)
    wanted: list[str] = list(dict.fromkeys(call.data[ATTR_RECORDING_ID]))
    disks = target.entry.runtime_data.coordinator.data.disks
    found: list[Recording] = []
    for recording_id in wanted:
        recording = await async_device_call(
            REMOVE_RECORDING, target.device.recordings.get(recording_id)
        )
        if recording is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_recording",
                translation_placeholders={"recording": recording_id},
            )
        disk = disks.get(recording.disk_id)
        if disk is not None and disk.locked:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="recording_disk_locked",
                translation_placeholders={"recording": recording_id, "disk": disk.disk_id},
            )
        found.append(recording)
    await async_device_call(REMOVE_RECORDING, target.device.recordings.remove(wanted))
    await async_changed(target)
    return {
        "device_id": target.camera_device_id,
        "removed": [
            {"recording_id": recording.recording_id, "disk_id": recording.disk_id}
            for recording in found
        ],
    }


async def _async_add_continuous(call: ServiceCall) -> ServiceResponse:
    await async_require_admin(call)
    target = action_target(call)
    disk = target.disk()
    event_id: str | None = call.data.get(ATTR_EVENT_ID)
    profile = await async_device_call(
        ADD_CONTINUOUS_RECORDING,
        target.device.recordings.add_continuous_profile(
            disk.disk_id, call.data[ATTR_OPTIONS], event_id
        ),
        disk=disk.disk_id,
    )
    await async_changed(target)
    return {"device_id": target.camera_device_id, "disk_id": disk.disk_id, "profile": profile}


async def _async_remove_continuous(call: ServiceCall) -> ServiceResponse:
    await async_require_admin(call)
    target = action_target(call)
    profile: int = call.data[ATTR_PROFILE]
    await async_device_call(
        REMOVE_CONTINUOUS_RECORDING, target.device.recordings.remove_continuous_profile(profile)
    )
    await async_changed(target)
    return {"device_id": target.camera_device_id, "profile": profile, "removed": True}


def async_setup_recording_actions(hass: HomeAssistant) -> None:
    """Register the recording actions."""
    register(hass, START_RECORDING, _async_start, START_SCHEMA)
    register(hass, STOP_RECORDING, _async_stop, STOP_SCHEMA)
    register(hass, REMOVE_RECORDING, _async_remove, REMOVE_SCHEMA)
    register(hass, ADD_CONTINUOUS_RECORDING, _async_add_continuous, ADD_CONTINUOUS_SCHEMA)
    register(hass, REMOVE_CONTINUOUS_RECORDING, _async_remove_continuous, REMOVE_CONTINUOUS_SCHEMA)
