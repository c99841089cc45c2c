"""Polls spread over the interval: each camera at a stable place of its own."""

from __future__ import annotations

import math

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.axis_edge_storage import setup_delay
from custom_components.axis_edge_storage.const import (
    DOMAIN,
    SETUP_SPREAD_MAX,
    SETUP_SPREAD_PER_CAMERA,
)
from custom_components.axis_edge_storage.coordinator import next_poll, poll_phase
from tests.conftest import StartSim

from .conftest import SERIAL, entry_data


def test_phases_are_stable_and_spread() -> None:
    """A camera's phase comes from its serial: the same each time, different per camera."""
    phases = [poll_phase(f"ACCC8E0000{n:02d}") for n in range(200)]
    assert phases == [poll_phase(f"ACCC8E0000{n:02d}") for n in range(200)]
    assert len(set(phases)) == 200
    assert all(0 <= phase < 1 for phase in phases)
    # Spread: every tenth of the interval holds some of 200 cameras, none holds most.
    tenths = [sum(1 for p in phases if k / 10 <= p < (k + 1) / 10) for k in range(10)]
    assert min(tenths) > 5
    assert max(tenths) < 40


@pytest.mark.parametrize("now", [0.0, 12.3, 1000.7, 7.5, 22.5])
def test_next_poll_is_on_the_phase(now: float) -> None:
    """The next poll is at the camera's second, half an interval to one and a half away."""
    when = next_poll(now, 30.0, 0.25)  # 7.5 s into the interval: its second 7
    assert 15.0 <= when - now < 45.0
    assert (when - 7.0) % 30.0 == pytest.approx(0.0, abs=1e-9)


def test_cameras_of_one_second_poll_together() -> None:
    """Cameras whose places share a second poll at the same moment (one wakeup of the loop).

    With 200 cameras at 30 s, about seven poll in each second of the interval.
    """
    assert next_poll(100.0, 30.0, 0.40) == next_poll(100.0, 30.0, 0.41)  # 12.0 s and 12.3 s
    assert next_poll(100.0, 30.0, 0.40) != next_poll(100.0, 30.0, 0.44)  # 13.2 s
    seconds = {next_poll(0.0, 30.0, poll_phase(f"ACCC8E0000{n:02d}")) % 30.0 for n in range(200)}
    assert len(seconds) == 30


async def test_the_coordinator_polls_at_its_phase(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """After a poll the next one is scheduled at the camera's phase of its interval."""
    coordinator = init_integration.runtime_data.coordinator
    await coordinator.async_refresh()
    interval = coordinator.update_interval.total_seconds()
    handle = coordinator._unsub_refresh.__self__  # the event loop's timer
    offset = math.floor(poll_phase(SERIAL) * interval)
    assert (handle.when() - offset) % interval == pytest.approx(0.0, abs=1e-6)
    assert interval / 2 <= handle.when() - hass.loop.time() < interval * 1.5


def test_setup_delay() -> None:
    """Alone, no wait; with others, the camera's phase of 15 ms per camera, at most 4 s."""
    assert setup_delay(1, 0.9) == 0.0
    assert setup_delay(3, 0.5) == pytest.approx(0.5 * 3 * SETUP_SPREAD_PER_CAMERA)
    assert setup_delay(200, 0.5) == pytest.approx(1.5)
    assert setup_delay(10_000, 0.99) == pytest.approx(0.99 * SETUP_SPREAD_MAX)


async def test_cameras_set_up_together_all_load(hass: HomeAssistant, start_sim: StartSim) -> None:
    """Three cameras set up together (as at start) take turns and all load."""
    serials = [f"ACCC8E00000{n}" for n in range(3)]
    async with (
        start_sim(serial=serials[0]) as first,
        start_sim(serial=serials[1]) as second,
        start_sim(serial=serials[2]) as third,
    ):
        entries = [
            MockConfigEntry(domain=DOMAIN, title=serial, unique_id=serial, data=entry_data(sim))
            for serial, sim in zip(serials, (first, second, third), strict=True)
        ]
        for entry in entries:
            entry.add_to_hass(hass)
        assert await async_setup_component(hass, DOMAIN, {})
        await hass.async_block_till_done()
        assert [entry.state for entry in entries] == [ConfigEntryState.LOADED] * 3
        for entry in entries:
            assert await hass.config_entries.async_unload(entry.entry_id)
