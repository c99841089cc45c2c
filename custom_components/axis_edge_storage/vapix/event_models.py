"""The edge storage events of the VAPIX event stream, and their tolerant, bounded parsing.

A notification on the websocket (`events:notify`) reads
``{"params": {"notification": {"timestamp", "topic", "message": {"source", "key", "data"}}}}``.
Everything in it comes from the camera: shapes are checked, sizes bounded, unknown topics
ignored, and a message that cannot be read is reported as malformed, never raised past the
stream.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from .xml import to_bool

#: A text message longer than this is not parsed (a notification is well under 2 KiB).
MAX_MESSAGE_CHARS = 64 * 1024
#: At most this many data fields are kept per event, each key and value cut to this length.
MAX_DATA_FIELDS = 16
MAX_FIELD_CHARS = 256
# Milliseconds since the epoch beyond year 9999 are not a time.
_MAX_MS = 253402300799999


class EventTopic(StrEnum):
    """The edge storage topics, as the documentation spells them."""

    RECORDING = "tnsaxis:Storage/tnsaxis:Recording"
    DISRUPTION = "tnsaxis:Storage/tnsaxis:Disruption"
    ALERT = "tnsaxis:Storage/Alert"
    STORAGE_FAILURE = "tns1:Device/tnsaxis:HardwareFailure/StorageFailure"


#: The data field holding each topic's main boolean.
ACTIVE_KEY: Mapping[EventTopic, str] = {
    EventTopic.RECORDING: "recording",
    EventTopic.DISRUPTION: "disruption",
    EventTopic.ALERT: "alert",
    EventTopic.STORAGE_FAILURE: "disruption",
}

#: The `topicFilter` that subscribes to each topic (one filter covers the three Storage ones).
TOPIC_FILTER: Mapping[EventTopic, str] = {
    EventTopic.RECORDING: "tnsaxis:Storage//.",
    EventTopic.DISRUPTION: "tnsaxis:Storage//.",
    EventTopic.ALERT: "tnsaxis:Storage//.",
    EventTopic.STORAGE_FAILURE: EventTopic.STORAGE_FAILURE.value,
}


def _local(part: str) -> str:
    """A topic part without its namespace prefix (``tnsaxis:Disruption`` -> ``Disruption``)."""
    return part.rsplit(":", 1)[-1]


def _topic_key(topic: str) -> tuple[str, ...]:
    """The first part whole, the others without their prefix: what identifies a topic."""
    first, *rest = topic.split("/")
    return (first, *(_local(part) for part in rest))


_TOPICS: Mapping[tuple[str, ...], EventTopic] = {_topic_key(t.value): t for t in EventTopic}


def match_topic(topic: str) -> EventTopic | None:
    """The edge storage topic `topic` names, with or without prefixes after the first part."""
    if len(topic) > MAX_FIELD_CHARS:
        return None
    return _TOPICS.get(_topic_key(topic.strip()))


class StreamState(StrEnum):
    """The state of an event stream."""

    STARTING = "starting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    UNSUPPORTED = "unsupported"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class StorageEvent:
    """One edge storage notification.

    Attributes:
        topic: Which event.
        timestamp: When the camera emitted it (aware, UTC); None when absent or unreadable.
        disk_id: The disk it is about: the source's ``disk_id``, or its single value; None
            for Recording (its source names no disk).
        active: The topic's main boolean (recording, disruption, alert, disruption).
        data: Every data field as a string (at most 16, each cut to 256 characters).
    """

    topic: EventTopic
    timestamp: datetime | None
    disk_id: str | None
    active: bool
    data: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class StreamStatus:
    """What an event stream is doing, for diagnostics: no token, URL or credentials.

    Attributes:
        state: The current state.
        connected_since: When the current connection was subscribed (None when not connected).
        reconnects: How many times the stream was connected again after its first connection.
        events: Edge storage events delivered.
        last_event: When the last event was delivered (local clock, aware UTC).
        last_error: A short category of the last failure (``timeout``, ``refused token``,
            ``malformed message``, ...), None before any.
        malformed: Messages skipped because they could not be read.
    """

    state: StreamState
    connected_since: datetime | None = None
    reconnects: int = 0
    events: int = 0
    last_event: datetime | None = None
    last_error: str | None = None
    malformed: int = 0


class MalformedMessageError(ValueError):
    """A message from the camera that cannot be read (the text never holds the message)."""


def parse_bool(value: object) -> bool | None:
    """A VAPIX boolean: ``"1"``/``"0"``, ``"true"``/``"false"`` (any case), or a bool."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return to_bool(value) if isinstance(value, str) else None


