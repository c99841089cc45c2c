"""Clip export through the integration against curl on the same simulator URL (issue 4).

One simulator process (heavy media profile, so that a range of about 4.6 minutes is a 1 GiB
export, built once per run and then served with sendfile) and one Home Assistant in this
process, made like the integration benchmark makes it (`async_test_home_assistant`, custom
integrations enabled, the resolver patch), with one config entry for the simulated camera and
``hass.config.media_dirs = {"local": ...}`` in a folder on the same disk as curl's files.

Rounds alternate, in one run, on the same export URL (the one the integration requests,
captured from its client during a warm-up export):

  (a) ``curl --digest -o FILE URL``: the transport and the disk, the headline's reference;
  (b) the ``axis_edge_storage.export_clip`` action (``blocking=True, return_response=True``):
      plans, streams to a ``.part`` file, hashes with SHA-256, fsyncs and renames;
  (c) ``curl -o - URL | sha256sum``: curl with the hash the integration also computes;
  (d) ``curl -o /dev/null URL``: the transport alone;
  (e) ``curl -o FILE URL && sync FILE``: curl with the fsync the integration also does.

Each output is deleted, then every file system is synced (untimed) before the next transfer
starts, so that no transfer pays for the write-back of the one before, nor for the discards of
a deleted file (``discard`` mounts trim at the journal commit); the order of the kinds rotates
each round, so that no kind always follows the same one. No cache is dropped. Printed, never
asserted: median MiB/s of each, the ratios integration / (e) and integration / (c) (bars: >= 1.0
each), the CPU seconds of each per transfer and per GiB, and the peak RSS growth of this process
(Home Assistant's) during each integration export, sampled from /proc/self/status every 20 ms,
over the RSS just before it (bar: < 32 MiB), with ru_maxrss before and after.

Then one more integration export, instrumented, shows where its time goes: planning, waiting
for the network, waiting for room in the pipe (the write or hash thread behind), the write and
hash threads' busy and CPU time, the fsync and rename, the longest event-loop stall; next to the
speed of SHA-256 in one thread of this process at that moment. ``--profile`` adds a cProfile of
one export.

Then, for each ``--bandwidth MBIT`` (default 100 and 1000), a simulator whose export bodies are
paced like a link of that speed (simulator ``--bandwidth``), a new Home Assistant, and (a)
against (b) on a transfer of about ``--paced-seconds`` (bar: integration >= 0.98 x curl). The
last lines say whether each bar holds, with the output of ``uptime`` before and after.

The simulator's cache and every output live in a temporary folder below ``.bench-cache/``
that is removed at the end: the timeline of the simulated camera starts at the simulator's
start, so a 1 GiB export of one run is never requested again by the next.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import hashlib
import os
import pstats
import resource
import shlex
import statistics
import subprocess
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.runner import HassEventLoopPolicy
from homeassistant.setup import async_setup_component
from yarl import URL

from benchmarks.bench_client import GIB, _plan_export
from benchmarks.bench_integration import StallMonitor, entry_for
from benchmarks.hass_harness import home_assistant, quiet_logging
from benchmarks.simproc import ROOT, Camera, simulator

DOMAIN = "axis_edge_storage"
SERVICE = "export_clip"
MIB = 1 << 20
CACHE = ROOT / ".bench-cache"
RSS_INTERVAL = 0.02
CURL = ("curl", "--silent", "--show-error", "--fail", "--digest", "--user", "root:pass")

KINDS: dict[str, str] = {
    "a": "curl -> file",
    "b": "integration export_clip",
    "c": "curl | sha256sum",
    "d": "curl -> /dev/null",
    "e": "curl -> file, then sync FILE",
}


# -- measurements ------------------------------------------------------------------------------


def vm_rss_kib() -> int:
    """This process's resident set size now (VmRSS, KiB)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def max_rss_kib() -> int:
    """This process's peak resident set size so far (ru_maxrss, KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def children_cpu() -> float:
    """User + system CPU seconds of the children waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class RssSampler:
    """Samples VmRSS in a thread every `interval` seconds; `peak` - `before` is the growth."""

    def __init__(self, interval: float = RSS_INTERVAL) -> None:
        """Prepare; sampling starts on entering the context."""
        self.interval = interval
        self.before = 0
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> RssSampler:
        """Take the RSS before, then sample until the exit."""
        self.before = self.peak = vm_rss_kib()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop sampling (one last sample)."""
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            stopping = self._stop.wait(self.interval)
            self.peak = max(self.peak, vm_rss_kib())
            self.samples += 1
            if stopping:
                return

    @property
    def growth_kib(self) -> int:
        """Peak minus the RSS just before."""
        return max(0, self.peak - self.before)


@dataclass(frozen=True, slots=True)
class Sample:
    """One transfer: bytes, wall seconds, CPU seconds and, for the integration, its memory."""

    size: int
    seconds: float
    cpu: float
    sha256: str | None = None
    rss_before_kib: int = 0
    rss_growth_kib: int = 0
    maxrss_before_kib: int = 0
    maxrss_after_kib: int = 0
    rss_samples: int = 0

    @property
    def mib_s(self) -> float:
        """Throughput in MiB/s."""
        return self.size / self.seconds / MIB


@dataclass(frozen=True, slots=True)
class Phase:
    """One simulator and one Home Assistant: what to transfer, how often, over what link."""

    size: int
    rounds: int
    kinds: tuple[str, ...] = tuple(KINDS)
    stages: bool = False
    profile: bool = False
    bandwidth_mbit: float | None = None


@dataclass
class Results:
    """What one run measured."""

    phase: Phase
    url: str = ""
    planned_url: str = ""
    size: int = 0
    samples: dict[str, list[Sample]] = field(default_factory=lambda: defaultdict(list))
    hash_ceiling_mib_s: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)
    stages: Stages | None = None
    profile: pstats.Stats | None = None


# -- curl ----------------------------------------------------------------------------------------


async def _run(argv: list[str]) -> tuple[str, float, float]:
    """Run a command; its stdout, wall seconds and CPU seconds (with its children)."""
    cpu = children_cpu()
    began = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await process.communicate()
    seconds = time.perf_counter() - began
    if process.returncode:
        raise RuntimeError(f"{argv[0]} failed ({process.returncode}): {stderr.decode().strip()}")
    return stdout.decode(), seconds, children_cpu() - cpu


async def curl(kind: str, url: str, target: Path) -> Sample:
    """One curl transfer of kind a, c, d or e (see the module docstring)."""
    base = [*CURL, "--write-out", "%{size_download}\\n"]
    if kind == "a":
        out, seconds, cpu = await _run([*base, "--output", str(target), url])
        return Sample(int(out.split()[0]), seconds, cpu)
    if kind == "d":
        out, seconds, cpu = await _run([*base, "--output", "/dev/null", url])
        return Sample(int(out.split()[0]), seconds, cpu)
    if kind == "c":
        # No --write-out here: it would go into the hash; the size is checked by the hash.
        command = f"set -o pipefail; {shlex.join([*CURL, '--output', '-', url])} | sha256sum"
        out, seconds, cpu = await _run(["bash", "-c", command])
        return Sample(0, seconds, cpu, sha256=out.split()[0])
    if kind == "e":
        command = f"{shlex.join([*base, '--output', str(target), url])} && {shlex.join(['sync', str(target)])}"
        out, seconds, cpu = await _run(["bash", "-c", command])
        return Sample(int(out.split()[0]), seconds, cpu)
    raise ValueError(kind)


# -- the integration -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Export:
    """The camera device and the action's data for the planned range."""

    device_id: str
    data: dict[str, Any]


