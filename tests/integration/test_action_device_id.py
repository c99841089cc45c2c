"""Every action answers with the camera's device id, also when a disk's device is the target.

`export_clip_to_usb` answered (and fired its event) with the disk's device id when the call
targeted a disk's device; every other action answered with the camera's.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import SERIAL
from .conftest import call_action as _call
from .conftest import setup_camera as _setup

DISK = "SD_DISK"


def _disk_device_id(hass: HomeAssistant) -> str:
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, f"{SERIAL}_{DISK}")})
    assert device is not None
    return device.id


@pytest.mark.usefixtures("fast_job_polling")
async def test_export_clip_to_usb_on_a_disk_answers_with_the_camera(
    hass: HomeAssistant, fast_sim: Simulator
) -> None:
    """Targeting the SD card's device: the camera's id in the answer and in the event."""
    events: list[Event] = []

    @callback
    def _record(event: Event) -> None:
        events.append(event)

    hass.bus.async_listen(f"{DOMAIN}_usb_export_finished", _record)
    camera = await _setup(hass, fast_sim)
    disk_device = _disk_device_id(hass)
    assert disk_device != camera

    at = dt_util.now() - timedelta(minutes=10)
    response = await _call(
        hass, "export_clip_to_usb", device_id=disk_device, at=at, before=5, after=5
    )
    assert response["device_id"] == camera
    assert response["ok"] is True
    assert [job["disk_id"] for job in response["jobs"]] == [DISK]
    await hass.async_block_till_done()
    assert [event.data for event in events] == [response]
    assert events[0].data["device_id"] == camera


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("lock_disk", {}),
        ("unlock_disk", {}),
        ("start_recording", {}),
        ("add_continuous_recording", {}),
    ],
)
async def test_disk_actions_on_a_disk_answer_with_the_camera(
    hass: HomeAssistant, fast_sim: Simulator, action: str, data: dict[str, Any]
) -> None:
    """The other actions that take a disk's device answer with the camera's id as well."""
    camera = await _setup(hass, fast_sim)
    response = await _call(hass, action, device_id=_disk_device_id(hass), **data)
    assert response["device_id"] == camera
    assert response["disk_id"] == DISK