def parse_timestamp(value: object) -> datetime | None:
    """Milliseconds since the epoch (number or digits) or an ISO 8601 string, as aware UTC."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit() and len(text) <= 16:
            value = int(text)
        elif 0 < len(text) <= 64:
            try:
                parsed = datetime.fromisoformat(text)
            except ValueError:
                return None
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            return parsed.astimezone(UTC)
        else:
            return None
    if isinstance(value, int | float) and 0 <= value <= _MAX_MS:
        return datetime.fromtimestamp(value / 1000, UTC)
    return None


def _field(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value[:MAX_FIELD_CHARS]
    if isinstance(value, int | float):
        return str(value)[:MAX_FIELD_CHARS]
    return None


def _fields(value: object) -> dict[str, str]:
    """A source or data object as bounded strings; other shapes are malformed."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedMessageError("source/data is not an object")
    fields: dict[str, str] = {}
    for key, item in value.items():
        text = _field(item)
        if text is not None and len(key) <= MAX_FIELD_CHARS:
            fields[key] = text
            if len(fields) == MAX_DATA_FIELDS:
                break
    return fields


def _disk_id(topic: EventTopic, source: Mapping[str, str]) -> str | None:
    if "disk_id" in source:
        return source["disk_id"] or None
    if topic is EventTopic.RECORDING or len(source) != 1:
        return None
    return next(iter(source.values())) or None


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedMessageError(f"{what} is not an object")
    return value


def decode(text: str | bytes) -> dict[str, Any]:
    """One websocket text message as a JSON object.

    Raises:
        MalformedMessageError: Too long, not JSON, or not an object.
    """
    if len(text) > MAX_MESSAGE_CHARS:
        raise MalformedMessageError("message too long")
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        raise MalformedMessageError("not JSON") from None
    return _object(message, "message")


def parse_notification(message: Mapping[str, Any]) -> StorageEvent | None:
    """The edge storage event of an `events:notify` message; None for another topic.

    Raises:
        MalformedMessageError: The message lacks the notification's shape, or the topic's
            main boolean.
    """
    params = _object(message.get("params"), "params")
    notification = _object(params.get("notification"), "notification")
    raw_topic = notification.get("topic")
    if not isinstance(raw_topic, str):
        raise MalformedMessageError("topic is not a string")
    if (topic := match_topic(raw_topic)) is None:
        return None
    body = _object(notification.get("message"), "message")
    data = _fields(body.get("data"))
    active = parse_bool(data.get(ACTIVE_KEY[topic]))
    if active is None:
        raise MalformedMessageError(f"no boolean {ACTIVE_KEY[topic]}")
    return StorageEvent(
        topic=topic,
        timestamp=parse_timestamp(notification.get("timestamp")),
        disk_id=_disk_id(topic, _fields(body.get("source"))),
        active=active,
        data=data,
    )


def configure_request(topics: frozenset[EventTopic], context: str) -> dict[str, Any]:
    """The `events:configure` request subscribing to `topics` (one filter per distinct one)."""
    filters = sorted({TOPIC_FILTER[topic] for topic in topics})
    return {
        "apiVersion": "1.0",
        "context": context,
        "method": "events:configure",
        "params": {"eventFilterList": [{"topicFilter": f} for f in filters]},
    }
