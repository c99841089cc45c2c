"""MP4 exports (issue 13): the remux and the verification beside a plain copy, and the whole
``export_clip`` (``format: mp4``) against ``curl -o FILE && sync FILE`` on the same URL.

One simulator process (heavy media profile: a range of about 4.6 minutes is a 1 GiB Matroska,
the export benchmark's file) and one Home Assistant in this process, made as
`benchmarks.bench_export` makes it. One run, three parts:

1. **The file alone.** The camera's Matroska of the planned range is fetched once with curl
   (untimed); then, in rounds whose order rotates, each timed on the same file:
     - ``copy``: ``shutil.copyfile`` + ``os.fsync`` of the copy (the reference);
     - ``remux``: ``media.remux_to_mp4`` as the export calls it (``movflags +faststart``: the
       muxer moves the data once at its end), then its ``fsync`` timed apart;
     - ``reserve``: ``remux_to_mp4(faststart=Faststart.RESERVE, packets=N)`` with the packet
       count known (counted once, untimed), then its ``fsync``;
     - ``verify``: ``media.probe_ends(mp4)`` of the remuxed MP4 (its head and tail demuxed)
       and its SHA-256 (one read), as the export verifies and hashes it; ``verify mkv``,
       ``probe_ends`` of the Matroska (an mkv export's verification: its hash is the pipe's);
       ``demux all``, ``media.probe(mp4, digest=sha256)`` (every packet demuxed and hashed in
       one read), the verification before ``probe_ends``.
   MiB/s are of the Matroska's bytes (what goes in); CPU is the timing thread's own
   (``time.thread_time``: user + system, so a copy's kernel time counts), per GiB of them.
   Each output is deleted and every file system synced (untimed) before the next step.
2. **The whole export.** Rounds alternate (rotated) on the same URL, the one the integration
   requests (captured from its client during a warm-up export):
     - ``mp4``: ``export_clip`` with ``format: mp4`` (the Matroska handed to the remux in
       memory as it arrives, checked whole by what arrived, the MP4 verified at its ends and
       hashed, fsync, rename, thumbnail);
     - ``curl``: ``curl --digest -o FILE URL && sync FILE``;
     - ``mkv``: ``export_clip`` with ``format: mkv`` (the camera's file, verified), for reference;
     - ``mp4 after``: ``format: mp4`` with the remux while downloading turned off: the whole
       Matroska is kept in a hidden ``.part`` and remuxed after its download (the export's
       fallback, and what it did before), for reference.
   Medians of MiB/s (of the Matroska's bytes, the bytes on the wire, for all three), the ratio
   mp4 / curl (target >= 0.9), CPU seconds per GiB (this process for the exports, curl and sync
   for curl), and the peak RSS growth of this (Home Assistant's) process during each export
   over the RSS just before (VmRSS every 20 ms; bar < 64 MiB).
3. **Where the time goes** in one more ``mp4`` export, instrumented: the download (and the
   pipe's writes: the hand-over to the remux, and the Matroska's first blocks to its file),
   the remux while downloading (its thread, overlapping the download) and whatever of it is
   left after, the remux of the whole file (only when the one while downloading could not be
   made), the verification, the SHA-256 of the MP4, the fsync and rename, the thumbnail, the
   rest (planning, links, events).

The last lines say whether each bar holds, with the output of ``uptime`` before and after.
Everything lives in a temporary folder below ``.bench-cache/`` that is removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from unittest.mock import patch

import av
from homeassistant.core import HomeAssistant
from homeassistant.runner import HassEventLoopPolicy
from yarl import URL

from benchmarks.bench_client import GIB
from benchmarks.bench_export import (
    CACHE,
    MIB,
    RSS_INTERVAL,
    RssSampler,
    _rotated,
    _uptime,
    async_load_camera,
    async_planned_export,
    capture_export_urls,
    curl,
)
from benchmarks.hass_harness import home_assistant, quiet_logging
from benchmarks.simproc import simulator
from custom_components.axis_edge_storage import media
from custom_components.axis_edge_storage.media.remux import estimate_packets

DOMAIN = "axis_edge_storage"
SERVICE = "export_clip"
RATIO_BAR = 0.9
RSS_BAR_MIB = 64

FILE_STEPS: dict[str, str] = {
    "copy": "copyfile + fsync",
    "remux": "remux_to_mp4 (+faststart)",
    "reserve": "remux_to_mp4 (RESERVE, count known)",
}
EXPORT_KINDS: dict[str, str] = {
    "mp4": "export_clip format mp4",
    "curl": "curl -o FILE && sync FILE",
    "mkv": "export_clip format mkv",
    "mp4 after": "mp4, remuxed after the download",
}


# -- part 1: the file alone ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timed:
    """Wall and thread CPU seconds of one step."""

    seconds: float
    cpu: float


@contextlib.contextmanager
def _clock(out: list[Timed]) -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.thread_time()
    yield
    out.append(Timed(time.perf_counter() - wall, time.thread_time() - cpu))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def count_packets(path: Path) -> int:
    """All packets with data of every stream (what RESERVE sizes the index by)."""
    with av.open(str(path)) as container:
        return sum(1 for packet in container.demux() if packet.size)


@dataclass
class FileResults:
    """Timings of part 1, per step name."""

    size: int = 0
    packets: int = 0
    estimate: int | None = None  # media.remux.estimate_packets (the export's RESERVE)
    mp4_size: int = 0
    times: defaultdict[str, list[Timed]] = field(default_factory=lambda: defaultdict(list))


def file_round(source: Path, work: Path, turn: int, results: FileResults) -> None:
    """One round of part 1 (BLOCKING: run it in a thread)."""
    times = results.times
    for step in _rotated(tuple(FILE_STEPS), turn):
        target = work / ("copy.mkv" if step == "copy" else "out.mp4")
        if step == "copy":
            with _clock(times["copy"]):
                shutil.copyfile(source, target)
                _fsync(target)
        else:
            options: dict[str, Any] = {}
            if step == "reserve":
                options = {"faststart": media.Faststart.RESERVE, "packets": results.packets}
            with _clock(times[step]):
                media.remux_to_mp4(source, target, **options)
            with _clock(times[f"{step} fsync"]):
                _fsync(target)
            results.mp4_size = target.stat().st_size
            if step == "remux":
                with _clock(times["verify"]):
                    media.probe_ends(target)
                    with target.open("rb") as file:
                        hashlib.file_digest(file, "sha256")
                with _clock(times["demux all"]):
                    media.probe(target, digest=hashlib.sha256())
        target.unlink()
        os.sync()
    with _clock(times["verify mkv"]):
        media.probe_ends(source)
    os.sync()


# -- part 2: the whole export --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sample:
    """One transfer: wall and CPU seconds, and for an export its memory and its files."""

    seconds: float
    cpu: float
    rss_growth_kib: int = 0
    rss_before_kib: int = 0
    size: int = 0


@dataclass
class ExportResults:
    """What parts 2 and 3 measured."""

    url: str = ""
    wire_size: int = 0  # the Matroska's bytes (curl's file)
    mp4_size: int = 0
    mkv_sha256: str = ""
    response: dict[str, Any] = field(default_factory=dict)
    samples: defaultdict[str, list[Sample]] = field(default_factory=lambda: defaultdict(list))
    stages: Stages | None = None


async def export_clip(hass: HomeAssistant, data: dict[str, Any]) -> tuple[Sample, dict[str, Any]]:
    """One export through the action, with this process's CPU time and RSS growth during it."""
    cpu = time.process_time()
    with RssSampler() as rss:
        began = time.perf_counter()
        response = await hass.services.async_call(
            DOMAIN, SERVICE, data, blocking=True, return_response=True
        )
        seconds = time.perf_counter() - began
    cpu = time.process_time() - cpu
    files = cast("list[dict[str, Any]]", (response or {})["files"])
    if len(files) != 1:
        raise RuntimeError(f"expected one file, got {len(files)}")
    sample = Sample(seconds, cpu, rss.growth_kib, rss.before, int(files[0]["size"]))
    return sample, files[0]


