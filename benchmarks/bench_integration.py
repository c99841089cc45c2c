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
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import math
import os
import pstats
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from unittest.mock import patch

import aiohttp
from aiohttp.resolver import AsyncResolver
from homeassistant import loader
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
from homeassistant.helpers import frame
from homeassistant.runner import HassEventLoopPolicy
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_test_home_assistant,
)

from benchmarks.loop_stalls import Stall, StallMonitor
from benchmarks.refresh_split import CpuSplit, measure_split, report_profile
from benchmarks.simproc import Camera, Fleet, fleet

if TYPE_CHECKING:
    from custom_components.axis_edge_storage.coordinator import EdgeStorageCoordinator

# Spelled out rather than imported: the integration is first imported by Home Assistant's loader
# during the measured setup, as it is in a real Home Assistant.
DOMAIN = "axis_edge_storage"
CONF_PROTOCOL = "protocol"
# The coordinators' own timers are pushed out of the way (one hour; the interval does not change
# what a refresh costs), so that only the benchmark's refreshes run and are counted.
SCAN_INTERVAL = 3600


@dataclass
class Results:
    """What one run measured."""

    cameras: int
    cycles: int
    setup_seconds: float = 0.0
    setup_cpu: float = 0.0
    idle_stall: Stall = field(default_factory=Stall)
    idle_cpu: float = 0.0
    setup_stall: Stall = field(default_factory=Stall)
    cycle_stall: Stall = field(default_factory=Stall)
    cycle_seconds: list[float] = field(default_factory=list)
    refresh_seconds: list[float] = field(default_factory=list)
    alone_seconds: list[float] = field(default_factory=list)  # one refresh at a time
    cycles_cpu: float = 0.0
    cycles_loop_cpu: float = 0.0  # of which the event loop's thread
    split: CpuSplit = field(default_factory=CpuSplit)  # of which parsing and state writes
    failed_refreshes: int = 0
    requests: Counter[tuple[str, int]] = field(default_factory=Counter)
    requests_per_camera: list[int] = field(default_factory=list)
    fleet_cpu: float | None = None
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average at start and at end


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def entry_for(camera: Camera) -> MockConfigEntry:
    """A config entry for one simulated camera (data as the config flow makes it)."""
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
        options={CONF_SCAN_INTERVAL: SCAN_INTERVAL},
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


async def _sim_requests(
    session: aiohttp.ClientSession, camera: Camera, *, clear: bool
) -> list[dict[str, Any]]:
    url = f"{camera.url}/sim/requests"
    async with session.request("DELETE" if clear else "GET", url) as response:
        response.raise_for_status()
        body = await response.json()
    return [] if clear else cast("list[dict[str, Any]]", body)


async def bench(
    hass: HomeAssistant, the_fleet: Fleet, cycles: int, warmup: int, profile_cycles: int
) -> tuple[Results, pstats.Stats | None]:
    """Set up one entry per camera, then run the cycles; return the figures."""
    cameras = the_fleet.cameras
    results = Results(cameras=len(cameras), cycles=cycles, load=(os.getloadavg()[0], 0.0))
    monitor = StallMonitor()
    monitor.start()

    cpu = time.process_time()
    await asyncio.sleep(1.0)
    results.idle_cpu = time.process_time() - cpu
    results.idle_stall = monitor.take()

    entries = [entry_for(camera) for camera in cameras]
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

    for _ in range(warmup):
        await run_cycle(coordinators)
    await hass.async_block_till_done()
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(_sim_requests(session, c, clear=True) for c in cameras))
        fleet_cpu = the_fleet.cpu_seconds()
        monitor.take()
        with measure_split(coordinators) as results.split:
            cpu, loop_cpu = time.process_time(), time.thread_time()
            for _ in range(cycles):
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
        logs = await asyncio.gather(*(_sim_requests(session, c, clear=False) for c in cameras))
    for log in logs:
        results.requests_per_camera.append(len(log))
        results.requests.update((record["path"], int(record["status"])) for record in log)

    # For contrast: each device refreshed alone, so nothing queues on the loop before it.
    for coordinator in coordinators:
        results.alone_seconds.append(await _timed(coordinator.async_refresh))
    await hass.async_block_till_done()

    stats: pstats.Stats | None = None
    if profile_cycles:
        # CPU time, not wall time: a busy machine does not show up as our cost. (Since Python
        # 3.12 cProfile sees every thread, so a per-thread clock would mix threads up.)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(profile_cycles):
            await run_cycle(coordinators)
            await hass.async_block_till_done()
        profiler.disable()
        stats = pstats.Stats(profiler)

    await monitor.stop()
    results.load = (results.load[0], os.getloadavg()[0])
    await asyncio.gather(*(hass.config_entries.async_unload(e.entry_id) for e in entries))
    return results, stats


