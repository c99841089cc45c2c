"""The event stream against a small websocket camera of its own, for what the simulator never
sends: ISO and millisecond timestamps, prefixless topics, odd booleans, malformed and oversize
messages, silence, redirects and odd statuses on the upgrade."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
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
from custom_components.axis_edge_storage.vapix.events import EventTopic, StreamState

from .test_events_fakes import (
    TOKEN,
    FakeCamera,
    hold,
    make_client,
    notify,
    serve,
    start_stream,
    subscribe,
)

LOGGER = "custom_components.axis_edge_storage.vapix"


def _records(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.levelno == level and r.name.startswith(LOGGER)
    ]


def _no_secret(caplog: pytest.LogCaptureFixture) -> None:
    ours = [r for r in caplog.records if r.name.startswith(LOGGER)]
    text = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in ours)
    assert TOKEN not in text
    assert "wssession=" not in text
    assert "pass" not in text.replace("passed", "")


async def test_shapes_of_notifications_are_read(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, LOGGER)
    messages = [
        notify("tnsaxis:Storage/tnsaxis:Recording", {"recording": "1"}, timestamp=1700000000123),
        notify(
            "tnsaxis:Storage/Disruption",  # without the prefix of the second part
            {"disruption": "true"},
            source={"disk_id": "SD_DISK"},
            timestamp="2024-05-01T10:11:12.5Z",
        ),
        notify(
            "tnsaxis:Storage/tnsaxis:Alert",  # with a prefix the documentation leaves out
            {"alert": True, "wear": 91, "temperature": "330", "overall_health": 1.0},
            source={"disk": "NetworkShare"},  # one source value, under another name
            timestamp="1700000000999",
        ),
        notify(
            "tns1:Device/HardwareFailure/StorageFailure",
            {"disruption": 0, "extra": None, "nested": {"a": 1}},
            source={"disk_id": "SD_DISK", "other": "x"},
            timestamp="2024-05-01T12:00:00+02:00",
        ),
        notify("tns1:Device/tnsaxis:IO/Port", {"state": "1"}),  # not a storage topic
        notify("tnsaxis:Storage/Recording", {"recording": "FALSE"}, timestamp="yesterday"),
        notify("tnsaxis:Storage/Recording", {"recording": "0"}, timestamp=True),
    ]

    async def script(ws: web.WebSocketResponse, camera: FakeCamera) -> None:
        await subscribe(ws, camera)
        for message in messages:
            await ws.send_str(message)
        await hold(ws)

    async with serve(FakeCamera(script=script)) as camera:
        client = make_client(session, camera.port)
        recorder = start_stream(client)
        await recorder.wait(lambda: len(recorder.events) == 6)
        assert recorder.stream is not None
        await recorder.stream.close()
        assert recorder.task is not None
        await asyncio.wait_for(recorder.task, 5)
        assert camera.closes == 1

    recording, disruption, alert, failure, rec_off, rec_off2 = recorder.events
    assert recording.topic is EventTopic.RECORDING
    assert recording.active is True
    assert recording.disk_id is None
    assert recording.timestamp == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)
    assert disruption.topic is EventTopic.DISRUPTION
    assert (disruption.active, disruption.disk_id) == (True, "SD_DISK")
    assert disruption.timestamp == datetime(2024, 5, 1, 10, 11, 12, 500000, tzinfo=UTC)
    assert alert.topic is EventTopic.ALERT
    assert (alert.active, alert.disk_id) == (True, "NetworkShare")
    assert dict(alert.data) == {
        "alert": "true",
        "wear": "91",
        "temperature": "330",
        "overall_health": "1.0",
    }
    assert alert.timestamp == datetime(2023, 11, 14, 22, 13, 20, 999000, tzinfo=UTC)
    assert failure.topic is EventTopic.STORAGE_FAILURE
    assert (failure.active, failure.disk_id) == (False, "SD_DISK")
    assert dict(failure.data) == {"disruption": "0"}
    assert failure.timestamp == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert (rec_off.active, rec_off.timestamp) == (False, None)
    assert (rec_off2.active, rec_off2.timestamp) == (False, None)

    assert recorder.states == [StreamState.CONNECTED, StreamState.STOPPED]
    status = recorder.stream.status
    assert (status.events, status.malformed, status.reconnects) == (6, 0, 0)
    assert status.state is StreamState.STOPPED
    assert status.connected_since is None
    assert status.last_event is not None
    assert status.last_error is None
    assert not _records(caplog, logging.WARNING)
    _no_secret(caplog)
    # The subscription: one filter for the three Storage topics, one for the hardware failure.
    (request,) = camera.configures
    assert request["method"] == "events:configure"
    assert request["params"]["eventFilterList"] == [
        {"topicFilter": "tns1:Device/tnsaxis:HardwareFailure/StorageFailure"},
        {"topicFilter": "tnsaxis:Storage//."},
    ]


async def test_malformed_messages_are_skipped_counted_and_warned_once(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    good = notify("tnsaxis:Storage/Recording", {"recording": "1"})
    bad: list[str | bytes] = [
        "{not json",
        "[1, 2]",
        json.dumps({"method": "events:notify", "params": []}),
        json.dumps({"method": "events:notify", "params": {"notification": "x"}}),
        json.dumps({"method": "events:notify", "params": {"notification": {"topic": 5}}}),
        notify("tnsaxis:Storage/Recording", {"recording": "maybe"}),  # no boolean
        notify("tnsaxis:Storage/Recording", {}),
        json.dumps(
            {
                "method": "events:notify",
                "params": {"notification": {"topic": "tnsaxis:Storage/Recording", "message": 1}},
            }
        ),
        notify("tnsaxis:Storage/Disruption", [1]),  # type: ignore[arg-type]
        "[" * 50_000,  # deep nesting
        "x" * 70_000,  # longer than a notification can be
        b"\x00binary",
    ]

    async def script(ws: web.WebSocketResponse, camera: FakeCamera) -> None:
        await ws.send_str("{before the subscription")  # skipped while waiting for the answer
        await subscribe(ws, camera)
        for message in bad:
            if isinstance(message, bytes):
                await ws.send_bytes(message)
            else:
                await ws.send_str(message)
        await ws.send_str(json.dumps({"method": "events:other", "params": {}}))
        await ws.send_str(good)
        await hold(ws)

    async with serve(FakeCamera(script=script)) as camera:
        recorder = start_stream(make_client(session, camera.port))
        await recorder.wait(lambda: len(recorder.events) == 1)
        assert recorder.stream is not None
        await recorder.stream.close()

    status = recorder.stream.status
    assert status.malformed == len(bad) + 1
    assert status.events == 1
    assert status.last_error == "malformed message"
    assert recorder.states == [StreamState.CONNECTED, StreamState.STOPPED]
    warnings = _records(caplog, logging.WARNING)
    assert len(warnings) == 1
    assert "malformed" in warnings[0]
    assert "{" not in warnings[0]  # the camera's text is not logged
    assert recorder.task is not None
    assert recorder.task.done()


async def test_oversize_message_drops_the_connection_then_it_comes_back(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, LOGGER)

    async def script(ws: web.WebSocketResponse, camera: FakeCamera) -> None:
        await subscribe(ws, camera)
        if len(camera.configures) == 1:
            await ws.send_str("x" * (2 << 20))
        else:
            await ws.send_str(notify("tnsaxis:Storage/Recording", {"recording": "1"}))
        await hold(ws)

    async with serve(FakeCamera(script=script)) as camera:
        recorder = start_stream(make_client(session, camera.port))
        await recorder.wait(lambda: len(recorder.events) == 1)
        assert recorder.stream is not None
        await recorder.stream.close()

    status = recorder.stream.status
    assert recorder.states == [
        StreamState.CONNECTED,
        StreamState.DISCONNECTED,
        StreamState.CONNECTED,
        StreamState.STOPPED,
    ]
    assert (status.reconnects, status.malformed) == (1, 1)
    assert status.last_error == "message too large"
    assert camera.token_requests == 2
    warnings = _records(caplog, logging.WARNING)
    infos = _records(caplog, logging.INFO)
    assert len(warnings) == 2  # the malformed message, the outage
    assert any("lost (message too large)" in w for w in warnings)
    assert infos == [f"Event stream of http://127.0.0.1:{camera.port} is back"]
    _no_secret(caplog)


async def test_a_silent_stream_times_out_and_reconnects(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, LOGGER)

    async def script(ws: web.WebSocketResponse, camera: FakeCamera) -> None:
        await subscribe(ws, camera)
        if len(camera.configures) < 3:
            await hold(ws)  # sends nothing (and the client sends no ping in 30 s)
            return

        async def talk() -> None:  # the third one talks: a message (not storage) every 50 ms
            while True:
                await ws.send_str(notify("tns1:Device/tnsaxis:IO/Port", {"state": "1"}))
                await asyncio.sleep(0.05)

        talking = asyncio.get_running_loop().create_task(talk())
        try:
            await hold(ws)
        finally:
            talking.cancel()

    async with serve(FakeCamera(script=script)) as camera:
        recorder = start_stream(
            make_client(session, camera.port), heartbeat=30, receive_timeout=0.2
        )
        await recorder.wait(lambda: len(camera.configures) == 3)
        await recorder.wait(lambda: recorder.states[-1] is StreamState.CONNECTED)
        await asyncio.sleep(0.5)  # more than the receive timeout: the talking one stays
        assert recorder.stream is not None
        await recorder.stream.close()

    assert recorder.states == [
        StreamState.CONNECTED,
        StreamState.DISCONNECTED,
        StreamState.CONNECTED,
        StreamState.DISCONNECTED,
        StreamState.CONNECTED,
        StreamState.STOPPED,
    ]
    status = recorder.stream.status
    assert status.reconnects == 2
    assert status.last_error == "timeout"
    warnings = _records(caplog, logging.WARNING)
    assert len(warnings) == 2
    assert all("lost (timeout)" in w for w in warnings)
    assert len(_records(caplog, logging.INFO)) == 2


async def test_no_answer_to_the_subscription_is_a_timeout(
    session: aiohttp.ClientSession,
) -> None:
    async def script(ws: web.WebSocketResponse, camera: FakeCamera) -> None:
        camera.configures.append(await ws.receive_json())
        await ws.send_str(notify("tnsaxis:Storage/Recording", {"recording": "1"}))
        await hold(ws)

    async with serve(FakeCamera(script=script)) as camera:
        recorder = start_stream(make_client(session, camera.port), receive_timeout=0.3)
        await recorder.wait(lambda: len(camera.configures) >= 2 and len(recorder.events) >= 2)
        assert recorder.stream is not None
        await recorder.stream.close()

    assert recorder.states[0] is StreamState.DISCONNECTED
    assert StreamState.CONNECTED not in recorder.states
    assert recorder.stream.status.last_error == "timeout"
    assert len(recorder.events) >= 2  # a notification before the answer is still an event


@pytest.mark.parametrize(
    ("where", "status"),
    [("token", 404), ("stream", 404), ("configure", None)],
)
async def test_unsupported_ends_the_stream_with_one_info_line(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture, where: str, status: int | None
) -> None:
    caplog.set_level(logging.INFO, LOGGER)

    async def refuse(ws: web.WebSocketResponse, camera: FakeCamera) -> None:
        request = await ws.receive_json()
        camera.configures.append(request)
        await ws.send_json(
            {
                "apiVersion": "1.0",
                "context": request["context"],
                "method": "events:configure",
                "error": {"code": 1100, "message": "Internal Error"},
            }
        )
        await hold(ws)

    camera = FakeCamera(script=refuse if where == "configure" else None)
    if where == "token":
        camera.token_status = 404
    elif where == "stream":
        camera.ws_status = 404
    async with serve(camera):
        recorder = start_stream(make_client(session, camera.port))
        assert recorder.task is not None
        await asyncio.wait_for(recorder.task, 5)
        await asyncio.sleep(0.2)  # would be time for retries
        assert recorder.stream is not None
        await recorder.stream.close()

    assert recorder.states == [StreamState.UNSUPPORTED]
    assert recorder.stream.status.state is StreamState.UNSUPPORTED
    assert camera.token_requests == 1
    assert camera.ws_requests == (0 if where == "token" else 1)
    assert not _records(caplog, logging.WARNING)
    infos = _records(caplog, logging.INFO)
    reason = {
        "token": "no wssession.cgi",
        "stream": "no event stream",
        "configure": "the subscription was refused: error 1100",
    }[where]
    assert infos == [
        (
            f"http://127.0.0.1:{camera.port} has no websocket events ({reason}); "
            "its storage is polled only"
        )
    ]


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
    warnings = _records(caplog, logging.WARNING)
    assert len(warnings) == 1
    assert "cannot connect (refused token)" in warnings[0]
    delays = [
        float(m.rsplit(" ", 2)[1]) for m in _records(caplog, logging.DEBUG) if "next attempt" in m
    ]
    # 0.02 doubling to 0.16, each cut by a jitter of up to a quarter.
    for delay, nominal in zip(delays, [0.02, 0.04, 0.08, 0.16, 0.16], strict=False):
        assert nominal * 0.75 - 1e-3 <= delay <= nominal + 1e-3
    _no_secret(caplog)


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
    from custom_components.axis_edge_storage.vapix.events import EventStream

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
    from custom_components.axis_edge_storage.vapix.events import EventStream

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

    async with serve(FakeCamera(script=script)) as camera:
        recorder = start_stream(make_client(session, camera.port))
        await recorder.wait(lambda: len(recorder.states) >= 3)
        assert recorder.stream is not None
        await recorder.stream.close()
    assert recorder.stream.status.last_error == "connection lost"
    assert recorder.stream.status.reconnects == 1


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
        async with serve(FakeCamera(script=script)) as camera:
            recorder = start_stream(make_client(session, camera.port), backoff=(0.01, 0.08))
            await recorder.wait(lambda: len(camera.configures) >= 5)
            assert recorder.stream is not None
            await recorder.stream.close()
        assert recorder.stream.status.last_error == "closed by the camera"
        return [
            float(m.rsplit(" ", 2)[1])
            for m in _records(caplog, logging.DEBUG)
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
