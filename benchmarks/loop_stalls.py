"""A watch on the event loop: how late a task that sleeps in short steps wakes up.

Used by the integration and export benchmarks to find the longest stall of Home Assistant's
loop during a phase (setup, refresh cycles, an export).
"""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Stall:
    """What the stall monitor saw over a phase."""

    worst: float = 0.0  # the largest lateness of a wakeup (s, wall clock)
    worst_cpu: float = 0.0  # CPU time the loop's thread spent within that late sleep (s)
    wakeups: int = 0
    over_50ms: int = 0


@dataclass
class StallMonitor:
    """Sleeps in short steps on the loop and records how late it wakes up.

    Lateness is wall-clock time, so it also counts time the OS gave the CPU to other processes;
    the CPU time the loop's thread used within the worst sleep tells the two apart.
    """

    step: float = 0.005
    _stall: Stall = field(default_factory=Stall)
    _task: asyncio.Task[None] | None = field(default=None, repr=False)

    def start(self) -> None:
        """Start watching the running loop."""
        self._task = asyncio.get_running_loop().create_task(self._watch())

    async def stop(self) -> None:
        """Stop watching."""
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task

    def take(self) -> Stall:
        """What was seen since the last take."""
        stall, self._stall = self._stall, Stall()
        return stall

    async def _watch(self) -> None:
        while True:
            before, cpu_before = time.perf_counter(), time.thread_time()
            await asyncio.sleep(self.step)
            late = time.perf_counter() - before - self.step
            cpu = time.thread_time() - cpu_before
            seen = self._stall
            worst = late > seen.worst
            self._stall = Stall(
                worst=late if worst else seen.worst,
                worst_cpu=cpu if worst else seen.worst_cpu,
                wakeups=seen.wakeups + 1,
                over_50ms=seen.over_50ms + (late > 0.05),
            )
