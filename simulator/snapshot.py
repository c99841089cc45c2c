"""The JSON view of the model (``GET /sim/state``), made from its dataclasses.

Every field of a disk, share, recording, profile or job is shown under its own name, but for
the few the device (and ``POST /sim/disks/{id}``) names otherwise; times are in the device's
format; secrets (``SECRET_FIELDS``: passwords, passphrases, disk keys) are never shown.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from .clock import format_time
from .model import SECRET_FIELDS

#: Fields shown under another name: the device's (recordings) or the control surface's.
RENAMED = {"start": "starttime", "stop": "stoptime", "storage_limit_kb": "storage_limit"}


def _value(value: Any) -> Any:
    return format_time(value) if isinstance(value, datetime) else value


def _public(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {RENAMED.get(k, k): _value(v) for k, v in pairs if k not in SECRET_FIELDS}


def public(item: Any, **derived: Any) -> dict[str, Any]:
    """A dataclass as a JSON-able dict without its secrets, with ``derived`` values added.

    A derived value replaces the field of the same name (e.g. a disk's ``health`` as the device
    reports it instead of the one set by a test).
    """
    view: dict[str, Any] = asdict(item, dict_factory=_public)
    view.update(derived)
    return view
