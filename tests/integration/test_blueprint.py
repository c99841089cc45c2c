"""The blueprint: an entity turns on, a clip is exported, a notification carries the link."""

from __future__ import annotations

import shutil
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import SERIAL

BLUEPRINT = (
    Path(__file__).parents[2]
    / "blueprints/automation/axis_edge_storage/export_clip_on_trigger.yaml"
)


async def test_blueprint_exports_and_notifies(
    hass: HomeAssistant, config_entry: MockConfigEntry, sim: Simulator, tmp_path: Path
) -> None:
    """The automation made from the blueprint exports around the trigger and sends the link."""
    hass.config.config_dir = str(tmp_path)
    media = tmp_path / "media"
    hass.config.media_dirs = {"local": str(media)}
    target = tmp_path / "blueprints/automation/axis_edge_storage"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT, target / BLUEPRINT.name)

    assert await async_setup_component(hass, "http", {})
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    camera = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SERIAL)})
    assert camera is not None
    notifications = async_mock_service(hass, "notify", "phone")
    hass.states.async_set("binary_sensor.front_door_alarm", "off")

    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": f"axis_edge_storage/{BLUEPRINT.name}",
                    "input": {
                        "trigger_entity": "binary_sensor.front_door_alarm",
                        "camera": camera.id,
                        "seconds_before": 5,
                        "seconds_after": 0,
                        "notify_action": "notify.phone",
                    },
                }
            }
        },
    )
    hass.states.async_set("binary_sensor.front_door_alarm", "on")
    await hass.async_block_till_done()

    [call] = notifications
    assert call.data["title"] == "Clip exported"
    assert "1 file(s)" in call.data["message"]
    url = call.data["data"]["url"]
    assert url.startswith(f"/api/{DOMAIN}/exports/{config_entry.entry_id}/")
    assert url in call.data["message"]
    [exported] = list((media / "axis_edge_storage").rglob("*.mp4"))
    assert exported.name in url
