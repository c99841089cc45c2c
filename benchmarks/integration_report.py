"""The integration benchmark's figures and how they are printed (cycles mode and setup)."""

from __future__ import annotations

import math
import os
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from benchmarks.loop_stalls import Stall
from benchmarks.poll_window import Window
from benchmarks.refresh_split import CpuSplit


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
    window: Window | None = None  # the timer mode's figures instead of the cycles'
    failed_refreshes: int = 0
    requests: Counter[tuple[str, int]] = field(default_factory=Counter)
    requests_per_camera: list[int] = field(default_factory=list)
    fleet_cpu: float | None = None
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average at start and at end


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def stall_text(stall: Stall) -> str:
    return (
        f"{_ms(stall.worst)} late (the loop's thread ran {_ms(stall.worst_cpu)} CPU in it); "
        f"{stall.wakeups} wakeups, {stall.over_50ms} over 50 ms late"
    )


def gc_text(stall: Stall) -> str:
    """The stall less the garbage collections in it, and the longest collection."""
    if stall.longest_gc_generation < 0:
        return f"no garbage collection; {_ms(stall.worst_without_gc)} without one"
    full = (
        f", a full one over the process's {stall.objects} objects"
        if stall.longest_gc_generation == 2
        else ""
    )
    return (
        f"{_ms(stall.worst_without_gc)} less the garbage collections in it; the longest "
        f"collection {_ms(stall.longest_gc)} (generation {stall.longest_gc_generation}{full})"
    )


def report_setup(results: Results) -> None:
    """Print the machine, the setup of the entries and the loop's stalls while idle and then."""
    print(
        f"== {results.cameras} simulated cameras as {results.cameras} config entries in one "
        "Home Assistant"
    )
    print(
        f"  machine: {os.cpu_count()} CPUs, 1-minute load average {results.load[0]:.2f} "
        f"at start, {results.load[1]:.2f} at end"
    )
    rows = [
        (
            "setup of all entries",
            f"{_ms(results.setup_seconds)} wall, {_ms(results.setup_cpu)} CPU",
        ),
        ("longest loop stall, setup", stall_text(results.setup_stall)),
        ("", gc_text(results.setup_stall)),
        ("longest loop stall, idle", f"{_ms(results.idle_stall.worst)} (1 s before setup)"),
    ]
    for name, value in rows:
        print(f"  {name:28s} {value}")


def report(results: Results, interval: float) -> None:
    """Print the cycles' figures; the CPU share is for each camera polled once per `interval`."""
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
        ("cycle wall time", cycle),
        ("device refresh latency", latency),
        ("device refresh alone", alone),
        ("CPU per device refresh", cpu),
        (
            f"  at a {interval:g} s interval",
            (
                f"{results.cycles_cpu / results.cycles / interval * 100:.2f} % of one core "
                f"({results.cameras} cameras, each refreshed once per interval)"
            ),
        ),
        ("  of which", parts),
    ]
    if results.fleet_cpu is not None:
        fleet_cpu = f"{_ms(results.fleet_cpu / refreshes)} (fleet process, not counted above)"
        rows.append(("simulators' CPU per refresh", fleet_cpu))
    rows += [
        ("longest loop stall, cycles", stall_text(results.cycle_stall)),
        ("", gc_text(results.cycle_stall)),
        ("failed refreshes", str(results.failed_refreshes)),
        ("HTTP requests per refresh", requests),
    ]
    print(
        f"== {results.cycles} measured cycles of {results.cameras} refreshes at once "
        "(the coordinators' own timers pushed out)"
    )
    for name, value in rows:
        print(f"  {name:28s} {value}")
    for (path, status), count in sorted(results.requests.items()):
        print(f"  {'':28s}   {count / refreshes:.2f} x {status} {path}")
