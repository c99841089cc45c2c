"""The event stream's life against a small websocket camera of its own: refused and malformed
tokens, failing callbacks, cancellation and close in every phase, the backoff and its reset,
missing pongs and broken frames; `VapixClient.ws_connect` on its own (statuses, redirects, no
URL in errors)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from custom_components.axis_edge_storage.vapix.client import VapixClient
from custom_components.axis_edge_storage.vapix.errors import (
    VapixConnectionError,
    VapixForbiddenError,
    VapixHttpError,
    VapixNotSupportedError,
    VapixUnauthorizedError,
)
from custom_components.axis_edge_storage.vapix.events import EventStream, StreamState

from .test_events_fakes import (
    LOGGER,
    TOKEN,
    FakeCamera,
    assert_no_secret,
    hold,
    make_client,
    notify,
    records,
    serve,
    start_stream,
    stream_until,
    subscribe,
)


async def test_refused_token_backs_off_and_warns_once(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, LOGGER)
    camera = FakeCamera(ws_status=401)
    async with serve(camera):
        recorder = start_stream(make_client(session, camera.port), backoff=(0.02, 0.16))
        await recorder.wait(lambda: camera.ws_requests >= 6)
        assert recorder.stream is not None
        await recorder.stream.close()

    assert recorder.states == [StreamState.DISCONNECTED, StreamState.STOPPED]
    assert recorder.stream.status.last_error == "refused token"
    warnings = records(caplog, logging.WARNING)
    assert len(warnings) == 1
    assert "cannot connect (refused token)" in warnings[0]
    delays = [
        float(m.rsplit(" ", 2)[1]) for m in records(caplog, logging.DEBUG) if "next attempt" in m
    ]
    # 0.02 doubling to 0.16, each cut by a jitter of up to a quarter.
    for delay, nominal in zip(delays, [0.02, 0.04, 0.08, 0.16, 0.16], strict=False):
        assert nominal * 0.75 - 1e-3 <= delay <= nominal + 1e-3
    assert_no_secret(caplog, "pass")


@pytest.mark.parametrize(
    ("token", "category"),
    [("", "malformed token"), ("two words", "malformed token"), ("x" * 300, "malformed token")],
)
async def test_a_malformed_token_is_not_used(
    session: aiohttp.ClientSession, token: str, category: str
) -> None:
    camera = FakeCamera(token=token)
    async with serve(camera):
        recorder = start_stream(make_client(session, camera.port))
        await recorder.wait(lambda: camera.token_requests >= 2)
        assert recorder.stream is not None
        await recorder.stream.close()
    assert camera.ws_requests == 0
    assert recorder.stream.status.last_error == category


async def test_a_failing_callback_does_not_stop_the_stream(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    async def script(ws: web.WebSocketResponse, camera: FakeCamera) -> None:
        await subscribe(ws, camera)
        for value in ("1", "0"):
            await ws.send_str(notify("tnsaxis:Storage/Recording", {"recording": value}))
        await hold(ws)

    async with serve(FakeCamera(script=script)) as camera:
        recorder = start_stream(make_client(session, camera.port))
        assert recorder.stream is not None
        seen: list[bool] = []

        def explode(event: object) -> None:
            seen.append(True)
            raise RuntimeError("boom")

        recorder.stream._on_event = explode
        recorder.stream._on_state = explode
        await recorder.wait(lambda: len(seen) == 3)
        await recorder.stream.close()
    assert recorder.stream.status.events == 2
    assert len([r for r in caplog.records if r.exc_info]) == 4  # 3 and STOPPED


async def test_cancellation_closes_the_websocket(session: aiohttp.ClientSession) -> None:
    async with serve(FakeCamera()) as camera:
        recorder = start_stream(make_client(session, camera.port))
        await recorder.wait(lambda: recorder.states == [StreamState.CONNECTED])
        assert recorder.task is not None
        recorder.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await recorder.task
        await recorder.wait(lambda: camera.closes == 1)
    assert recorder.states == [StreamState.CONNECTED, StreamState.STOPPED]


async def test_close_while_waiting_to_retry_returns_at_once(
    session: aiohttp.ClientSession,
) -> None:
    camera = FakeCamera(token_status=500)
    async with serve(camera):
        recorder = start_stream(make_client(session, camera.port), backoff=(60.0, 60.0))
        await recorder.wait(lambda: camera.token_requests == 1 and bool(recorder.states))
        assert recorder.stream is not None
        async with asyncio.timeout(2):
            await recorder.stream.close()
        assert recorder.task is not None
        assert recorder.task.done()
        assert not recorder.task.cancelled()
    assert recorder.states == [StreamState.DISCONNECTED, StreamState.STOPPED]
    assert recorder.stream.status.last_error == "connection failed"


async def test_close_before_and_after_run(session: aiohttp.ClientSession) -> None:
    async with serve(FakeCamera()) as camera:
        recorder = start_stream(make_client(session, camera.port))
        assert recorder.stream is not None
        await recorder.stream.close()  # the task has not started yet
        assert recorder.task is not None
        await asyncio.wait_for(recorder.task, 5)
        await recorder.stream.close()  # again: nothing to do
    assert camera.token_requests == 0
    assert recorder.states == [StreamState.STOPPED]


async def test_close_before_run_starts_and_run_twice(session: aiohttp.ClientSession) -> None:
    states: list[StreamState] = []
    stream = EventStream(
        make_client(session, 9),
        on_event=lambda _e: None,
        on_state=lambda s: states.append(s.state),
    )
    await stream.close()
    assert states == [StreamState.STOPPED]
    await stream.run()  # returns at once: closed
    assert states == [StreamState.STOPPED]

    async with serve(FakeCamera()) as camera:
        recorder = start_stream(make_client(session, camera.port))
        await recorder.wait(lambda: recorder.states == [StreamState.CONNECTED])
        assert recorder.stream is not None
        with pytest.raises(RuntimeError):
            await recorder.stream.run()
        await recorder.stream.close()


def test_arguments_are_checked(session: aiohttp.ClientSession) -> None:
    client = make_client(session, 9)
    options: dict[str, Any]
    for options in (
        {"topics": []},
        {"heartbeat": 0},
        {"receive_timeout": -1},
        {"backoff": (0, 1)},
        {"backoff": (2, 1)},
    ):
        with pytest.raises(ValueError):
            EventStream(client, on_event=print, on_state=print, **options)


# ----------------------------------------------------------------- VapixClient.ws_connect


async def _connect(client: VapixClient) -> aiohttp.ClientWebSocketResponse:
    return await client.ws_connect(
        "vapix/ws-data-stream",
        {"sources": "events", "wssession": TOKEN},
        heartbeat=5,
        receive_timeout=5,
    )


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, VapixUnauthorizedError),
        (403, VapixForbiddenError),
        (404, VapixNotSupportedError),
        (500, VapixHttpError),
        (200, VapixHttpError),
    ],
)
async def test_ws_connect_maps_statuses_without_the_url(
    session: aiohttp.ClientSession, status: int, error: type[Exception]
) -> None:
    async with serve(FakeCamera(ws_status=status)) as camera:
        with pytest.raises(error) as caught:
            await _connect(make_client(session, camera.port))
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    assert TOKEN not in str(caught.value)
    if isinstance(caught.value, VapixHttpError):
        assert caught.value.status == status


async def test_ws_connect_refuses_a_redirect(session: aiohttp.ClientSession) -> None:
    async with serve(FakeCamera()) as target, serve(FakeCamera()) as camera:
        camera.redirect = (
            f"http://127.0.0.1:{target.port}/vapix/ws-data-stream?wssession={TOKEN}&sources=events"
        )
        with pytest.raises(VapixHttpError) as caught:
            await _connect(make_client(session, camera.port))
        await asyncio.sleep(0.05)
    assert caught.value.status == 302
    assert TOKEN not in str(caught.value)
    assert caught.value.__context__ is None


async def test_ws_connect_to_nothing_is_a_connection_error(
    session: aiohttp.ClientSession, unused_tcp_port: int
) -> None:
    with pytest.raises(VapixConnectionError) as caught:
        await _connect(make_client(session, unused_tcp_port))
    assert TOKEN not in str(caught.value)
    assert caught.value.__context__ is None


async def test_a_missing_pong_drops_the_connection(session: aiohttp.ClientSession) -> None:
    async def script(ws: web.WebSocketResponse, camera: FakeCamera) -> None:
        await subscribe(ws, camera)
        if len(camera.configures) == 1:
            await asyncio.sleep(1)  # reads nothing: the client's pings get no pong
        await hold(ws)

    async with serve(FakeCamera(script=script)) as camera:
        recorder = start_stream(make_client(session, camera.port), heartbeat=0.1)
        await recorder.wait(lambda: len(recorder.states) >= 3)
        assert recorder.stream is not None
        await recorder.stream.close()
        await asyncio.sleep(1)  # the first handler ends before the server stops
    assert recorder.states[:3] == [
        StreamState.CONNECTED,
        StreamState.DISCONNECTED,
        StreamState.CONNECTED,
    ]
    assert recorder.stream.status.last_error == "timeout"


async def test_a_broken_frame_drops_the_connection(session: aiohttp.ClientSession) -> None:
    async def script(ws: web.WebSocketResponse, camera: FakeCamera) -> None:
        await subscribe(ws, camera)
        if len(camera.configures) == 1:
            await ws.send_frame(b"\xff\xfe not UTF-8", aiohttp.WSMsgType.TEXT)
        await hold(ws)

    _, stream = await stream_until(
        session, FakeCamera(script=script), lambda r, _: len(r.states) >= 3
    )
    assert stream.status.last_error == "connection lost"
    assert stream.status.reconnects == 1


async def test_a_stream_that_lived_a_while_starts_the_backoff_over(
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from custom_components.axis_edge_storage.vapix import events

    caplog.set_level(logging.DEBUG, LOGGER)

    async def script(ws: web.WebSocketResponse, camera: FakeCamera) -> None:
        await subscribe(ws, camera)
        await asyncio.sleep(0.05)
        await ws.close()

    async def delays(stable_after: float) -> list[float]:
        monkeypatch.setattr(events, "STABLE_AFTER", stable_after)
        caplog.clear()
        _, stream = await stream_until(
            session,
            FakeCamera(script=script),
            lambda _, camera: len(camera.configures) >= 5,
            backoff=(0.01, 0.08),
        )
        assert stream.status.last_error == "closed by the camera"
        return [
            float(m.rsplit(" ", 2)[1])
            for m in records(caplog, logging.DEBUG)
            if "next attempt" in m
        ]

    assert all(d <= 0.01 for d in await delays(0.0))  # each connection lived long enough
    growing = await delays(60.0)
    assert growing[0] <= 0.01
    assert max(growing) > 0.04


async def test_failures_have_short_categories(
    session: aiohttp.ClientSession,
) -> None:
    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.Response(text=TOKEN)

    for status, category in ((403, "forbidden"), (500, "connection failed")):
        camera = FakeCamera(token_status=status)
        async with serve(camera):
            recorder = start_stream(make_client(session, camera.port))
            await recorder.wait(lambda rec=recorder: bool(rec.states))  # type: ignore[misc]
            assert recorder.stream is not None
            await recorder.stream.close()
        assert recorder.stream.status.last_error == category

    camera = FakeCamera()
    camera.wssession = slow  # type: ignore[method-assign]
    async with serve(camera):
        recorder = start_stream(make_client(session, camera.port, request_timeout=0.1))
        await recorder.wait(lambda: bool(recorder.states))
        assert recorder.stream is not None
        async with asyncio.timeout(0.5):  # cancels the token request under way
            await recorder.stream.close()
        await asyncio.sleep(1)
    assert recorder.stream.status.last_error == "timeout"
