"""Not tests: a small websocket camera for the event stream's edge cases, and a recorder.

The simulator (``simulator/event_hub.py``) is the camera of the event tests; this one sends what
the simulator never does: hand-written frames, ISO and millisecond timestamps, prefixless
topics, oversize messages, silence, redirects and odd statuses on the upgrade.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from custom_components.axis_edge_storage.vapix.client import VapixClient
from custom_components.axis_edge_storage.vapix.events import (
    EventStream,
    StorageEvent,
    StreamState,
    StreamStatus,
)

TOKEN = "tok-5ecret-0123456789"
#: The client's loggers (the test servers log the URLs they serve, tokens included).
LOGGER = "custom_components.axis_edge_storage.vapix"

Script = Callable[[web.WebSocketResponse, "FakeCamera"], Awaitable[None]]


async def subscribe(
    ws: web.WebSocketResponse, camera: FakeCamera, error: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Read the client's events:configure and answer it: success, or `error` when given."""
    request = await ws.receive_json()
    camera.configures.append(request)
    answer = {"error": error} if error is not None else {"data": {}}
    await ws.send_json(
        {
            "apiVersion": "1.0",
            "context": request["context"],
            "method": "events:configure",
            **answer,
        }
    )
    return dict(request)


async def hold(ws: web.WebSocketResponse) -> None:
    """Keep reading (pings answered, the client's close handled) until the stream ends."""
    async for _msg in ws:
        pass


def notify(topic: str, data: dict[str, Any], **extra: Any) -> str:
    """An events:notify message."""
    notification: dict[str, Any] = {
        "topic": topic,
        "message": {"source": extra.pop("source", {}), "key": {}, "data": data},
        **extra,
    }
    return json.dumps(
        {"apiVersion": "1.0", "method": "events:notify", "params": {"notification": notification}}
    )


@dataclass
class FakeCamera:
    """What the camera answers; what the client asked."""

    script: Script | None = None
    token: str = TOKEN
    token_status: int = 200
    ws_status: int | None = None
    redirect: str | None = None
    token_requests: int = 0
    ws_requests: int = 0
    closes: int = 0
    configures: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    async def wssession(self, _request: web.Request) -> web.StreamResponse:
        self.token_requests += 1
        if self.token_status != 200:
            return web.Response(status=self.token_status)
        return web.Response(text=self.token + "\n")

    async def stream(self, request: web.Request) -> web.StreamResponse:
        self.ws_requests += 1
        if self.redirect is not None:
            raise web.HTTPFound(self.redirect)
        if self.ws_status is not None:
            return web.Response(status=self.ws_status)
        if request.query.get("wssession") != self.token or request.query.get("sources") != (
            "events"
        ):
            return web.Response(status=401)
        ws = web.WebSocketResponse(max_msg_size=8 << 20)
        await ws.prepare(request)
        try:
            if self.script is None:
                await subscribe(ws, self)
                await hold(ws)
            else:
                await self.script(ws, self)
        finally:
            if ws.close_code is not None:
                self.closes += 1
        return ws


@asynccontextmanager
async def serve(camera: FakeCamera) -> AsyncIterator[FakeCamera]:
    """Serve `camera` on 127.0.0.1 (a free port) while the block runs."""
    app = web.Application()
    app.router.add_get("/axis-cgi/wssession.cgi", camera.wssession)
    app.router.add_get("/vapix/ws-data-stream", camera.stream)
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    camera.port = runner.addresses[0][1]
    try:
        yield camera
    finally:
        await runner.cleanup()


@dataclass
class Recorder:
    """The events and states an EventStream reported, and its task."""

    stream: EventStream | None = None
    events: list[StorageEvent] = field(default_factory=list)
    states: list[StreamState] = field(default_factory=list)
    statuses: list[StreamStatus] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    def on_event(self, event: StorageEvent) -> None:
        self.events.append(event)

    def on_state(self, status: StreamStatus) -> None:
        self.states.append(status.state)
        self.statuses.append(status)

    async def wait(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `condition()` holds (or fail after `timeout`)."""
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.01)


def start_stream(client: VapixClient, **options: Any) -> Recorder:
    """An EventStream on `client`, running as a task; fast backoff unless told otherwise."""
    recorder = Recorder()
    options.setdefault("backoff", (0.02, 0.1))
    recorder.stream = EventStream(
        client, on_event=recorder.on_event, on_state=recorder.on_state, **options
    )
    recorder.task = asyncio.get_running_loop().create_task(recorder.stream.run())
    return recorder


async def stream_until(
    session: aiohttp.ClientSession,
    camera: FakeCamera,
    until: Callable[[Recorder, FakeCamera], bool],
    **options: Any,
) -> tuple[Recorder, EventStream]:
    """Serve `camera`, stream from it until `until` holds, then close the stream."""
    async with serve(camera):
        recorder = start_stream(make_client(session, camera.port), **options)
        await recorder.wait(lambda: until(recorder, camera))
        assert recorder.stream is not None
        await recorder.stream.close()
    return recorder, recorder.stream


def make_client(session: aiohttp.ClientSession, port: int, **options: Any) -> VapixClient:
    """A client for the fake camera (or the simulator) on `port`."""
    options.setdefault("username", "root")
    options.setdefault("password", "pass")
    return VapixClient(session, "127.0.0.1", port=port, **options)


def records(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    """The client's log lines at `level`."""
    return [
        r.getMessage() for r in caplog.records if r.levelno == level and r.name.startswith(LOGGER)
    ]


def assert_no_secret(caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
    """Neither the token, nor a URL with one, nor any of `secrets` in the client's logs."""
    ours = [r for r in caplog.records if r.name.startswith(LOGGER)]
    text = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in ours)
    assert "wssession=" not in text
    for secret in (TOKEN, *secrets):
        assert secret not in text
