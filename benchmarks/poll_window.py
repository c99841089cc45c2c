"""The integration benchmark's timer mode: the coordinators poll on their own timers.

Every entry is set up with the poll interval under test; the benchmark then only watches for a
number of intervals, as a Home Assistant with that many cameras runs: how much of a core the
process uses, the longest loop stall, the requests per refresh (the simulators' request logs;
one refresh is one disks/list.cgi request) and where the CPU goes (`benchmarks.refresh_split`).
Whether the refreshes are spread over the interval or all due at once is the coordinators'
doing, and shows in the stall.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import aiohttp

from benchmarks.loop_stalls import Stall, StallMonitor
from benchmarks.refresh_split import CpuSplit, measure_split
from benchmarks.simproc import Camera

REFRESH_PATH = "/axis-cgi/disks/list.cgi"


async def sim_requests(
    session: aiohttp.ClientSession, camera: Camera, *, clear: bool
) -> list[dict[str, Any]]:
    """A camera's request log (GET), or clear it (DELETE)."""
    url = f"{camera.url}/sim/requests"
    async with session.request("DELETE" if clear else "GET", url) as response:
        response.raise_for_status()
        body = await response.json()
    return [] if clear else cast("list[dict[str, Any]]", body)


@dataclass
class Window:
    """What the timer mode saw while it watched."""

    interval: float
    seconds: float = 0.0
    cpu: float = 0.0
    quiet_seconds: float = 0.0  # right after the setup, before any timer is due
    quiet_cpu: float = 0.0
    stall: Stall = field(default_factory=Stall)
    split: CpuSplit = field(default_factory=CpuSplit)
    requests: Counter[tuple[str, int]] = field(default_factory=Counter)
    stats: pstats.Stats | None = None  # a cProfile of the whole window, when asked

    @property
    def refreshes(self) -> int:
        """Refreshes seen by the cameras (one disks/list.cgi each)."""
        return sum(count for (path, _), count in self.requests.items() if path == REFRESH_PATH)


async def watch(
    cameras: Sequence[Camera],
    coordinators: Sequence[Any],
    monitor: StallMonitor,
    interval: float,
    intervals: int,
    *,
    profile: bool = False,
) -> Window:
    """Let the coordinators' timers run for `intervals` intervals; measure the process.

    First a quarter interval right after the setup, when no timer is due yet (each is at least
    half an interval after the setup's refresh): the process's background, with the entries
    loaded but not polling.
    """
    window = Window(interval=interval)
    cpu, started = time.process_time(), time.perf_counter()
    await asyncio.sleep(interval / 4)
    window.quiet_cpu = time.process_time() - cpu
    window.quiet_seconds = time.perf_counter() - started
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(sim_requests(session, c, clear=True) for c in cameras))
        monitor.take()
        profiler = cProfile.Profile(time.process_time) if profile else None
        with measure_split(coordinators) as window.split:
            cpu, started = time.process_time(), time.perf_counter()
            if profiler is not None:
                profiler.enable()
            await asyncio.sleep(interval * intervals)
            if profiler is not None:
                profiler.disable()
                window.stats = pstats.Stats(profiler)
            window.cpu = time.process_time() - cpu
            window.seconds = time.perf_counter() - started
        window.stall = monitor.take()
        logs = await asyncio.gather(*(sim_requests(session, c, clear=False) for c in cameras))
    for log in logs:
        window.requests.update((record["path"], int(record["status"])) for record in log)
    return window


def report_window(window: Window, cameras: int, stall: str) -> None:
    """Print what the timer mode measured (`stall`: the stall, formatted by the caller).

    The CPU above the quiet quarter interval's (Home Assistant with the entries loaded, and the
    stall monitor waking every 5 ms) is what the polling costs.
    """
    refreshes = max(window.refreshes, 1)
    split = window.split
    background = window.quiet_cpu / max(window.quiet_seconds, 1e-9)
    polling = window.cpu - background * window.seconds
    rest = polling - split.parse - split.state_writes
    print(
        f"== timer mode: {cameras} cameras polled by their own timers every {window.interval:g} s,"
        f" watched for {window.seconds:.1f} s"
    )
    rows = [
        (
            "CPU",
            (
                f"{polling / window.seconds * 100:.2f} % of one core for the polling "
                f"({window.cpu / window.seconds * 100:.2f} % in all, "
                f"{background * 100:.2f} % before any poll was due; {window.refreshes} "
                f"refreshes, {polling / refreshes * 1000:.2f} ms each)"
            ),
        ),
        (
            "  of which",
            (
                f"parsing {split.parse / refreshes * 1000:.2f} ms, entity state writes "
                f"{split.state_writes / refreshes * 1000:.2f} ms ({split.listener_calls} listener "
                f"updates), the rest {rest / refreshes * 1000:.2f} ms per refresh"
            ),
        ),
        ("longest loop stall", stall),
        (
            "HTTP requests per refresh",
            f"{sum(window.requests.values()) / refreshes:.2f} (target 3)",
        ),
    ]
    for name, value in rows:
        print(f"  {name:28s} {value}")
    for (path, status), count in sorted(window.requests.items()):
        print(f"  {'':28s}   {count / refreshes:.2f} x {status} {path}")
