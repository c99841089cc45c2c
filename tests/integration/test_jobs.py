"""The job coordinator: device jobs followed to the end, once, across reloads and reboots."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.axis_edge_storage.const import DOMAIN, EVENT_JOB_FINISHED
from simulator import Simulator

from .conftest import SERIAL, TITLE, StartSim, entry_data
from .conftest import call_action as _call

pytestmark = pytest.mark.usefixtures("fast_job_polling")

SD = "SD_DISK"
JOB_SENSOR = "sensor.axis_p3265_lve_accc8e012345_sd_card_job"
PROGRESS_SENSOR = "sensor.axis_p3265_lve_accc8e012345_sd_card_job_progress"


@pytest.fixture
def finished(hass: HomeAssistant) -> list[Event]:
    """Every job_finished event."""
    events: list[Event] = []

    @callback
    def _record(event: Event) -> None:
        events.append(event)

    hass.bus.async_listen(EVENT_JOB_FINISHED, _record)
    return events


async def _setup(hass: HomeAssistant, sim: Simulator) -> tuple[MockConfigEntry, str]:
    entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(sim))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SERIAL)})
    assert device is not None
    return entry, device.id


async def _until(condition: Any, seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.02)


async def test_progress_sensor_and_one_event(
    hass: HomeAssistant, start_sim: StartSim, finished: list[Event]
) -> None:
    """While a job runs, the disk's job sensors show it; its end fires one event."""
    async with start_sim(job_speed=20) as sim:  # 5 s per job
        _entry, camera = await _setup(hass, sim)
        assert hass.states.get(JOB_SENSOR).state == "idle"

        started = await _call(hass, "unmount_disk", device_id=camera, disk_id=SD)
        assert hass.states.get(JOB_SENSOR).state == "unmount"

        seen: set[float] = set()

        def midway() -> bool:
            state = hass.states.get(PROGRESS_SENSOR).state
            if state not in ("unknown", "unavailable"):
                seen.add(float(state))
            return any(0 < value < 100 for value in seen)

        await _until(midway)
        state = hass.states.get(JOB_SENSOR)
        assert state.state == "unmount"
        assert state.attributes["job_id"] == started["job_id"]
        assert state.attributes["action"] == "unmount"

        await _until(lambda: bool(finished))
        await asyncio.sleep(0.3)  # several more polls: still one event
        assert len(finished) == 1
        assert finished[0].data == {
            "device_id": camera,
            "job_id": started["job_id"],
            "kind": "disk",
            "action": "unmount",
            "disk_id": SD,
            "progress": 100,
            "result": "ok",
            "description": "The disk was unmounted.",
            "error_code": None,
            "started": started["started"],
            "finished": finished[0].data["finished"],
        }
        await hass.async_block_till_done()
        assert hass.states.get(JOB_SENSOR).state == "idle"
        assert hass.states.get(JOB_SENSOR).attributes["result"] == "ok"
        assert hass.states.get(PROGRESS_SENSOR).state == "100"
        # The disk's state was read again: it is no longer mounted.
        assert (
            hass.states.get("sensor.axis_p3265_lve_accc8e012345_sd_card_status").state
            == "connected"
        )


async def test_job_coordinator_is_pushed_not_polled(
    hass: HomeAssistant, start_sim: StartSim, finished: list[Event]
) -> None:
    """The job coordinator never refreshes on its own; each change is pushed as its data."""
    async with start_sim(job_speed=20) as sim:
        entry, camera = await _setup(hass, sim)
        jobs = entry.runtime_data.jobs
        assert jobs.update_interval is None
        assert jobs.data.job_for(SD) is None
        started = await _call(hass, "unmount_disk", device_id=camera, disk_id=SD)
        running = jobs.data.job_for(SD)
        assert running is not None
        assert running.job_id == started["job_id"]
        assert not running.done
        await _until(lambda: bool(finished))
        ended = jobs.data.job_for(SD)
        assert ended is not None
        assert ended.job_id == started["job_id"]
        assert str(ended.result) == "ok"
        assert jobs.data.running == ()
        # A refresh reads nothing and keeps what was pushed.
        await jobs.async_refresh()
        assert jobs.last_update_success
        assert jobs.data.job_for(SD) == ended


