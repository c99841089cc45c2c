"""The camera's edge storage events, derived from the model: what is true now, and what changed.

``observe`` reads the model and gives the state of every event the camera reports (the seed's
"Edge storage events and actions", VAPIX_FACTS.md "Events"); ``EventTracker`` remembers the
last observation and turns the difference into notifications. Nothing here knows about
websockets: ``simulator/event_hub.py`` sends what this module finds.

Topics and data (booleans are ``True``/``False`` here; the wire form is chosen when sent):

- ``tnsaxis:Storage/tnsaxis:Recording`` (stateful, no source): ``recording``, any recording
  ongoing on the camera.
- ``tnsaxis:Storage/tnsaxis:Disruption`` (stateful, source ``disk_id``): ``disruption``, the
  disk is not mounted (unmounted, failed, removed, ...), read-only, locked or full.
- ``tns1:Device/tnsaxis:HardwareFailure/StorageFailure`` (stateful, source ``disk_id``):
  ``disruption``, the disk has failed (status ``failed``: read/write errors).
- ``tnsaxis:Storage/Alert`` (source ``disk_id``): ``alert`` with the health values ``wear``,
  ``temperature`` and ``overall_health``; sent when the alert starts (a value reaches its alert
  level: wear or temperature at or above the disk's alert level, overall health 0 = FAIL) and
  when it ends (every value back below), never while it holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .clock import format_time
from .storage import Storage

RECORDING = "tnsaxis:Storage/tnsaxis:Recording"
DISRUPTION = "tnsaxis:Storage/tnsaxis:Disruption"
ALERT = "tnsaxis:Storage/Alert"
FAILURE = "tns1:Device/tnsaxis:HardwareFailure/StorageFailure"
#: The topics whose state every new subscription first receives (property states).
STATEFUL = (RECORDING, DISRUPTION, FAILURE)
#: The topics of the camera, in the order a subscription's first states are sent.
TOPICS = (RECORDING, DISRUPTION, FAILURE, ALERT)

#: An event's identity: its topic and the disk it is about (None: the camera).
EventKey = tuple[str, str | None]


@dataclass(frozen=True)
class EventState:
    """One event's current state: its flag and the data it is sent with."""

    active: bool
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Notification:
    """One notification to send: topic, source disk, data and the time it happened."""

    topic: str
    disk_id: str | None
    data: dict[str, Any]
    time: datetime

    def message(self, *, iso: bool = False) -> dict[str, Any]:
        """The ``events:notify`` message.

        ``iso``: an ISO 8601 timestamp and ``"true"``/``"false"`` booleans (as in the ``axis``
        library's fixtures) instead of epoch milliseconds and ``"1"``/``"0"`` (as captured).
        """
        timestamp: int | str = format_time(self.time) if iso else int(self.time.timestamp() * 1000)
        source = {} if self.disk_id is None else {"disk_id": self.disk_id}
        data = {name: _wire(value, iso) for name, value in self.data.items()}
        return {
            "apiVersion": "1.0",
            "method": "events:notify",
            "params": {
                "notification": {
                    "timestamp": timestamp,
                    "topic": self.topic,
                    "message": {"source": source, "key": {}, "data": data},
                }
            },
        }


def _wire(value: Any, iso: bool) -> str:
    if isinstance(value, bool):
        if iso:
            return "true" if value else "false"
        return "1" if value else "0"
    return str(value)


def _alert(storage: Storage, disk_id: str) -> EventState:
    disk = storage.disks[disk_id]
    health = storage.health(disk)
    wear, temperature, overall = (
        health.get("wear"),
        health.get("temperature"),
        health.get("overallhealth"),
    )
    active = (
        (wear is not None and wear >= 0 and wear >= disk.alert_wear)
        or (temperature is not None and temperature >= 0 and temperature >= disk.alert_temperature)
        or overall == 0
    )
    values = {"wear": wear, "temperature": temperature, "overall_health": overall}
    data: dict[str, Any] = {"alert": active}
    data.update({name: value for name, value in values.items() if value is not None})
    return EventState(active, data)


def observe(storage: Storage, known_disks: set[str]) -> dict[EventKey, EventState]:
    """The state of every event: the camera's, and each disk's (present or ``known`` once)."""
    recording = any(rec.ongoing for rec in storage.recordings.values())
    states: dict[EventKey, EventState] = {
        (RECORDING, None): EventState(recording, {"recording": recording})
    }
    for disk_id in sorted(known_disks | set(storage.disks)):
        disk = storage.disks.get(disk_id)
        if disk is None:  # removed: disrupted, and no longer failing or alerting
            disrupted, failed, alert = True, False, EventState(False, {"alert": False})
        else:
            disrupted = not disk.mounted or disk.readonly or disk.locked or storage.is_full(disk)
            failed, alert = disk.status == "failed", _alert(storage, disk_id)
        states[DISRUPTION, disk_id] = EventState(disrupted, {"disruption": disrupted})
        states[FAILURE, disk_id] = EventState(failed, {"disruption": failed})
        states[ALERT, disk_id] = alert
    return states


class EventTracker:
    """The events as last observed, and the notifications each new observation brings."""

    def __init__(self, storage: Storage) -> None:
        """Observe the model as it is now (nothing is reported for the state at start)."""
        self.storage = storage
        self.known_disks: set[str] = set(storage.disks)
        self.states = observe(storage, self.known_disks)

    def changes(self) -> list[Notification]:
        """Observe again; one notification per event whose state changed, in topic order.

        A disk seen for the first time reports its stateful events, and an alert only if it
        is on.
        """
        states = observe(self.storage, self.known_disks)
        self.known_disks.update(self.storage.disks)
        now = self.storage.now()
        found = []
        for key, state in states.items():
            before = self.states.get(key)
            if before is None and key[0] not in STATEFUL:
                before = EventState(False)
            if before is None or before.active != state.active:
                found.append(Notification(key[0], key[1], state.data, now))
        self.states = states
        return sorted(found, key=lambda n: TOPICS.index(n.topic))

    def property_states(self) -> list[Notification]:
        """The current state of every stateful event (what a new subscription first gets)."""
        now = self.storage.now()
        return [
            Notification(topic, disk_id, state.data, now)
            for topic in STATEFUL
            for (key_topic, disk_id), state in self.states.items()
            if key_topic == topic
        ]


def _segment_matches(wanted: str, segment: str) -> bool:
    """A topic segment against a filter's: equal local names, prefixes equal when both have one."""
    if wanted == "*":
        return True
    w_prefix, _, w_name = wanted.rpartition(":")
    s_prefix, _, s_name = segment.rpartition(":")
    return w_name == s_name and (not w_prefix or not s_prefix or w_prefix == s_prefix)


def topic_matches(topic_filter: str, topic: str) -> bool:
    """Whether a ``topicFilter`` selects ``topic``.

    A filter is one or more expressions joined by ``|``; an expression is a topic (a segment's
    namespace prefix may be left out, ``*`` stands for any one segment), or a topic followed by
    ``//.``: that topic and everything below it (``tnsaxis:Storage//.``).
    """
    segments = topic.split("/")
    for alternative in topic_filter.split("|"):
        expression = alternative.strip()
        subtree = expression.endswith("//.")
        wanted = expression.removesuffix("//.").split("/")
        if not expression or any(not part for part in wanted):
            continue
        if len(wanted) > len(segments) or (not subtree and len(wanted) != len(segments)):
            continue
        if all(_segment_matches(w, s) for w, s in zip(wanted, segments, strict=False)):
            return True
    return False
