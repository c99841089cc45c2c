"""Fixtures for the Home Assistant tests: a simulated camera and a config entry for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.location import PyTestLocation

from custom_components.axis_edge_storage.const import CONF_PROTOCOL, DOMAIN
from simulator import Simulator
from tests.conftest import StartSim

SERIAL = "ACCC8E012345"
PASSWORD = "pass"
TITLE = f"AXIS P3265-LVE ({SERIAL})"


@pytest.fixture(autouse=True)
def _custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/axis_edge_storage."""


class _SnapshotExtension(HomeAssistantSnapshotExtension):
    """Snapshots in `snapshots/` beside the test, whichever harness version runs."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(Path(test_location.filepath).parent / "snapshots")


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """The same snapshot files on Home Assistant 2025.4 and the newest."""
    return snapshot.use_extension(_SnapshotExtension)


def entry_data(simulator: Simulator, **overrides: Any) -> dict[str, Any]:
    """Config entry data pointing at a simulator."""
    return {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: simulator.port,
        CONF_PROTOCOL: "http",
        CONF_VERIFY_SSL: False,
        CONF_USERNAME: "root",
        CONF_PASSWORD: PASSWORD,
        **overrides,
    }


@pytest.fixture
def config_entry(hass: HomeAssistant, sim: Simulator) -> MockConfigEntry:
    """A config entry for the default simulator, added to Home Assistant."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(sim), version=1
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def init_integration(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """The integration set up on the default simulator."""
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


@pytest.fixture
def fast_job_polling() -> Iterator[None]:
    """Poll device jobs every 50 ms instead of every second."""
    with patch("custom_components.axis_edge_storage.jobs.tracker.POLL_INTERVAL", 0.05):
        yield


@pytest.fixture
async def fast_sim(start_sim: StartSim) -> AsyncIterator[Simulator]:
    """A camera whose jobs (format, mount, share test, ...) take half a second."""
    async with start_sim(job_speed=200) as simulator:
        yield simulator


async def setup_camera(hass: HomeAssistant, simulator: Simulator, **data: Any) -> str:
    """Set the integration up on a simulator (entry data overrides); the camera's device id."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(simulator, **data)
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SERIAL)})
    assert device is not None
    return device.id


async def call_action(
    hass: HomeAssistant, action: str, context: Context | None = None, **data: Any
) -> dict[str, Any]:
    """Call one of the integration's actions and return its response data."""
    response = await hass.services.async_call(
        DOMAIN, action, data, blocking=True, return_response=True, context=context
    )
    assert isinstance(response, dict)
    return response


@pytest.fixture
def media(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Home Assistant's media folder, in a temporary folder (and an allowed folder beside it)."""
    folder = tmp_path / "media"
    folder.mkdir()
    hass.config.media_dirs = {"local": str(folder)}
    hass.config.allowlist_external_dirs = {str(folder), str(tmp_path / "elsewhere")}
    return folder


@pytest.fixture
async def loaded(
    hass: HomeAssistant, media: Path, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The integration set up with the http component (for downloads)."""
    assert await async_setup_component(hass, "http", {})
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry
