"""The recordings calendar, read as the frontend reads it: the REST calendars API, the websocket.

Against the simulator: the events of a day are its recordings of that day; an ongoing recording
ends now; a range with more recordings than one page of record/list.cgi is read page by page;
a camera that cannot list gives a translated error; the state follows the ongoing recordings.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any
from unittest.mock import patch
from urllib.parse import urlencode

import pytest
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.axis_edge_storage.const import DOMAIN
from custom_components.axis_edge_storage.vapix.recordings import DEFAULT_PAGE_SIZE
from simulator import Simulator
from simulator.model import Recording
from tests.conftest import StartSim

from .conftest import SERIAL, setup_camera

LIST_CGI = "/axis-cgi/record/list.cgi"


def calendar_id(hass: HomeAssistant) -> str:
    entity_id = er.async_get(hass).async_get_entity_id("calendar", DOMAIN, f"{SERIAL}_recordings")
    assert entity_id is not None
    return entity_id


async def rest_events(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """GET /api/calendars/<entity_id>?start=&end= as the frontend's calendar panel does."""
    client = await hass_client()
    query = urlencode({"start": start.isoformat(), "end": end.isoformat()})
    resp = await client.get(f"/api/calendars/{calendar_id(hass)}?{query}")
    assert resp.status == HTTPStatus.OK, await resp.text()
    events: list[dict[str, Any]] = await resp.json()
    return events


def overlapping(sim: Simulator, start: datetime, end: datetime) -> dict[str, Recording]:
    """The simulator's recordings that overlap [start, end)."""
    now = sim.clock.now()
    return {
        rec.recordingid: rec
        for rec in sim.state.recordings.values()
        if rec.start < end and (rec.end(now) > start or rec.start >= start)
    }


def expected_summary(rec: Recording) -> str:
    if rec.recordingtype == "continuous":
        return "Continuous recording"
    word = {"motion": "Motion", "audio": "Audio"}.get(rec.eventtrigger, "Event recording")
    return f"{word} (event {rec.eventid})"


def local_day(sim: Simulator, days_before: int) -> tuple[datetime, datetime]:
    """Midnight to midnight, in Home Assistant's time zone, some days before the sim's now."""
    today = dt_util.as_local(sim.clock.now()).date()
    day = today - timedelta(days=days_before)
    start = dt_util.start_of_local_day(day)
    return start, dt_util.start_of_local_day(day + timedelta(days=1))


async def test_events_of_a_day_are_the_recordings(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, start_sim: StartSim
) -> None:
    async with start_sim(history_days=3) as sim:
        await setup_camera(hass, sim)
        start, end = local_day(sim, 2)
        expected = overlapping(sim, start, end)
        assert any(r.recordingtype == "continuous" for r in expected.values())
        assert any(r.recordingtype == "triggered" for r in expected.values())
        sim.request_log.clear()
        events = await rest_events(hass, hass_client, start, end)
        pages = [r for r in sim.request_log if r.path == LIST_CGI]
    assert len(pages) == 1  # one page holds a day
    assert {e["uid"] for e in events} == set(expected)
    assert len(events) == len(expected)
    starts = [dt_util.parse_datetime(e["start"]["dateTime"]) for e in events]
    assert starts == sorted(starts)  # type: ignore[type-var]
    for event in events:
        rec = expected[event["uid"]]
        assert dt_util.parse_datetime(event["start"]["dateTime"]) == rec.start
        assert dt_util.parse_datetime(event["end"]["dateTime"]) == rec.stop
        assert event["summary"] == expected_summary(rec)
        assert event["description"] == f"SD card (SD_DISK), recording {rec.recordingid}"
    assert "Motion (event motion)" in {e["summary"] for e in events}
    # A recording across midnight is an event of both days, with its whole length.
    night = [e for e in events if dt_util.parse_datetime(e["start"]["dateTime"]) < start]  # type: ignore[operator]
    assert all(e["summary"] == "Continuous recording" for e in night)


async def test_ongoing_recording_ends_now(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, sim: Simulator
) -> None:
    await setup_camera(hass, sim)
    now = dt_util.utcnow()
    events = await rest_events(
        hass, hass_client, now - timedelta(hours=6), now + timedelta(hours=1)
    )
    assert {e["uid"] for e in events} == set(sim.state.recordings)
    ongoing = next(r for r in sim.state.recordings.values() if r.ongoing)
    event = next(e for e in events if e["uid"] == ongoing.recordingid)
    end = dt_util.parse_datetime(event["end"]["dateTime"])
    assert end is not None
    assert abs((end - dt_util.utcnow()).total_seconds()) < 5
    assert event["summary"] == "Continuous recording"
    # The audio detection recording (MJPEG) is an event too.
    assert "Audio (event audio detection)" in {e["summary"] for e in events}