async def _remove(file: dict[str, Any]) -> None:
    """Delete an export and its thumbnail; let the disk settle (untimed)."""
    path = Path(file["path"])
    await asyncio.to_thread(path.unlink, missing_ok=True)
    await asyncio.to_thread(path.with_suffix(".jpg").unlink, missing_ok=True)
    await asyncio.to_thread(os.sync)


# -- part 3: where the time goes -----------------------------------------------------------------


@dataclass
class Stages:
    """Wall and CPU seconds per stage of one instrumented mp4 export."""

    total: float = 0.0
    wall: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    cpu: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    process_cpu: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str, wall: float, cpu: float) -> None:
        """Count one call of a stage (thread-safe)."""
        with self._lock:
            self.wall[name] += wall
            self.cpu[name] += cpu


def _timed(stages: Stages, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            stages.add(name, time.perf_counter() - wall, time.thread_time() - cpu)

    return wrapper


def _not_streamed(handoff: Any, *args: Any) -> bool:
    handoff.close()  # the download keeps the whole Matroska
    return False


def _remux_after() -> contextlib.AbstractContextManager[object]:
    """An mp4 export remuxed after its download, from the whole file (no remux while it runs)."""
    from custom_components.axis_edge_storage.export import deliver  # noqa: PLC0415

    return patch.object(deliver, "remux_streamed", _not_streamed)


@contextlib.contextmanager
def instrumented(stages: Stages) -> Iterator[None]:
    """Time the stages of an mp4 export with wrappers (only for the instrumented export)."""
    from custom_components.axis_edge_storage.export import deliver, files, finish  # noqa: PLC0415

    fetch = deliver.async_fetch

    async def timed_fetch(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return await fetch(*args, **kwargs)
        finally:
            stages.add("download (network to .part, open to close)", time.perf_counter() - began, 0)

    made = deliver._async_made  # noqa: SLF001

    async def timed_made(*args: Any) -> Any:
        began = time.perf_counter()
        try:
            return await made(*args)
        finally:
            stages.add("the remux's end, after the download", time.perf_counter() - began, 0)

    part_file = files.PartFile
    with (
        patch.object(deliver, "async_fetch", timed_fetch),
        patch.object(
            part_file,
            "write",
            _timed(stages, "  writes of the Matroska (pipe: hand-over, file)", part_file.write),
        ),
        patch.object(
            deliver,
            "remux_streamed",
            _timed(stages, "  remux while downloading (its thread)", deliver.remux_streamed),
        ),
        patch.object(deliver, "_async_made", timed_made),
        patch.object(
            finish, "remux_to_mp4", _timed(stages, "remux of the whole file", finish.remux_to_mp4)
        ),
        patch.object(finish, "verify", _timed(stages, "verify (the ends)", finish.verify)),
        patch.object(finish, "sha256_of", _timed(stages, "SHA-256 of the MP4", finish.sha256_of)),
        patch.object(part_file, "commit", _timed(stages, "fsync + rename", part_file.commit)),
        patch.object(
            part_file, "discard", _timed(stages, "discard the Matroska", part_file.discard)
        ),
        patch.object(
            deliver, "write_thumbnail", _timed(stages, "thumbnail", deliver.write_thumbnail)
        ),
    ):
        yield


# -- the run -------------------------------------------------------------------------------------


@dataclass
class Run:
    """Both results and the load."""

    file: FileResults = field(default_factory=FileResults)
    export: ExportResults = field(default_factory=ExportResults)
    load: list[float] = field(default_factory=list)


async def bench(hass: HomeAssistant, url: str, work: Path, args: argparse.Namespace) -> Run:
    """Set up the entry, plan the range, run the three parts."""
    run = Run(load=[os.getloadavg()[0]])
    entry, device = await async_load_camera(hass, url, work)
    start, stop, _url = await async_planned_export(url, int(args.size_gib * GIB))

    data = {"device_id": device.id, "start": start, "end": stop}
    exports = run.export
    with capture_export_urls() as urls:
        _, warm = await export_clip(hass, {**data, "format": "mp4"})
    if len(urls) != 1:
        raise RuntimeError(f"expected one export request, saw {len(urls)}")
    if warm.get("format") != "mp4" or not warm["path"].endswith(".mp4"):
        raise RuntimeError(f"the warm-up export is not an mp4: {warm}")
    exports.url, exports.response, exports.mp4_size = urls[0], warm, int(warm["size"])
    await _remove(warm)

    # Part 1: the camera's Matroska of that URL, once, then the steps on it.
    source = work / "source.mkv"
    fetched = await curl("a", exports.url, source)
    exports.wire_size = run.file.size = fetched.size
    run.file.packets = await asyncio.to_thread(count_packets, source)
    run.file.estimate = await asyncio.to_thread(estimate_packets, source)
    await asyncio.to_thread(os.sync)
    for turn in range(args.file_rounds):
        await asyncio.to_thread(file_round, source, work, turn, run.file)
    await asyncio.to_thread(source.unlink)
    run.load.append(os.getloadavg()[0])

    # Part 2: the whole export against curl.
    target = work / "curl.mkv"
    for turn in range(args.rounds):
        for kind in _rotated(tuple(EXPORT_KINDS), turn):
            if kind == "curl":
                got = await curl("e", exports.url, target)
                sample = Sample(got.seconds, got.cpu, size=got.size)
                await asyncio.to_thread(target.unlink)
                await asyncio.to_thread(os.sync)
                expected = exports.wire_size
            else:
                with _remux_after() if kind == "mp4 after" else contextlib.nullcontext():
                    sample, file = await export_clip(hass, {**data, "format": kind[:3]})
                await _remove(file)
                expected = exports.mp4_size if kind.startswith("mp4") else exports.wire_size
            if sample.size != expected:
                raise RuntimeError(f"{kind}: {sample.size} bytes, not {expected}")
            exports.samples[kind].append(sample)
    run.load.append(os.getloadavg()[0])

    # Part 3: one more mp4 export, instrumented.
    if not args.no_stages:
        stages = exports.stages = Stages()
        process_cpu = time.process_time()
        with instrumented(stages):
            sample, file = await export_clip(hass, {**data, "format": "mp4"})
        stages.process_cpu = time.process_time() - process_cpu
        stages.total = sample.seconds
        await _remove(file)
    run.load.append(os.getloadavg()[0])
    await hass.config_entries.async_unload(entry.entry_id)
    return run


async def run_hass(url: str, work: Path, args: argparse.Namespace) -> Run:
    """One Home Assistant in this process (as in `benchmarks.bench_export`)."""
    async with home_assistant() as hass:
        return await bench(hass, url, work, args)


# -- the report ----------------------------------------------------------------------------------


def _mib_s(size: int, seconds: float) -> float:
    return size / seconds / MIB


def _median_mib_s(size: int, samples: list[Any]) -> float:
    return statistics.median(_mib_s(size, s.seconds) for s in samples)


def _per_gib(size: int, samples: list[Any]) -> float:
    return statistics.median(s.cpu for s in samples) / (size / GIB)


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):7.0f}  ({min(values):.0f}-{max(values):.0f})"


