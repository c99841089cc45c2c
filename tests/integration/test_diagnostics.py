"""Diagnostics: what helps a developer, with no secret in it."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.axis_edge_storage.const import DOMAIN

from .conftest import SERIAL, TITLE, StartSim, entry_data

PASSWORD = "Tr0ub4dor&3-camera-pw"


async def test_diagnostics_redact_secrets(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, start_sim: StartSim
) -> None:
    """The password, the share's account, the address and the serial appear nowhere."""
    async with start_sim(password=PASSWORD) as sim:
        init_integration = MockConfigEntry(
            domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(sim, password=PASSWORD)
        )
        init_integration.add_to_hass(hass)
        assert await hass.config_entries.async_setup(init_integration.entry_id)
        await hass.async_block_till_done()
        result = await _diagnostics(hass, hass_client, init_integration)
        assert await hass.config_entries.async_unload(init_integration.entry_id)
    text = json.dumps(result)
    for secret in (PASSWORD, "nas-secret", "192.0.2.10", "127.0.0.1", SERIAL):
        assert secret not in text, secret

    assert result["entry"]["data"]["password"] == "**REDACTED**"
    assert result["entry"]["data"]["protocol"] == "http"
    assert result["device"]["model"] == "P3265-LVE"
    assert result["capabilities"]["local_storage"] is True
    assert result["last_update_success"] is True
    state = result["state"]
    assert set(state["disks"]) == {"SD_DISK", "NetworkShare"}
    assert state["disks"]["SD_DISK"]["status"] == "OK"
    assert state["health"]["SD_DISK"]["temperature"] == {"value": 315, "state": "value"}
    assert state["network_shares"][0]["nice_name"] == "NAS"
    assert state["network_shares"][0]["address"] == "**REDACTED**"
    assert state["network_shares"][0]["user"] == "**REDACTED**"
    assert [rec["status"] for rec in state["ongoing_recordings"]] == ["recording"]
    assert [(job["action"], job["disk_id"]) for job in result["jobs"]["running"]] == [
        ("unmount", "SD_DISK")
    ]


async def _diagnostics(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, init_integration: MockConfigEntry
) -> Any:
    """Bind a share (so share data is in the dump), then take the diagnostics."""
    device = init_integration.runtime_data.client
    await device.network_shares.bind("nas1", automatic_mount=False)
    await init_integration.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    camera = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SERIAL)})
    assert camera is not None
    await hass.services.async_call(
        DOMAIN, "unmount_disk", {"device_id": camera.id, "disk_id": "SD_DISK"}, blocking=True
    )

    return await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