async def test_wait_returns_the_final_result(
    hass: HomeAssistant, start_sim: StartSim, finished: list[Event]
) -> None:
    """wait: true answers with the job's end, the same as the event."""
    async with start_sim(job_speed=200) as sim:
        _entry, camera = await _setup(hass, sim)
        result = await _call(hass, "unmount_disk", device_id=camera, disk_id=SD, wait=True)
        assert result["result"] == "ok"
        assert result["finished"] is not None
        await hass.async_block_till_done()
        assert len(finished) == 1
        assert finished[0].data["job_id"] == result["job_id"]


async def test_wait_timeout(
    hass: HomeAssistant, start_sim: StartSim, finished: list[Event]
) -> None:
    """A job that outlasts the timeout: a translated error; the job is still followed."""
    async with start_sim(job_speed=50) as sim:  # 2 s
        _entry, camera = await _setup(hass, sim)
        with pytest.raises(HomeAssistantError) as info:
            await _call(hass, "unmount_disk", device_id=camera, disk_id=SD, wait=True, timeout=1)
        assert info.value.translation_key == "job_timeout"
        assert "did not end within 1 seconds" in str(info.value)
        await _until(lambda: bool(finished))
        assert finished[0].data["result"] == "ok"


async def test_reload_reattaches_a_running_job(
    hass: HomeAssistant, start_sim: StartSim, finished: list[Event]
) -> None:
    """A job running while the integration reloads is followed again, and ends once."""
    async with start_sim(job_speed=50) as sim:
        entry, camera = await _setup(hass, sim)
        started = await _call(hass, "unmount_disk", device_id=camera, disk_id=SD)
        await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        assert hass.states.get(JOB_SENSOR).state == "unmount"

        await _until(lambda: bool(finished))
        await asyncio.sleep(0.3)
        assert [event.data["job_id"] for event in finished] == [started["job_id"]]
        assert finished[0].data["result"] == "ok"


async def test_job_that_ended_while_unloaded(
    hass: HomeAssistant, start_sim: StartSim, finished: list[Event]
) -> None:
    """A job that ended while Home Assistant was not following is reported at the next start."""
    async with start_sim(job_speed=50) as sim:
        entry, camera = await _setup(hass, sim)
        started = await _call(hass, "unmount_disk", device_id=camera, disk_id=SD)
        assert await hass.config_entries.async_unload(entry.entry_id)
        sim.advance(10)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await _until(lambda: bool(finished))
        assert finished[0].data["job_id"] == started["job_id"]
        assert finished[0].data["result"] == "ok"


async def test_waiting_action_told_when_the_integration_unloads(
    hass: HomeAssistant, start_sim: StartSim
) -> None:
    """An action waiting for a job when the entry unloads gets a clear error, not a hang."""
    async with start_sim(job_speed=5) as sim:
        entry, camera = await _setup(hass, sim)
        call = hass.async_create_task(
            _call(hass, "unmount_disk", device_id=camera, disk_id=SD, wait=True)
        )
        await _until(lambda: hass.states.get(JOB_SENSOR).state == "unmount")
        assert await hass.config_entries.async_unload(entry.entry_id)
        with pytest.raises(HomeAssistantError) as info:
            await call
        assert info.value.translation_key == "job_follow_stopped"


async def test_reboot_ends_the_job_as_failed(
    hass: HomeAssistant, start_sim: StartSim, finished: list[Event]
) -> None:
    """A camera that restarts forgets its jobs: the job ends as failed, saying why."""
    async with start_sim(job_speed=5) as sim:
        _entry, camera = await _setup(hass, sim)
        call = hass.async_create_task(
            _call(hass, "unmount_disk", device_id=camera, disk_id=SD, wait=True)
        )
        await _until(lambda: hass.states.get(JOB_SENSOR).state == "unmount")
        sim.reboot()
        result = await call
        assert result["result"] == "failed"
        assert result["description"].startswith("The camera restarted")
        assert len(finished) == 1
        assert finished[0].data["result"] == "failed"
        await hass.async_block_till_done()
        assert hass.states.get(JOB_SENSOR).state == "idle"
        assert hass.states.get(JOB_SENSOR).attributes["result"] == "failed"


