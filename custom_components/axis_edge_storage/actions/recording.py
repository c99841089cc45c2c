"""Recording actions: start and stop a recording, remove recordings, continuous profiles.

The Recording API has no error codes: the camera refuses with a description ("The disk is not
mounted."), which the user gets in a translated message. Stopping a recording, adding or
removing a continuous profile are admin-only (the package's docstring says why); starting a
recording is open to every user. Removing recordings destroys video: admin-only, `confirm: true`, and
refused, before anything is removed, when a recording is on a locked disk or is unknown to the
camera.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from ..browse.index import async_invalidate
from ..const import DOMAIN
from ..vapix import Recording
from .common import CAMERA_FIELD, CONFIRM_FIELD, TARGET_FIELDS, device_text
from .guard import ActionCall, GuardedAction, action

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


# Adds a recording; deletes, stops and redirects nothing: open to every user.
@action(START_RECORDING, START_SCHEMA, admin=False, disk=True)
async def _start(call: ActionCall) -> dict[str, Any]:
    disk_id = call.disk.disk_id
    options = call.data.get(ATTR_OPTIONS)
    recording_id = await call.device_call(call.client.recordings.start(disk_id, options))
    return {"disk_id": disk_id, "recording_id": recording_id}


@action(STOP_RECORDING, STOP_SCHEMA)
async def _stop(call: ActionCall) -> dict[str, Any]:
    recording_id: str = call.data[ATTR_RECORDING_ID]
    await call.device_call(call.client.recordings.stop(recording_id))
    return {"recording_id": recording_id, "stopped": True}


async def _async_removable(call: ActionCall, recording_id: str) -> Recording:
    """A recording the camera knows, on a disk that is not locked."""
    recording = await call.device_call(call.client.recordings.get(recording_id))
    if recording is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_recording",
            translation_placeholders={"recording": recording_id},
        )
    disk = call.target.entry.runtime_data.coordinator.data.disks.get(recording.disk_id)
    if disk is not None and disk.locked:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="recording_disk_locked",
            translation_placeholders={"recording": recording_id, "disk": disk.disk_id},
        )
    return recording


@action(REMOVE_RECORDING, REMOVE_SCHEMA, confirm=True)
async def _remove(call: ActionCall) -> dict[str, Any]:
    wanted: list[str] = list(dict.fromkeys(call.data[ATTR_RECORDING_ID]))
    # Every one checked before any is removed.
    found = [await _async_removable(call, recording_id) for recording_id in wanted]
    await call.device_call(call.client.recordings.remove(wanted))
    # The media browser's list of recordings no longer holds them.
    for disk_id in {recording.disk_id for recording in found}:
        async_invalidate(call.hass, call.target.entry.entry_id, disk_id)
    return {
        "removed": [
            {"recording_id": recording.recording_id, "disk_id": recording.disk_id}
            for recording in found
        ],
    }


@action(ADD_CONTINUOUS_RECORDING, ADD_CONTINUOUS_SCHEMA, disk=True)
async def _add_continuous(call: ActionCall) -> dict[str, Any]:
    disk_id = call.disk.disk_id
    recordings = call.client.recordings
    event_id: str | None = call.data.get(ATTR_EVENT_ID)
    profile = await call.device_call(
        recordings.add_continuous_profile(disk_id, call.data[ATTR_OPTIONS], event_id)
    )
    return {"disk_id": disk_id, "profile": profile}


@action(REMOVE_CONTINUOUS_RECORDING, REMOVE_CONTINUOUS_SCHEMA)
async def _remove_continuous(call: ActionCall) -> dict[str, Any]:
    profile: int = call.data[ATTR_PROFILE]
    await call.device_call(call.client.recordings.remove_continuous_profile(profile))
    return {"profile": profile, "removed": True}


ACTIONS: tuple[GuardedAction, ...] = (
    _start,
    _stop,
    _remove,
    _add_continuous,
    _remove_continuous,
)
