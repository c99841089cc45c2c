"""Read Home Assistant's log: what the integration (or HA about it) reported."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_RECORD = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) (?P<level>[A-Z]+) "
    r"\((?P<thread>[^)]*)\) \[(?P<logger>[^\]]+)\] (?P<message>.*)$"
)
# Said of every custom integration at every start; not a finding.
_EXPECTED = ("We found a custom integration",)


@dataclass(frozen=True)
class LogRecord:
    """One record of the log; `text` holds its continuation lines (tracebacks)."""

    level: str
    logger: str
    message: str
    text: str

    def about(self, domain: str) -> bool:
        """Logged by the integration, or by Home Assistant about it."""
        return domain in self.logger or domain in self.text

    @property
    def headline(self) -> str:
        """Level, logger and the first line of the message."""
        return f"{self.level} [{self.logger}] {self.message}"


def read_records(log: Path) -> list[LogRecord]:
    """Every record of the log, in order (none when there is no log)."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    records: list[LogRecord] = []
    current: dict[str, str] | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None:
            records.append(
                LogRecord(
                    level=current["level"],
                    logger=current["logger"],
                    message=current["message"],
                    text="\n".join([current["message"], *body]),
                )
            )

    for line in lines:
        match = _RECORD.match(line)
        if match is None:
            body.append(line)
            continue
        close()
        current, body = match.groupdict(), []
    close()
    return records


def findings(log: Path, domain: str) -> tuple[list[LogRecord], list[LogRecord]]:
    """Warnings and errors about `domain`, then the other errors (of Home Assistant itself)."""
    ours: list[LogRecord] = []
    others: list[LogRecord] = []
    for record in read_records(log):
        if record.level not in ("WARNING", "ERROR", "CRITICAL"):
            continue
        if record.message.startswith(_EXPECTED):
            continue
        if record.about(domain):
            ours.append(record)
        elif record.level != "WARNING":
            others.append(record)
    return ours, others
