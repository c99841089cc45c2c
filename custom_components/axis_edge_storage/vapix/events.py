"""The camera's edge storage events, pushed over the VAPIX event stream (websocket).

`EventStream.run` fetches a short-lived token (``wssession.cgi``, with the client's normal
authentication), opens ``/vapix/ws-data-stream?sources=events&wssession=TOKEN``, subscribes
with ``events:configure`` and hands each storage notification to ``on_event``. A dropped or
silent stream is reconnected with exponential backoff and jitter; a camera without websocket
events (404, or an error answer to the subscription) ends the stream as UNSUPPORTED. Logging:
one warning per outage (its return is a debug line), never the token or its URL.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import re
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from enum import Enum, auto
from typing import Any

import aiohttp

from .client import VapixClient
from .errors import (
    VapixAuthDowngradeError,
    VapixCertificateMismatchError,
    VapixError,
    VapixForbiddenError,
    VapixInsecureAuthError,
    VapixNotSupportedError,
    VapixTimeoutError,
    VapixUnauthorizedError,
)
from .event_models import (
    EventTopic,
    MalformedMessageError,
    StorageEvent,
    StreamState,
    StreamStatus,
    configure_request,
    decode,
    parse_notification,
)

__all__ = ["EventStream", "EventTopic", "StorageEvent", "StreamState", "StreamStatus"]

_LOGGER = logging.getLogger(__name__)

TOKEN_PATH = "axis-cgi/wssession.cgi"  # noqa: S105 (a path, not a secret)
STREAM_PATH = "vapix/ws-data-stream"
#: Seconds the subscription's answer may take (at most the receive timeout).
CONFIGURE_TIMEOUT = 10.0
#: A connection subscribed this long resets the backoff.
STABLE_AFTER = 60.0
_TOKEN = re.compile(r"[\x21-\x7e]{1,256}")
_CLOSE_CODE_TOO_BIG = aiohttp.WSCloseCode.MESSAGE_TOO_BIG


class _End(Enum):
    """How one connection ended."""

    RETRY = auto()
    UNSUPPORTED = auto()


def _category(err: VapixError) -> str:
    """A short, secret-free name for a failure (StreamStatus.last_error)."""
    if isinstance(err, VapixTimeoutError):
        return "timeout"
    if isinstance(err, VapixCertificateMismatchError):
        return "certificate mismatch"
    if isinstance(err, VapixInsecureAuthError | VapixAuthDowngradeError):
        return "authentication refused by the client"
    if isinstance(err, VapixUnauthorizedError):
        return "rejected credentials"
    if isinstance(err, VapixForbiddenError):
        return "forbidden"
    return "connection failed"


class EventStream:
    """The storage events of one camera, as long as `run` runs."""

    def __init__(
        self,
        client: VapixClient,
        *,
        on_event: Callable[[StorageEvent], None],
        on_state: Callable[[StreamStatus], None],
        topics: Iterable[EventTopic] = tuple(EventTopic),
        heartbeat: float = 15,
        receive_timeout: float = 60,
        backoff: tuple[float, float] = (1.0, 300.0),
    ) -> None:
        """Describe the stream; nothing connects before `run`.

        Args:
            client: The camera's transport (its session, authentication and TLS rules).
            on_event: Called in the event loop with each storage event of `topics`.
            on_state: Called in the event loop with the status on each change of state.
            topics: The topics to subscribe to.
            heartbeat: Seconds between pings; a missing pong drops the connection.
            receive_timeout: Seconds of silence (pongs included) that drop the connection.
            backoff: The first and the longest wait between connection attempts, seconds.
        """
        self._topics = frozenset(topics)
        if not self._topics:
            raise ValueError("no topics")
        if heartbeat <= 0 or receive_timeout <= 0 or not 0 < backoff[0] <= backoff[1]:
            raise ValueError("heartbeat, receive_timeout and backoff must be positive")
        self._client = client
        self._on_event = on_event
        self._on_state = on_state
        self._heartbeat = heartbeat
        self._receive_timeout = receive_timeout
        self._backoff = backoff
        self._status = StreamStatus(StreamState.STARTING)
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._task: asyncio.Task[Any] | None = None
        self._done = asyncio.Event()
        self._closing = False
        self._interruptible = False
        self._in_outage = False
        self._connected_before = False
        self._warned_malformed = False
        self._unsupported = ""

    @property
    def status(self) -> StreamStatus:
        """The stream's state and counters now."""
        return self._status

    async def run(self) -> None:
        """Connect, subscribe and deliver events until `close` (or cancellation).

        Returns at once (state UNSUPPORTED) when the camera has no websocket events. Never
        raises for anything the camera does.
        """
        if self._task is not None:
            raise RuntimeError("the event stream is already running")
        self._task = asyncio.current_task()
        self._done.clear()
        loop = asyncio.get_running_loop()
        failures = 0
        try:
            self._interruptible = True
            while not self._closing:
                started = loop.time()
                if await self._connection() is _End.UNSUPPORTED:
                    self._update(state=StreamState.UNSUPPORTED, connected_since=None)
                    _LOGGER.info(
                        "%s has no websocket events (%s); its storage is polled only",
                        self._client.base_url,
                        self._unsupported,
                    )
                    return
                if self._stopping():
                    break
                if loop.time() - started >= STABLE_AFTER:
                    failures = 0  # a connection that lived a while: start the backoff over
                delay = min(self._backoff[1], self._backoff[0] * 2**failures)
                failures = min(failures + 1, 32)
                delay *= random.uniform(0.75, 1.0)  # noqa: S311 (jitter, not a secret)
                _LOGGER.debug("event stream: next attempt in %.3f s", delay)
                await asyncio.sleep(delay)
        except asyncio.CancelledError:
            task = self._task
            if not (self._closing and task is not None and task.uncancel() == 0):
                raise
        finally:
            self._interruptible = False
            await self._close_ws()
            if self._status.state is not StreamState.UNSUPPORTED:
                self._update(state=StreamState.STOPPED, connected_since=None)
            self._task = None
            self._done.set()

    async def close(self) -> None:
        """Close the websocket cleanly; `run` returns and no task is left behind."""
        self._closing = True
        task = self._task
        if task is None:
            if self._status.state is StreamState.STARTING:
                self._update(state=StreamState.STOPPED)
            return
        if self._ws is not None:
            # Reading: the close handshake ends the read, and `run` then returns.
            await self._close_ws()
        elif self._interruptible and task is not asyncio.current_task():
            # Fetching a token, connecting or waiting to retry: nothing to close cleanly.
            self._interruptible = False
            task.cancel()
        if task is not asyncio.current_task():
            await self._done.wait()

    def _stopping(self) -> bool:
        """Whether `close` was called (a method: the flag changes under an await)."""
        return self._closing

    async def _connection(self) -> _End | None:
        """One token, one websocket, one subscription, read until it drops."""
        try:
            token = (await self._client.request("GET", TOKEN_PATH)).text.strip()
        except VapixNotSupportedError:
            self._unsupported = "no wssession.cgi"
            return _End.UNSUPPORTED
        except VapixError as err:
            self._failed(_category(err))
            return _End.RETRY
        if not _TOKEN.fullmatch(token):
            self._failed("malformed token")
            return _End.RETRY
        try:
            self._ws = await self._client.ws_connect(
                STREAM_PATH,
                {"sources": "events", "wssession": token},
                heartbeat=self._heartbeat,
                receive_timeout=self._receive_timeout,
            )
        except VapixNotSupportedError:
            self._unsupported = "no event stream"
            return _End.UNSUPPORTED
        except VapixError as err:
            # A plain 401 on the upgrade is the token refused (no credentials go with it).
            refused = type(err) is VapixUnauthorizedError
            self._failed("refused token" if refused else _category(err))
            return _End.RETRY
        try:
            return await self._subscribed(self._ws)
        except TimeoutError:
            self._failed("timeout")
        except (aiohttp.ClientError, ConnectionError) as err:
            self._failed(f"connection lost ({type(err).__name__})")
        finally:
            await self._close_ws()
        return _End.RETRY

    async def _subscribed(self, ws: aiohttp.ClientWebSocketResponse) -> _End | None:
        """Subscribe on `ws`, then deliver notifications until the connection ends."""
        self._warned_malformed = False
        context = secrets.token_hex(8)
        await ws.send_json(configure_request(self._topics, context))
        async with asyncio.timeout(min(CONFIGURE_TIMEOUT, self._receive_timeout)):
            while (answer := await self._next(ws)) is not None:
                if answer.get("context") != context:
                    self._deliver(answer)
                    continue
                if "error" in answer:
                    error = answer["error"]
                    code = error.get("code") if isinstance(error, dict) else None
                    shown = code if isinstance(code, int) and 0 <= code < 10**6 else "?"
                    self._unsupported = f"the subscription was refused: error {shown}"
                    return _End.UNSUPPORTED
                break
        if answer is None:
            return None
        self._connected()
        while (message := await self._next(ws)) is not None:
            self._deliver(message)
        return None

    async def _next(self, ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any] | None:
        """The next JSON object from `ws`, None when the connection ended (malformed skipped).

        Raises:
            TimeoutError: Nothing came for the receive timeout.
        """
        while True:
            msg = await ws.receive()
            if msg.type is aiohttp.WSMsgType.TEXT:
                try:
                    return decode(msg.data)
                except MalformedMessageError as err:
                    self._malformed(str(err))
                    continue
            if msg.type is aiohttp.WSMsgType.BINARY:
                self._malformed("binary message")
                continue
            if self._closing:
                return None
            if msg.type is aiohttp.WSMsgType.ERROR:
                error = msg.data
                if isinstance(error, aiohttp.WebSocketError) and error.code == _CLOSE_CODE_TOO_BIG:
                    self._malformed("message too large")
                    self._failed("message too large")
                elif isinstance(error, TimeoutError):
                    self._failed("timeout")
                else:
                    self._failed("connection lost")
            else:
                self._failed("closed by the camera")
            return None

    def _deliver(self, message: dict[str, Any]) -> None:
        """Hand a notification's storage event to ``on_event``; skip anything else."""
        if message.get("method") != "events:notify":
            return
        try:
            event = parse_notification(message)
        except MalformedMessageError as err:
            self._malformed(str(err))
            return
        if event is None:
            return
        self._status = dataclasses.replace(
            self._status, events=self._status.events + 1, last_event=datetime.now(UTC)
        )
        try:
            self._on_event(event)
        except Exception:
            _LOGGER.exception("Error handling a storage event")

    def _malformed(self, reason: str) -> None:
        self._status = dataclasses.replace(
            self._status, malformed=self._status.malformed + 1, last_error="malformed message"
        )
        if self._warned_malformed:
            _LOGGER.debug("skipped a malformed event message: %s", reason)
            return
        self._warned_malformed = True
        _LOGGER.warning(
            "%s sent a malformed event message (%s); skipping it", self._client.base_url, reason
        )

    def _connected(self) -> None:
        """Subscribed: CONNECTED. An outage is one line in the log: its start (see `_failed`)."""
        reconnects = self._status.reconnects + (1 if self._connected_before else 0)
        self._connected_before = True
        _LOGGER.debug(
            "event stream of %s %s",
            self._client.base_url,
            "is back" if self._in_outage else "connected",
        )
        self._in_outage = False
        self._update(
            state=StreamState.CONNECTED, connected_since=datetime.now(UTC), reconnects=reconnects
        )

    def _failed(self, category: str) -> None:
        """A connection attempt failed or a connection ended: one warning per outage."""
        if self._closing:
            return
        if not self._in_outage:
            self._in_outage = True
            was = "lost" if self._status.state is StreamState.CONNECTED else "cannot connect"
            _LOGGER.warning(
                "Event stream of %s %s (%s); retrying with backoff",
                self._client.base_url,
                was,
                category,
            )
        else:
            _LOGGER.debug("event stream still down: %s", category)
        self._update(state=StreamState.DISCONNECTED, connected_since=None, last_error=category)

    def _update(self, **changes: Any) -> None:
        """Change the status; ``on_state`` hears of a change of state."""
        before = self._status.state
        self._status = dataclasses.replace(self._status, **changes)
        if self._status.state is not before:
            try:
                self._on_state(self._status)
            except Exception:
                _LOGGER.exception("Error handling an event stream state")

    async def _close_ws(self) -> None:
        """Close the websocket (a close frame, the camera's answer awaited, bounded)."""
        ws, self._ws = self._ws, None
        if ws is None or ws.closed:
            return
        interruptible, self._interruptible = self._interruptible, False
        try:
            await ws.close()
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            _LOGGER.debug("closing the event stream failed: %s", type(err).__name__)
        finally:
            self._interruptible = interruptible and not self._closing
