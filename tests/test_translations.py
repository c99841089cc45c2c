"""The translations: hassfest's schema, every key the code uses, and Swedish and German complete.

strings.json is the source, translations/en.json its copy (a custom integration ships en.json,
Home Assistant reads it); sv.json and de.json hold every key of en.json, no other, with the same
placeholders in each string.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from custom_components.axis_edge_storage import repairs
from custom_components.axis_edge_storage.device_errors import CODE_KEYS, CREDENTIALS_KEYS
from custom_components.axis_edge_storage.triggers import CAMERA_TRIGGERS, DISK_TRIGGERS
from tests.hassfest_schemas import STRINGS_SCHEMA

INTEGRATION = Path(__file__).parents[1] / "custom_components/axis_edge_storage"
LOCALES = ("sv", "de")
PLATFORMS = ("binary_sensor", "calendar", "number", "select", "sensor")
EXCEPTION_CLASSES = re.compile(r"(Error|Failed|NotReady)$")
PLACEHOLDER = re.compile(r"{(\w+)}")


def _json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((INTEGRATION / name).read_text())
    return data


def _strings() -> dict[str, Any]:
    return _json("strings.json")


def _leaves(tree: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every string of a translation file with its dotted path."""
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _calls(path: Path) -> Iterator[tuple[str, ast.Call]]:
    """Each call of a module with the name of what it calls."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            yield name, node


def _constants(node: ast.expr, names: dict[str, set[str]]) -> set[str]:
    """The strings an expression can be: a literal, either branch of an if, a local name."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _constants(node.body, names) | _constants(node.orelse, names)
    if isinstance(node, ast.Name):
        return names.get(node.id, set())
    return set()


def _local_strings(function: ast.AST) -> dict[str, set[str]]:
    """The string literals assigned to each local name of a function."""
    names: dict[str, set[str]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant | ast.IfExp):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names.setdefault(target.id, set()).update(_constants(node.value, {}))
    return names


def _literal_keys(call: ast.Call, names: dict[str, set[str]] | None = None) -> Iterator[str]:
    for keyword in call.keywords:
        if keyword.arg == "translation_key":
            yield from _constants(keyword.value, names or {})


def _exception_keys() -> set[str]:
    """The keys the code raises: exceptions' keys (literal, or a local name's literals),
    ExportError's, `self.translation_key = ...`, and the tables of device error codes."""
    keys: set[str] = set()
    for path in INTEGRATION.rglob("*.py"):
        tree = ast.parse(path.read_text())
        functions = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        for function in functions:
            names = _local_strings(function)
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name == "ExportError" and node.args:
                    keys |= _constants(node.args[0], names)
                elif EXCEPTION_CLASSES.search(name):
                    keys.update(_literal_keys(node, names))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr == "translation_key" for t in node.targets
            ):
                keys |= _constants(node.value, {})
    keys.update(key for codes in CODE_KEYS.values() for key in codes.values())
    keys.update(key for _, key in CREDENTIALS_KEYS)
    return keys


def test_strings_schema() -> None:
    """hassfest's translation schema accepts the whole strings.json."""
    STRINGS_SCHEMA(_strings())


def test_en_is_strings() -> None:
    """translations/en.json is strings.json (Home Assistant reads en.json of a custom one)."""
    assert _json("translations/en.json") == _strings()


def test_every_exception_key_is_translated() -> None:
    """Each key the code raises has a message under exceptions."""
    keys = _exception_keys()
    assert len(keys) > 40
    assert "admin_required" in keys and "range_too_long" in keys and "share_mounted" in keys
    missing = sorted(keys - set(_strings()["exceptions"]))
    assert not missing, f"exceptions missing from strings.json: {missing}"


def test_every_exception_message_is_used() -> None:
    """No message under exceptions is left over: the code raises each."""
    unused = sorted(set(_strings()["exceptions"]) - _exception_keys())
    assert not unused, f"exceptions nothing raises: {unused}"


def test_credentials_problems_are_form_errors_too() -> None:
    """The keys of credentials problems are also errors of the config flow's form."""
    errors = _strings()["config"]["error"]
    assert not [key for _, key in CREDENTIALS_KEYS if key not in errors]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_entity_keys_of_the_platforms(platform: str) -> None:
    """Each literal translation_key of a platform's descriptions has entity.<platform>.<key>."""
    keys = {
        key
        for name, call in _calls(INTEGRATION / f"{platform}.py")
        if name.endswith("Description")
        for key in _literal_keys(call)
    }
    assert keys, platform
    missing = sorted(keys - set(_strings()["entity"][platform]))
    assert not missing, f"entity.{platform} missing: {missing}"


def test_device_trigger_types() -> None:
    """device_automation.trigger_type names exactly the trigger types."""
    translated = set(_strings()["device_automation"]["trigger_type"])
    assert translated == {*CAMERA_TRIGGERS, *DISK_TRIGGERS}


def test_issue_keys() -> None:
    """issues holds exactly the repair issues repairs.py raises."""
    assert set(_strings().get("issues", {})) == set(repairs.CONDITIONS)


@pytest.mark.parametrize("locale", LOCALES)
def test_locale_has_every_key_of_en(locale: str) -> None:
    """Every string of en.json is translated, and nothing else is."""
    english = dict(_leaves(_json("translations/en.json")))
    translated = dict(_leaves(_json(f"translations/{locale}.json")))
    missing = sorted(set(english) - set(translated))
    extra = sorted(set(translated) - set(english))
    assert not missing, f"{locale}.json lacks {len(missing)} keys of en.json: {missing}"
    assert not extra, f"{locale}.json has keys en.json does not: {extra}"


@pytest.mark.parametrize("locale", LOCALES)
def test_locale_placeholders_and_schema(locale: str) -> None:
    """Each translated string has the placeholders of its English one, and is a valid string."""
    english = dict(_leaves(_json("translations/en.json")))
    translated = _json(f"translations/{locale}.json")
    wrong = [
        path
        for path, text in _leaves(translated)
        if path in english
        and sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(english[path]))
    ]
    assert not wrong, f"{locale}.json placeholders differ from en.json at {wrong}"
    translated.get("issues", {}).get("full_no_cleanup", {}).pop("description", None)
    STRINGS_SCHEMA(translated)


@pytest.mark.parametrize("locale", LOCALES)
def test_locale_is_translated(locale: str) -> None:
    """Not a copy: most longer strings differ from the English ones."""
    english = dict(_leaves(_json("translations/en.json")))
    pairs = [
        (text, english[path])
        for path, text in _leaves(_json(f"translations/{locale}.json"))
        if path in english and len(english[path]) > 30
    ]
    same = [text for text, original in pairs if text == original]
    assert len(same) <= len(pairs) // 20, same[:5]
