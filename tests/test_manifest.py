"""manifest.json and hacs.json as hassfest and HACS check them for a custom integration."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import homeassistant.components
import pytest
import voluptuous as vol

from tests.hassfest_schemas import CUSTOM_INTEGRATION_MANIFEST_SCHEMA, manifest_key_order

ROOT = Path(__file__).parents[1]
INTEGRATION = ROOT / "custom_components/axis_edge_storage"


def _manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((INTEGRATION / "manifest.json").read_text())
    return manifest


def test_schema() -> None:
    """hassfest's custom integration manifest schema accepts it."""
    CUSTOM_INTEGRATION_MANIFEST_SCHEMA(_manifest())


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"version": "one"}, "not a version"),
        ({"iot_class": "local_pull"}, "unknown IoT class"),
        ({"documentation": "http://example.com"}, "documentation not over https"),
        ({"dhcp": [{"macaddress": "accc8e*"}]}, "lowercase MAC matcher"),
        ({"zeroconf": [{"type": "_axis-video._tcp.local.", "properties": {"m": "A*"}}]}, "case"),
        ({"bogus": True}, "unknown key"),
    ],
)
def test_schema_rejects(change: dict[str, Any], why: str) -> None:
    """The schema is not a pass-through: what hassfest refuses, it refuses."""
    with pytest.raises(vol.Invalid):
        CUSTOM_INTEGRATION_MANIFEST_SCHEMA({**_manifest(), **change})


def test_key_order() -> None:
    """Keys in hassfest's order: domain, name, then alphabetical."""
    keys = list(_manifest())
    assert keys == manifest_key_order(keys)
    assert manifest_key_order(["version", "name", "codeowners", "domain"]) == [
        "domain",
        "name",
        "codeowners",
        "version",
    ]


def test_what_hassfest_and_hacs_require_of_a_custom_integration() -> None:
    """Domain of the folder's name, not a core domain; version, IoT class; HACS's keys."""
    manifest = _manifest()
    assert manifest["domain"] == INTEGRATION.name
    assert not (Path(homeassistant.components.__path__[0]) / manifest["domain"]).exists()
    assert manifest["iot_class"]
    assert manifest["version"]
    for key in ("domain", "documentation", "issue_tracker", "codeowners", "name", "version"):
        assert manifest[key], key
    assert manifest["config_flow"] is True
    assert all(owner.startswith("@") for owner in manifest["codeowners"])


def test_hacs_json() -> None:
    """hacs.json names the integration, the oldest Home Assistant and no unknown key."""
    hacs = json.loads((ROOT / "hacs.json").read_text())
    allowed = {
        "name",
        "content_in_root",
        "zip_release",
        "filename",
        "hide_default_branch",
        "country",
        "homeassistant",
        "hacs",
        "persistent_directory",
        "render_readme",
    }
    assert hacs["name"] == _manifest()["name"]
    assert set(hacs) <= allowed
    assert (ROOT / "LICENSE").read_text().lstrip().startswith("Apache License")
    assert (INTEGRATION / "brand/icon.png").is_file()
