"""A small websocket event client for the simulator's event stream tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from simulator import Simulator

from .helpers import ADMIN

TOKEN = "/axis-cgi/wssession.cgi"
STREAM = "/vapix/ws-data-stream"
ALL_STORAGE = ("tnsaxis:Storage//.", "tns1:Device//.")
RECORDING = "tnsaxis:Storage/tnsaxis:Recording"
DISRUPTION = "tnsaxis:Storage/tnsaxis:Disruption"
ALERT = "tnsaxis:Storage/Alert"
FAILURE = "tns1:Device/tnsaxis:HardwareFailure/StorageFailure"
#: Seconds a test waits for a notification (changes are sent at once; the poll takes 0.1 s).
WAIT = 3.0


async def get_token(session: aiohttp.ClientSession, sim: Simulator, auth: Any = ADMIN) -> str:
    """A session token from ``wssession.cgi`` (asserting HTTP 200)."""
    async with session.get(sim.url + TOKEN, auth=auth) as resp:
        text = await resp.text()
        assert resp.status == 200, text
        assert resp.content_type == "text/plain"
    return text


def stream_url(sim: Simulator, token: str) -> str:
    """The event stream's URL for a token."""
    return f"{sim.url.replace('http', 'ws', 1)}{STREAM}?sources=events&wssession={token}"


@asynccontextmanager
async def connect(
    session: aiohttp.ClientSession, sim: Simulator
) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """An upgraded, not yet configured event stream."""
    token = await get_token(session, sim)
    async with session.ws_connect(stream_url(sim, token), heartbeat=15) as ws:
        yield ws


async def configure(
    ws: aiohttp.ClientWebSocketResponse, filters: Iterable[str], context: str = "ctx"
) -> dict[str, Any]:
    """Send ``events:configure`` and return the answer."""
    await ws.send_json(
        {
            "apiVersion": "1.0",
            "context": context,
            "method": "events:configure",
            "params": {"eventFilterList": [{"topicFilter": f} for f in filters]},
        }
    )
    return await receive(ws)


@asynccontextmanager
async def subscribed(
    session: aiohttp.ClientSession, sim: Simulator, filters: Iterable[str] = ALL_STORAGE
) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """A configured event stream, its initial states already read."""
    async with connect(session, sim) as ws:
        assert "data" in await configure(ws, filters)
        await initial_states(ws)
        yield ws


async def receive(ws: aiohttp.ClientWebSocketResponse, timeout: float = WAIT) -> dict[str, Any]:
    """The next message, parsed (it must be a JSON object in a text frame)."""
    message = await ws.receive(timeout=timeout)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    data: dict[str, Any] = json.loads(message.data)
    return data


async def initial_states(ws: aiohttp.ClientWebSocketResponse) -> list[tuple[str, Any, Any]]:
    """Read the notifications that arrive right after a configure (until 0.3 s of quiet)."""
    found = []
    while True:
        try:
            found.append(summary(await receive(ws, timeout=0.3)))
        except TimeoutError:
            return found


def summary(message: dict[str, Any]) -> tuple[str, Any, Any]:
    """A notification as (topic, disk id or None, data)."""
    assert message["method"] == "events:notify", message
    notification = message["params"]["notification"]
    disk = notification["message"]["source"].get("disk_id")
    return notification["topic"], disk, notification["message"]["data"]


async def next_event(
    ws: aiohttp.ClientWebSocketResponse, timeout: float = WAIT
) -> tuple[str, Any, Any]:
    """The next notification as (topic, disk id or None, data)."""
    return summary(await receive(ws, timeout))


async def assert_quiet(ws: aiohttp.ClientWebSocketResponse, seconds: float = 0.4) -> None:
    """Assert that nothing arrives for a while."""
    try:
        message = await ws.receive(timeout=seconds)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected message {message}")


async def post(session: aiohttp.ClientSession, sim: Simulator, path: str, **body: Any) -> Any:
    """POST a control call (asserting success)."""
    async with session.post(sim.url + path, json=body) as resp:
        assert resp.status in (200, 201), await resp.text()
        return await resp.json()


async def closed(ws: aiohttp.ClientWebSocketResponse) -> aiohttp.WSMessage:
    """Wait for the end of a stream (any message left is skipped); returns the last message."""
    while True:
        message = await asyncio.wait_for(ws.receive(), WAIT)
        if message.type in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSED,
            aiohttp.WSMsgType.CLOSING,
            aiohttp.WSMsgType.ERROR,
        ):
            return message


async def refused_status(session: aiohttp.ClientSession, sim: Simulator, token: str) -> int:
    """The HTTP status that refuses the upgrade with ``token`` (failing if it is accepted)."""
    try:
        ws = await session.ws_connect(stream_url(sim, token))
    except aiohttp.WSServerHandshakeError as err:
        return err.status
    await ws.close()
    raise AssertionError("the upgrade was accepted")
