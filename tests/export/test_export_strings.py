"""strings.json is the only source of the export messages: every key the code raises is there.

The code holds no English copy. Every ``ExportError("key", placeholders)`` anywhere in the
integration is read from its source: the key must be in the ``exceptions`` of strings.json
(and en.json, which is identical) with exactly the placeholders the call passes.
"""

from __future__ import annotations

import ast
import json
from datetime import UTC, datetime

from custom_components.axis_edge_storage.export.plan import range_placeholders

from .conftest import MESSAGES, PACKAGE, placeholder_names

#: Every key the export code raises (the English table the code once held had these).
EXPORT_KEYS = frozenset(
    {
        "end_before_start",
        "range_too_short",
        "range_too_long",
        "start_in_future",
        "end_in_future",
        "invalid_name",
        "invalid_password",
        "folder_not_allowed",
        "unknown_disk",
        "disk_locked",
        "disk_unavailable",
        "no_recording",
        "recording_not_exportable",
        "not_enough_space",
        "device_error",
        "connection_lost",
        "auth_failed",
        "forbidden",
        "not_supported",
        "http_error",
        "invalid_response",
        "unexpected_content",
        "write_failed",
        "low_disk_space",
        "export_too_slow",
        "export_too_large",
        "time_out_of_range",
        "export_truncated",
        "export_incomplete",
        "export_unreadable",
    }
)
#: Placeholders passed as a variable: the variable's name and what it always holds.
KNOWN_VARIABLES = {"places": {"start", "end"}}


def _placeholders(call: ast.Call, where: str) -> set[str]:
    """The placeholder names an ``ExportError(...)`` call passes."""
    given = call.args[1] if len(call.args) > 1 else None
    for keyword in call.keywords:
        if keyword.arg == "placeholders":
            given = keyword.value
    if given is None or (isinstance(given, ast.Constant) and given.value is None):
        return set()
    if isinstance(given, ast.Dict):
        names = set()
        for key in given.keys:
            assert isinstance(key, ast.Constant), f"{where}: a placeholder name is not literal"
            names.add(str(key.value))
        return names
    assert isinstance(given, ast.Name), f"{where}: placeholders neither literal nor known"
    assert given.id in KNOWN_VARIABLES, f"{where}: unknown placeholders {given.id}"
    return KNOWN_VARIABLES[given.id]


def raised_errors() -> dict[str, list[tuple[str, set[str]]]]:
    """Every ``ExportError`` the integration's code makes: key -> [(where, placeholders)]."""
    found: dict[str, list[tuple[str, set[str]]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "ExportError"
            ):
                continue
            where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
            key = node.args[0] if node.args else None
            assert isinstance(key, ast.Constant), f"{where}: the key is not a literal"
            assert isinstance(key.value, str), where
            found.setdefault(key.value, []).append((where, _placeholders(node, where)))
    return found


def test_every_raised_key_is_in_strings_json_with_its_placeholders() -> None:
    raised = raised_errors()
    assert set(raised) == EXPORT_KEYS
    assert (
        set(range_placeholders(datetime.now(UTC), datetime.now(UTC))) == KNOWN_VARIABLES["places"]
    )
    for key, calls in raised.items():
        assert key in MESSAGES, key
        assert MESSAGES[key].endswith("."), key
        for where, names in calls:
            assert names == placeholder_names(MESSAGES[key]), (where, key)


def test_strings_and_english_translation_agree() -> None:
    english = json.loads((PACKAGE / "translations" / "en.json").read_text(encoding="utf-8"))[
        "exceptions"
    ]
    for key in EXPORT_KEYS:
        assert english[key]["message"] == MESSAGES[key], key


def test_no_english_copy_in_the_export_code() -> None:
    """No message text of strings.json is repeated in the export package."""
    code = "".join(
        path.read_text(encoding="utf-8") for path in sorted((PACKAGE / "export").glob("*.py"))
    )
    for key in EXPORT_KEYS:
        first_sentence = MESSAGES[key].split(". ")[0]
        assert first_sentence not in code, key


def test_new_limits_say_what_happened_and_what_to_do() -> None:
    for key in ("export_too_slow", "export_too_large", "low_disk_space", "not_enough_space"):
        message = MESSAGES[key]
        assert "{" in message
        assert any(hint in message for hint in ("try again", "free some space", "Free some"))
    assert "{reserve}" in MESSAGES["not_enough_space"]
    assert "{earliest}" in MESSAGES["time_out_of_range"]
