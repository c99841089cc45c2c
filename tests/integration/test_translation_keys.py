"""What a loaded camera registers is translated and has icons: entities, actions, devices.

The static checks (tests/test_translations.py, tests/test_icons.py) read the code's literal
keys; these read what Home Assistant holds once the integration runs on the simulator, keys
built at run time included.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util.yaml import load_yaml_dict
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.axis_edge_storage.const import DOMAIN

INTEGRATION = Path(__file__).parents[2] / "custom_components/axis_edge_storage"


def _json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((INTEGRATION / name).read_text())
    return data


async def test_every_entity_is_translated_and_has_an_icon(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    """Each registered entity (disabled ones too) has a name and an icon for its key.

    An entity without a translation key is named by its device class (Temperature).
    """
    entries = er.async_entries_for_config_entry(er.async_get(hass), loaded.entry_id)
    strings, icons = _json("strings.json")["entity"], _json("icons.json")["entity"]
    nameless = [
        e.entity_id for e in entries if not e.translation_key and not e.original_device_class
    ]
    assert not nameless, f"entities without a translation key or device class: {nameless}"
    seen = {(entry.domain, entry.translation_key) for entry in entries if entry.translation_key}
    assert len(seen) >= 20
    untranslated = sorted(
        f"{d}.{k}" for d, k in seen if not strings.get(d, {}).get(str(k), {}).get("name")
    )
    assert not untranslated, f"entity names missing from strings.json: {untranslated}"
    without_icon = sorted(f"{d}.{k}" for d, k in seen if str(k) not in icons.get(d, {}))
    assert not without_icon, f"icons.json lacks: {without_icon}"
    unused = sorted(f"{d}.{k}" for d, keys in strings.items() for k in keys if (d, k) not in seen)
    assert not unused, f"entity translations no entity uses: {unused}"


async def test_registered_actions_are_described(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    """The actions Home Assistant holds are those of services.yaml, each with words and icon."""
    registered = set(hass.services.async_services_for_domain(DOMAIN))
    described = set(load_yaml_dict(str(INTEGRATION / "services.yaml")))
    assert registered == described
    assert registered <= set(_json("strings.json")["services"])
    assert registered <= set(_json("icons.json")["services"])
