"""VAPIX event streaming over websocket: ``GET /vapix/ws-data-stream?sources=events&wssession=``.

The token comes from ``wssession.cgi`` (``simulator/cgi_events.py``); an unknown, used or
expired one is answered 401 before any upgrade. Over the websocket the client sends
``events:configure`` with its ``eventFilterList``; the answer is
``{"apiVersion": "1.0", "context": <same>, "method": "events:configure", "data": {}}``, then
the current state of the stateful events it selected and, from then on, every change
(``simulator/event_hub.py``). A reconfigure replaces the filter. A request that is not JSON, not
``events:configure`` or has bad parameters is answered with an ``error`` object (codes
``ERRORS``). One task per stream writes what the hub queues, so publishing never waits.

Faults (``simulator/faults.py``): ``events_unsupported`` (404 here and on ``wssession.cgi``),
``events_token_refused`` (401 with a good token), ``events_configure_error`` (code 1100),
``events_malformed`` (a broken message before each notification, one per count),
``events_iso`` (ISO timestamps and ``"true"``/``"false"``, one message per count) and
``events_drop`` (the connection cut once a stream has sent ``messages`` messages; 0: every
open stream at once). A reboot cuts every stream and forgets the tokens.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from .app_keys import CAMERA_KEY
from .camera import Camera
from .event_hub import MAX_QUEUED, STREAM_PATH, Outgoing
from .events import Notification
from .gateway import log_request

#: Largest message a client may send.
MAX_MESSAGE = 64 * 1024
#: Most topic filters in one subscription, and the longest filter.
MAX_FILTERS, MAX_FILTER_LENGTH = 64, 1024
#: The JSON API's error codes and messages.
ERRORS = {
    1100: "Internal Error",
    2100: "The requested API version is not supported",
    2101: "Invalid JSON",
    2102: "The requested method is not supported",
    2103: "Required parameter missing",
    2104: "Invalid parameter value",
}
#: The broken messages an ``events_malformed`` fault sends, in turn (text, or binary bytes).
MALFORMED: tuple[str | bytes, ...] = (
    '{"apiVersion": "1.0", "method": "events:notify", "params": {"notification": ',
    "[1, 2, 3]",
    '{"apiVersion": "1.0", "method": "events:notify", "params": {}}',
    (
        '{"apiVersion": "1.0", "method": "events:notify", "params": {"notification": '
        '{"timestamp": "yesterday", "topic": 42, "message": "none"}}}'
    ),
    b"\x00\xff\x00\xff",
)


class RequestError(Exception):
    """A client request answered with an error object."""

    def __init__(self, code: int, detail: str = "", request: Any = None) -> None:
        super().__init__(ERRORS[code] + (f": {detail}" if detail else ""))
        self.code = code
        self.reply = _reply(request)
        self.reply["error"] = {"code": code, "message": str(self)}


def _reply(request: Any) -> dict[str, Any]:
    """The envelope of an answer: the request's ``context`` and ``method`` when it had them."""
    reply: dict[str, Any] = {"apiVersion": "1.0"}
    for name in ("context", "method"):
        value = request.get(name) if isinstance(request, dict) else None
        if isinstance(value, str):
            reply[name] = value
    return reply


def parse_configure(text: str) -> tuple[dict[str, Any], list[str]]:
    """A client's request and its topic filters; ``RequestError`` unless ``events:configure``."""
    try:
        request = json.loads(text)
    except ValueError as err:
        raise RequestError(2101) from err
    if not isinstance(request, dict):
        raise RequestError(2101, "a JSON object is expected")
    if not str(request.get("apiVersion", "")).startswith("1."):
        raise RequestError(2100, request=request)
    if request.get("method") != "events:configure":
        raise RequestError(2102, request=request)
    return request, parse_filters(request)


def parse_filters(request: dict[str, Any]) -> list[str]:
    """The topic filters of an ``events:configure`` request; ``RequestError`` when bad."""
    params = request.get("params")
    if not isinstance(params, dict) or "eventFilterList" not in params:
        raise RequestError(2103, "eventFilterList", request)
    entries = params["eventFilterList"]
    if not isinstance(entries, list) or len(entries) > MAX_FILTERS:
        raise RequestError(2104, "eventFilterList", request)
    filters = []
    for entry in entries:
        topic_filter = entry.get("topicFilter") if isinstance(entry, dict) else None
        if not isinstance(topic_filter, str) or not 0 < len(topic_filter) <= MAX_FILTER_LENGTH:
            raise RequestError(2104, "topicFilter", request)
        filters.append(topic_filter)
    return filters


