"""Device triggers: each one fires a real automation, listed on the right device, translated."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
)

from custom_components.axis_edge_storage.const import DOMAIN
from custom_components.axis_edge_storage.triggers import CAMERA_TRIGGERS, DISK_TRIGGERS
from simulator import Simulator

from .conftest import SERIAL, call_action

SD = "SD_DISK"


def device_id(hass: HomeAssistant, disk: str | None = None) -> str:
    """The device id of the camera, or of one of its disks."""
    ident = SERIAL if disk is None else f"{SERIAL}_{disk}"
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, ident)})
    assert device is not None
    return device.id


async def automations(hass: HomeAssistant, triggers: list[tuple[str, str]]) -> list[str]:
    """One automation per (device id, trigger type); the types they ran for, in order."""
    ran: list[str] = []

    @callback
    def _ran(event: Event) -> None:
        ran.append(event.data["type"])

    hass.bus.async_listen("test_trigger_ran", _ran)
    config = [
        {
            "alias": f"{kind} on {device}",
            "triggers": [
                {"platform": "device", "domain": DOMAIN, "device_id": device, "type": kind}
            ],
            "actions": [{"event": "test_trigger_ran", "event_data": {"type": kind}}],
        }
        for device, kind in triggers
    ]
    assert await async_setup_component(hass, automation.DOMAIN, {automation.DOMAIN: config})
    await hass.async_block_till_done()
    return ran


async def poll(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """One poll, as the interval timer would run it."""
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()


async def stop_and_start_recording(
    hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator
) -> None:
    """The camera stops recording, then records to the SD card again; a poll after each."""
    sim.stop_recording()
    await poll(hass, entry)
    sim.start_recording(SD)
    await poll(hass, entry)


async def test_triggers_listed_per_device(hass: HomeAssistant, loaded: MockConfigEntry) -> None:
    """A camera offers its triggers, a disk its own; names come from the translations."""
    for device, expected in (
        (device_id(hass), CAMERA_TRIGGERS),
        (device_id(hass, SD), DISK_TRIGGERS),
    ):
        listed = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, device)
        assert sorted(t["type"] for t in listed if t["domain"] == DOMAIN) == sorted(expected)
    strings = (
        Path(__file__).parents[2] / "custom_components" / DOMAIN / "strings.json"
    ).read_text()
    for kind in {*CAMERA_TRIGGERS, *DISK_TRIGGERS}:
        assert f'"{kind}"' in strings


async def test_disk_triggers_fire_automations(
    hass: HomeAssistant, loaded: MockConfigEntry, sim: Simulator
) -> None:
    """Problem started/cleared, storage alert on/off, recording stopped/started on a disk."""
    disk = device_id(hass, SD)
    ran = await automations(hass, [(disk, kind) for kind in DISK_TRIGGERS])

    sim.patch_disk(SD, health={"wear": 80})  # the alert level is 50 %
    await poll(hass, loaded)
    sim.patch_disk(SD, health={"wear": 10})
    await poll(hass, loaded)
    assert ran == ["storage_alert_on", "storage_alert_off"]

    ran.clear()
    await stop_and_start_recording(hass, loaded, sim)
    assert ran == ["recording_stopped", "recording_started"]

    # A read-only card is a problem, and the camera stops recording to it.
    ran.clear()
    sim.patch_disk(SD, readonly=True)
    await poll(hass, loaded)
    assert sorted(ran) == ["disk_problem_started", "recording_stopped"]
    ran.clear()
    sim.patch_disk(SD, readonly=False)
    await poll(hass, loaded)
    assert ran[0] == "disk_problem_cleared"

    ran.clear()
    await poll(hass, loaded)  # nothing changed: nothing fires
    assert ran == []


@pytest.mark.usefixtures("fast_job_polling")
async def test_camera_triggers_fire_automations(
    hass: HomeAssistant, loaded: MockConfigEntry, media: Path, sim: Simulator
) -> None:
    """Recording, a completed and a failed export, a finished job: each runs its automation."""
    camera = device_id(hass)
    ran = await automations(hass, [(camera, kind) for kind in CAMERA_TRIGGERS])

    await stop_and_start_recording(hass, loaded, sim)
    assert ran == ["recording_stopped", "recording_started"]

    ran.clear()
    at = dt_util.now() - timedelta(minutes=5)
    await call_action(hass, "export_clip", device_id=camera, at=at, before=2, after=2)
    with pytest.raises(ServiceValidationError):
        await call_action(
            hass, "export_clip", device_id=camera, at=dt_util.now() - timedelta(days=30)
        )
    await hass.async_block_till_done()
    assert ran == ["export_completed", "export_failed"]

    ran.clear()
    sim.config.job_speed = 200  # the job takes half a second
    await call_action(hass, "unmount_disk", device_id=camera, disk_id=SD, wait=True, timeout=60)
    for _ in range(100):
        if ran:
            break
        await asyncio.sleep(0.05)
    assert ran == ["job_finished"]


async def test_disk_trigger_on_a_camera_is_refused(
    hass: HomeAssistant, loaded: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """A disk's trigger type on the camera's device is an invalid automation, not a silent one."""
    ran = await automations(hass, [(device_id(hass), "disk_problem_started")])
    [automation_id] = hass.states.async_entity_ids("automation")
    assert hass.states.get(automation_id).state == "unavailable"
    assert "disk_problem_started is not a trigger of device" in caplog.text
    assert ran == []
