"""Polls spread over the interval: each camera at a stable place of its own."""

from __future__ import annotations

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.axis_edge_storage.coordinator import next_poll, poll_phase

from .conftest import SERIAL


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
    """The next poll is at the camera's phase, half an interval to one and a half away."""
    when = next_poll(now, 30.0, 0.25)
    assert 15.0 <= when - now < 45.0
    assert (when - 7.5) % 30.0 == pytest.approx(0.0, abs=1e-9)


async def test_the_coordinator_polls_at_its_phase(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """After a poll the next one is scheduled at the camera's phase of its interval."""
    coordinator = init_integration.runtime_data.coordinator
    await coordinator.async_refresh()
    interval = coordinator.update_interval.total_seconds()
    handle = coordinator._unsub_refresh.__self__  # the event loop's timer
    offset = poll_phase(SERIAL) * interval
    assert (handle.when() - offset) % interval == pytest.approx(0.0, abs=1e-6)
    assert interval / 2 <= handle.when() - hass.loop.time() < interval * 1.5
