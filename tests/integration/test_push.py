"""Push: the camera's event stream updates the entities at once, and polling fills every gap.

Against the simulator's websocket stream (real HTTP and websocket on 127.0.0.1): events shown
before the confirming poll, one coalesced refresh, the slow safety interval while connected,
and the outages (a dropped stream, a reboot, a refused token, malformed messages, a camera
without websocket events), each ending with the entities at the truth and at most one log line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.axis_edge_storage.const import CONF_EVENTS, DOMAIN, PUSH_SAFETY_INTERVAL
from simulator import Simulator

from .conftest import SERIAL, TITLE, entry_data

CAMERA = "axis_p3265_lve_accc8e012345"
EVENTS = f"binary_sensor.{CAMERA}_events"
DISRUPTION = f"binary_sensor.{CAMERA}_sd_card_disruption"
RECORDING = f"binary_sensor.{CAMERA}_recording"
SD_RECORDING = f"binary_sensor.{CAMERA}_sd_card_recording"
SD = "SD_DISK"
LIST = "disks/list.cgi"
TOKEN = "wssession.cgi"
PACKAGE_LOGGER = "custom_components.axis_edge_storage"
STREAM_LOGGERS = {f"{PACKAGE_LOGGER}.vapix.events", f"{PACKAGE_LOGGER}.event_stream"}


async def until(predicate: Callable[[], bool], timeout: float = 10.0) -> float:
    """Wait until `predicate` holds; the seconds it took."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError("timed out")
        await asyncio.sleep(0.01)
    return time.monotonic() - start


def state(hass: HomeAssistant, entity_id: str) -> str | None:
    """An entity's state, None when it does not exist."""
    found = hass.states.get(entity_id)
    return None if found is None else found.state


def requests(sim: Simulator, path: str) -> int:
    """How many requests of a path the simulator answered."""
    return sum(1 for record in sim.request_log if path in record.path)


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The event stream's log lines at INFO and above.

    The coordinator's own lines when the camera cannot be read are Home Assistant's rule
    (log-when-unavailable: once when it fails, once when it is back); `poll_lines` counts them.
    """
    return [
        record.getMessage()
        for record in caplog.records
        if record.name in STREAM_LOGGERS and record.levelno >= logging.INFO
    ]


def poll_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The coordinator's log lines at INFO and above."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == PACKAGE_LOGGER and record.levelno >= logging.INFO
    ]


async def setup(hass: HomeAssistant, sim: Simulator, **options: object) -> MockConfigEntry:
    """The integration on a simulator with options (the event stream on unless they say)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=TITLE,
        unique_id=SERIAL,
        data=entry_data(sim),
        options={CONF_EVENTS: True, **options},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
async def pushed(hass: HomeAssistant, sim: Simulator) -> MockConfigEntry:
    """The integration with its event stream connected, polling hourly."""
    entry = await setup(hass, sim, **{CONF_SCAN_INTERVAL: 3600})
    await until(lambda: state(hass, EVENTS) == "on")
    return entry


async def test_event_shows_before_the_poll_and_one_refresh_confirms(
    hass: HomeAssistant, pushed: MockConfigEntry, sim: Simulator
) -> None:
    """A disk change shows within a second while disks/list takes 2 s; one refresh follows."""
    polls = requests(sim, LIST)
    sim.faults.add("latency", path=LIST, seconds=2.0)
    sim.patch_disk(SD, readonly=True)
    sim.patch_disk(SD, locked=True)
    took = await until(lambda: state(hass, DISRUPTION) == "on")
    assert took < 1.0
    assert requests(sim, LIST) - polls <= 1  # no poll has answered yet
    await asyncio.sleep(3.0)
    await hass.async_block_till_done()
    assert requests(sim, LIST) - polls == 1  # both changes confirmed by one refresh
    disruption = hass.states.get(DISRUPTION)
    assert disruption is not None
    assert sorted(disruption.attributes["reasons"]) == ["locked", "read_only"]


async def test_recording_events(
    hass: HomeAssistant, pushed: MockConfigEntry, sim: Simulator
) -> None:
    """Recording stopped and started show at once, while the poll's answer takes 2 s.

    The event says whether the camera records, not to which disk: the disk's sensor follows
    with the confirming refresh.
    """
    assert state(hass, RECORDING) == "on"
    sim.faults.add("latency", path="record/list.cgi", seconds=2.0)
    sim.stop_recording()
    assert await until(lambda: state(hass, RECORDING) == "off") < 1.0
    assert state(hass, SD_RECORDING) == "off"  # no recording anywhere: none on the card
    await asyncio.sleep(2.5)  # the confirming refresh
    sim.start_recording(SD)
    assert await until(lambda: state(hass, RECORDING) == "on") < 1.0
    assert await until(lambda: state(hass, SD_RECORDING) == "on", timeout=10) > 1.0