async def run(
    the_fleet: Fleet, cycles: int, warmup: int, profile_cycles: int
) -> tuple[Results, pstats.Stats | None]:
    """One Home Assistant with custom integrations enabled, in a temporary config dir.

    As in the test harness, the shared session resolves names without zeroconf (which would need
    the `network` integration); the cameras are IP addresses, which aiohttp never resolves.
    """
    with (
        tempfile.TemporaryDirectory(prefix="bench-hass-") as config_dir,
        patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            return_value=AsyncResolver(),
        ),
    ):
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            frame.async_setup(hass)
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
            try:
                return await bench(hass, the_fleet, cycles, warmup, profile_cycles)
            finally:
                await hass.async_stop(force=True)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _stall(stall: Stall) -> str:
    return (
        f"{_ms(stall.worst)} late (the loop's thread ran {_ms(stall.worst_cpu)} CPU in it); "
        f"{stall.wakeups} wakeups, {stall.over_50ms} over 50 ms late"
    )


def report(results: Results) -> None:
    """Print the figures."""
    refreshes = results.cameras * results.cycles
    cycles, latencies = results.cycle_seconds, results.refresh_seconds
    # The monitor's own CPU: its idle cost per wakeup times its wakeups during the cycles.
    monitor_cpu = results.idle_cpu / max(results.idle_stall.wakeups, 1)
    monitor_cpu *= results.cycle_stall.wakeups
    total = sum(results.requests.values())
    per_camera = sorted({count / results.cycles for count in results.requests_per_camera})
    cycle = (
        f"{_ms(statistics.median(cycles))} median (min {_ms(min(cycles))}, max {_ms(max(cycles))})"
    )
    latency = (
        f"{_ms(statistics.median(latencies))} median, "
        f"{_ms(percentile(latencies, 0.95))} p95, {_ms(max(latencies))} max"
    )
    alone = f"{_ms(statistics.median(results.alone_seconds))} median (one device at a time)"
    cpu = (
        f"{_ms(results.cycles_cpu / refreshes)} "
        f"({_ms(results.cycles_cpu)} process CPU / {refreshes} refreshes; "
        f"{results.cycles_loop_cpu / max(results.cycles_cpu, 1e-9) * 100:.0f} % in the loop's "
        f"thread; the stall monitor's share about {_ms(monitor_cpu)})"
    )
    split = results.split
    rest = results.cycles_cpu - split.parse - split.state_writes
    parts = (
        f"parsing {_ms(split.parse / refreshes)} ({split.parses / refreshes:.1f} answers), "
        f"entity state writes {_ms(split.state_writes / refreshes)} "
        f"({split.listener_calls} of {refreshes} refreshes updated listeners), "
        f"the rest (HTTP, auth, coordinator, loop) {_ms(rest / refreshes)}"
    )
    requests = (
        f"{total / refreshes:.2f} (simulators' request logs; "
        f"per camera {', '.join(f'{v:g}' for v in per_camera)}; target 3)"
    )
    rows = [
        (
            "setup of all entries",
            f"{_ms(results.setup_seconds)} wall, {_ms(results.setup_cpu)} CPU",
        ),
        ("cycle wall time", cycle),
        ("device refresh latency", latency),
        ("device refresh alone", alone),
        ("CPU per device refresh", cpu),
        ("  of which", parts),
    ]
    if results.fleet_cpu is not None:
        fleet_cpu = f"{_ms(results.fleet_cpu / refreshes)} (fleet process, not counted above)"
        rows.append(("simulators' CPU per refresh", fleet_cpu))
    rows += [
        ("longest loop stall, setup", _stall(results.setup_stall)),
        ("longest loop stall, cycles", _stall(results.cycle_stall)),
        ("longest loop stall, idle", f"{_ms(results.idle_stall.worst)} (1 s before setup)"),
        ("failed refreshes", str(results.failed_refreshes)),
        ("HTTP requests per refresh", requests),
    ]
    print(
        f"== {results.cameras} simulated cameras as {results.cameras} config entries in one "
        f"Home Assistant; {results.cycles} measured cycles of {results.cameras} refreshes"
    )
    print(
        f"  machine: {os.cpu_count()} CPUs, 1-minute load average {results.load[0]:.2f} "
        f"at start, {results.load[1]:.2f} at end"
    )
    for name, value in rows:
        print(f"  {name:28s} {value}")
    for (path, status), count in sorted(results.requests.items()):
        print(f"  {'':28s}   {count / refreshes:.2f} x {status} {path}")


def main() -> None:
    """Start the fleet, run Home Assistant on it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cameras", type=int, default=50)
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured cycles first")
    parser.add_argument("--profile-cycles", type=int, default=0, help="cProfile N more cycles")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # The custom-integration warning is expected here.
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    logging.getLogger("aiohttp_fast_zlib").setLevel(logging.ERROR)

    with (
        tempfile.TemporaryDirectory(prefix="bench-sim-") as cache,
        fleet(args.cameras, cache_dir=Path(cache)) as the_fleet,
        asyncio.Runner(loop_factory=HassEventLoopPolicy(False).new_event_loop) as runner,
    ):
        results, stats = runner.run(run(the_fleet, args.cycles, args.warmup, args.profile_cycles))
    report(results)
    if stats is not None:
        report_profile(stats, args.profile_cycles, args.profile_cycles * args.cameras)


if __name__ == "__main__":
    main()