async def export_clip(hass: HomeAssistant, export: Export) -> tuple[Sample, Path]:
    """One export through the action, with this process's CPU time and RSS during it."""
    maxrss_before = max_rss_kib()
    cpu = time.process_time()
    with RssSampler() as rss:
        began = time.perf_counter()
        response = await hass.services.async_call(
            DOMAIN, SERVICE, export.data, blocking=True, return_response=True
        )
        seconds = time.perf_counter() - began
    cpu = time.process_time() - cpu
    files = cast("list[dict[str, Any]]", (response or {})["files"])
    if len(files) != 1:
        raise RuntimeError(f"expected one file, got {len(files)}")
    path = Path(files[0]["path"])
    sample = Sample(
        size=int(files[0]["size"]),
        seconds=seconds,
        cpu=cpu,
        sha256=str(files[0]["sha256"]),
        rss_before_kib=rss.before,
        rss_growth_kib=rss.growth_kib,
        maxrss_before_kib=maxrss_before,
        maxrss_after_kib=max_rss_kib(),
        rss_samples=rss.samples,
    )
    return sample, path


@contextlib.contextmanager
def capture_export_urls() -> Iterator[list[str]]:
    """Record the exportrecording.cgi URLs the integration's client sends."""
    from custom_components.axis_edge_storage.vapix.client import VapixClient  # noqa: PLC0415

    urls: list[str] = []
    original = VapixClient._send  # noqa: SLF001

    async def send(self: VapixClient, method: str, url: URL, **kwargs: Any) -> Any:
        if url.path.endswith("/exportrecording.cgi"):
            urls.append(str(url))
        return await original(self, method, url, **kwargs)

    with patch.object(VapixClient, "_send", send):
        yield urls