def report(run: Run, args: argparse.Namespace, uptime: list[str]) -> None:
    """Print the figures and the bars."""
    files, exports = run.file, run.export
    size = files.size
    load = ", ".join(f"{value:.2f}" for value in run.load)
    print(
        f"== mp4 export (issue 13): Matroska of {size} bytes ({size / GIB:.2f} GiB, "
        f"{files.packets} packets, {files.estimate} estimated from its header), MP4 of {exports.mp4_size} bytes; {os.cpu_count()} CPUs; "
        f"1-minute load {load} (start, after part 1, after part 2, end)"
    )
    print(f"  URL (the integration's): {URL(exports.url).path_qs}")
    print(
        f"-- the file alone, {args.file_rounds} rounds (rotated); MiB/s of the Matroska's bytes, "
        "median (min-max); thread CPU s per GiB"
    )
    times = files.times
    copy = _median_mib_s(size, times["copy"])
    rows = [
        ("copy", "copyfile + fsync"),
        ("remux", "remux_to_mp4 (+faststart), no fsync"),
        ("remux fsync", "  then fsync of the MP4"),
        ("reserve", "remux_to_mp4 (RESERVE, count known)"),
        ("reserve fsync", "  then fsync of the MP4"),
        ("verify", "probe_ends(MP4) + SHA-256 (one read)"),
        ("verify mkv", "probe_ends(Matroska)"),
        ("demux all", "probe(MP4, digest=sha256): all packets"),
    ]
    for key, name in rows:
        samples = times[key]
        rate = _median_mib_s(size, samples)
        print(
            f"    {name:38s} {_spread([_mib_s(size, s.seconds) for s in samples])} MiB/s  "
            f"{_per_gib(size, samples):5.2f} CPU s/GiB  x{rate / copy:5.2f} of copy"
        )
    for step in ("remux", "reserve"):
        chain = [
            Timed(a.seconds + b.seconds + c.seconds, a.cpu + b.cpu + c.cpu)
            for a, b, c in zip(times[step], times[f"{step} fsync"], times["verify"], strict=True)
        ]
        rate = _median_mib_s(size, chain)
        print(
            f"    {step + ' + fsync + verify':38s} {_spread([_mib_s(size, s.seconds) for s in chain])} "
            f"MiB/s  {_per_gib(size, chain):5.2f} CPU s/GiB  x{rate / copy:5.2f} of copy"
        )

    samples = exports.samples
    print(
        f"-- the whole export, {args.rounds} rounds alternating (rotated), same URL; MiB/s of "
        "the Matroska's bytes (the wire's), median (min-max); CPU per transfer and per GiB"
    )
    for kind, name in EXPORT_KINDS.items():
        cpu = statistics.median(s.cpu for s in samples[kind])
        print(
            f"    {name:28s} {_spread([_mib_s(size, s.seconds) for s in samples[kind]])} MiB/s  "
            f"{cpu:5.2f} s  {_per_gib(size, samples[kind]):5.2f} s/GiB"
        )
    ratio = _median_mib_s(size, samples["mp4"]) / _median_mib_s(size, samples["curl"])
    mkv_ratio = _median_mib_s(size, samples["mkv"]) / _median_mib_s(size, samples["curl"])
    print(f"  ratio mp4 export / curl -o FILE && sync  {ratio:.3f}  (target >= {RATIO_BAR})")
    print(f"  ratio mkv export / curl -o FILE && sync  {mkv_ratio:.3f}  (reference)")
    after = _median_mib_s(size, samples["mp4 after"]) / _median_mib_s(size, samples["curl"])
    print(
        f"  ratio mp4 remuxed after the download / curl -o FILE && sync  {after:.3f}  (reference)"
    )
    growth = [s.rss_growth_kib / 1024 for kind in ("mp4", "mkv") for s in samples[kind]]
    mp4_growth = [s.rss_growth_kib / 1024 for s in samples["mp4"]]
    print(
        f"  RSS of this (Home Assistant) process, peak growth over the RSS just before each "
        f"export (VmRSS every {RSS_INTERVAL * 1000:.0f} ms): mp4 "
        f"{', '.join(f'{g:.1f}' for g in mp4_growth)} MiB; mkv "
        f"{', '.join(f'{s.rss_growth_kib / 1024:.1f}' for s in samples['mkv'])} MiB "
        f"(VmRSS before the first: {samples['mp4'][0].rss_before_kib / 1024:.0f} MiB)"
    )
    if exports.stages is not None:
        report_stages(exports.stages, size)
    print("== bars (medians of this run)")
    worst = max(growth)
    for name, value, holds in (
        (f"mp4 export >= {RATIO_BAR} x curl -o FILE && sync", ratio, ratio >= RATIO_BAR),
        (f"RSS growth < {RSS_BAR_MIB} MiB (max)", worst, worst < RSS_BAR_MIB),
    ):
        print(f"  {name:44s} {value:7.3f}  {'holds' if holds else 'FAILS'}")
    print(
        f"  CPU s/GiB: mp4 export {_per_gib(size, samples['mp4']):.2f}, curl && sync "
        f"{_per_gib(size, samples['curl']):.2f}, mkv export {_per_gib(size, samples['mkv']):.2f}; "
        f"remux {_per_gib(size, times['remux']):.2f}, verify {_per_gib(size, times['verify']):.2f} "
        f"(demux all {_per_gib(size, times['demux all']):.2f}), "
        f"copy {_per_gib(size, times['copy']):.2f}"
    )
    for line in uptime:
        print(f"  uptime: {line}")


