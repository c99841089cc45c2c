"""The event stream against the simulator, real HTTP and websocket on 127.0.0.1: the token, the
subscription, notifications for changes made through the simulator's controls, reconnects after
dropped streams and a reboot, malformed messages, an unsupported camera, a refused subscription,
a refused token and rejected credentials; no secret in any log line."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from custom_components.axis_edge_storage.vapix.client import VapixClient
from custom_components.axis_edge_storage.vapix.errors import (
    VapixCertificateMismatchError,
    VapixConnectionError,
)
from custom_components.axis_edge_storage.vapix.events import (
    EventTopic,
    StorageEvent,
    StreamState,
)
from simulator import Simulator
from tests.conftest import StartSim

from .test_events_fakes import LOGGER, Recorder, make_client, records, start_stream


def _assert_no_secret(caplog: pytest.LogCaptureFixture, sim: Simulator, *secrets: str) -> None:
    text = "\n".join(
        f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records if r.name.startswith(LOGGER)
    )
    assert "wssession=" not in text
    for secret in secrets:
        assert secret not in text
    for token in sim.events._tokens:  # tokens issued and not spent
        assert token not in text


def _latest(recorder: Recorder, topic: EventTopic, disk_id: str | None) -> StorageEvent | None:
    found = [e for e in recorder.events if e.topic is topic and e.disk_id == disk_id]
    return found[-1] if found else None


async def _stop(recorder: Recorder) -> None:
    assert recorder.stream is not None
    await recorder.stream.close()
    assert recorder.task is not None
    assert recorder.task.done()
    assert not recorder.task.cancelled()
    assert recorder.task.exception() is None


async def test_the_camera_s_changes_arrive_as_events(
    sim: Simulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, LOGGER)
    recorder = start_stream(make_client(session, sim.port))
    await recorder.wait(lambda: recorder.states == [StreamState.CONNECTED])
    # A new subscription first gets the state of every stateful event.
    await recorder.wait(lambda: _latest(recorder, EventTopic.RECORDING, None) is not None)
    await recorder.wait(
        lambda: _latest(recorder, EventTopic.STORAGE_FAILURE, "SD_DISK") is not None
    )
    sd = _latest(recorder, EventTopic.DISRUPTION, "SD_DISK")
    assert sd is not None
    assert sd.active is False
    assert sd.timestamp is not None
    assert sd.timestamp.tzinfo is not None
    initial = len(recorder.events)

    sim.patch_disk("SD_DISK", locked=True)
    await recorder.wait(lambda: len(recorder.events) > initial)
    locked = recorder.events[-1]
    assert (locked.topic, locked.disk_id, locked.active) == (
        EventTopic.DISRUPTION,
        "SD_DISK",
        True,
    )
    assert dict(locked.data) == {"disruption": "1"}

    sim.patch_disk("SD_DISK", locked=False)
    await recorder.wait(lambda: recorder.events[-1].active is False)
    assert recorder.events[-1].topic is EventTopic.DISRUPTION

    sim.patch_disk("SD_DISK", status="failed")
    await recorder.wait(
        lambda: (
            (e := _latest(recorder, EventTopic.STORAGE_FAILURE, "SD_DISK")) is not None and e.active
        )
    )
    await _stop(recorder)

    assert recorder.states == [StreamState.CONNECTED, StreamState.STOPPED]
    status = recorder.stream.status if recorder.stream else None
    assert status is not None
    assert status.events == len(recorder.events)
    assert (status.reconnects, status.malformed, status.last_error) == (0, 0, None)
    assert not records(caplog, logging.WARNING)
    _assert_no_secret(caplog, sim, "pass")


async def test_recording_events_in_the_iso_style(
    start_sim: StartSim, session: aiohttp.ClientSession
) -> None:
    async with start_sim(events_iso=True) as sim:
        recorder = start_stream(make_client(session, sim.port))
        await recorder.wait(lambda: _latest(recorder, EventTopic.RECORDING, None) is not None)
        before = _latest(recorder, EventTopic.RECORDING, None)
        assert before is not None
        assert before.timestamp is not None
        sim.stop_recording()
        await recorder.wait(
            lambda: (
                (e := _latest(recorder, EventTopic.RECORDING, None)) is not None and not e.active
            )
        )
        sim.start_recording()
        await recorder.wait(
            lambda: (e := _latest(recorder, EventTopic.RECORDING, None)) is not None and e.active
        )
        event = _latest(recorder, EventTopic.RECORDING, None)
        assert event is not None
        assert dict(event.data) == {"recording": "true"}
        assert event.disk_id is None
        await _stop(recorder)


async def test_only_the_topics_asked_for(sim: Simulator, session: aiohttp.ClientSession) -> None:
    recorder = start_stream(make_client(session, sim.port), topics=[EventTopic.STORAGE_FAILURE])
    await recorder.wait(lambda: bool(recorder.events))
    sim.patch_disk("SD_DISK", locked=True)
    sim.patch_disk("SD_DISK", status="failed")
    await recorder.wait(lambda: recorder.events[-1].active)
    await _stop(recorder)
    assert {e.topic for e in recorder.events} == {EventTopic.STORAGE_FAILURE}


async def test_a_dropped_stream_reconnects_with_one_warning_and_one_info(
    sim: Simulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    recorder = start_stream(make_client(session, sim.port))
    await recorder.wait(lambda: recorder.states == [StreamState.CONNECTED])
    sim.faults.add("events_drop", count=1)  # every open stream cut at the next look
    await recorder.wait(lambda: len(recorder.states) == 3)
    assert recorder.states == [
        StreamState.CONNECTED,
        StreamState.DISCONNECTED,
        StreamState.CONNECTED,
    ]
    # Still subscribed: a change made now arrives.
    count = len(recorder.events)
    sim.patch_disk("SD_DISK", locked=True)
    await recorder.wait(lambda: len(recorder.events) > count and recorder.events[-1].active)
    await _stop(recorder)

    assert recorder.stream is not None
    assert recorder.stream.status.reconnects == 1
    assert recorder.stream.status.last_error is not None
    warnings = records(caplog, logging.WARNING)
    assert len(warnings) == 1
    assert f"Event stream of {sim.url} lost" in warnings[0]
    assert records(caplog, logging.INFO) == []  # the outage is one line: its warning
    _assert_no_secret(caplog, sim, "pass")


async def test_a_stream_cut_after_some_messages(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    sim.faults.add("events_drop", count=2, messages=2)
    recorder = start_stream(make_client(session, sim.port))
    await recorder.wait(
        lambda: recorder.stream is not None and recorder.stream.status.reconnects == 2
    )
    await recorder.wait(lambda: recorder.states[-1] is StreamState.CONNECTED)
    await _stop(recorder)
    assert recorder.states == [
        StreamState.CONNECTED,
        StreamState.DISCONNECTED,
        StreamState.CONNECTED,
        StreamState.DISCONNECTED,
        StreamState.CONNECTED,
        StreamState.STOPPED,
    ]


async def test_a_reboot_cuts_the_stream_and_it_comes_back(
    sim: Simulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    recorder = start_stream(make_client(session, sim.port))
    await recorder.wait(lambda: recorder.states == [StreamState.CONNECTED])
    await recorder.wait(lambda: bool(recorder.events))
    first = len(recorder.events)
    sim.reboot()
    await recorder.wait(
        lambda: recorder.states[-1] is StreamState.CONNECTED and len(recorder.states) == 3
    )
    # The new subscription gets the states again.
    await recorder.wait(lambda: len(recorder.events) >= 2 * first)
    await _stop(recorder)
    assert recorder.stream is not None
    assert recorder.stream.status.reconnects == 1
    assert len(records(caplog, logging.WARNING)) == 1
    assert records(caplog, logging.INFO) == []  # one line per outage: its warning


async def test_malformed_messages_are_skipped(
    sim: Simulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    sim.faults.add("events_malformed", count=5)
    recorder = start_stream(make_client(session, sim.port))
    await recorder.wait(
        lambda: recorder.stream is not None and recorder.stream.status.malformed == 5
    )
    await recorder.wait(
        lambda: _latest(recorder, EventTopic.STORAGE_FAILURE, "SD_DISK") is not None
    )
    await _stop(recorder)
    assert recorder.stream is not None
    status = recorder.stream.status
    assert status.events >= 3  # every notification after a broken message still arrives
    assert status.last_error == "malformed message"
    assert recorder.states == [StreamState.CONNECTED, StreamState.STOPPED]
    warnings = records(caplog, logging.WARNING)
    assert len(warnings) == 1
    assert "malformed" in warnings[0]


@pytest.mark.parametrize("kind", ["events_unsupported", "events_configure_error"])
async def test_an_unsupported_camera_ends_the_stream(
    sim: Simulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    sim.faults.add(kind)
    sim.request_log.clear()
    recorder = start_stream(make_client(session, sim.port))
    assert recorder.task is not None
    await recorder.wait(recorder.task.done)
    assert recorder.task.exception() is None
    assert recorder.states == [StreamState.UNSUPPORTED]
    tokens = [r for r in sim.request_log if r.path.endswith("wssession.cgi") and r.status == 200]
    assert len(tokens) == (0 if kind == "events_unsupported" else 1)
    assert not records(caplog, logging.WARNING)
    reason = (
        "no wssession.cgi"
        if kind == "events_unsupported"
        else ("the subscription was refused: error 1100")
    )
    assert records(caplog, logging.INFO) == [
        f"{sim.url} has no websocket events ({reason}); its storage is polled only"
    ]
    assert recorder.stream is not None
    await recorder.stream.close()  # after run returned: nothing to do
    assert recorder.stream.status.state is StreamState.UNSUPPORTED


async def test_a_refused_token_is_retried(
    sim: Simulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    sim.faults.add("events_token_refused", count=2)
    recorder = start_stream(make_client(session, sim.port))
    await recorder.wait(lambda: StreamState.CONNECTED in recorder.states)
    await _stop(recorder)
    assert recorder.states == [
        StreamState.DISCONNECTED,
        StreamState.CONNECTED,
        StreamState.STOPPED,
    ]
    assert recorder.stream is not None
    assert recorder.stream.status.last_error == "refused token"
    assert recorder.stream.status.reconnects == 0  # the first connection
    warnings = records(caplog, logging.WARNING)
    assert len(warnings) == 1
    assert "cannot connect (refused token)" in warnings[0]
    assert records(caplog, logging.INFO) == []  # the outage is one line: its warning
    _assert_no_secret(caplog, sim, "pass")


async def test_rejected_credentials_back_off(
    sim: Simulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, LOGGER)
    sim.request_log.clear()
    client = make_client(session, sim.port, password="wrong-s3cret")
    recorder = start_stream(client, backoff=(0.05, 0.2))
    await recorder.wait(
        lambda: len([r for r in sim.request_log if r.path.endswith("wssession.cgi")]) >= 8
    )
    await _stop(recorder)
    assert recorder.states == [StreamState.DISCONNECTED, StreamState.STOPPED]
    assert recorder.stream is not None
    assert recorder.stream.status.last_error == "rejected credentials"
    assert len(records(caplog, logging.WARNING)) == 1
    # Never a tight loop: the waits between attempts grow to the cap.
    delays = [
        float(m.rsplit(" ", 2)[1]) for m in records(caplog, logging.DEBUG) if "next attempt" in m
    ]
    assert delays[0] <= 0.05
    assert max(delays) > 0.14
    assert all(d <= 0.2 for d in delays)
    _assert_no_secret(caplog, sim, "wrong-s3cret")


async def test_basic_over_plain_http_is_never_sent(
    start_sim: StartSim, session: aiohttp.ClientSession
) -> None:
    async with start_sim(auth="basic") as sim:
        recorder = start_stream(make_client(session, sim.port))
        await recorder.wait(lambda: bool(recorder.states))
        await _stop(recorder)
        assert recorder.stream is not None
        assert recorder.stream.status.last_error == "authentication refused by the client"
        assert all(r.auth is None for r in sim.request_log)


async def test_events_over_https_with_a_pinned_certificate(
    start_sim: StartSim, session: aiohttp.ClientSession
) -> None:
    async with start_sim(tls=True) as sim:
        pinned = sim.certificate_fingerprint
        assert pinned is not None
        client = make_client(
            session, sim.port, protocol="https", verify_ssl=False, ssl_fingerprint=pinned
        )
        recorder = start_stream(client)
        await recorder.wait(lambda: recorder.states == [StreamState.CONNECTED])
        await recorder.wait(lambda: bool(recorder.events))
        await _stop(recorder)

        # The websocket itself checks the pin: a token fetched with the right one does not
        # open it with another.
        token = (await client.request("GET", "axis-cgi/wssession.cgi")).text.strip()
        other = make_client(
            session, sim.port, protocol="https", verify_ssl=False, ssl_fingerprint="ab" * 32
        )
        with pytest.raises(VapixCertificateMismatchError) as caught:
            await _open_data_stream(other, token)
        assert token not in str(caught.value)
        verified = make_client(session, sim.port, protocol="https", verify_ssl=True)
        with pytest.raises(VapixConnectionError) as failed:
            await _open_data_stream(verified, token)
        assert token not in str(failed.value)
        assert failed.value.__context__ is None


async def _open_data_stream(client: VapixClient, token: str) -> None:
    """Open the event data stream with a token, as the event stream does."""
    await client.ws_connect(
        "vapix/ws-data-stream",
        {"sources": "events", "wssession": token},
        heartbeat=15,
        receive_timeout=60,
    )
