"""The integration at scale: N simulated cameras as N config entries in one Home Assistant.

The cameras run in another process (`benchmarks.fleet`), so the CPU time measured here is Home
Assistant's and the integration's only. Home Assistant runs in this process, made like the test
harness makes it (`async_test_home_assistant`, with custom integrations enabled). All entries
are set up together, as Home Assistant does at start, and each must end LOADED. Then every
coordinator refreshes at once (`asyncio.gather` of `async_refresh()`), which is what their timers
do at worst (all due together); one such round is a cycle. Printed, never asserted:

- the wall time of a cycle (median over cycles) and of one device's refresh (median, p95);
- the process CPU time (all threads) during the measured cycles per device refresh;
- the longest event-loop stall: a task sleeps in short steps and records its largest
  lateness, separately while idle, during the setup of the entries and during the cycles;
- HTTP requests per device refresh, as counted by the simulators' request logs;
- where that CPU goes: parsing the answers and writing entity states, each timed exactly, and
  the rest (HTTP, auth, coordinator, loop); see `benchmarks.refresh_split`.

Optionally (``--profile-cycles N``) a cProfile of N more cycles: how the rest divides.

Timer mode (``--timers N --interval S``): no cycles; every entry polls every S seconds on its
own timers, as in a running Home Assistant, and the process is watched for N intervals: share of
a core, longest loop stall, requests per refresh (`benchmarks.poll_window`).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SCAN_INTERVAL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.runner import HassEventLoopPolicy
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)

from benchmarks.hass_harness import home_assistant, quiet_logging
from benchmarks.integration_report import (
    Results,
    gc_text,
    percentile,  # noqa: F401 - bench_jobs imports it here
    report,
    report_setup,
    stall_text,
)
from benchmarks.loop_stalls import StallMonitor
from benchmarks.poll_window import report_window, sim_requests, watch
from benchmarks.refresh_split import measure_split, report_profile
from benchmarks.simproc import Camera, Fleet, fleet

if TYPE_CHECKING:
    from custom_components.axis_edge_storage.coordinator import EdgeStorageCoordinator

# Spelled out rather than imported: the integration is first imported by Home Assistant's loader
# during the measured setup, as it is in a real Home Assistant.
DOMAIN = "axis_edge_storage"
CONF_PROTOCOL = "protocol"
CONF_EVENTS = "events"
# In the cycles mode the coordinators' own timers are pushed out of the way (one hour; the
# interval does not change what a refresh costs), so only the benchmark's refreshes run.
SCAN_INTERVAL = 3600


def entry_for(
    camera: Camera, scan_interval: float = SCAN_INTERVAL, *, events: bool = False
) -> MockConfigEntry:
    """A config entry for one simulated camera (data as the config flow makes it).

    Push (the camera's event stream) is off unless asked: polling alone is what is measured.
    """
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"AXIS P3265-LVE ({camera.serial})",
        unique_id=camera.serial,
        data={
            CONF_HOST: "127.0.0.1",
            CONF_PORT: camera.port,
            CONF_PROTOCOL: "http",
            CONF_VERIFY_SSL: False,
            CONF_USERNAME: "root",
            CONF_PASSWORD: "pass",
        },
        options={CONF_SCAN_INTERVAL: scan_interval, CONF_EVENTS: events},
        version=1,
    )


async def _timed(refresh: Callable[[], Awaitable[None]]) -> float:
    started = time.perf_counter()
    await refresh()
    return time.perf_counter() - started


async def run_cycle(coordinators: Sequence[EdgeStorageCoordinator]) -> tuple[float, list[float]]:
    """Refresh every coordinator at once; the cycle's wall time and each refresh's."""
    started = time.perf_counter()
    latencies = await asyncio.gather(*(_timed(c.async_refresh) for c in coordinators))
    return time.perf_counter() - started, list(latencies)


@dataclass(frozen=True, slots=True)
class Plan:
    """What to run after the setup: cycles (timers pushed out) or the timers themselves."""

    cycles: int = 10
    warmup: int = 2
    profile_cycles: int = 0
    timers: int = 0  # > 0: watch the coordinators' own timers for this many intervals
    interval: float = 30.0


async def bench(
    hass: HomeAssistant, the_fleet: Fleet, plan: Plan
) -> tuple[Results, pstats.Stats | None]:
    """Set up one entry per camera, then run the cycles or watch the timers; the figures."""
    cameras = the_fleet.cameras
    results = Results(cameras=len(cameras), cycles=plan.cycles, load=(os.getloadavg()[0], 0.0))
    monitor = StallMonitor()
    monitor.start()

    cpu = time.process_time()
    await asyncio.sleep(1.0)
    results.idle_cpu = time.process_time() - cpu
    results.idle_stall = monitor.take()

    scan_interval = plan.interval if plan.timers else SCAN_INTERVAL
    entries = [entry_for(camera, scan_interval) for camera in cameras]
    for entry in entries:
        entry.add_to_hass(hass)
    cpu = time.process_time()
    started = time.perf_counter()
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    results.setup_seconds = time.perf_counter() - started
    results.setup_cpu = time.process_time() - cpu
    results.setup_stall = monitor.take()
    not_loaded = [(e.unique_id, e.state) for e in entries if e.state is not ConfigEntryState.LOADED]
    if not_loaded:
        raise RuntimeError(f"entries not loaded: {not_loaded}")
    coordinators = [entry.runtime_data.coordinator for entry in entries]

    stats: pstats.Stats | None = None
    if plan.timers:
        results.window = await watch(
            cameras,
            coordinators,
            monitor,
            plan.interval,
            plan.timers,
            profile=bool(plan.profile_cycles),
        )
        stats = results.window.stats
    else:
        stats = await _cycles(the_fleet, coordinators, results, monitor, plan)
    await monitor.stop()
    results.load = (results.load[0], os.getloadavg()[0])
    await asyncio.gather(*(hass.config_entries.async_unload(e.entry_id) for e in entries))
    return results, stats


async def _cycles(
    the_fleet: Fleet,
    coordinators: Sequence[EdgeStorageCoordinator],
    results: Results,
    monitor: StallMonitor,
    plan: Plan,
) -> pstats.Stats | None:
    """Every coordinator refreshed at once, cycle after cycle; then alone; then profiled."""
    hass = coordinators[0].hass
    cameras = the_fleet.cameras
    for _ in range(plan.warmup):
        await run_cycle(coordinators)
    await hass.async_block_till_done()
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(sim_requests(session, c, clear=True) for c in cameras))
        fleet_cpu = the_fleet.cpu_seconds()
        monitor.take()
        with measure_split(coordinators) as results.split:
            cpu, loop_cpu = time.process_time(), time.thread_time()
            for _ in range(plan.cycles):
                wall, latencies = await run_cycle(coordinators)
                results.cycle_seconds.append(wall)
                results.refresh_seconds.extend(latencies)
                results.failed_refreshes += sum(not c.last_update_success for c in coordinators)
                await hass.async_block_till_done()
        results.cycles_cpu = time.process_time() - cpu
        results.cycles_loop_cpu = time.thread_time() - loop_cpu
        results.cycle_stall = monitor.take()
        fleet_after = the_fleet.cpu_seconds()
        if fleet_cpu is not None and fleet_after is not None:
            results.fleet_cpu = fleet_after - fleet_cpu
        logs = await asyncio.gather(*(sim_requests(session, c, clear=False) for c in cameras))
    for log in logs:
        results.requests_per_camera.append(len(log))
        results.requests.update((record["path"], int(record["status"])) for record in log)

    # For contrast: each device refreshed alone, so nothing queues on the loop before it.
    for coordinator in coordinators:
        results.alone_seconds.append(await _timed(coordinator.async_refresh))
    await hass.async_block_till_done()

    if not plan.profile_cycles:
        return None
    # CPU time, not wall time: a busy machine does not show up as our cost. (Since Python
    # 3.12 cProfile sees every thread, so a per-thread clock would mix threads up.)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(plan.profile_cycles):
        await run_cycle(coordinators)
        await hass.async_block_till_done()
    profiler.disable()
    return pstats.Stats(profiler)


async def run(the_fleet: Fleet, plan: Plan) -> tuple[Results, pstats.Stats | None]:
    """Run the benchmark in one Home Assistant made as the test harness makes it."""
    async with home_assistant() as hass:
        return await bench(hass, the_fleet, plan)


def main() -> None:
    """Start the fleet, run Home Assistant on it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cameras", type=int, default=50)
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured cycles first")
    parser.add_argument(
        "--profile-cycles",
        type=int,
        default=0,
        help="cProfile N more cycles (timer mode: any N > 0 profiles the whole window)",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=30,
        help="poll interval (s): of the timer mode, and for the cycles' CPU share printed",
    )
    parser.add_argument(
        "--timers",
        type=int,
        default=0,
        metavar="N",
        help="timer mode: no cycles; the coordinators poll on their own timers at --interval, "
        "watched for N intervals",
    )
    args = parser.parse_args()
    plan = Plan(args.cycles, args.warmup, args.profile_cycles, args.timers, args.interval)
    quiet_logging()

    with (
        tempfile.TemporaryDirectory(prefix="bench-sim-") as cache,
        fleet(args.cameras, cache_dir=Path(cache)) as the_fleet,
        asyncio.Runner(loop_factory=HassEventLoopPolicy(False).new_event_loop) as runner,
    ):
        results, stats = runner.run(run(the_fleet, plan))
    report_setup(results)
    if results.window is not None:
        stall = f"{stall_text(results.window.stall)}\n{'':31s}{gc_text(results.window.stall)}"
        report_window(results.window, results.cameras, stall)
        if stats is not None:
            report_profile(stats, 0, results.window.refreshes)
    else:
        report(results, args.interval)
        if stats is not None:
            report_profile(stats, args.profile_cycles, args.profile_cycles * args.cameras)


if __name__ == "__main__":
    main()
