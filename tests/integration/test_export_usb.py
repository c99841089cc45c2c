"""The export_clip_to_usb action: the camera writes to its USB disk, followed to the end."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import SERIAL, TITLE, StartSim, entry_data


@pytest.fixture(autouse=True)
def _fast_polling() -> Any:
    """Poll the job every 50 ms instead of every second."""
    with patch("custom_components.axis_edge_storage.jobs.tracker.POLL_INTERVAL", 0.05):
        yield


async def _setup(hass: HomeAssistant, sim: Simulator) -> str:
    entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(sim))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SERIAL)})
    assert device is not None
    return device.id


async def _call(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, "export_clip_to_usb", data, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


async def test_usb_export_followed_to_the_end(hass: HomeAssistant, start_sim: StartSim) -> None:
    """Each recording in the range becomes a finished USB job; one event carries the result."""
    events: list[Event] = []

    @callback
    def _record(event: Event) -> None:
        events.append(event)

    hass.bus.async_listen(f"{DOMAIN}_usb_export_finished", _record)
    async with start_sim(job_speed=200) as sim:
        device_id = await _setup(hass, sim)
        at = dt_util.now() - timedelta(minutes=10)
        response = await _call(hass, device_id=device_id, at=at, before=5, after=5)
        assert response["ok"] is True
        [job] = response["jobs"]
        assert job["result"] == "ok"
        assert job["disk_id"] == "SD_DISK"
        assert job["file_path"].endswith(".mkv")
        await hass.async_block_till_done()
        assert [event.data for event in events] == [response]

        sim.set_usb(False)
        with pytest.raises(HomeAssistantError) as info:
            await _call(hass, device_id=device_id, at=at)
        assert info.value.translation_key == "device_error"
        assert info.value.translation_placeholders["code"] == "210"


async def test_usb_export_times_out(hass: HomeAssistant, start_sim: StartSim) -> None:
    """A job that never ends is given up after the timeout, with a clear error."""
    async with start_sim(job_speed=0) as sim:
        device_id = await _setup(hass, sim)
        at = dt_util.now() - timedelta(minutes=10)
        with pytest.raises(HomeAssistantError) as info:
            await _call(hass, device_id=device_id, at=at, timeout=1)
        assert info.value.translation_key == "usb_export_timeout"


@pytest.mark.parametrize(
    ("shift", "key"),
    [
        ({"start": -60, "end": -120}, "end_before_start"),
        ({"start": -90000, "end": -60}, "range_too_long"),
        ({"start": 60, "end": 120}, "start_in_future"),
        ({"start": -40 * 86400, "end": -40 * 86400 + 60}, "no_recording"),
    ],
)
async def test_usb_export_bad_ranges(
    hass: HomeAssistant, sim: Simulator, shift: dict[str, int], key: str
) -> None:
    """Ranges that cannot be exported are refused before anything starts."""
    device_id = await _setup(hass, sim)
    now = dt_util.now()
    with pytest.raises(ServiceValidationError) as info:
        await _call(
            hass,
            device_id=device_id,
            start=now + timedelta(seconds=shift["start"]),
            end=now + timedelta(seconds=shift["end"]),
        )
    assert info.value.translation_key == key


async def test_usb_export_as_a_recording_begins(hass: HomeAssistant, start_sim: StartSim) -> None:
    """An alarm's automation exports the last minute as the event recording starts.

    The camera holds no video of a recording begun within its current second (it refuses
    the range, error 150); that recording is left out and the rest is exported. Before,
    the whole action failed with a device error after the first recording's job had run.
    """
    async with start_sim(job_speed=10_000) as sim:  # the first job ends within 10 ms
        device_id = await _setup(hass, sim)
        while sim.state.now().microsecond > 100_000:  # the call ends within this second
            await asyncio.sleep(0.02)
        begun = sim.state.add_recording(
            "SD_DISK", sim.state.now(), None, recordingtype="triggered", eventid="alarm"
        )
        now = dt_util.now()
        response = await _call(hass, device_id=device_id, start=now - timedelta(minutes=1), end=now)
    assert response["ok"] is True
    assert response["jobs"]
    assert begun.recordingid not in {job["recording_id"] for job in response["jobs"]}


async def test_usb_export_of_only_a_recording_just_begun(
    hass: HomeAssistant, start_sim: StartSim
) -> None:
    """Nothing to write yet: the translated 'no recording' refusal, not an empty success."""
    async with start_sim(job_speed=200) as sim:
        sim.patch_disk("NetworkShare", status="OK")
        device_id = await _setup(hass, sim)
        while sim.state.now().microsecond > 100_000:  # the call ends within this second
            await asyncio.sleep(0.02)
        sim.state.add_recording("NetworkShare", sim.state.now(), None, recordingtype="triggered")
        now = dt_util.now()
        with pytest.raises(ServiceValidationError) as info:
            await _call(
                hass,
                device_id=device_id,
                disk_id="NetworkShare",
                start=now - timedelta(minutes=1),
                end=now,
            )
        assert info.value.translation_key == "no_recording"
        assert not sim.state.usb_jobs
