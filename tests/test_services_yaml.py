"""services.yaml against Home Assistant's service description schema, and its translations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import voluptuous as vol
from homeassistant.util.yaml import load_yaml_dict

from tests.hassfest_schemas import SERVICES_SCHEMA

INTEGRATION = Path(__file__).parents[1] / "custom_components/axis_edge_storage"


def _services() -> dict[str, Any]:
    return load_yaml_dict(str(INTEGRATION / "services.yaml"))


def _strings() -> dict[str, Any]:
    strings: dict[str, Any] = json.loads((INTEGRATION / "strings.json").read_text())
    return strings


def _fields(description: dict[str, Any] | None) -> dict[str, Any]:
    """The fields of an action, those of its sections included."""
    fields: dict[str, Any] = {}
    for name, field in ((description or {}).get("fields") or {}).items():
        fields |= field.get("fields", {name: field})
    return fields


def test_schema() -> None:
    """hassfest's schema accepts the file: every selector valid, no name or description in it."""
    SERVICES_SCHEMA(_services())


@pytest.mark.parametrize(
    "broken",
    [
        {"export_clip": {"fields": {"start": {"selector": {"datetimes": None}}}}},
        {"export_clip": {"description": "words belong in the translations"}},
        {"export_clip": {"fields": {"start": {"default": None}}}},
        {"Export clip": None},
    ],
)
def test_schema_rejects(broken: dict[str, Any]) -> None:
    """An unknown selector, inline words, a null default or a bad slug fail."""
    with pytest.raises(vol.Invalid):
        SERVICES_SCHEMA(broken)


def test_every_action_and_field_is_translated() -> None:
    """Each action has a name and description in strings.json, each field too, and no more."""
    services, strings = _services(), _strings()["services"]
    assert sorted(strings) == sorted(services)
    for action, description in services.items():
        assert strings[action]["name"] and strings[action]["description"], action
        translated = strings[action].get("fields", {})
        assert sorted(translated) == sorted(_fields(description)), action
        for field, words in translated.items():
            assert words["name"] and words["description"], f"{action}.{field}"


def test_select_selectors_have_translated_options() -> None:
    """A select selector with a translation_key has every option under selector.<key>."""
    selectors = _strings()["selector"]
    keys = 0
    for action, description in _services().items():
        for field, spec in _fields(description).items():
            select = (spec.get("selector") or {}).get("select") or {}
            if key := select.get("translation_key"):
                keys += 1
                assert key in selectors, f"{action}.{field}: selector.{key}"
                assert set(select["options"]) <= set(selectors[key]["options"]), key
    assert keys
