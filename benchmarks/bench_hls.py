"""HLS playback (issue 14): resolve to the first segment, camera requests per minute, a seek.

The demo's processes (`scripts/demo_lib`): a simulator (``--history-days 3``, here also
``--media-profile heavy`` and ``--bandwidth 100`` unless told otherwise: export bodies paced
like a camera's 100 Mbit/s link) and a real Home Assistant with the integration and
``media_source``, talked to as the frontend does: the websocket API, then plain HTTP for the
playlist and segments with the URLs it answers (no session). The media browser is browsed
(``media_source/browse_media``) down to whole hours of continuous recordings; each measurement
takes a fresh hour, so the segment cache, the key frames and the simulator's export cache are
all cold for it. Between measurements the camera is let go quiet (no new request in the
simulator's log for a few seconds: the prefetches done).

1. **Resolve to the first segment**, ``--rounds`` times: ``media_source/resolve_media``
   (websocket) of an hour, the playlist, then segment 0's complete bytes; median and spread of
   the total and of each part, the segment's size and its time on the wire alone at the link's
   speed (the floor). Target <= 1.5 s.
2. **Camera requests per minute of playback**: every segment of the first ``--minutes`` (5) of
   a fresh hour fetched in order, one after the other as fast as they come (not at real-time
   pace; the prefetch of two segments ahead runs as it would), then the camera let go quiet;
   the simulator's request log entries per path (and how many answered 401, the Digest
   challenges) divided by the minutes of video. The log also holds the integration's own
   polling (disks, properties); it is shown apart.
3. **A seek**: the playlist of a fresh hour fetched, then the segment at ``--seek-minute`` (37),
   cold: the time to its complete bytes and the camera requests it cost, ``--rounds`` times.

Prints ``uptime`` before and after. Not part of `scripts/test`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from yarl import URL

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from demo_lib.demo import Demo, run_demo  # noqa: E402
from demo_lib.hls import Item, continuous_hours, enable_media_source, resolve  # noqa: E402

CACHE = ROOT / ".bench-cache"
BAR_SECONDS = 1.5
QUIET_SECONDS = 4.0
PLAYBACK_PATHS = (
    "/axis-cgi/record/export/properties.cgi",
    "/axis-cgi/record/export/exportrecording.cgi",
    "/axis-cgi/record/list.cgi",
)


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _say(message: str) -> None:
    print(f"bench hls: {message}", flush=True)


class Camera:
    """The simulator's request log, read through its control surface."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Read the log of the simulator at `url`."""
        self._session = session
        self._url = url

    async def log(self) -> list[dict[str, Any]]:
        """Every VAPIX request so far."""
        async with self._session.get(f"{self._url}/sim/requests") as response:
            found: list[dict[str, Any]] = await response.json()
            return found

    async def quiet(self, seconds: float = QUIET_SECONDS, limit: float = 300.0) -> int:
        """Wait until no request was logged for `seconds`; the log's length then."""
        deadline = time.monotonic() + limit
        count, since = len(await self.log()), time.monotonic()
        while time.monotonic() < deadline:
            await asyncio.sleep(0.25)
            now = len(await self.log())
            if now != count:
                count, since = now, time.monotonic()
            elif time.monotonic() - since >= seconds:
                return count
        return count


def _count(entries: list[dict[str, Any]]) -> tuple[Counter[str], Counter[str]]:
    """Requests per path, and per path those that answered 401."""
    paths = Counter(e["path"] for e in entries)
    challenged = Counter(e["path"] for e in entries if e["status"] == 401)
    return paths, challenged


def _segments(playlist: str, text: str) -> list[str]:
    names = [line for line in text.splitlines() if line and not line.startswith("#")]
    return [str(URL(playlist).join(URL(name))) for name in names]


def _segment_at(text: str, seconds: float) -> int:
    """The index of the segment whose nominal range holds `seconds` (the playlist's EXTINFs:
    a playlist may open with shorter segments)."""
    starts = itertools.accumulate(
        (
            float(line[8:].split(",")[0])
            for line in text.splitlines()
            if line.startswith("#EXTINF:")
        ),
        initial=0.0,
    )
    return max(0, sum(1 for start in starts if start <= seconds) - 1)


async def _get(session: aiohttp.ClientSession, url: str) -> bytes:
    async with session.get(url) as response:
        body = await response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {URL(url).path[-60:]} answered HTTP {response.status}")
        return body


@dataclass
class FirstSegment:
    """One round of part 1."""

    total: float
    resolve: float
    playlist: float
    segment: float
    size: int
    requests: Counter[str]


@dataclass
class Results:
    """What the run measured."""

    link_mbit: float
    profile: str
    first: list[FirstSegment] = field(default_factory=list)
    seeks: list[FirstSegment] = field(default_factory=list)
    minutes: float = 0.0
    seek_minute: float = 37.0
    playback_seconds: float = 0.0
    playback_bytes: int = 0
    playback_segments: int = 0
    playback_requests: Counter[str] = field(default_factory=Counter)
    playback_challenged: Counter[str] = field(default_factory=Counter)
    items: list[Item] = field(default_factory=list)


