"""Where a coordinator refresh's CPU goes, for the integration benchmark.

Two parts are timed exactly, with the CPU clock of the thread that runs them:

- parsing: every answer the client parses goes through `vapix.body.parse_off_loop` (XML, JSON
  and parameter lines, read into the models); each module's reference to it is wrapped so the
  parse callable it is given is timed, inline on the loop or in the executor;
- entity state writes: each coordinator's `async_update_listeners`, which runs every entity's
  state write (it is synchronous, so the time is all its own).

The rest of the process CPU (HTTP and digest auth in aiohttp and the client, the coordinator,
the loop itself) is what is left. A cProfile, which cannot time awaited work per task either,
says how the rest divides (`report_profile`).
"""

from __future__ import annotations

import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, cast
from unittest.mock import patch

from benchmarks.simproc import ROOT

PACKAGE = "custom_components.axis_edge_storage"


@dataclass
class CpuSplit:
    """CPU seconds spent parsing answers and writing entity states, and how often."""

    parse: float = 0.0
    parses: int = 0
    state_writes: float = 0.0
    listener_calls: int = 0


def _timed_parse_off_loop(original: Any, split: CpuSplit) -> Any:
    async def parse_off_loop(document: Any, parse: Callable[[Any], Any]) -> Any:
        def timed(text: Any) -> Any:
            started = time.thread_time()
            try:
                return parse(text)
            finally:
                split.parse += time.thread_time() - started
                split.parses += 1

        return await original(document, timed)

    return parse_off_loop


def _timed_listeners(original: Callable[[], None], split: CpuSplit) -> Callable[[], None]:
    def async_update_listeners() -> None:
        started = time.thread_time()
        try:
            original()
        finally:
            split.state_writes += time.thread_time() - started
            split.listener_calls += 1

    return async_update_listeners


@contextmanager
def measure_split(coordinators: Sequence[Any]) -> Iterator[CpuSplit]:
    """Time parsing and state writes while the block runs; yield the running totals."""
    split = CpuSplit()
    body = sys.modules[f"{PACKAGE}.vapix.body"]
    original = body.parse_off_loop
    wrapped = _timed_parse_off_loop(original, split)
    with ExitStack() as stack:
        for name, module in list(sys.modules.items()):
            if name.startswith(PACKAGE) and getattr(module, "parse_off_loop", None) is original:
                stack.enter_context(patch.object(module, "parse_off_loop", wrapped))
        for coordinator in coordinators:
            listeners = _timed_listeners(coordinator.async_update_listeners, split)
            stack.enter_context(patch.object(coordinator, "async_update_listeners", listeners))
        yield split


def _package(filename: str) -> str:
    """Where a profiled function lives, coarsely."""
    if filename.startswith(("~", "<")):
        return "built-in (C) functions"
    if "custom_components/axis_edge_storage/vapix/" in filename:
        return "integration: vapix client"
    if "custom_components/axis_edge_storage/" in filename:
        return "integration: HA layer"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    if "/asyncio/" in filename:
        return "asyncio (stdlib)"
    return "stdlib (other)"


# Cumulative times of these functions divide a refresh (under the profiler, which inflates
# Python-heavy work such as parsing more than C-heavy work such as aiohttp's).
_PARTS = (
    ("the client's requests (HTTP, digest auth, body read)", "vapix/client.py", "request"),
    ("parsing (parse_off_loop)", "vapix/body.py", "parse_off_loop"),
    (
        "entity state writes (async_update_listeners)",
        "update_coordinator.py",
        "async_update_listeners",
    ),
)


def report_profile(stats: pstats.Stats, profile_cycles: int, refreshes: int) -> None:
    """Parts of a refresh, own time per package, top functions by own and cumulative time.

    `profile_cycles` 0: the profile is of the timer mode's window (background included).
    """
    raw = cast("dict[tuple[str, int, str], tuple[int, int, float, float, Any]]", stats.stats)  # type: ignore[attr-defined]
    total = sum(row[2] for row in raw.values())
    what = f"{profile_cycles} more cycles" if profile_cycles else "the timer mode's window"
    print(
        f"== cProfile of {what} ({refreshes} refreshes; "
        f"{total * 1000:.0f} ms process CPU, "
        f"{total / refreshes * 1e6:.0f} us per refresh under the profiler)"
    )
    print("  parts of a refresh (cumulative time under the profiler)")
    for title, path, function in _PARTS:
        cumulative = sum(
            row[3] for (f, _, n), row in raw.items() if n == function and f.endswith(path)
        )
        print(f"    {cumulative / total * 100:5.1f} %  {title}")
    by_package: defaultdict[str, float] = defaultdict(float)
    for (filename, _, _), row in raw.items():
        by_package[_package(filename)] += row[2]
    print("  own time by package")
    for name, seconds in sorted(by_package.items(), key=lambda item: -item[1]):
        print(f"    {seconds / total * 100:5.1f} %  {name}")
    for key, title in (("tottime", "own"), ("cumtime", "cumulative")):
        print(f"  top 10 by {title} time")
        ranked = sorted(
            raw.items(), key=lambda item: item[1][2 if key == "tottime" else 3], reverse=True
        )[:10]
        for (filename, line, name), (_, calls, own, cumulative, _) in ranked:
            where = filename.split("site-packages/")[-1].removeprefix(f"{ROOT}/")
            print(
                f"    {own * 1000:8.1f} ms own {cumulative * 1000:8.1f} ms cum {calls:7d} calls"
                f"  {where}:{line}({name})"
            )
