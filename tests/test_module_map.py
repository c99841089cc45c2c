"""The README's module map names every module of the integration, and only those."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "custom_components" / "axis_edge_storage"


def test_the_readme_maps_every_module_once() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Where things live", 1)[1].split("\n#", 1)[0]
    listed = re.findall(r"^\| `([\w/]+\.py)` \| \S", section, re.MULTILINE)
    modules = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py"))
    assert len(listed) == len(set(listed))
    assert sorted(listed) == modules
