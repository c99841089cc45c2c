"""Push at scale: every camera's event stream says the same thing at once.

A shared NAS that goes away, a power dip: every camera of a site pushes an event in the same
moment. N simulated cameras (`benchmarks.fleet`, another process) as N config entries with
their event streams on, polling hourly; once all streams are connected, the SD card of every
camera is made read-only at once (the simulators' control surface), then writable again. For
each burst: how long until every entity shows it, the longest event-loop stall (and that less
the garbage collections in it) over the burst and its confirming refreshes, and how many
refreshes (disks/list.cgi) the burst cost. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.runner import HassEventLoopPolicy
from homeassistant.setup import async_setup_component

from benchmarks.bench_integration import DOMAIN, entry_for
from benchmarks.hass_harness import home_assistant, quiet_logging
from benchmarks.integration_report import gc_text, stall_text
from benchmarks.loop_stalls import Stall, StallMonitor
from benchmarks.poll_window import REFRESH_PATH, sim_requests
from benchmarks.simproc import Camera, fleet

SETTLE = 4.0  # seconds watched after each burst: the event, then the confirming refresh


def _disruption_sensors(hass: HomeAssistant, cameras: Sequence[Camera]) -> list[str]:
    """Each camera's SD card disruption sensor (found by its unique id)."""
    registry = er.async_get(hass)
    found = [
        registry.async_get_entity_id("binary_sensor", DOMAIN, f"{c.serial}_SD_DISK_disruption")
        for c in cameras
    ]
    if None in found:
        raise RuntimeError("a camera without its disruption sensor")
    return [entity_id for entity_id in found if entity_id is not None]


def _shown(hass: HomeAssistant, sensors: Sequence[str], want: str) -> bool:
    return all((state := hass.states.get(s)) is not None and state.state == want for s in sensors)


async def _burst(
    hass: HomeAssistant,
    session: aiohttp.ClientSession,
    cameras: Sequence[Camera],
    sensors: Sequence[str],
    monitor: StallMonitor,
    readonly: bool,
) -> tuple[float, Stall, int]:
    """Change every camera at once; the time until all show it, the stall, the refreshes."""
    want = "on" if readonly else "off"
    await asyncio.gather(*(sim_requests(session, c, clear=True) for c in cameras))
    monitor.take()
    started = time.perf_counter()

    async def change(camera: Camera) -> None:
        url = f"{camera.url}/sim/disks/SD_DISK"
        async with session.post(url, json={"readonly": readonly}) as response:
            response.raise_for_status()

    await asyncio.gather(*(change(c) for c in cameras))
    while not _shown(hass, sensors, want):
        if time.perf_counter() - started > 30:
            raise RuntimeError("the burst was not shown within 30 s")
        await asyncio.sleep(0.01)
    shown = time.perf_counter() - started
    await asyncio.sleep(SETTLE)
    stall = monitor.take()
    logs = await asyncio.gather(*(sim_requests(session, c, clear=False) for c in cameras))
    refreshes = sum(1 for log in logs for record in log if record["path"] == REFRESH_PATH)
    return shown, stall, refreshes


async def bench(hass: HomeAssistant, cameras: Sequence[Camera], rounds: int) -> None:
    """Set up one entry per camera with events on, wait for the streams, burst, print."""
    entries = [entry_for(camera, 3600, events=True) for camera in cameras]
    for entry in entries:
        entry.add_to_hass(hass)
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    started = time.perf_counter()
    while not all(e.runtime_data.events.stream_status.state.value == "connected" for e in entries):
        if time.perf_counter() - started > 60:
            raise RuntimeError("not every event stream connected within 60 s")
        await asyncio.sleep(0.1)
    sensors = _disruption_sensors(hass, cameras)
    await asyncio.sleep(2.0)  # the refreshes that follow each connection
    monitor = StallMonitor()
    monitor.start()
    print(f"== push burst: {len(cameras)} cameras' SD cards made read-only at once, then writable")
    shown_all: list[float] = []
    async with aiohttp.ClientSession() as session:
        for number in range(rounds):
            for readonly in (True, False):
                shown, stall, refreshes = await _burst(
                    hass, session, cameras, sensors, monitor, readonly
                )
                shown_all.append(shown)
                what = "read-only" if readonly else "writable "
                print(
                    f"  round {number + 1} {what}  all shown in {shown * 1000:6.1f} ms; "
                    f"{refreshes} refreshes in {SETTLE:.0f} s"
                )
                print(f"    longest loop stall {stall_text(stall)}")
                print(f"    {'':19s}{gc_text(stall)}")
    print(f"  all shown: median {statistics.median(shown_all) * 1000:.1f} ms")
    await monitor.stop()
    await asyncio.gather(*(hass.config_entries.async_unload(e.entry_id) for e in entries))


async def run(cameras: Sequence[Camera], rounds: int) -> None:
    """In one Home Assistant made as the test harness makes it."""
    async with home_assistant() as hass:
        await bench(hass, cameras, rounds)


def main() -> None:
    """Start the fleet, run Home Assistant on it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cameras", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    quiet_logging()
    with (
        tempfile.TemporaryDirectory(prefix="bench-sim-") as cache,
        fleet(args.cameras, cache_dir=Path(cache)) as the_fleet,
        asyncio.Runner(loop_factory=HassEventLoopPolicy(False).new_event_loop) as runner,
    ):
        runner.run(run(the_fleet.cameras, args.rounds))


if __name__ == "__main__":
    main()