class Stream:
    """One open websocket: its subscription, its queue and its writer."""

    def __init__(self, camera: Camera, ws: web.WebSocketResponse, request: web.Request) -> None:
        """Wrap an upgraded websocket (``run`` serves it)."""
        self.camera = camera
        self.ws = ws
        self.transport = request.transport
        self.filters: list[str] | None = None
        self.sent = 0
        self._queue: asyncio.Queue[Outgoing] = asyncio.Queue()
        self._malformed = 0

    # ------------------------------------------------------------ subscriber
    def deliver(self, item: Outgoing) -> None:
        """Queue a message (a client that lets ``MAX_QUEUED`` pile up is cut off)."""
        if self._queue.qsize() >= MAX_QUEUED:
            self.drop()
            return
        self._queue.put_nowait(item)

    def drop(self) -> None:
        """Cut the connection without a closing handshake."""
        if self.transport is not None:
            self.transport.close()

    async def close(self) -> None:
        """Close with a closing handshake: the server is going away."""
        await self.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    # --------------------------------------------------------------- serving
    async def run(self) -> None:
        """Read the client's requests while a task writes the queue, until either side ends."""
        hub = self.camera.events
        writer = asyncio.get_running_loop().create_task(self._write())
        hub.attach(self)
        try:
            async for message in self.ws:
                if message.type == WSMsgType.TEXT:
                    self._request(message.data)
        finally:
            hub.detach(self)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer

    def _request(self, text: str) -> None:
        try:
            request, filters = parse_configure(text)
        except RequestError as err:
            self.deliver(err.reply)
            return
        if self.camera.faults.take("events_configure_error", STREAM_PATH) is not None:
            self.deliver(RequestError(1100, request=request).reply)
            return
        reply = _reply(request)
        reply["data"] = {}
        self.deliver(reply)
        self.camera.events.configure(self, filters)

    async def _write(self) -> None:
        faults = self.camera.faults
        while True:
            item = await self._queue.get()
            if isinstance(item, Notification):
                if faults.take("events_malformed", STREAM_PATH) is not None:
                    broken = MALFORMED[self._malformed % len(MALFORMED)]
                    self._malformed += 1
                    await self._send(broken)
                iso = self.camera.config.events_iso or (
                    faults.take("events_iso", STREAM_PATH) is not None
                )
                item = item.message(iso=iso)
            await self._send(json.dumps(item, separators=(",", ":")))

    async def _send(self, data: str | bytes) -> None:
        try:
            if isinstance(data, bytes):
                await self.ws.send_bytes(data)
            else:
                await self.ws.send_str(data)
        except (ConnectionError, RuntimeError):  # closing: the reader ends the stream
            return
        self.sent += 1
        faults = self.camera.faults
        for fault in faults.find("events_drop", STREAM_PATH):
            if fault.messages and self.sent >= fault.messages:
                faults.use(fault)
                self.drop()
                return


async def stream(request: web.Request) -> web.StreamResponse:
    """``GET /vapix/ws-data-stream?sources=events&wssession=TOKEN``: the event websocket."""
    started = time.perf_counter()
    camera = request.app[CAMERA_KEY]
    faults = camera.faults
    if faults.take("events_unsupported", request.path) is not None:
        return web.Response(status=404, text="404 Not Found\n")
    if "events" not in request.query.get("sources", "").split(","):
        return web.Response(status=400, text="400 Bad Request: sources=events is required\n")
    # The client's pings are answered (autoping). The server sends none of its own: aiohttp
    # re-arms its heartbeat timer when a close from another task wakes the reader, and the
    # timer then outlives the stream (Home Assistant's tests fail on such a lingering timer).
    ws = web.WebSocketResponse(autoping=True, compress=False, max_msg_size=MAX_MESSAGE, timeout=2.0)
    if not ws.can_prepare(request).ok:
        return web.Response(status=400, text="400 Bad Request: websocket upgrade expected\n")
    refused = faults.take("events_token_refused", request.path) is not None
    if not camera.events.redeem(request.query.get("wssession", "")) or refused:
        return web.Response(status=401, text="401 Unauthorized: invalid session token\n")
    await ws.prepare(request)
    log_request(camera, request, 101, time.perf_counter() - started)
    await Stream(camera, ws, request).run()
    return ws


async def _close_streams(app: web.Application) -> None:
    await app[CAMERA_KEY].events.close_all()


def setup(app: web.Application) -> None:
    """Register the stream's route, and the closing of open streams when the server stops."""
    app.router.add_get(STREAM_PATH, stream)
    app.on_shutdown.append(_close_streams)  # type: ignore[arg-type,unused-ignore] # aiosignal's typing
