"""The event stream's bad requests and injected faults, and its ISO style."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest

from simulator import Simulator
from simulator.events import topic_matches

from . import event_client as ev
from .helpers import ADMIN, make_sim

CONFIGURE = {"apiVersion": "1.0", "context": "c", "method": "events:configure"}


@pytest.mark.parametrize(
    ("request_text", "code", "envelope"),
    [
        ("{not json", 2101, {}),
        ("[1]", 2101, {}),
        (json.dumps({**CONFIGURE, "apiVersion": "2.0"}), 2100, {"context": "c"}),
        (json.dumps({**CONFIGURE, "method": "events:subscribe"}), 2102, {"context": "c"}),
        (json.dumps(CONFIGURE), 2103, {"context": "c"}),
        (json.dumps({**CONFIGURE, "params": {"eventFilterList": [{"topicFilter": 3}]}}), 2104, {}),
    ],
)
async def test_bad_requests_are_answered_with_an_error(
    sim: Simulator,
    session: aiohttp.ClientSession,
    request_text: str,
    code: int,
    envelope: dict[str, str],
) -> None:
    async with ev.connect(session, sim) as ws:
        await ws.send_str(request_text)
        reply = await ev.receive(ws)
        assert reply["apiVersion"] == "1.0"
        assert reply["error"]["code"] == code
        assert isinstance(reply["error"]["message"], str)
        assert "data" not in reply
        for key, value in envelope.items():
            assert reply[key] == value
        if code in (2100, 2102, 2103):
            assert reply["method"] == json.loads(request_text)["method"]
        await ev.assert_quiet(ws, 0.3)  # not subscribed
        assert "data" in await ev.configure(ws, ev.ALL_STORAGE)  # the stream stays usable


async def test_unsupported_camera(sim: Simulator, session: aiohttp.ClientSession) -> None:
    token = await ev.get_token(session, sim)
    await ev.post(session, sim, "/sim/faults", kind="events_unsupported")
    async with session.get(sim.url + ev.TOKEN, auth=ADMIN) as resp:
        assert resp.status == 404
    assert await ev.refused_status(session, sim, token) == 404


async def test_token_refused(sim: Simulator, session: aiohttp.ClientSession) -> None:
    await ev.post(session, sim, "/sim/faults", kind="events_token_refused", count=1)
    assert await ev.refused_status(session, sim, await ev.get_token(session, sim)) == 401
    async with session.ws_connect(ev.stream_url(sim, await ev.get_token(session, sim))):
        pass


async def test_configure_error(sim: Simulator, session: aiohttp.ClientSession) -> None:
    sim.faults.add("events_configure_error", count=1)
    async with ev.connect(session, sim) as ws:
        reply = await ev.configure(ws, ev.ALL_STORAGE, context="x")
        assert reply == {
            "apiVersion": "1.0",
            "context": "x",
            "method": "events:configure",
            "error": {"code": 1100, "message": "Internal Error"},
        }
        await ev.assert_quiet(ws, 0.3)
        assert "data" in await ev.configure(ws, ev.ALL_STORAGE)
        assert await ev.initial_states(ws)


async def test_malformed_messages_among_good_ones(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    async with ev.subscribed(session, sim, [ev.RECORDING]) as ws:
        await ev.post(session, sim, "/sim/faults", kind="events_malformed", count=5)
        broken, good = [], []
        for _ in range(5):
            await ev.post(session, sim, "/sim/recordings/stop")
            await ev.post(session, sim, "/sim/recordings/start")
        while len(good) < 10:
            message = await ws.receive(timeout=3)
            try:
                parsed = json.loads(message.data)
                notification = parsed["params"]["notification"]
                assert isinstance(notification["topic"], str)
                assert isinstance(notification["message"], dict)
            except (ValueError, TypeError, KeyError, AssertionError):
                broken.append(message)
                continue
            good.append(notification["message"]["data"]["recording"])
        assert good == ["0", "1"] * 5
        assert len(broken) == 5
        assert any(m.type == aiohttp.WSMsgType.BINARY for m in broken)


async def test_drop_open_streams_now(sim: Simulator, session: aiohttp.ClientSession) -> None:
    async with ev.subscribed(session, sim) as first, ev.subscribed(session, sim) as second:
        await ev.post(session, sim, "/sim/faults", kind="events_drop", count=1)
        for ws in (first, second):
            assert (await ev.closed(ws)).type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR)
    assert not sim.faults.active()
    async with ev.subscribed(session, sim) as ws:  # the fault is spent
        await ev.post(session, sim, "/sim/recordings/stop")
        assert await ev.next_event(ws) == (ev.RECORDING, None, {"recording": "0"})


async def test_drop_after_some_messages(sim: Simulator, session: aiohttp.ClientSession) -> None:
    sim.faults.add("events_drop", messages=4, count=1)
    async with ev.connect(session, sim) as ws:
        assert "data" in await ev.configure(ws, [ev.RECORDING, ev.DISRUPTION])  # message 1
        assert len([await ev.next_event(ws) for _ in range(3)]) == 3  # messages 2 to 4
        assert (await ev.closed(ws)).type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR)


async def test_iso_style_by_option_and_by_fault(
    sim_media_cache: Path, session: aiohttp.ClientSession, sim: Simulator
) -> None:
    iso_sim = make_sim(sim_media_cache, events_iso=True)
    async with iso_sim.serve(), ev.subscribed(session, iso_sim, [ev.RECORDING]) as ws:
        await ev.post(session, iso_sim, "/sim/recordings/stop")
        message = await ev.receive(ws)
        notification = message["params"]["notification"]
        assert notification["timestamp"].endswith("Z")
        assert notification["message"]["data"] == {"recording": "false"}
    async with ev.subscribed(session, sim, [ev.RECORDING]) as ws:
        sim.faults.add("events_iso", count=1)
        await ev.post(session, sim, "/sim/recordings/stop")
        await ev.post(session, sim, "/sim/recordings/start")
        assert (await ev.next_event(ws))[2] == {"recording": "false"}
        message = await ev.receive(ws)
        assert isinstance(message["params"]["notification"]["timestamp"], int)
        assert message["params"]["notification"]["message"]["data"] == {"recording": "1"}


async def test_stopping_the_simulator_closes_streams(
    sim_media_cache: Path, session: aiohttp.ClientSession
) -> None:
    own = make_sim(sim_media_cache)
    await own.start()
    try:
        async with ev.subscribed(session, own) as ws:
            await own.stop()
            message = await ev.closed(ws)
            assert message.type == aiohttp.WSMsgType.CLOSE
            assert message.data == aiohttp.WSCloseCode.GOING_AWAY
    finally:
        await own.stop()


#: What each topic filter selects of the camera's four topics.
SELECTS: dict[str, set[str]] = {
    "tnsaxis:Storage//.": {ev.RECORDING, ev.DISRUPTION, ev.ALERT},
    "tns1:Device//.": {ev.FAILURE},
    "tnsaxis:Storage/Disruption": {ev.DISRUPTION},
    "Storage/tnsaxis:Alert": {ev.ALERT},
    "tnsaxis:Storage/tns1:Disruption": set(),  # another namespace
    "tnsaxis:Storage": set(),  # the parent alone
    "tnsaxis:Storage/*": {ev.RECORDING, ev.DISRUPTION, ev.ALERT},
    "tns1:Device/*/StorageFailure": {ev.FAILURE},
    "tnsaxis:Storage/Recording|tns1:Device//.": {ev.RECORDING, ev.FAILURE},
    "tnsaxis:Storage//Disruption": set(),  # not a grammar the camera knows
    "": set(),
}


@pytest.mark.parametrize("topic_filter", list(SELECTS))
def test_topic_filters(topic_filter: str) -> None:
    topics = (ev.RECORDING, ev.DISRUPTION, ev.ALERT, ev.FAILURE)
    assert {t for t in topics if topic_matches(topic_filter, t)} == SELECTS[topic_filter]
