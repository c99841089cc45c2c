"""What the data models share: the device's size unit and the open enumeration.

Enumerations are open: a value the device sends that the documentation does not list is kept
as a pseudo-member (``DiskStatus("rebuilding").value == "rebuilding"``) instead of failing.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

KIB = 1024


class OpenStrEnum(StrEnum):
    """A StrEnum that matches case-insensitively and keeps unknown values."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        lowered = value.strip().lower()
        for member in cls:
            if member.value.lower() == lowered:
                return member
        pseudo = str.__new__(cls, value)
        pseudo._name_ = "UNKNOWN"
        pseudo._value_ = value
        return pseudo

    @property
    def known(self) -> bool:
        """Whether the value is one the documentation lists."""
        return self._name_ != "UNKNOWN"
