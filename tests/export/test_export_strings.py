"""The English export messages in the code are the ones of strings.json and en.json."""

from __future__ import annotations

import json
from pathlib import Path

from custom_components.axis_edge_storage import exporter
from custom_components.axis_edge_storage.exporter import EXPORT_ERROR_MESSAGES

PACKAGE = Path(exporter.__file__).parent


def test_export_messages_match_the_translations() -> None:
    for name in ("strings.json", "translations/en.json"):
        exceptions = json.loads((PACKAGE / name).read_text(encoding="utf-8"))["exceptions"]
        for key, message in EXPORT_ERROR_MESSAGES.items():
            assert exceptions[key]["message"] == message, (name, key)


def test_new_limits_say_what_happened_and_what_to_do() -> None:
    for key in ("export_too_slow", "export_too_large", "low_disk_space", "not_enough_space"):
        message = EXPORT_ERROR_MESSAGES[key]
        assert "{" in message
        assert any(hint in message for hint in ("try again", "free some space", "Free some"))
    assert "{reserve}" in EXPORT_ERROR_MESSAGES["not_enough_space"]
    assert "{earliest}" in EXPORT_ERROR_MESSAGES["time_out_of_range"]
