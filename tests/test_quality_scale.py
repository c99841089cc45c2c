"""quality_scale.yaml is valid YAML of the shape hassfest reads."""

from __future__ import annotations

from pathlib import Path

import yaml

QUALITY_SCALE = Path(__file__).parents[1] / "custom_components/axis_edge_storage/quality_scale.yaml"


def test_quality_scale_parses() -> None:
    """Every rule is done, todo or exempt; exempt and todo say why."""
    rules = yaml.safe_load(QUALITY_SCALE.read_text())["rules"]
    assert len(rules) >= 50
    for name, rule in rules.items():
        status = rule if isinstance(rule, str) else rule["status"]
        assert status in ("done", "todo", "exempt"), name
        if status != "done":
            assert isinstance(rule, dict) and rule.get("comment"), name
