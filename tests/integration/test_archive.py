"""How far back: each disk's oldest recording, retention and recordings, read cheaply."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from simulator import Simulator

from .conftest import call_action, setup_camera

SD = "SD_DISK"
SENSOR = "sensor.axis_p3265_lve_accc8e012345_sd_card"


def timeline(sim: Simulator) -> list[tuple[str, object]]:
    """The simulator's recordings on the SD card, oldest first: (id, start)."""
    recordings = [rec for rec in sim.state.recordings.values() if rec.diskid == SD]
    return [(rec.recordingid, rec.start) for rec in sorted(recordings, key=lambda r: r.start)]


def value(hass: HomeAssistant, suffix: str) -> str:
    """A sensor's state."""
    state = hass.states.get(f"{SENSOR}_{suffix}")
    assert state is not None
    return state.state


def ascending_lists(sim: Simulator) -> int:
    """How many record/list.cgi requests asked for the oldest first."""
    return sum(
        1
        for record in sim.request_log
        if record.path.endswith("record/list.cgi") and record.query.get("sortorder") == "ascending"
    )


async def test_oldest_retention_and_count_follow_the_timeline(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """They match the simulator, and move when the oldest recording is removed."""
    camera = await setup_camera(hass, sim)
    recordings = timeline(sim)
    (oldest_id, oldest), (_next_id, following) = recordings[0], recordings[1]
    assert dt_util.parse_datetime(value(hass, "oldest_recording")) == oldest
    expected_days = (dt_util.utcnow() - oldest).total_seconds() / 86400
    assert float(value(hass, "retention")) == pytest.approx(expected_days, abs=0.01)
    assert value(hass, "recordings") == str(len(recordings))

    await call_action(
        hass, "remove_recording", device_id=camera, recording_id=[oldest_id], confirm=True
    )
    await hass.async_block_till_done()
    assert dt_util.parse_datetime(value(hass, "oldest_recording")) == following
    assert value(hass, "recordings") == str(len(recordings) - 1)
    expected_days = (dt_util.utcnow() - following).total_seconds() / 86400
    assert float(value(hass, "retention")) == pytest.approx(expected_days, abs=0.01)


async def test_read_with_the_settings_not_every_poll(hass: HomeAssistant, sim: Simulator) -> None:
    """One answer of one recording per disk at start; a poll that changes nothing asks none."""
    await setup_camera(hass, sim)
    assert ascending_lists(sim) == 1  # the SD card (the share slot is unbound)
    [entry] = hass.config_entries.async_entries("axis_edge_storage")
    sim.request_log.clear()
    for _ in range(3):
        await entry.runtime_data.coordinator.async_refresh()
    assert ascending_lists(sim) == 0
    # A disk that changes (here: locked) is read again with the settings.
    sim.patch_disk(SD, locked=True)
    await entry.runtime_data.coordinator.async_refresh()
    assert ascending_lists(sim) == 1


async def test_retention_moves_with_time_alone(hass: HomeAssistant, sim: Simulator) -> None:
    """With nothing read from the camera, retention still grows: half a day later, by 0.5."""
    await setup_camera(hass, sim)
    before = float(value(hass, "retention"))
    later = dt_util.utcnow() + timedelta(hours=12)
    with patch("custom_components.axis_edge_storage.sensor.dt_util.utcnow", return_value=later):
        async_fire_time_changed(hass, later)
        await hass.async_block_till_done()
        assert float(value(hass, "retention")) == pytest.approx(before + 0.5, abs=0.01)


async def test_an_empty_disk_has_no_oldest_recording(
    hass: HomeAssistant, sim: Simulator, init_integration: MockConfigEntry
) -> None:
    """A disk without recordings: no oldest, no retention (unknown), zero recordings."""
    for recording_id, _start in timeline(sim):
        sim.state.recordings.pop(recording_id)
    init_integration.runtime_data.coordinator.async_mark_settings_stale()
    await init_integration.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert value(hass, "oldest_recording") == "unknown"
    assert value(hass, "retention") == "unknown"
    assert value(hass, "recordings") == "0"