# -- where the time goes -------------------------------------------------------------------------


@dataclass
class Stages:
    """Wall and CPU seconds per stage of one instrumented export."""

    total: float = 0.0
    download: float = 0.0  # streaming, the last batch, fsync and rename
    wall: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    cpu: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    chunks: int = 0
    chunk_bytes: int = 0
    loop_cpu: float = 0.0
    process_cpu: float = 0.0
    stall: float = 0.0
    stall_over_50ms: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str, wall: float, cpu: float) -> None:
        """Count one call of a stage (thread-safe)."""
        with self._lock:
            self.wall[name] += wall
            self.cpu[name] += cpu
            self.calls[name] += 1


def _timed_method(stages: Stages, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(self: object, *args: Any) -> Any:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(self, *args)
        finally:
            stages.add(name, time.perf_counter() - wall, time.thread_time() - cpu)

    return wrapper


@contextlib.contextmanager
def instrumented(stages: Stages) -> Iterator[None]:
    """Time the exporter's stages with wrappers (only for the instrumented export)."""
    from custom_components.axis_edge_storage.export import (  # noqa: PLC0415
        deliver,
        download,
        files,
    )
    from custom_components.axis_edge_storage.vapix.export import ExportStream  # noqa: PLC0415

    part_file = files.PartFile
    pipe_put = download.Pipe.put
    async_download = deliver.async_download
    iter_chunks = ExportStream.iter_chunks

    async def timed_put(self: Any, batch: Any) -> None:
        began = time.perf_counter()
        try:
            await pipe_put(self, batch)
        finally:
            stages.add("loop waits for room in the pipe", time.perf_counter() - began, 0.0)

    async def timed_download(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return await async_download(*args, **kwargs)
        finally:
            stages.download += time.perf_counter() - began

    def timed_chunks(self: Any) -> AsyncIterator[bytes]:
        inner = iter_chunks(self)

        async def chunks() -> AsyncIterator[bytes]:
            while True:
                began = time.perf_counter()
                try:
                    chunk = await anext(inner)
                except StopAsyncIteration:
                    break
                finally:
                    stages.add("loop waits for the network", time.perf_counter() - began, 0.0)
                stages.chunks += 1
                stages.chunk_bytes += len(chunk)
                yield chunk

        return chunks()

    with (
        patch.object(part_file, "write", _timed_method(stages, "write (thread)", part_file.write)),
        patch.object(part_file, "hash", _timed_method(stages, "hash (thread)", part_file.hash)),
        patch.object(
            part_file,
            "commit",
            _timed_method(stages, "fsync + rename (thread)", part_file.commit),
        ),
        patch.object(download.Pipe, "put", timed_put),
        patch.object(deliver, "async_download", timed_download),
        patch.object(ExportStream, "iter_chunks", timed_chunks),
        patch.object(deliver, "verify", _timed_method(stages, "verify (thread)", deliver.verify)),
        patch.object(
            deliver,
            "write_thumbnail",
            _timed_method(stages, "thumbnail (thread)", deliver.write_thumbnail),
        ),
    ):
        yield


async def stage_export(hass: HomeAssistant, export: Export) -> tuple[Stages, Path]:
    """One instrumented export: where the time goes."""
    stages = Stages()
    monitor = StallMonitor()
    monitor.start()
    await asyncio.sleep(0.05)
    monitor.take()
    process_cpu, loop_cpu = time.process_time(), time.thread_time()
    with instrumented(stages):
        sample, path = await export_clip(hass, export)
    stages.loop_cpu = time.thread_time() - loop_cpu
    stages.process_cpu = time.process_time() - process_cpu
    stall = monitor.take()
    await monitor.stop()
    stages.total = sample.seconds
    stages.stall, stages.stall_over_50ms = stall.worst, stall.over_50ms
    return stages, path


def sha256_ceiling(size: int = 256 * MIB) -> float:
    """MiB/s of hashlib SHA-256 over 1 MiB buffers in one thread of this process, now."""
    block = os.urandom(MIB)
    digest = hashlib.sha256()
    began = time.perf_counter()
    for _ in range(size // MIB):
        digest.update(block)
    return size / (time.perf_counter() - began) / MIB


# -- the run -------------------------------------------------------------------------------------


async def _unlink(path: Path) -> None:
    """Delete an output and let the disk settle: its write-back and its discards (untimed)."""
    await asyncio.to_thread(path.unlink, missing_ok=True)
    await asyncio.to_thread(os.sync)


def _rotated(kinds: tuple[str, ...], turn: int) -> tuple[str, ...]:
    """The kinds starting at the `turn`-th: each round starts one further."""
    shift = turn % len(kinds)
    return kinds[shift:] + kinds[:shift]


async def async_load_camera(
    hass: HomeAssistant, url: str, work: Path
) -> tuple[ConfigEntry, dr.DeviceEntry]:
    """The media folder in `work`; the simulator's camera set up: its entry and its device."""
    media = work / "media"
    media.mkdir()
    hass.config.media_dirs = {"local": str(media)}
    base = URL(url)
    entry = entry_for(Camera(serial="ACCC8E012345", port=base.port or 80, url=url))
    entry.add_to_hass(hass)
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    if entry.state is not ConfigEntryState.LOADED:
        raise RuntimeError(f"the entry did not load: {entry.state}")
    device = next(
        d
        for d in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
        if d.via_device_id is None
    )
    return entry, device


async def async_planned_export(url: str, size: int) -> tuple[str, str, str]:
    """A range of about `size` bytes: its start, stop and the camera's export URL (built once)."""
    recording_id, disk_id, start, stop = await _plan_export(url, size)
    query = (
        f"schemaversion=1&recordingid={recording_id}&diskid={disk_id}&exportformat=matroska"
        f"&starttime={start}&stoptime={stop}"
    )
    planned = f"{url}/axis-cgi/record/export/exportrecording.cgi?{query}"
    # The simulator builds the file on the first request (a few seconds); curl has no timeout.
    await curl("d", planned, Path("/dev/null"))
    return start, stop, planned


async def bench(hass: HomeAssistant, url: str, work: Path, phase: Phase) -> Results:
    """Set up the entry, plan a range of about `size` bytes, alternate the transfers."""
    results = Results(phase, load=[os.getloadavg()[0]])
    entry, device = await async_load_camera(hass, url, work)
    start, stop, results.planned_url = await async_planned_export(url, phase.size)

    # The camera's Matroska, byte for byte (issue 12's bars): the mp4 default is bench_mp4's.
    export = Export(
        device.id, {"device_id": device.id, "start": start, "end": stop, "format": "mkv"}
    )
    with capture_export_urls() as urls:
        warm, path = await export_clip(hass, export)  # warm-up, and the URL it requests
    await _unlink(path)
    if len(urls) != 1:
        raise RuntimeError(f"expected one export request, saw {len(urls)}")
    results.url = urls[0]
    results.size = warm.size

    target = work / "curl.mkv"
    for turn in range(phase.rounds):
        for kind in _rotated(phase.kinds, turn):
            name = KINDS[kind]
            if kind == "b":
                sample, path = await export_clip(hass, export)
                await _unlink(path)
            else:
                sample = await curl(kind, results.url, target)
                await _unlink(target)
            if kind == "c":
                sample = Sample(results.size, sample.seconds, sample.cpu, sample.sha256)
            if sample.size != results.size:
                raise RuntimeError(f"{name}: {sample.size} bytes, not {results.size}")
            if sample.sha256 is not None and sample.sha256 != warm.sha256:
                raise RuntimeError(f"{name}: SHA-256 differs from the warm-up export")
            results.samples[kind].append(sample)
        if "c" in phase.kinds:
            results.hash_ceiling_mib_s.append(await asyncio.to_thread(sha256_ceiling))
    results.load.append(os.getloadavg()[0])

    if phase.stages:
        results.stages, path = await stage_export(hass, export)
        await _unlink(path)
    if phase.profile:
        # CPU time of the whole process (since Python 3.12 cProfile sees every thread).
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        _, path = await export_clip(hass, export)
        profiler.disable()
        await _unlink(path)
        results.profile = pstats.Stats(profiler)
    results.load.append(os.getloadavg()[0])
    await hass.config_entries.async_unload(entry.entry_id)
    return results


async def run(url: str, work: Path, phase: Phase) -> Results:
    """One Home Assistant in this process (as in `benchmarks.bench_integration`)."""
    async with home_assistant() as hass:
        return await bench(hass, url, work, phase)


# -- the report ----------------------------------------------------------------------------------


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):7.0f}  ({min(values):.0f}-{max(values):.0f})"


def _median(results: Results, kind: str) -> float:
    return statistics.median(s.mib_s for s in results.samples[kind])


def _cpu_per_gib(results: Results, kind: str) -> float:
    return statistics.median(s.cpu for s in results.samples[kind]) / (results.size / GIB)


def report(results: Results, rounds: int) -> None:
    """Print the figures."""
    samples = results.samples
    median = {kind: _median(results, kind) for kind in KINDS}
    print(
        f"== clip export of {results.size} bytes ({results.size / GIB:.2f} GiB): integration vs "
        f"curl, same URL, same disk, one run, {rounds} rounds alternating (rotated)"
    )
    load = ", ".join(f"{value:.2f}" for value in results.load)
    print(f"  machine: {os.cpu_count()} CPUs; 1-minute load average {load} (start, rounds, end)")
    print(f"  URL (the integration's): {URL(results.url).path_qs}")
    if sorted(URL(results.url).query.items()) != sorted(URL(results.planned_url).query.items()):
        print(f"  (not the range curl pre-warmed: {URL(results.planned_url).path_qs})")
    print("  MiB/s median (min-max); CPU seconds per transfer and per GiB, median")
    for kind, name in KINDS.items():
        cpu = statistics.median(s.cpu for s in samples[kind])
        print(
            f"    ({kind}) {name:30s} {_spread([s.mib_s for s in samples[kind]])}  "
            f"{cpu:5.2f} s  {_cpu_per_gib(results, kind):5.2f} s/GiB"
        )
    print(f"  ratio integration / curl -> file         {median['b'] / median['a']:.3f}")
    print(
        f"  ratio integration / curl | sha256sum     {median['b'] / median['c']:.3f}  (bar >= 1.0)"
    )
    print(
        f"  ratio integration / curl -> file + sync  {median['b'] / median['e']:.3f}  (bar >= 1.0)"
    )
    hashing = results.hash_ceiling_mib_s
    print(
        "  SHA-256 in one thread of this process (hashlib, 1 MiB updates, after each round) "
        f"{_spread(hashing)}"
    )
    exports = samples["b"]
    growth = [s.rss_growth_kib / 1024 for s in exports]
    print(
        "  RSS of this (Home Assistant) process during each export, VmRSS every "
        f"{RSS_INTERVAL * 1000:.0f} ms ({min(s.rss_samples for s in exports)}+ samples):"
    )
    print(
        f"    peak growth over the RSS just before: {', '.join(f'{g:.1f}' for g in growth)} MiB "
        f"(max {max(growth):.1f}; bar < 32)"
    )
    print(
        f"    VmRSS before: {exports[0].rss_before_kib / 1024:.0f} MiB; ru_maxrss before the "
        f"first export {exports[0].maxrss_before_kib / 1024:.0f} MiB, after the last "
        f"{exports[-1].maxrss_after_kib / 1024:.0f} MiB"
    )
    if results.stages is not None:
        report_stages(results.stages, results.size)
    if results.profile is not None:
        report_profile(results.profile)


def report_paced(results: Results) -> None:
    """The integration against curl -> file on a paced link."""
    mbit = results.phase.bandwidth_mbit
    a, b = _median(results, "a"), _median(results, "b")
    print(
        f"== paced at {mbit:g} Mbit/s ({(mbit or 0) * 1e6 / 8 / MIB:.1f} MiB/s): "
        f"{results.size / MIB:.0f} MiB, {results.phase.rounds} rounds alternating; load "
        + ", ".join(f"{value:.2f}" for value in results.load)
    )
    for kind in ("a", "b"):
        spread = _spread([s.mib_s for s in results.samples[kind]])
        cpu = _cpu_per_gib(results, kind)
        print(f"    ({kind}) {KINDS[kind]:30s} {spread}  {cpu:5.2f} CPU s/GiB")
    print(f"  ratio integration / curl -> file  {b / a:.3f}  (bar >= 0.98)")


def report_bars(unpaced: Results, paced: list[Results], uptime: list[str]) -> None:
    """Each bar of issue 12 and whether it holds in this run."""
    median = {kind: _median(unpaced, kind) for kind in KINDS}
    growth = max(s.rss_growth_kib for s in unpaced.samples["b"]) / 1024
    bars = [
        ("integration >= 1.0 x curl -> file + sync", median["b"] / median["e"], 1.0),
        ("integration >= 1.0 x curl | sha256sum", median["b"] / median["c"], 1.0),
    ]
    bars += [
        (
            f"paced {r.phase.bandwidth_mbit:g} Mbit/s: integration >= 0.98 x curl",
            _median(r, "b") / _median(r, "a"),
            0.98,
        )
        for r in paced
    ]
    print("== bars (medians of this run)")
    for name, value, bar in bars:
        print(f"  {name:52s} {value:6.3f}  {'holds' if value >= bar else 'FAILS'}")
    print(f"  {'RSS growth < 32 MiB':52s} {growth:6.1f}  {'holds' if growth < 32 else 'FAILS'}")
    print(
        f"  CPU s/GiB: integration {_cpu_per_gib(unpaced, 'b'):.2f}, curl -> file "
        f"{_cpu_per_gib(unpaced, 'a'):.2f}, curl | sha256sum {_cpu_per_gib(unpaced, 'c'):.2f}, "
        f"curl -> file + sync {_cpu_per_gib(unpaced, 'e'):.2f}"
    )
    for line in uptime:
        print(f"  uptime: {line}")


def report_stages(stages: Stages, size: int) -> None:
    """Where one export's time goes."""
    print(
        f"== where the integration's time goes: one more export, instrumented, "
        f"{stages.total:.2f} s, {size / stages.total / MIB:.0f} MiB/s"
    )
    after = stages.wall["verify (thread)"] + stages.wall["thumbnail (thread)"]
    planning = stages.total - stages.download - after
    print(f"  the rest (service call, planning requests, folder, events)     {planning:6.3f} s")
    print(
        f"  the download (open to rename)                                   {stages.download:6.3f} s"
    )
    print(
        f"    of which, in the loop: waiting for the network {stages.wall['loop waits for the network']:6.3f} s "
        f"({stages.chunks} chunks, {stages.chunk_bytes / max(stages.chunks, 1) / 1024:.0f} KiB "
        "average)"
    )
    print(
        f"    of which, in the loop: waiting for room in the pipe (write or hash behind) "
        f"{stages.wall['loop waits for room in the pipe']:6.3f} s"
    )
    for name in (
        "write (thread)",
        "hash (thread)",
        "fsync + rename (thread)",
        "verify (thread)",
        "thumbnail (thread)",
    ):
        print(
            f"  {name:24s} busy {stages.wall[name]:6.3f} s, CPU {stages.cpu[name]:6.3f} s, "
            f"{stages.calls[name]} calls"
        )
    print(
        f"  CPU: the process {stages.process_cpu:.2f} s, of which the event loop's thread "
        f"{stages.loop_cpu:.2f} s"
    )
    print(
        f"  longest event-loop stall {stages.stall * 1000:.1f} ms "
        f"({stages.stall_over_50ms} over 50 ms)"
    )


def report_profile(stats: pstats.Stats) -> None:
    """Top functions by own time."""
    raw = cast("dict[tuple[str, int, str], tuple[int, int, float, float, Any]]", stats.stats)  # type: ignore[attr-defined]
    total = sum(row[2] for row in raw.values())
    print(
        f"== cProfile of one more export: {total:.2f} s process CPU (a process clock: with the "
        "hash, write and loop threads busy at once, the split between functions is approximate); "
        "top 12 by own time"
    )
    ranked = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:12]
    for (filename, line, name), (_, calls, own, cumulative, _) in ranked:
        where = filename.split("site-packages/")[-1].removeprefix(f"{ROOT}/")
        print(
            f"    {own:6.2f} s own {cumulative:6.2f} s cum {calls:7d} calls  {where}:{line}({name})"
        )