def report_stages(stages: Stages, size: int) -> None:
    """Where one mp4 export's time goes."""
    print(
        f"-- where the mp4 export's time goes: one more export, instrumented, {stages.total:.2f} s "
        f"({_mib_s(size, stages.total):.0f} MiB/s), process CPU {stages.process_cpu:.2f} s"
    )
    accounted = 0.0
    for name in (
        "download (network to .part, open to close)",
        "  writes of the Matroska (pipe: hand-over, file)",
        "  remux while downloading (its thread)",
        "the remux's end, after the download",
        "remux of the whole file",
        "verify (the ends)",
        "SHA-256 of the MP4",
        "fsync + rename",
        "discard the Matroska",
        "thumbnail",
    ):
        wall, cpu = stages.wall.get(name, 0.0), stages.cpu.get(name, 0.0)
        if not name.startswith(" "):
            accounted += wall
        print(f"    {name:44s} {wall:6.3f} s wall  {cpu:6.3f} s CPU (its thread)")
    print(f"    {'the rest (service call, planning, links)':44s} {stages.total - accounted:6.3f} s")


def main() -> None:
    """Start the simulator, run Home Assistant on it, print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-gib", type=float, default=1.0, help="Matroska size (GiB)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the whole export")
    parser.add_argument("--file-rounds", type=int, default=3, help="rounds of the file alone")
    parser.add_argument("--no-stages", action="store_true", help="skip the instrumented export")
    args = parser.parse_args()
    quiet_logging()
    CACHE.mkdir(exist_ok=True)
    uptime = [_uptime()]
    with (
        tempfile.TemporaryDirectory(prefix="mp4-", dir=CACHE) as tmp,
        simulator("--media-profile", "heavy", cache_dir=Path(tmp) / "sim") as url,
        asyncio.Runner(loop_factory=HassEventLoopPolicy(False).new_event_loop) as runner,
    ):
        run = runner.run(run_hass(url, Path(tmp), args))
    uptime.append(_uptime())
    report(run, args, uptime)


if __name__ == "__main__":
    main()
