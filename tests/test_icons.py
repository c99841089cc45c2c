"""icons.json: hassfest's icon schema, an icon for every entity translation key and action."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import voluptuous as vol
from homeassistant.util.yaml import load_yaml_dict

from tests.hassfest_schemas import ICONS_SCHEMA

INTEGRATION = Path(__file__).parents[1] / "custom_components/axis_edge_storage"


def _json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((INTEGRATION / name).read_text())
    return data


def test_schema() -> None:
    """hassfest's schema accepts icons.json (mdi: icons, states not repeating the default)."""
    ICONS_SCHEMA(_json("icons.json"))


@pytest.mark.parametrize(
    "broken",
    [
        {"entity": {"sensor": {"wear": {"default": "sd"}}}},
        {"entity": {"sensor": {"job": {"default": "mdi:a", "state": {"idle": "mdi:a"}}}}},
        {"services": {"export_clip": {"icon": "mdi:file-export"}}},
    ],
)
def test_schema_rejects(broken: dict[str, Any]) -> None:
    """An icon outside mdi:, a state with the default icon, a wrong services shape fail."""
    with pytest.raises(vol.Invalid):
        ICONS_SCHEMA(broken)


def test_every_entity_translation_key_has_an_icon() -> None:
    """Each entity of strings.json has a default icon, and icons.json names no other."""
    entities, icons = _json("strings.json")["entity"], _json("icons.json")["entity"]
    assert sorted(icons) == sorted(entities)
    for platform, keys in entities.items():
        missing = sorted(set(keys) - set(icons[platform]))
        assert not missing, f"icons.json entity.{platform} lacks {missing}"
        assert sorted(icons[platform]) == sorted(keys), platform
        for key in keys:
            assert icons[platform][key].get("default", "").startswith("mdi:"), key


def test_icon_states_are_translated_states() -> None:
    """An icon for a state is for a state the entity has (a translated one, or on/off)."""
    entities, icons = _json("strings.json")["entity"], _json("icons.json")["entity"]
    for platform, keys in icons.items():
        for key, icon in keys.items():
            states = set(entities[platform][key].get("state", {}))
            if platform == "binary_sensor":
                states |= {"on", "off"}
            assert set(icon.get("state", {})) <= states, f"{platform}.{key}"


def test_every_action_has_an_icon() -> None:
    """icons.json services names exactly the actions of services.yaml, each with an icon."""
    actions = load_yaml_dict(str(INTEGRATION / "services.yaml"))
    icons = _json("icons.json")["services"]
    assert sorted(icons) == sorted(actions)
