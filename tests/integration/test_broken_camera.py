"""A broken camera (or a broken proxy in front of it) never slows Home Assistant down.

The simulator answers the disk list with a malformed header block, a malformed chunk, a
300 MiB body of well-formed XML (chunked, and with its length announced), and 0.9 MiB of
thousands of disks (under the answer cap: parsed off the loop, refused as a broken camera). Meanwhile the event
loop is timed (a 10 ms tick; the largest lateness is the longest stall), the process's
resident memory is sampled from another thread, and Home Assistant's own HTTP API is asked to
answer. The camera's entities become unavailable and come back when it answers again.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from simulator import Simulator

from .test_entities import SD, coordinator_of, state_of

MAX_STALL = 0.100  # seconds
MAX_GROWTH = 64 * 2**20  # bytes


def _rss() -> int:
    """The resident set size of this process, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


class _RssSampler(threading.Thread):
    """Samples the resident memory every 5 ms until stopped; keeps the peak."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.baseline = _rss()
        self.peak = self.baseline
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss())

    def stop(self) -> int:
        self._stop.set()
        self.join()
        return self.peak - self.baseline


class _StallMeter:
    """A task that wakes every 10 ms: the longest stretch the event loop's thread spent busy.

    `longest` is the lateness of a wakeup, counted only while the loop's thread used the CPU
    (`time.thread_time`): what the loop ran without letting the meter in. Time the operating
    system gave the CPU to another process (the other test worker, on two cores) is not a stall
    of this loop: the plain lateness is `longest_wall`, reported, not judged. A loop blocked
    without using the CPU (a blocking call) is caught by the test harness itself, which refuses
    blocking calls in the event loop.
    """

    def __init__(self) -> None:
        self.longest = 0.0
        self.longest_wall = 0.0
        self.ticks = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before, cpu_before = loop.time(), time.thread_time()
            await asyncio.sleep(0.01)
            late = loop.time() - before - 0.01
            self.longest_wall = max(self.longest_wall, late)
            self.longest = max(self.longest, min(late, time.thread_time() - cpu_before))
            self.ticks += 1

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("invalid_header", {}),
        ("bad_chunk", {}),
        ("bad_chunk", {"pause": 0.2}),
        ("huge_body", {"mib": 300}),
        ("huge_body", {"mib": 300, "content_length": True}),
        ("huge_body", {"mib": 0.9}),
    ],
    ids=[
        "invalid_header",
        "bad_chunk",
        "bad_chunk_mid_body",
        "huge_body_chunked",
        "huge_body_with_length",
        "under_the_cap",
    ],
)
async def test_broken_answers_never_stall_home_assistant(  # noqa: PLR0917
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sim: Simulator,
    hass_client: ClientSessionGenerator,
    kind: str,
    options: dict[str, object],
) -> None:
    """No stall over 100 ms, under 64 MiB of growth, unavailable entities that recover."""
    entry = init_integration
    coordinator = coordinator_of(entry)
    assert await async_setup_component(hass, "api", {})
    api = await hass_client()
    assert state_of(hass, f"sensor.{SD}_status") == "ok"
    await coordinator.async_refresh()  # warm: every lazy import and cache is made

    sim.faults.add(kind, path="disks/list.cgi", **options)
    sampler = _RssSampler()
    meter = _StallMeter()
    sampler.start()
    meter.start()
    started = time.monotonic()
    answers = 0
    try:
        refresh = hass.async_create_task(coordinator.async_refresh())
        while not refresh.done():
            response = await api.get("/api/")  # Home Assistant keeps answering its own API
            assert response.status == 200
            answers += 1
            await asyncio.sleep(0.02)
        await refresh
        await hass.async_block_till_done()
    finally:
        elapsed = time.monotonic() - started
        await meter.stop()
        growth = sampler.stop()

    assert state_of(hass, f"sensor.{SD}_status") == STATE_UNAVAILABLE
    assert meter.longest < MAX_STALL, (
        f"the loop stalled {meter.longest * 1000:.0f} ms "
        f"({meter.longest_wall * 1000:.0f} ms late by the wall clock)"
    )
    assert growth < MAX_GROWTH, f"the process grew by {growth / 2**20:.1f} MiB"
    assert elapsed < 15, f"the refresh took {elapsed:.1f} s"
    assert answers >= 1

    sim.faults.clear()
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert state_of(hass, f"sensor.{SD}_status") == "ok"