async def test_websocket_get_events(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, sim: Simulator
) -> None:
    """The calendar.get_events action through the websocket, as the frontend calls actions."""
    await setup_camera(hass, sim)
    now = dt_util.now()
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "call_service",
            "domain": "calendar",
            "service": "get_events",
            "target": {"entity_id": calendar_id(hass)},
            "service_data": {
                "start_date_time": (now - timedelta(hours=4)).isoformat(),
                "end_date_time": now.isoformat(),
            },
            "return_response": True,
        }
    )
    msg = await client.receive_json()
    assert msg["success"], msg
    events = msg["result"]["response"][calendar_id(hass)]["events"]
    expected = overlapping(sim, now - timedelta(hours=4), now)
    assert len(events) == len(expected) >= 4
    assert {e["summary"] for e in events} >= {"Continuous recording", "Motion (event motion)"}


async def test_more_recordings_than_a_page(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await setup_camera(hass, sim)
    day_start, day_end = local_day(sim, 2)  # the factory timeline (the last 4 h) never reaches it
    for minute in range(DEFAULT_PAGE_SIZE + 50):
        at = day_start + timedelta(minutes=5 * minute)
        sim.state.add_recording(
            "SD_DISK",
            at,
            at + timedelta(seconds=40),
            recordingtype="triggered",
            eventid="motion",
            eventtrigger="motion",
        )
    expected = overlapping(sim, day_start, day_end)
    assert len(expected) == DEFAULT_PAGE_SIZE + 50
    sim.request_log.clear()
    events = await rest_events(hass, hass_client, day_start, day_end)
    pages = [r for r in sim.request_log if r.path == LIST_CGI]
    assert {e["uid"] for e in events} == set(expected)
    assert len(events) == len(expected)
    assert len(pages) == 2
    assert [p.query["startatresultnumber"] for p in pages] == ["0", str(DEFAULT_PAGE_SIZE)]
    # Bounded: past the cap, the newest are shown and the log says so.
    with (
        patch("custom_components.axis_edge_storage.calendar.MAX_EVENTS", 30),
        caplog.at_level(logging.WARNING),
    ):
        events = await rest_events(hass, hass_client, day_start, day_end)
    assert len(events) == 30
    newest = sorted(expected.values(), key=lambda r: r.start)[-30:]
    assert {e["uid"] for e in events} == {r.recordingid for r in newest}
    assert "more than 30 recordings" in caplog.text


async def test_camera_error_is_translated(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_ws_client: WebSocketGenerator,
    sim: Simulator,
) -> None:
    await setup_camera(hass, sim)
    ws = await hass_ws_client(hass)  # before the HTTP app is frozen by the first request
    entity_id = calendar_id(hass)
    now = dt_util.now()
    sim.faults.add("device_error", path="record/list.cgi", code=10)
    client = await hass_client()
    query = urlencode({"start": (now - timedelta(hours=1)).isoformat(), "end": now.isoformat()})
    resp = await client.get(f"/api/calendars/{entity_id}?{query}")
    assert resp.status == HTTPStatus.INTERNAL_SERVER_ERROR
    message = (await resp.json())["message"]
    assert message.startswith("Error reading events: The camera refused list_recordings")
    assert "http://" not in message
    await ws.send_json_auto_id(
        {
            "type": "call_service",
            "domain": "calendar",
            "service": "get_events",
            "target": {"entity_id": entity_id},
            "service_data": {"start_date_time": now.isoformat(), "duration": {"hours": 1}},
            "return_response": True,
        }
    )
    msg = await ws.receive_json()
    assert not msg["success"]
    assert msg["error"]["translation_key"] == "device_refused"
    assert msg["error"]["translation_domain"] == DOMAIN
    assert "list_recordings" in msg["error"]["message"]
    sim.faults.clear()
    # Nothing broke: the calendar is there and reads again.
    assert hass.states.get(entity_id).state == STATE_ON  # type: ignore[union-attr]
    assert await rest_events(hass, hass_client, now - timedelta(hours=1), now)


async def test_state_follows_ongoing_recordings(hass: HomeAssistant, sim: Simulator) -> None:
    await setup_camera(hass, sim)
    entity_id = calendar_id(hass)
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.coordinator
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == STATE_ON
    assert state.attributes["message"] == "Continuous recording"
    assert state.attributes["friendly_name"].endswith("Recordings")
    ongoing = next(r for r in sim.state.recordings.values() if r.ongoing)
    assert state.attributes["description"] == (
        f"SD card (SD_DISK), recording {ongoing.recordingid}"
    )
    assert state.attributes["start_time"] == dt_util.as_local(ongoing.start).strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    requests = len(sim.request_log)
    sim.stop_recording(None)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == STATE_OFF
    sim.start_recording("SD_DISK", eventid="motion", recordingtype="triggered")
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == STATE_ON
    assert state.attributes["message"] == "Motion (event motion)"
    # The state costs nothing beyond the coordinator's polls (three requests each).
    assert len(sim.request_log) - requests == 6