def run_phase(phase: Phase) -> Results:
    """Start a simulator (paced when asked), run one Home Assistant on it, measure."""
    pacing = () if phase.bandwidth_mbit is None else ("--bandwidth", f"{phase.bandwidth_mbit:g}")
    with (
        tempfile.TemporaryDirectory(prefix="export-", dir=CACHE) as tmp,
        simulator("--media-profile", "heavy", *pacing, cache_dir=Path(tmp) / "sim") as url,
        asyncio.Runner(loop_factory=HassEventLoopPolicy(False).new_event_loop) as runner,
    ):
        return runner.run(run(url, Path(tmp), phase))


def main() -> None:
    """Start the simulator, run Home Assistant on it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-gib", type=float, default=1.0, help="unpaced export size")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-stages", action="store_true", help="skip the instrumented export")
    parser.add_argument("--profile", action="store_true", help="cProfile one more export")
    parser.add_argument(
        "--bandwidth",
        type=float,
        nargs="*",
        default=[100.0, 1000.0],
        metavar="MBIT",
        help="paced links to compare on (simulator --bandwidth); none: skip (default 100 1000)",
    )
    parser.add_argument(
        "--paced-seconds",
        type=float,
        default=6.0,
        help="a paced transfer lasts about this long (its size follows the bandwidth)",
    )
    args = parser.parse_args()
    quiet_logging()

    CACHE.mkdir(exist_ok=True)
    uptime = [_uptime()]
    unpaced = run_phase(
        Phase(
            size=int(args.size_gib * GIB),
            rounds=args.rounds,
            stages=not args.no_stages,
            profile=args.profile,
        )
    )
    paced = [
        run_phase(
            Phase(
                size=min(int(mbit * 1e6 / 8 * args.paced_seconds), int(args.size_gib * GIB)),
                rounds=args.rounds,
                kinds=("a", "b"),
                bandwidth_mbit=mbit,
            )
        )
        for mbit in args.bandwidth
    ]
    uptime.append(_uptime())
    report(unpaced, args.rounds)
    for results in paced:
        report_paced(results)
    report_bars(unpaced, paced, uptime)


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


if __name__ == "__main__":
    main()