async def first_segment(
    demo: Demo, camera: Camera, session: aiohttp.ClientSession, item: Item
) -> FirstSegment:
    """Part 1: resolve_media (websocket) to segment 0's complete bytes."""
    before = await camera.quiet()
    began = time.perf_counter()
    resolved = await resolve(demo, item)
    resolved_at = time.perf_counter()
    text = (await _get(session, resolved.url)).decode()
    playlist_at = time.perf_counter()
    body = await _get(session, _segments(resolved.url, text)[0])
    done = time.perf_counter()
    log = await camera.log()
    requests, _ = _count(log[before:])
    return FirstSegment(
        total=done - began,
        resolve=resolved_at - began,
        playlist=playlist_at - resolved_at,
        segment=done - playlist_at,
        size=len(body),
        requests=requests,
    )


async def seek(
    demo: Demo, camera: Camera, session: aiohttp.ClientSession, item: Item, minute: float
) -> FirstSegment:
    """Part 3: the playlist at hand, the segment at `minute`, cold."""
    resolved = await resolve(demo, item)
    text = (await _get(session, resolved.url)).decode()
    segments = _segments(resolved.url, text)
    index = _segment_at(text, minute * 60)
    before = await camera.quiet()
    began = time.perf_counter()
    body = await _get(session, segments[index])
    done = time.perf_counter()
    log = await camera.log()
    # Only what was logged while the segment was made (not the prefetches that follow it).
    requests, _ = _count(log[before:])
    return FirstSegment(
        total=done - began, resolve=0.0, playlist=0.0, segment=done - began,
        size=len(body), requests=requests,
    )  # fmt: skip


async def _keep_alive(demo: Demo, stop: asyncio.Event, every: float = 20.0) -> None:
    """Websocket pings while nothing else uses it (Home Assistant drops a socket whose pongs stop
    coming, and the client answers its pings only while it reads)."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
        if not stop.is_set():
            await demo.hass.ws("get_config")  # "ping" answers "pong", not a result


async def playback(
    demo: Demo, camera: Camera, session: aiohttp.ClientSession, item: Item, results: Results
) -> None:
    """Part 2: the first minutes of an hour, segment after segment; the camera's requests."""
    resolved = await resolve(demo, item)
    before = await camera.quiet()
    text = (await _get(session, resolved.url)).decode()
    segments = _segments(resolved.url, text)
    count = _segment_at(text, results.minutes * 60)  # the segments before that minute
    stop = asyncio.Event()
    alive = asyncio.create_task(_keep_alive(demo, stop))
    try:
        began = time.perf_counter()
        for url in segments[:count]:
            results.playback_bytes += len(await _get(session, url))
        results.playback_seconds = time.perf_counter() - began
    finally:
        stop.set()
        await alive
    results.playback_segments = count
    after = await camera.quiet()
    log = await camera.log()
    results.playback_requests, results.playback_challenged = _count(log[before:after])


async def run(args: argparse.Namespace, root: Path) -> Results:
    """Start the demo with a paced simulator and measure."""
    enable_media_source()
    options = {"--media-profile": args.media_profile}
    if args.bandwidth:
        options["--bandwidth"] = f"{args.bandwidth:g}"
    results = Results(
        link_mbit=args.bandwidth,
        profile=args.media_profile,
        minutes=args.minutes,
        seek_minute=args.seek_minute,
    )
    python = ROOT / ".venv" / "bin" / "python"
    async with (
        run_demo(ROOT, root, python, _say, simulator_options=options) as demo,
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) as session,
    ):
        camera = Camera(session, demo.sim_url)
        _say("media_source/browse_media down to whole hours of continuous recordings")
        items = await continuous_hours(demo, 2 * args.rounds + 1)
        if len(items) < 2 * args.rounds + 1:
            raise RuntimeError(f"only {len(items)} whole hours to play; fewer --rounds")
        results.items = items
        for turn in range(args.rounds):
            item = items[turn]
            _say(f"round {turn + 1}: resolve -> first segment of {item.path}")
            results.first.append(await first_segment(demo, camera, session, item))
        item = items[args.rounds]
        _say(f"{args.minutes:g} min of playback of {item.path}")
        await playback(demo, camera, session, item, results)
        for turn in range(args.rounds):
            item = items[args.rounds + 1 + turn]
            _say(f"round {turn + 1}: seek to minute {args.seek_minute:g} of {item.path}")
            results.seeks.append(await seek(demo, camera, session, item, args.seek_minute))
    return results


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.3f} s  ({min(values):.3f}-{max(values):.3f})"


def _short(path: str) -> str:
    return path.removeprefix("/axis-cgi/")


