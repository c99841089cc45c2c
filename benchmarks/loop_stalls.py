"""A watch on the event loop: how late a task that sleeps in short steps wakes up.

Used by the integration and export benchmarks to find the longest stall of Home Assistant's
loop during a phase (setup, refresh cycles, an export). The time CPython's garbage collector
took within each sleep is taken apart: a full collection walks every object of the process, so
its pause is the size of Home Assistant's whole heap, not of the work that triggered it.
"""

from __future__ import annotations

import asyncio
import gc
import time
from contextlib import suppress
from dataclasses import dataclass, field, replace


@dataclass(frozen=True, slots=True)
class Stall:
    """What the stall monitor saw over a phase."""

    worst: float = 0.0  # the largest lateness of a wakeup (s, wall clock)
    worst_cpu: float = 0.0  # CPU time the loop's thread spent within that late sleep (s)
    wakeups: int = 0
    over_50ms: int = 0
    worst_without_gc: float = 0.0  # the largest lateness less the collections within it (s)
    longest_gc: float = 0.0  # the longest garbage collection (s)
    longest_gc_generation: int = -1
    objects: int = 0  # objects the collector tracked after it


class _Collections:
    """The garbage collector's pauses, through `gc.callbacks`."""

    def __init__(self) -> None:
        self.seconds = 0.0  # all collections so far
        self.longest = 0.0
        self.generation = -1
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        took = time.perf_counter() - self._started
        self.seconds += took
        if took > self.longest:
            self.longest, self.generation = took, info["generation"]

    def take(self) -> tuple[float, int]:
        longest, generation = self.longest, self.generation
        self.longest, self.generation = 0.0, -1
        return longest, generation


@dataclass
class StallMonitor:
    """Sleeps in short steps on the loop and records how late it wakes up.

    Lateness is wall-clock time, so it also counts time the OS gave the CPU to other processes;
    the CPU time the loop's thread used within the worst sleep tells the two apart.
    """

    step: float = 0.005
    _stall: Stall = field(default_factory=Stall)
    _task: asyncio.Task[None] | None = field(default=None, repr=False)
    _collections: _Collections = field(default_factory=_Collections, repr=False)

    def start(self) -> None:
        """Start watching the running loop."""
        gc.callbacks.append(self._collections)
        self._task = asyncio.get_running_loop().create_task(self._watch())

    async def stop(self) -> None:
        """Stop watching."""
        if self._collections in gc.callbacks:
            gc.callbacks.remove(self._collections)
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task

    def take(self) -> Stall:
        """What was seen since the last take."""
        longest, generation = self._collections.take()
        stall, self._stall = self._stall, Stall()
        return replace(
            stall,
            longest_gc=longest,
            longest_gc_generation=generation,
            objects=len(gc.get_objects()) if generation == 2 else 0,
        )

    async def _watch(self) -> None:
        while True:
            before, cpu_before = time.perf_counter(), time.thread_time()
            collected = self._collections.seconds
            await asyncio.sleep(self.step)
            late = time.perf_counter() - before - self.step
            cpu = time.thread_time() - cpu_before
            without_gc = late - (self._collections.seconds - collected)
            seen = self._stall
            worst = late > seen.worst
            self._stall = Stall(
                worst=late if worst else seen.worst,
                worst_cpu=cpu if worst else seen.worst_cpu,
                wakeups=seen.wakeups + 1,
                over_50ms=seen.over_50ms + (late > 0.05),
                worst_without_gc=max(seen.worst_without_gc, without_gc),
            )