async def test_reattached_job_the_camera_forgot_is_lost(
    hass: HomeAssistant, start_sim: StartSim, finished: list[Event]
) -> None:
    """A job kept over a stop, that the camera forgot meanwhile (it restarted), is lost."""
    async with start_sim(job_speed=5) as sim:
        entry, camera = await _setup(hass, sim)
        started = await _call(hass, "unmount_disk", device_id=camera, disk_id=SD)
        assert await hass.config_entries.async_unload(entry.entry_id)
        sim.reboot()
        assert await hass.config_entries.async_setup(entry.entry_id)
        await _until(lambda: bool(finished))
        assert finished[0].data["job_id"] == started["job_id"]
        assert finished[0].data["result"] == "lost"
        assert "integration started again" in finished[0].data["description"]


async def test_reboot_with_downtime(
    hass: HomeAssistant, start_sim: StartSim, finished: list[Event]
) -> None:
    """While the camera is down (503) the job is kept; once it answers, the job is lost."""
    async with start_sim(job_speed=5) as sim:
        _entry, camera = await _setup(hass, sim)
        await _call(hass, "unmount_disk", device_id=camera, disk_id=SD)
        sim.reboot(downtime=0.5)
        await asyncio.sleep(0.3)
        assert not finished
        await _until(lambda: bool(finished))
        assert finished[0].data["result"] == "failed"


async def test_unreachable_camera_ends_jobs_as_lost(
    hass: HomeAssistant, start_sim: StartSim, finished: list[Event]
) -> None:
    """A camera that stays unreachable past the limit: its jobs end as lost, not forever."""
    async with start_sim(job_speed=5) as sim:
        _entry, camera = await _setup(hass, sim)
        await _call(hass, "unmount_disk", device_id=camera, disk_id=SD)
        sim.faults.add("status", status=503, path="disks/job.cgi")
        with patch(
            "custom_components.axis_edge_storage.jobs.tracker.UNREACHABLE_LIMIT",
            timedelta(seconds=0.3),
        ):
            await _until(lambda: bool(finished))
        assert finished[0].data["result"] == "lost"
        assert "could not be reached" in finished[0].data["description"]


async def test_no_job_polling_when_idle(hass: HomeAssistant, start_sim: StartSim) -> None:
    """Job status is asked only while a job runs."""
    async with start_sim(job_speed=200) as sim:
        _entry, camera = await _setup(hass, sim)
        await _call(hass, "unmount_disk", device_id=camera, disk_id=SD, wait=True)
        await asyncio.sleep(0.2)  # the one refresh of the disks after the job
        await hass.async_block_till_done()
        sim.request_log.clear()
        await asyncio.sleep(0.5)  # ten job poll intervals
        assert [record.path for record in sim.request_log] == []


async def test_failed_job(hass: HomeAssistant, start_sim: StartSim, finished: list[Event]) -> None:
    """A job the camera fails ends as failed with the camera's reason."""
    async with start_sim(job_speed=200) as sim:
        _entry, camera = await _setup(hass, sim)
        await _call(hass, "unmount_disk", device_id=camera, disk_id=SD, wait=True)
        sim.patch_disk(SD, fs_errors=True)
        result = await _call(hass, "check_disk", device_id=camera, disk_id=SD, wait=True)
        assert result["result"] == "failed"
        assert result["description"] == "File system errors found. Repair the disk."
        await hass.async_block_till_done()
        assert [event.data["result"] for event in finished] == ["ok", "failed"]


async def test_removing_the_entry_forgets_its_jobs(
    hass: HomeAssistant, start_sim: StartSim, hass_storage: dict[str, Any]
) -> None:
    """Running jobs are kept in storage for re-attaching, and deleted with the entry."""
    async with start_sim(job_speed=1) as sim:
        entry, camera = await _setup(hass, sim)
        started = await _call(hass, "unmount_disk", device_id=camera, disk_id=SD)
        await asyncio.sleep(0.05)  # the store writes on the next loop turn
        await hass.async_block_till_done()
        key = f"{DOMAIN}.{entry.entry_id}.jobs"
        assert [job["job_id"] for job in hass_storage[key]["data"]["jobs"]] == [started["job_id"]]
        assert await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()
        assert key not in hass_storage
