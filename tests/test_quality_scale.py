"""quality_scale.yaml: every rule of the Integration Quality Scale, in the shape hassfest reads.

Hassfest only validates core integrations, so these tests check what it would: the schema of
`script/hassfest/quality_scale.py` (home-assistant/core, 2026: 54 rules with `docs-triggers`
and `docs-conditions`), plus the facts in the code that some statuses rest on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import voluptuous as vol
from homeassistant.util.yaml import load_yaml_dict

INTEGRATION = Path(__file__).parents[1] / "custom_components/axis_edge_storage"
QUALITY_SCALE = INTEGRATION / "quality_scale.yaml"

# ALL_RULES of script/hassfest/quality_scale.py, per tier, in its order.
RULES: dict[str, tuple[str, ...]] = {
    "bronze": (
        "action-setup",
        "appropriate-polling",
        "brands",
        "common-modules",
        "config-flow",
        "config-flow-test-coverage",
        "dependency-transparency",
        "docs-actions",
        "docs-conditions",
        "docs-high-level-description",
        "docs-installation-instructions",
        "docs-removal-instructions",
        "docs-triggers",
        "entity-event-setup",
        "entity-unique-id",
        "has-entity-name",
        "runtime-data",
        "test-before-configure",
        "test-before-setup",
        "unique-config-entry",
    ),
    "silver": (
        "action-exceptions",
        "config-entry-unloading",
        "docs-configuration-parameters",
        "docs-installation-parameters",
        "entity-unavailable",
        "integration-owner",
        "log-when-unavailable",
        "parallel-updates",
        "reauthentication-flow",
        "test-coverage",
    ),
    "gold": (
        "devices",
        "diagnostics",
        "discovery",
        "discovery-update-info",
        "docs-data-update",
        "docs-examples",
        "docs-known-limitations",
        "docs-supported-devices",
        "docs-supported-functions",
        "docs-troubleshooting",
        "docs-use-cases",
        "dynamic-devices",
        "entity-category",
        "entity-device-class",
        "entity-disabled-by-default",
        "entity-translations",
        "exception-translations",
        "icon-translations",
        "reconfiguration-flow",
        "repair-issues",
        "stale-devices",
    ),
    "platinum": ("async-dependency", "inject-websession", "strict-typing"),
}
ALL_RULES = [rule for tier in RULES.values() for rule in tier]

# hassfest's SCHEMA; a todo must say what is missing here too.
SCHEMA = vol.Schema(
    {
        vol.Required("rules"): vol.Schema(
            {
                vol.Required(rule): vol.Any(
                    "done",
                    vol.Schema({vol.Required("status"): "done", vol.Required("comment"): str}),
                    vol.Schema(
                        {
                            vol.Required("status"): vol.In(["todo", "exempt"]),
                            vol.Required("comment"): str,
                        }
                    ),
                )
                for rule in ALL_RULES
            }
        )
    }
)


def _rules() -> dict[str, str | dict[str, str]]:
    rules: dict[str, str | dict[str, str]] = load_yaml_dict(str(QUALITY_SCALE))["rules"]
    return rules


def _status(rule: str) -> str:
    value = _rules()[rule]
    return value if isinstance(value, str) else value["status"]


def test_the_scale_has_54_rules() -> None:
    """The rule list of this test is the current scale (bronze 20, silver 10, gold 21, platinum 3)."""
    assert [len(tier) for tier in RULES.values()] == [20, 10, 21, 3]
    assert len(set(ALL_RULES)) == 54


def test_every_rule_listed_once_in_the_scale_order() -> None:
    """Exactly the scale's rules, none unknown, none missing, grouped by tier as hassfest lists them."""
    assert list(_rules()) == ALL_RULES


def test_schema() -> None:
    """Each status is done, todo or exempt; todo and exempt say why."""
    SCHEMA(load_yaml_dict(str(QUALITY_SCALE)))


def test_exempt_and_todo_comments_are_sentences() -> None:
    """A reason is a reason: not empty, not a placeholder."""
    for rule, value in _rules().items():
        if isinstance(value, dict) and value["status"] != "done":
            assert len(value["comment"].split()) >= 4, rule


@pytest.mark.parametrize(
    ("rule", "evidence"),
    [
        ("brands", INTEGRATION / "brand/icon.png"),
        ("diagnostics", INTEGRATION / "diagnostics.py"),
        ("icon-translations", INTEGRATION / "icons.json"),
        ("strict-typing", INTEGRATION / "vapix/py.typed"),
        ("repair-issues", "async_create_issue("),
        ("reconfiguration-flow", "async_step_reconfigure("),
        ("reauthentication-flow", "async_step_reauth("),
        ("discovery", "async_step_zeroconf("),
        ("discovery", "async_step_dhcp("),
        ("runtime-data", "entry.runtime_data = "),
        ("exception-translations", "translation_key="),
        ("stale-devices", "remove_config_entry_id="),
    ],
)
def test_done_rests_on_the_code(rule: str, evidence: Path | str) -> None:
    """A rule marked done has the file or the code it needs (a guard against a stale done)."""
    if _status(rule) != "done":
        return
    if isinstance(evidence, Path):
        assert evidence.is_file(), f"{rule} is done but {evidence.name} is missing"
    else:
        assert evidence in _code(), f"{rule} is done but no {evidence} in the code"


def test_parallel_updates_in_every_platform() -> None:
    """parallel-updates: each entity platform module sets PARALLEL_UPDATES."""
    platforms = ["binary_sensor", "calendar", "number", "select", "sensor"]
    for platform in platforms:
        text = (INTEGRATION / f"{platform}.py").read_text()
        assert re.search(r"^PARALLEL_UPDATES\b", text, re.MULTILINE), platform


def test_conditions_exempt_only_without_conditions() -> None:
    """docs-conditions is exempt because the integration provides no conditions."""
    if _status("docs-conditions") == "exempt":
        assert not (INTEGRATION / "device_condition.py").exists()
        assert not (INTEGRATION / "condition.py").exists()


def _code() -> str:
    return "\n".join(path.read_text() for path in sorted(INTEGRATION.rglob("*.py")))