async def test_poll_slows_while_connected(
    hass: HomeAssistant, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Connected: the safety interval; dropped: the configured one; back: a refresh."""
    entry = await setup(hass, sim)
    coordinator = entry.runtime_data.coordinator
    await until(lambda: state(hass, EVENTS) == "on")
    assert coordinator.update_interval == PUSH_SAFETY_INTERVAL

    polls = requests(sim, LIST)
    sim.faults.add("events_token_refused", count=1)
    sim.faults.add("events_drop", messages=0, count=1)
    sim.patch_disk(SD, readonly=True)  # the change that cuts the stream: its event is lost
    await until(lambda: state(hass, EVENTS) == "off")
    assert coordinator.update_interval == timedelta(seconds=30)
    await until(lambda: state(hass, EVENTS) == "on", timeout=15)
    assert coordinator.update_interval == PUSH_SAFETY_INTERVAL
    await until(lambda: state(hass, DISRUPTION) == "on")  # the refresh after reconnecting
    assert requests(sim, LIST) > polls
    assert len(lines(caplog)) <= 1, lines(caplog)


async def test_reboot(
    hass: HomeAssistant, pushed: MockConfigEntry, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A reboot cuts the stream; it comes back, a refresh reads what changed meanwhile."""
    caplog.clear()
    status = pushed.runtime_data.events
    sim.reboot(downtime=1.0)
    await until(lambda: state(hass, EVENTS) == "off")
    sim.patch_disk(SD, locked=True)
    await until(lambda: state(hass, EVENTS) == "on", timeout=20)
    await until(lambda: state(hass, DISRUPTION) == "on")
    assert status.stream_status.reconnects == 1
    assert len(lines(caplog)) <= 1, lines(caplog)
    assert len(poll_lines(caplog)) <= 2, poll_lines(caplog)  # unavailable, then back


async def test_malformed_messages_are_skipped(
    hass: HomeAssistant, pushed: MockConfigEntry, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Broken messages around an event: the event shows, the stream stays up."""
    caplog.clear()
    sim.faults.add("events_malformed", count=3)
    sim.patch_disk(SD, readonly=True)
    assert await until(lambda: state(hass, DISRUPTION) == "on") < 1.0
    sim.patch_disk(SD, readonly=False)
    await until(lambda: state(hass, DISRUPTION) == "off")
    stream = pushed.runtime_data.events.stream_status
    assert stream.reconnects == 0
    assert stream.malformed >= 1
    assert len(lines(caplog)) <= 1, lines(caplog)


@pytest.mark.parametrize("fault", ["events_unsupported", "events_configure_error"])
async def test_camera_without_events_polls(
    hass: HomeAssistant,
    sim: Simulator,
    fault: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No websocket events: one info line, no retries, the configured poll, the sensor says so."""
    sim.faults.add(fault)
    entry = await setup(hass, sim)
    await until(lambda: entry.runtime_data.events.stream_status.state.value == "unsupported")
    await asyncio.sleep(2.5)
    assert requests(sim, TOKEN) == 1
    assert entry.runtime_data.coordinator.update_interval == timedelta(seconds=30)
    events = hass.states.get(EVENTS)
    assert events is not None
    assert events.state == "off"
    assert events.attributes["stream"] == "unsupported"
    assert len(lines(caplog)) == 1, lines(caplog)


async def test_refused_token_backs_off(
    hass: HomeAssistant, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A stream that refuses every token: a few attempts with backoff, polling meanwhile."""
    sim.faults.add("events_token_refused")
    entry = await setup(hass, sim)
    await asyncio.sleep(3.5)
    assert 1 <= requests(sim, TOKEN) <= 3  # 1 s, then 2 s, ...
    assert state(hass, EVENTS) == "off"
    assert entry.runtime_data.coordinator.update_interval == timedelta(seconds=30)
    assert len(lines(caplog)) <= 1, lines(caplog)


async def test_events_option_off(hass: HomeAssistant, sim: Simulator) -> None:
    """Events off: no token asked, polling alone, the sensor says off."""
    entry = await setup(hass, sim, events=False)
    await asyncio.sleep(0.5)
    assert requests(sim, TOKEN) == 0
    assert state(hass, EVENTS) == "off"
    assert entry.runtime_data.coordinator.update_interval == timedelta(seconds=30)


async def test_unload_closes_the_stream(
    hass: HomeAssistant, pushed: MockConfigEntry, sim: Simulator
) -> None:
    """Unloading closes the websocket: the camera has no subscriber left, no task lingers."""
    assert sim.events.subscribers
    assert await hass.config_entries.async_unload(pushed.entry_id)
    await hass.async_block_till_done()
    assert pushed.state is ConfigEntryState.NOT_LOADED
    await until(lambda: not sim.events.subscribers)
    assert not [
        task
        for task in asyncio.all_tasks()
        if "events" in task.get_name() and DOMAIN in task.get_name()
    ]


async def test_diagnostics_show_the_stream(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    pushed: MockConfigEntry,
    sim: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The stream's state and counters are in the diagnostics; no token."""
    assert await async_setup_component(hass, "diagnostics", {})
    issued: list[str] = []
    issue_token = sim.events.issue_token

    def _issue() -> str:
        issued.append(issue_token())
        return issued[-1]

    monkeypatch.setattr(sim.events, "issue_token", _issue)
    sim.faults.add("events_drop", messages=0, count=1)
    sim.patch_disk(SD, locked=True)  # cuts the stream; it reconnects with a new token
    await until(lambda: bool(issued) and state(hass, EVENTS) == "on", timeout=15)
    result = await get_diagnostics_for_config_entry(hass, hass_client, pushed)
    stream = result["event_stream"]
    assert stream["state"] == "connected"
    assert stream["reconnects"] == 1
    assert stream["last_error"] == "closed by the camera"
    assert result["update_interval_seconds"] == 3600  # the poll interval, longer than 10 min
    text = json.dumps(result)
    assert issued
    assert all(token not in text for token in issued)
