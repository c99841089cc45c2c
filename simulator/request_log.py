"""The log of the VAPIX requests the simulator answered (``/sim/`` requests are not logged)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

#: Query arguments whose values never appear in the log.
SECRET_ARGS = frozenset({"pass", "password", "passphrase", "newpassphrase", "oldpassphrase"})


@dataclass(frozen=True)
class RequestRecord:
    """One VAPIX request the simulator answered."""

    method: str
    path: str
    query: dict[str, str]
    user: str | None
    status: int
    time: datetime
    duration: float = 0.0
    auth: str | None = None  # the scheme presented: "basic", "digest SHA-256", ... or None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "user": self.user,
            "status": self.status,
            "time": self.time.isoformat(),
            "duration": self.duration,
            "auth": self.auth,
        }


class RequestLog(list[RequestRecord]):
    """The VAPIX requests seen so far (``/sim/`` requests are not logged)."""

    def paths(self) -> list[str]:
        """Just the request paths, in order."""
        return [r.path for r in self]


def redact(query: dict[str, str]) -> str:
    """The query as text, the values of secret arguments shown as ``***``."""
    return "&".join(f"{k}={'***' if k in SECRET_ARGS else v}" for k, v in query.items())
