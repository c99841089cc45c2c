"""The event stream against a small websocket camera of its own, for what the simulator never
sends: ISO and millisecond timestamps, prefixless topics, odd booleans, malformed and oversize
messages, silence, no answer to the subscription, 404 and configure errors."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web

from custom_components.axis_edge_storage.vapix.events import EventTopic, StreamState

from .test_events_fakes import (
    LOGGER,
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
    assert not records(caplog, logging.WARNING)
    assert_no_secret(caplog, "pass")
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

    recorder, stream = await stream_until(
        session, FakeCamera(script=script), lambda r, _: len(r.events) == 1
    )
    status = stream.status
    assert status.malformed == len(bad) + 1
    assert status.events == 1
    assert status.last_error == "malformed message"
    assert recorder.states == [StreamState.CONNECTED, StreamState.STOPPED]
    warnings = records(caplog, logging.WARNING)
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

    camera = FakeCamera(script=script)
    recorder, stream = await stream_until(session, camera, lambda r, _: len(r.events) == 1)
    status = stream.status
    assert recorder.states == [
        StreamState.CONNECTED,
        StreamState.DISCONNECTED,
        StreamState.CONNECTED,
        StreamState.STOPPED,
    ]
    assert (status.reconnects, status.malformed) == (1, 1)
    assert status.last_error == "message too large"
    assert camera.token_requests == 2
    warnings = records(caplog, logging.WARNING)
    infos = records(caplog, logging.INFO)
    assert len(warnings) == 2  # the malformed message, the outage
    assert any("lost (message too large)" in w for w in warnings)
    assert infos == []  # the outage is one line: its warning
    assert_no_secret(caplog, "pass")


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
    warnings = records(caplog, logging.WARNING)
    assert len(warnings) == 2
    assert all("lost (timeout)" in w for w in warnings)
    assert records(caplog, logging.INFO) == []  # two outages, a warning each


async def test_no_answer_to_the_subscription_is_a_timeout(
    session: aiohttp.ClientSession,
) -> None:
    async def script(ws: web.WebSocketResponse, camera: FakeCamera) -> None:
        camera.configures.append(await ws.receive_json())
        await ws.send_str(notify("tnsaxis:Storage/Recording", {"recording": "1"}))
        await hold(ws)

    recorder, stream = await stream_until(
        session,
        FakeCamera(script=script),
        lambda r, camera: len(camera.configures) >= 2 and len(r.events) >= 2,
        receive_timeout=0.3,
    )
    assert recorder.states[0] is StreamState.DISCONNECTED
    assert StreamState.CONNECTED not in recorder.states
    assert stream.status.last_error == "timeout"
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
        await subscribe(ws, camera, error={"code": 1100, "message": "Internal Error"})
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
    assert not records(caplog, logging.WARNING)
    infos = records(caplog, logging.INFO)
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