def report(results: Results, uptime: list[str]) -> None:
    """Print the figures and whether the bar holds."""
    link = results.link_mbit
    rate = link * 1e6 / 8 if link else 0.0
    print(
        f"== HLS playback (issue 14): simulator --media-profile {results.profile}"
        f"{f' --bandwidth {link:g}' if link else ' (unpaced)'} --history-days 3, a real Home "
        f"Assistant (separate process), websocket + HTTP as the frontend; each measurement on "
        f"a fresh hour (cold segment cache, key frames and simulator export cache)"
    )
    first = results.first
    sizes = [r.size for r in first]
    floor = statistics.median(sizes) / rate if rate else 0.0
    print(
        f"-- resolve_media -> first segment's complete bytes, {len(first)} rounds, median (min-max)"
    )
    print(f"    total                        {_spread([r.total for r in first])}")
    print(f"      resolve_media (websocket)  {_spread([r.resolve for r in first])}")
    print(f"      playlist                   {_spread([r.playlist for r in first])}")
    print(f"      segment 0                  {_spread([r.segment for r in first])}")
    print(
        f"    segment 0: {statistics.median(sizes) / 1e6:.2f} MB (median); its bytes alone at "
        f"{link:g} Mbit/s take {floor:.3f} s (the wire's floor)"
    )
    requests = Counter[str]()
    for r in first:
        requests.update(r.requests)
    print(
        "    camera requests per round (mean): "
        + ", ".join(f"{_short(p)} {n / len(first):.1f}" for p, n in sorted(requests.items()))
    )
    total = statistics.median(r.total for r in first)
    holds = total <= BAR_SECONDS
    print(
        f"  bar: resolve -> first segment <= {BAR_SECONDS} s: median {total:.3f} s "
        f"{'holds' if holds else 'FAILS'}"
        + (f" (the wire alone needs {floor:.3f} s)" if floor > BAR_SECONDS else "")
    )

    minutes = results.minutes
    print(
        f"-- camera requests per minute of playback: segments 0-{results.playback_segments - 1} "
        f"({minutes:g} min of video) fetched in order, back to back (not real-time pace), in "
        f"{results.playback_seconds:.1f} s ({results.playback_bytes / 1e6:.0f} MB, "
        f"{results.playback_bytes * 8 / 1e6 / results.playback_seconds:.0f} Mbit/s; "
        f"{minutes * 60 / results.playback_seconds:.2f} x real time), then quiet for "
        f"{QUIET_SECONDS:g} s (prefetches ahead included)"
    )
    counted = results.playback_requests
    challenged = results.playback_challenged
    playback_total = 0
    for path in PLAYBACK_PATHS:
        n = counted.get(path, 0)
        playback_total += n
        print(
            f"    {_short(path):36s} {n:4d}  {n / minutes:6.2f} / min"
            + (f"  ({challenged[path]} answered 401)" if challenged.get(path) else "")
        )
    print(
        f"    {'playback, together':36s} {playback_total:4d}  {playback_total / minutes:6.2f} / min"
    )
    others = {p: n for p, n in counted.items() if p not in PLAYBACK_PATHS}
    if others:
        print(
            "    the integration's polling meanwhile: "
            + ", ".join(f"{_short(p)} {n}" for p, n in sorted(others.items()))
        )

    seeks = results.seeks
    print(
        f"-- seek: the playlist at hand, segment at minute {results.seek_minute:g} cold, "
        f"{len(seeks)} rounds: time to its complete bytes"
    )
    print(f"    segment after the seek       {_spread([r.total for r in seeks])}")
    print(
        f"    {statistics.median(r.size for r in seeks) / 1e6:.2f} MB; camera requests per seek "
        "(mean, until its bytes): "
        + ", ".join(
            f"{_short(p)} {n / len(seeks):.1f}"
            for p, n in sorted(sum((r.requests for r in seeks), Counter[str]()).items())
        )
    )
    print("-- hours used: " + "; ".join(i.path for i in results.items))
    for line in uptime:
        print(f"  uptime: {line}")


def main() -> None:
    """Parse the command line, run, report."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of parts 1 and 3")
    parser.add_argument(
        "--bandwidth", type=float, default=100.0, help="simulator --bandwidth MBIT (0: unpaced)"
    )
    parser.add_argument(
        "--media-profile", choices=("heavy", "light"), default="heavy", help="simulator profile"
    )
    parser.add_argument("--minutes", type=float, default=5.0, help="minutes of playback (part 2)")
    parser.add_argument("--seek-minute", type=float, default=37.0, help="the seek's minute")
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    uptime = [_uptime()]
    with tempfile.TemporaryDirectory(prefix="hls-", dir=CACHE) as tmp:
        results = asyncio.run(run(args, Path(tmp) / "demo"))
    uptime.append(_uptime())
    report(results, uptime)


if __name__ == "__main__":
    main()
