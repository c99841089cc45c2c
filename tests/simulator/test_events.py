"""The event stream: session tokens, the subscription, and each topic in each situation."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest

from simulator import Simulator

from .event_client import (
    ALERT,
    ALL_STORAGE,
    DISRUPTION,
    FAILURE,
    RECORDING,
    STREAM,
    TOKEN,
    assert_quiet,
    configure,
    connect,
    get_token,
    initial_states,
    next_event,
    post,
    receive,
    refused_status,
    stream_url,
    subscribed,
)
from .helpers import ADMIN, OPERATOR, VIEWER, get_xml
from .test_auth import challenge, digest_header


async def test_every_account_gets_a_token_and_the_log_counts_both(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    tokens = [await get_token(session, sim, auth) for auth in (ADMIN, OPERATOR, VIEWER)]
    assert len(set(tokens)) == 3
    assert all(t.isascii() and t.isalnum() and 8 <= len(t) <= 64 for t in tokens)
    async with session.get(sim.url + TOKEN) as resp:
        assert resp.status == 401
        assert resp.headers.getall("WWW-Authenticate")
    async with session.ws_connect(stream_url(sim, tokens[0])):
        pass
    paths = [(r.path, r.status) for r in sim.request_log]
    assert paths == [(TOKEN, 200)] * 3 + [(TOKEN, 401), (STREAM, 101)]
    assert sim.request_log[-1].query == {"sources": "events", "wssession": "***"}


async def test_a_token_by_digest(sim: Simulator, session: aiohttp.ClientSession) -> None:
    headers = {"Authorization": digest_header(await challenge(session, sim), "GET", TOKEN, 1)}
    async with session.get(sim.url + TOKEN, headers=headers) as resp:
        assert resp.status == 200
        token = await resp.text()
    async with session.ws_connect(stream_url(sim, token)) as ws:
        assert "data" in await configure(ws, ALL_STORAGE)


async def test_client_pings_are_answered(sim: Simulator, session: aiohttp.ClientSession) -> None:
    token = await get_token(session, sim)
    async with session.ws_connect(stream_url(sim, token), heartbeat=0.3) as ws:
        # A missing pong (0.15 s) would end the read with an error; answered pings keep it
        # waiting (aiohttp's read timeout restarts with each pong, hence the outer one).
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.receive(), 1.2)
        assert not ws.closed
        assert "data" in await configure(ws, [RECORDING])


@pytest.mark.parametrize("case", ["unknown", "used", "expired"])
async def test_a_bad_token_is_refused_before_the_upgrade(
    sim: Simulator, session: aiohttp.ClientSession, case: str
) -> None:
    token = "0123456789abcdef" if case == "unknown" else await get_token(session, sim)
    if case == "used":
        async with session.ws_connect(stream_url(sim, token)):
            pass
    if case == "expired":
        sim.advance(16)
    assert await refused_status(session, sim, token) == 401
    assert sim.request_log[-1].status == 401


async def test_a_plain_get_or_other_sources_are_bad_requests(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    token = await get_token(session, sim)
    async with session.get(stream_url(sim, token).replace("ws", "http", 1)) as resp:
        assert resp.status == 400
    url = stream_url(sim, token).replace("sources=events", "sources=video")
    with pytest.raises(aiohttp.WSServerHandshakeError) as err:
        await session.ws_connect(url)
    assert err.value.status == 400
    async with session.ws_connect(stream_url(sim, token)):
        pass  # the token was not spent by the bad requests


async def test_configure_answer_and_the_first_states(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    async with connect(session, sim) as ws:
        reply = await configure(ws, ALL_STORAGE, context="my context")
        assert reply == {
            "apiVersion": "1.0",
            "context": "my context",
            "method": "events:configure",
            "data": {},
        }
        first = await receive(ws)
        assert set(first) == {"apiVersion", "method", "params"}
        notification = first["params"]["notification"]
        assert abs(notification["timestamp"] / 1000 - sim.clock.now().timestamp()) < 5
        assert notification["topic"] == RECORDING
        assert notification["message"] == {"source": {}, "key": {}, "data": {"recording": "1"}}
        assert await initial_states(ws) == [
            (DISRUPTION, "NetworkShare", {"disruption": "1"}),  # no share bound: unmounted
            (DISRUPTION, "SD_DISK", {"disruption": "0"}),
            (FAILURE, "NetworkShare", {"disruption": "0"}),
            (FAILURE, "SD_DISK", {"disruption": "0"}),
        ]


async def test_nothing_before_configure_then_filters(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    async with connect(session, sim) as ws:
        await post(session, sim, "/sim/recordings/stop")
        await assert_quiet(ws)
        assert "data" in await configure(ws, ["tnsaxis:Storage/Disruption"])
        assert {e[0] for e in await initial_states(ws)} == {DISRUPTION}
        await post(session, sim, "/sim/recordings/start")
        await post(session, sim, "/sim/disks/SD_DISK", readonly=True)
        assert await next_event(ws) == (DISRUPTION, "SD_DISK", {"disruption": "1"})
        # A reconfigure replaces the filter: the failure topic only, by its exact name.
        assert "data" in await configure(ws, [FAILURE])
        assert {e[0] for e in await initial_states(ws)} == {FAILURE}
        await post(session, sim, "/sim/disks/SD_DISK", readonly=False)
        await assert_quiet(ws)
        await post(session, sim, "/sim/disks/SD_DISK", status="failed")
        assert await next_event(ws) == (FAILURE, "SD_DISK", {"disruption": "1"})
        assert "data" in await configure(ws, [])
        await post(session, sim, "/sim/disks/SD_DISK", status="OK")
        await assert_quiet(ws)


async def test_recording_follows_the_camera(sim: Simulator, session: aiohttp.ClientSession) -> None:
    async with subscribed(session, sim, [RECORDING]) as ws:
        started = time.perf_counter()
        await post(session, sim, "/sim/recordings/stop")
        assert await next_event(ws) == (RECORDING, None, {"recording": "0"})
        assert time.perf_counter() - started < 2
        await post(session, sim, "/sim/recordings/start", diskid="SD_DISK")
        assert await next_event(ws) == (RECORDING, None, {"recording": "1"})
        # A Python control call publishes as well.
        sim.stop_recording()
        assert await next_event(ws) == (RECORDING, None, {"recording": "0"})
        await post(session, sim, "/sim/recordings/start", diskid="SD_DISK")
        await next_event(ws)
        await post(session, sim, "/sim/disks/SD_DISK", locked=True)  # no longer recording
        assert await next_event(ws) == (RECORDING, None, {"recording": "0"})


DISRUPTIONS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("read-only", {"readonly": True}, {"readonly": False}),
    ("full", {"freesize": 0}, {"freesize": 5_000_000}),
    ("locked", {"locked": True}, {"locked": False}),
    ("unmounted", {"status": "connected"}, {"status": "OK"}),
]


@pytest.mark.parametrize(
    ("name", "broken", "repaired"), DISRUPTIONS, ids=[d[0] for d in DISRUPTIONS]
)
async def test_disruption_in_each_situation(
    sim: Simulator,
    session: aiohttp.ClientSession,
    name: str,
    broken: dict[str, Any],
    repaired: dict[str, Any],
) -> None:
    del name
    async with subscribed(session, sim, ["tnsaxis:Storage/Disruption"]) as ws:
        await post(session, sim, "/sim/disks/SD_DISK", **broken)
        assert await next_event(ws) == (DISRUPTION, "SD_DISK", {"disruption": "1"})
        await post(session, sim, "/sim/disks/SD_DISK", **broken)
        await assert_quiet(ws, 0.3)  # no change, nothing sent
        await post(session, sim, "/sim/disks/SD_DISK", **repaired)
        assert await next_event(ws) == (DISRUPTION, "SD_DISK", {"disruption": "0"})


async def test_disruption_and_failure_through_cgis_and_removal(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    lock = "/axis-cgi/disks/lock.cgi"
    async with subscribed(session, sim, ["tnsaxis:Storage//.", "tns1:Device//."]) as ws:
        await get_xml(session, sim, lock, action="lock", diskid="SD_DISK")
        assert await next_event(ws) == (RECORDING, None, {"recording": "0"})
        assert await next_event(ws) == (DISRUPTION, "SD_DISK", {"disruption": "1"})
        await get_xml(session, sim, lock, action="unlock", diskid="SD_DISK")
        assert await next_event(ws) == (RECORDING, None, {"recording": "1"})
        assert await next_event(ws) == (DISRUPTION, "SD_DISK", {"disruption": "0"})
        # Read/write errors: the disk fails.
        await post(session, sim, "/sim/disks/SD_DISK", status="failed")
        assert [await next_event(ws) for _ in range(3)] == [
            (RECORDING, None, {"recording": "0"}),
            (DISRUPTION, "SD_DISK", {"disruption": "1"}),
            (FAILURE, "SD_DISK", {"disruption": "1"}),
        ]
        async with session.delete(sim.url + "/sim/disks/SD_DISK") as resp:
            assert resp.status == 200
        assert await next_event(ws) == (FAILURE, "SD_DISK", {"disruption": "0"})
        await assert_quiet(ws, 0.3)  # still disrupted: removed
        await post(session, sim, "/sim/disks", diskid="SD_DISK")
        assert await next_event(ws) == (RECORDING, None, {"recording": "1"})
        assert await next_event(ws) == (DISRUPTION, "SD_DISK", {"disruption": "0"})


async def test_unmount_job_ending_with_time_alone(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    async with subscribed(session, sim, [DISRUPTION]) as ws:
        await get_xml(session, sim, "/axis-cgi/disks/mount.cgi", action="unmount", diskid="SD_DISK")
        await assert_quiet(ws, 0.3)  # the job runs
        sim.clock.advance(20)  # no request: the stream's own look at the model finds it
        assert await next_event(ws) == (DISRUPTION, "SD_DISK", {"disruption": "1"})
        await get_xml(session, sim, "/axis-cgi/disks/mount.cgi", action="mount", diskid="SD_DISK")
        await post(session, sim, "/sim/advance", seconds=20)
        assert await next_event(ws) == (DISRUPTION, "SD_DISK", {"disruption": "0"})


async def test_alert_sent_once_on_and_once_off(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    async with subscribed(session, sim, ["tnsaxis:Storage/tnsaxis:Alert"]) as ws:
        await post(session, sim, "/sim/disks/SD_DISK", health={"wear": 50})  # level 50: reached
        on = {"alert": "1", "wear": "50", "temperature": "315", "overall_health": "1"}
        assert await next_event(ws) == (ALERT, "SD_DISK", on)
        await post(session, sim, "/sim/disks/SD_DISK", health={"wear": 70, "temperature": 400})
        await assert_quiet(ws, 0.3)  # still alerting: nothing more
        await post(session, sim, "/sim/disks/SD_DISK", health={"wear": 10})
        await assert_quiet(ws, 0.3)  # the temperature is still too high
        await post(session, sim, "/sim/disks/SD_DISK", health={"temperature": 300})
        off = {"alert": "0", "wear": "10", "temperature": "300", "overall_health": "1"}
        assert await next_event(ws) == (ALERT, "SD_DISK", off)
        await post(session, sim, "/sim/disks/SD_DISK", health={"overallhealth": 0})
        assert (await next_event(ws))[2]["alert"] == "1"
        await post(session, sim, "/sim/disks/SD_DISK", health={"overallhealth": 1})
        assert (await next_event(ws))[2]["alert"] == "0"
        # Lowering the alert level through the CGI raises the alert too.
        await get_xml(
            session,
            sim,
            "/axis-cgi/disks/properties/setdiskalertlevels.cgi",
            schemaversion="1",
            diskid="SD_DISK",
            wear="5",
        )
        assert (await next_event(ws))[2] == {**off, "alert": "1"}
        await post(session, sim, "/sim/disks/SD_DISK", alert_wear=50)  # and the control surface
        assert (await next_event(ws))[2] == off


async def test_reboot_cuts_streams_and_refuses_new_ones_while_down(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    token = await get_token(session, sim)
    async with subscribed(session, sim) as ws:
        await post(session, sim, "/sim/reboot", downtime=30)
        message = await ws.receive(timeout=3)
        assert message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR)
    async with session.get(sim.url + TOKEN, auth=ADMIN) as resp:
        assert resp.status == 503
    assert await refused_status(session, sim, token) == 503
    await post(session, sim, "/sim/advance", seconds=30)
    assert (
        await refused_status(session, sim, token) == 401
    )  # tokens from before the reboot are forgotten
    async with connect(session, sim) as ws:
        assert "data" in await configure(ws, [RECORDING, DISRUPTION])
        assert (await initial_states(ws))[:3] == [
            (RECORDING, None, {"recording": "0"}),
            (DISRUPTION, "NetworkShare", {"disruption": "1"}),
            (DISRUPTION, "SD_DISK", {"disruption": "1"}),  # not mounted again yet
        ]
        await post(session, sim, "/sim/advance", seconds=5)
        assert [await next_event(ws) for _ in range(2)] == [
            (RECORDING, None, {"recording": "1"}),
            (DISRUPTION, "SD_DISK", {"disruption": "0"}),
        ]
