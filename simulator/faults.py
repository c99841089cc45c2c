"""Fault injection: latency, HTTP errors, broken bodies, dropped exports, device errors.

The faults of a broken camera (or proxy) that aiohttp's server cannot produce by itself, a
malformed header block, a malformed chunk, a huge body, and an export body sent HTTP/1.0-style
(close-delimited) or chunked and cut, are written by ``simulator/raw_faults.py``.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from typing import Any

#: The faults of the websocket event stream (``simulator/event_stream.py``).
EVENT_KINDS = frozenset(
    {
        "events_drop",
        "events_malformed",
        "events_unsupported",
        "events_configure_error",
        "events_token_refused",
        "events_iso",
    }
)
#: The kinds of faults that can be injected.
KINDS = frozenset(
    {
        "latency",
        "status",
        "malformed_xml",
        "truncated_xml",
        "drop_export",
        "device_error",
        "invalid_header",
        "bad_chunk",
        "huge_body",
        "close_delimited",
        "cut_chunked",
        *EVENT_KINDS,
    }
)


@dataclass
class Fault:
    """One injected fault.

    Attributes:
        id: Identifier (for removing one fault).
        kind: One of ``KINDS``.
        path: Path prefix it applies to (``None``: every VAPIX path). A prefix without a
            leading ``/`` is taken relative to ``/axis-cgi/``.
        count: Requests it still applies to (``None``: until cleared).
        seconds: Delay of a ``latency`` fault.
        status: HTTP status of a ``status`` fault.
        bytes: Bytes of the export body sent before a ``drop_export`` fault aborts.
        code: Error code of a ``device_error`` fault in a versioned API's envelope (the
            unversioned APIs have no codes and always answer their "error while processing").
        pause: Seconds a ``bad_chunk`` fault waits between its good and its bad chunk (0: sent
            together).
        mib: Size in MiB of a ``huge_body`` answer (well-formed XML, made on the fly).
        content_length: A ``huge_body`` announces its Content-Length instead of being
            chunked.
        cut: Fraction (0 < cut <= 1) of the export file a ``close_delimited`` or
            ``cut_chunked`` fault sends before it closes the connection (1: the whole file;
            a ``cut_chunked`` body never has its terminating 0-chunk).
        sent: Bytes of the body a ``huge_body``, ``close_delimited`` or ``cut_chunked`` fault
            sent so far (set by the simulator; a client that stops reading makes it stop early).
        messages: An ``events_drop`` fault cuts a stream once it has sent this many messages
            (0: cuts every open stream at once).

    The event stream's faults (``EVENT_KINDS``, see ``simulator/event_stream.py``) match the
    paths ``/axis-cgi/wssession.cgi`` and ``/vapix/ws-data-stream``.
    """

    id: int
    kind: str
    path: str | None = None
    count: int | None = None
    seconds: float = 1.0
    status: int = 500
    bytes: int = 65536
    code: int = 10
    pause: float = 0.0
    mib: float = 300.0
    content_length: bool = False
    cut: float = 1.0
    sent: int = 0
    messages: int = 0

    def matches(self, path: str) -> bool:
        """Whether the fault applies to a request path."""
        return self.path is None or path.startswith(self.path)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return asdict(self)


class Faults:
    """The set of active faults."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(
        self,
        kind: str,
        *,
        path: str | None = None,
        count: int | None = None,
        seconds: float = 1.0,
        status: int = 500,
        bytes: int = 65536,  # noqa: A002 - mirrors the JSON field of the control surface
        code: int = 10,
        pause: float = 0.0,
        mib: float = 300.0,
        content_length: bool = False,
        cut: float = 1.0,
        messages: int = 0,
    ) -> Fault:
        """Inject a fault; see ``Fault`` for the arguments."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(KINDS)}")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1 (or None for until cleared)")
        if mib <= 0:
            raise ValueError("mib must be positive")
        if not 0 < cut <= 1:
            raise ValueError("cut must be a fraction: 0 < cut <= 1")
        if messages < 0:
            raise ValueError("messages must be 0 or more")
        if path is not None and not path.startswith("/"):
            path = "/axis-cgi/" + path
        fault = Fault(
            id=next(self._ids),
            kind=kind,
            path=path,
            count=count,
            seconds=float(seconds),
            status=int(status),
            bytes=int(bytes),
            code=int(code),
            pause=float(pause),
            mib=float(mib),
            content_length=bool(content_length),
            cut=float(cut),
            messages=int(messages),
        )
        self._faults.append(fault)
        return fault

    def add_from_json(self, data: dict[str, Any]) -> Fault:
        """Inject a fault described by the JSON body of ``POST /sim/faults``."""
        allowed = {
            "kind",
            "type",
            "path",
            "count",
            "seconds",
            "status",
            "bytes",
            "code",
            "pause",
            "mib",
            "content_length",
            "cut",
            "messages",
        }
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        kind = data.get("kind", data.get("type"))
        if not isinstance(kind, str):
            raise TypeError("a fault needs a 'kind'")
        return self.add(
            kind,
            path=data.get("path"),
            count=data.get("count"),
            seconds=data.get("seconds", 1.0),
            status=data.get("status", 500),
            bytes=data.get("bytes", 65536),
            code=data.get("code", 10),
            pause=data.get("pause", 0.0),
            mib=data.get("mib", 300.0),
            content_length=data.get("content_length", False),
            cut=data.get("cut", 1.0),
            messages=data.get("messages", 0),
        )

    def clear(self, kind: str | None = None) -> None:
        """Remove every fault (or every fault of one kind)."""
        self._faults = [f for f in self._faults if kind is not None and f.kind != kind]

    def remove(self, fault_id: int) -> bool:
        """Remove one fault by id; returns whether it existed."""
        before = len(self._faults)
        self._faults = [f for f in self._faults if f.id != fault_id]
        return len(self._faults) != before

    def take(self, kind: str, path: str) -> Fault | None:
        """The first active fault of ``kind`` matching ``path``, consuming one count."""
        for fault in self.find(kind, path):
            self.use(fault)
            return fault
        return None

    def find(self, kind: str, path: str) -> list[Fault]:
        """The active faults of ``kind`` matching ``path`` (none consumed; see ``use``)."""
        return [f for f in self._faults if f.kind == kind and f.matches(path)]

    def use(self, fault: Fault) -> None:
        """Consume one count of a fault found with ``find``."""
        if fault.count is not None:
            fault.count -= 1
            if fault.count <= 0 and fault in self._faults:
                self._faults.remove(fault)

    def active(self) -> list[Fault]:
        """The active faults."""
        return list(self._faults)

    def __len__(self) -> int:
        return len(self._faults)


def malform(body: bytes) -> bytes:
    """Break an XML (or text) body so that it no longer parses."""
    if b"/>" in body:
        return body.replace(b"/>", b">", 1) + b"<<&"
    return b"<<&" + body


def truncate(body: bytes) -> bytes:
    """Cut a body in half."""
    return body[: len(body) // 2]
