"""Simulated time and the VAPIX date and time format."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta


class Clock:
    """UTC wall clock that can be moved forward.

    ``now()`` is the real time plus an offset that ``advance()`` grows, so simulated
    time keeps running on its own and tests can jump ahead.
    """

    def __init__(self) -> None:
        self._offset = 0.0

    @property
    def offset(self) -> float:
        """Seconds the simulated clock is ahead of the real one."""
        return self._offset

    def now(self) -> datetime:
        """Return the simulated current time (aware, UTC)."""
        return datetime.now(UTC) + timedelta(seconds=self._offset)

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (negative values are refused)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds


_COMPACT = re.compile(
    r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$",
)


def parse_time(text: str) -> datetime:
    """Parse a VAPIX time (ISO 8601, optional fraction and offset; or the compact form).

    A time without offset is taken as UTC. Raises ``ValueError`` on anything else.
    """
    text = text.strip()
    if not text:
        raise ValueError("empty time")
    match = _COMPACT.match(text)
    if match:
        year, month, day, hour, minute, second, fraction, zone = match.groups()
        text = f"{year}-{month}-{day}T{hour}:{minute}:{second}{fraction or ''}{zone or 'Z'}"
    if "T" not in text:
        raise ValueError(f"not a date and time: {text!r}")
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_time(value: datetime) -> str:
    """Format a time the way the device does: ``2014-12-11T09:11:52Z`` (fraction if any)."""
    value = value.astimezone(UTC)
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0") + "Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def format_local(value: datetime) -> str:
    """Format a time as local time of the device (the simulator runs in UTC)."""
    value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "+00:00"


def compact(value: datetime) -> str:
    """Format a time as ``YYYYMMDD_HHMMSS`` (file names, recording ids)."""
    return value.astimezone(UTC).strftime("%Y%m%d_%H%M%S")
