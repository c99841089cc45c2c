"""Fixtures for playback: the integration on the simulator, an hour of continuous recording."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from yarl import URL

from custom_components.axis_edge_storage.const import DOMAIN
from custom_components.axis_edge_storage.playback.cache import SegmentCache, async_get_cache
from custom_components.axis_edge_storage.playback.urls import async_playlist_url
from simulator import Simulator

from ..conftest import StartSim
from ..export.conftest import timeline
from ..integration.conftest import SERIAL, TITLE, entry_data

#: The light profile: 10 frames a second, a key frame every 2 s.
FRAME = timedelta(milliseconds=100)
GOP = timedelta(seconds=2)


@pytest.fixture(autouse=True)
def _custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/axis_edge_storage."""


@dataclass
class Hour:
    """An hour of a finished continuous recording of a loaded camera."""

    entry_id: str
    disk_id: str
    recording_id: str
    start: datetime
    end: datetime


async def set_up(hass: HomeAssistant, simulator: Simulator) -> Hour:
    """The integration on `simulator`; an hour inside its first continuous recording."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(simulator), version=1
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    first = timeline(simulator).first
    # Not on the recording's key frame grid: the first segment starts at the key frame before.
    start = first.start + timedelta(minutes=10, seconds=3, milliseconds=300)
    simulator.request_log.clear()
    return Hour(entry.entry_id, first.diskid, first.recordingid, start, start + timedelta(hours=1))


@pytest.fixture
async def hour(hass: HomeAssistant, sim: Simulator) -> Hour:
    """An hour of the default simulator's recording, the integration set up."""
    return await set_up(hass, sim)


@pytest.fixture
async def paced(start_sim: StartSim) -> AsyncIterator[Simulator]:
    """A camera whose export bodies are paced like a 100 Mbit/s link."""
    async with start_sim(bandwidth_mbit=100) as simulator:
        yield simulator


@pytest.fixture(autouse=True)
def cache(hass: HomeAssistant, tmp_path: Path) -> SegmentCache:
    """The segment cache in the test's folder, prefetch off (a test turns it on)."""
    found = async_get_cache(hass)
    found.folder = tmp_path / "hls"
    found.prefetch = 0
    return found


async def fetch_playlist(hass: HomeAssistant, hour: Hour, client: Any) -> tuple[str, list[str]]:
    """The hour's playlist as a player gets it: its text and its segments' URLs."""
    url = await async_playlist_url(
        hass, hour.entry_id, hour.disk_id, hour.recording_id, hour.start, hour.end
    )
    response = await client.get(url)
    assert response.status == 200
    text = await response.text()
    names = [line for line in text.splitlines() if line and not line.startswith("#")]
    return text, [str(URL(url).join(URL(name))) for name in names]
