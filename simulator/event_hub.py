"""The camera's event service: session tokens, subscribers, and publishing every change.

``publish()`` observes the model (``simulator/events.py``) and hands each change to every
subscriber whose filter wants it. It is called after every request the simulator answers
(the gate's middleware, ``simulator/gateway.py``), after every Python control call
(``simulator/camera.py``) and, while a stream is open, every ``POLL_SECONDS`` (time passing on
its own: jobs ending, a disk filling up). Publishing only compares the observation with the
previous one, so calling it again never sends a change twice. It never waits: subscribers
queue what they get and their own task writes it (``simulator/event_stream.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from datetime import datetime, timedelta
from typing import Any, Protocol

from .events import EventTracker, Notification, topic_matches
from .faults import Faults
from .state import DeviceState

#: Where a session token is fetched (with the account's HTTP authentication).
TOKEN_PATH = "/axis-cgi/wssession.cgi"
#: The websocket the token opens.
STREAM_PATH = "/vapix/ws-data-stream"
#: Simulated seconds a session token stays valid (it is used once).
TOKEN_LIFETIME = 15.0
#: Unused session tokens kept at most (the oldest are forgotten first).
MAX_TOKENS = 64
#: Real seconds between two looks at the model while a stream is open.
POLL_SECONDS = 0.1
#: Messages a subscriber may have waiting before it is cut off as too slow.
MAX_QUEUED = 1000

#: What a subscriber queues: a notification, or a reply (a JSON object) to its own request.
Outgoing = Notification | dict[str, Any]


class Subscriber(Protocol):
    """One open event stream, as the hub sees it."""

    filters: list[str] | None  # None: not configured yet, nothing is sent

    def deliver(self, item: Outgoing) -> None:
        """Queue a message for the client (never waits)."""

    def drop(self) -> None:
        """Cut the connection at once, without a closing handshake."""

    async def close(self) -> None:
        """Close the websocket with a closing handshake (the server is going away)."""


class EventHub:
    """Session tokens, open streams and the tracker of the camera's events."""

    def __init__(self, state: DeviceState, faults: Faults) -> None:
        """Start tracking the model as it is now."""
        self.state = state
        self.faults = faults
        self.tracker = EventTracker(state)
        self.subscribers: list[Subscriber] = []
        self._tokens: dict[str, datetime] = {}
        self._poller: asyncio.Task[None] | None = None

    # ---------------------------------------------------------------- tokens
    def issue_token(self) -> str:
        """A fresh session token, valid ``TOKEN_LIFETIME`` simulated seconds, for one stream."""
        now = self.state.now()
        self._tokens = {t: exp for t, exp in self._tokens.items() if exp > now}
        while len(self._tokens) >= MAX_TOKENS:
            del self._tokens[next(iter(self._tokens))]
        token = secrets.token_hex(8)
        self._tokens[token] = now + timedelta(seconds=TOKEN_LIFETIME)
        return token

    def redeem(self, token: str) -> bool:
        """Use a token: whether it was issued, unused and still valid (it is spent anyway)."""
        expires = self._tokens.pop(token, None)
        return expires is not None and self.state.now() < expires

    # ----------------------------------------------------------- subscribers
    def attach(self, subscriber: Subscriber) -> None:
        """A stream opened (it gets nothing until it is configured)."""
        self.subscribers.append(subscriber)
        if self._poller is None or self._poller.done():
            self._poller = asyncio.get_running_loop().create_task(self._poll())
        self.publish()

    def detach(self, subscriber: Subscriber) -> None:
        """A stream closed."""
        with contextlib.suppress(ValueError):
            self.subscribers.remove(subscriber)
        if not self.subscribers and self._poller is not None:
            self._poller.cancel()
            self._poller = None

    def configure(self, subscriber: Subscriber, filters: list[str]) -> None:
        """Replace a stream's filter and send it the current state of the stateful events."""
        self.publish()  # changes so far go to the others under their filters
        subscriber.filters = filters
        for notification in self.tracker.property_states():
            if wants(filters, notification.topic):
                subscriber.deliver(notification)

    # ------------------------------------------------------------ publishing
    def publish(self) -> None:
        """Send every change since the last look to the subscribers that want it.

        Without any stream nothing is looked at (the look costs about 1 ms per 1000
        recordings); the first stream's ``configure`` then sends the state as it is.
        """
        if not self.subscribers:
            return
        changes = self.tracker.changes()
        for subscriber in list(self.subscribers):
            if subscriber.filters is None:
                continue
            for notification in changes:
                if wants(subscriber.filters, notification.topic):
                    subscriber.deliver(notification)
        self._drop_now()

    def _drop_now(self) -> None:
        """Apply an ``events_drop`` fault without ``messages``: cut every open stream."""
        for fault in self.faults.find("events_drop", STREAM_PATH):
            if fault.messages == 0:
                self.faults.use(fault)
                self.drop_all()
                return

    def drop_all(self) -> None:
        """Cut every open stream at once (a fault, a reboot)."""
        for subscriber in list(self.subscribers):
            subscriber.drop()
            self.detach(subscriber)

    async def close_all(self) -> None:
        """Close every open stream with a closing handshake (the simulator stops)."""
        for subscriber in list(self.subscribers):
            self.detach(subscriber)
            await subscriber.close()

    def reboot(self) -> None:
        """The camera restarts: every stream is cut and every token forgotten."""
        self._tokens.clear()
        self.drop_all()
        self.publish()

    async def _poll(self) -> None:
        """While a stream is open: apply passing time to the model and publish its changes."""
        while self.subscribers:
            await asyncio.sleep(POLL_SECONDS)
            self.state.tick()
            self.publish()


def wants(filters: list[str], topic: str) -> bool:
    """Whether any of a subscription's topic filters selects ``topic``."""
    return any(topic_matches(topic_filter, topic) for topic_filter in filters)
