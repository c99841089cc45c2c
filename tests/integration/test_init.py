"""Setting up and unloading a config entry."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import SERIAL, TITLE, StartSim, entry_data


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """The entry loads, creates the camera device, and unloads cleanly."""
    entry = init_integration
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.coordinator.last_update_success

    camera = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SERIAL)})
    assert camera is not None
    assert camera.name == TITLE
    assert camera.manufacturer == "AXIS"
    assert camera.model == "AXIS P3265-LVE Dome Camera"
    assert camera.model_id == "P3265-LVE"
    assert camera.sw_version == "11.11.73"
    assert camera.serial_number == SERIAL
    assert camera.configuration_url == f"http://127.0.0.1:{sim.port}"
    assert (dr.CONNECTION_NETWORK_MAC, "ac:cc:8e:01:23:45") in camera.connections

    assert hass.states.get("binary_sensor.axis_p3265_lve_accc8e012345_recording").state == "on"

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    state = hass.states.get("binary_sensor.axis_p3265_lve_accc8e012345_recording")
    assert state is not None
    assert state.state == "unavailable"


async def test_unreachable_device_retries(hass: HomeAssistant, start_sim: StartSim) -> None:
    """An unreachable device makes the entry retry later (ConfigEntryNotReady)."""
    async with start_sim() as stopped:
        data = entry_data(stopped)
    entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=data)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_rejected_credentials_start_reauth(hass: HomeAssistant, sim: Simulator) -> None:
    """Rejected credentials fail the setup and ask the user to sign in again."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(sim, password="wrong")
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert "wrong" not in str(flows)


async def test_other_device_at_address(hass: HomeAssistant, start_sim: StartSim) -> None:
    """An address that now answers with another camera does not mix up the two."""
    async with start_sim(serial="ACCC8E0FFFFF") as other:
        entry = MockConfigEntry(
            domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(other)
        )
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.SETUP_ERROR
        assert "ACCC8E0FFFFF" in (entry.reason or "")
        assert not hass.states.async_all()
