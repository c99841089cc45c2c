"""The layers import in one direction: the client and the media room never import Home
Assistant or the simulator, and the simulator never imports the client."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
CLIENT = ROOT / "custom_components" / "axis_edge_storage" / "vapix"
MEDIA = ROOT / "custom_components" / "axis_edge_storage" / "media"
SIMULATOR = ROOT / "simulator"


def _imports(path: Path) -> set[str]:
    """Absolute module names imported by a file (relative imports resolved to the package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                names.add(f"{base}.{node.module}" if node.module else base)
            elif node.module:
                names.add(node.module)
    return names


def _files(folder: Path) -> list[Path]:
    files = sorted(folder.rglob("*.py"))
    assert files, f"no Python files under {folder}"
    return files


@pytest.mark.parametrize("path", _files(CLIENT), ids=lambda p: p.name)
def test_client_imports_neither_home_assistant_nor_simulator(path: Path) -> None:
    for name in _imports(path):
        assert not name.startswith("homeassistant"), f"{path.name} imports {name}"
        assert not name.startswith("simulator"), f"{path.name} imports {name}"
        if name.startswith("custom_components"):
            assert name.startswith("custom_components.axis_edge_storage.vapix"), (
                f"{path.name} imports {name} from the Home Assistant layer"
            )


@pytest.mark.parametrize("path", _files(MEDIA), ids=lambda p: p.name)
def test_media_imports_only_the_standard_library_and_av(path: Path) -> None:
    """media/ (remux, verify, thumbnail) is PyAV and the standard library, nothing else."""
    for name in _imports(path):
        if name.startswith("custom_components"):
            assert name.startswith("custom_components.axis_edge_storage.media."), (
                f"{path.name} imports {name} from outside media/"
            )
            continue
        top = name.partition(".")[0]
        assert top == "av" or top in sys.stdlib_module_names, f"{path.name} imports {name}"


@pytest.mark.parametrize("path", _files(SIMULATOR), ids=lambda p: p.name)
def test_simulator_never_imports_the_client(path: Path) -> None:
    for name in _imports(path):
        assert not name.startswith("custom_components"), f"{path.name} imports {name}"
        assert not name.startswith("homeassistant"), f"{path.name} imports {name}"


def test_the_checker_sees_relative_imports() -> None:
    """A relative import of the HA layer from the client would be caught."""
    names = _imports(CLIENT / "client.py")
    assert "custom_components.axis_edge_storage.vapix.auth" in names


def test_the_checker_sees_media_relative_imports() -> None:
    names = _imports(MEDIA / "remux.py")
    assert "custom_components.axis_edge_storage.media.probe" in names
