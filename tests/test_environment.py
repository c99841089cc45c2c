"""The test environment runs what users run: the versions Home Assistant itself pins.

Home Assistant installs our requirements under its `package_constraints.txt`, and its own
integrations pin libraries we use (`rest` pins xmltodict, `stream` pins av). A user's install
therefore runs those versions, whatever is newest on PyPI, so the suite must run them too
(xmltodict 0.13 expands XML entities where 1.0 refuses them, PyAV changed its muxing API).
"""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path

import homeassistant
import pytest
from packaging.requirements import Requirement

HA_ROOT = Path(homeassistant.__file__).parent
MANIFEST = Path(__file__).parents[1] / "custom_components/axis_edge_storage/manifest.json"


def _constraints() -> dict[str, str]:
    """Pinned versions of Home Assistant's package_constraints.txt, by lower-case name."""
    pins: dict[str, str] = {}
    for line in (HA_ROOT / "package_constraints.txt").read_text().splitlines():
        if match := re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip()):
            pins[match.group(1).lower()] = match.group(2)
    return pins


def _manifest_pin(component: str, package: str) -> str:
    """The version a core integration's manifest pins for `package`."""
    manifest = json.loads((HA_ROOT / "components" / component / "manifest.json").read_text())
    for requirement in manifest["requirements"]:
        parsed = Requirement(requirement)
        if parsed.name.lower() == package:
            (spec,) = parsed.specifier
            assert spec.operator == "=="
            return spec.version
    raise AssertionError(f"{component} no longer requires {package}")


@pytest.mark.parametrize(
    ("package", "pinned_by"),
    [("xmltodict", ("rest", "xmltodict")), ("av", ("stream", "av"))],
)
def test_runs_the_versions_home_assistant_pins(package: str, pinned_by: tuple[str, str]) -> None:
    """xmltodict as core's rest integration pins it, av as constraints and stream do."""
    pinned = _constraints().get(package) or _manifest_pin(*pinned_by)
    assert _manifest_pin(*pinned_by) == pinned
    assert metadata.version(package) == pinned


def test_manifest_accepts_the_pinned_versions() -> None:
    """Our manifest's requirements admit what Home Assistant pins (else pip would refuse)."""
    manifest = json.loads(MANIFEST.read_text())
    constraints = _constraints()
    for requirement in map(Requirement, manifest["requirements"]):
        name = requirement.name.lower()
        pinned = constraints.get(name) or metadata.version(name)
        assert requirement.specifier.contains(pinned), (requirement, pinned)
