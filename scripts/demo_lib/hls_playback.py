"""`scripts/hls-playback`: an hour of a recording played and sought in headless Chromium (issue 14).

Starts the demo (a simulated camera with ``--history-days 3`` and a real Home Assistant with the
integration), browses ``media_source/browse_media`` down to a whole hour of a continuous
recording on the SD card, resolves it with ``media_source/resolve_media`` (the URL the frontend
gets), and plays that URL in headless Chromium with hls.js (the npm registry's, as the frontend's
HLS player uses it) in a muted <video> of a page served from Home Assistant's origin. It plays at
least `MIN_PLAYED` seconds, seeks to the middle of the hour, and checks that playback goes on
within `SEEK_BAR` seconds: ``currentTime`` advancing past the seek target. Prints the seconds
played before the seek, the seek target, the time until playing again, ``currentTime`` after,
the video size and any error (hls.js, the element, HTTP answers >= 400, the console). Exit
status 0 only if all hold.

Runs in `.venv-screenshot` (Playwright's driver, no browser of its own), as `playback`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from playwright.async_api import Request, Response, Route, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from .demo import default_root, run_demo
from .hls import Item, Resolved, continuous_hours, enable_media_source, resolve
from .playback import PLAYBACK_FLAGS
from .processes import DemoError

REPO = Path(__file__).resolve().parents[2]
HLS_JS = REPO / ".cache" / "hls.js" / "hls.min.js"
MIN_PLAYED = 5.0
SEEK_BAR = 3.0
AFTER_SEEK = 2.0  # seconds watched once playing again, for currentTime after
PAGE_PATH = "/axis-edge-storage-hls-check.html"
SCRIPT_PATH = "/axis-edge-storage-hls-check/hls.min.js"
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>HLS seek check</title>
<script src="SCRIPT_PATH"></script></head>
<body style="margin:0;background:#000">
<video id="v" muted autoplay playsinline width="640"></video>
<script>
  const video = document.getElementById("v");
  const state = window.check = {
    events: [], errors: [], firstPlaying: null, seekAt: null, target: null,
    seekedAt: null, playingAfterSeek: null, pastTargetAt: null, pastTargetTime: null,
    hlsVersion: Hls.version, engine: null,
  };
  const now = () => performance.now();
  for (const name of ["loadedmetadata", "canplay", "playing", "waiting", "seeking", "seeked",
                      "stalled", "ended", "error"]) {
    video.addEventListener(name, () => {
      state.events.push([name, now(), video.currentTime]);
      if (name === "playing" && state.firstPlaying === null) {
        state.firstPlaying = [now(), video.currentTime];
      }
      if (name === "seeked" && state.seekAt !== null && state.seekedAt === null) {
        state.seekedAt = now();
      }
      if (name === "playing" && state.seekAt !== null && state.playingAfterSeek === null) {
        state.playingAfterSeek = now();
      }
      if (name === "error" && video.error) {
        state.errors.push("video: " + video.error.code + " " + video.error.message);
      }
    });
  }
  // currentTime past the seek target, sampled every 10 ms.
  setInterval(() => {
    if (state.target !== null && state.pastTargetAt === null && !video.seeking &&
        video.currentTime > state.target + 0.05) {
      state.pastTargetAt = now();
      state.pastTargetTime = video.currentTime;
    }
  }, 10);
  window.seekTo = (target) => {
    state.seekAt = now();
    state.target = target;
    video.currentTime = target;
  };
  if (Hls.isSupported()) {
    state.engine = "hls.js " + Hls.version + " (Media Source Extensions)";
    const hls = window.hls = new Hls();
    hls.on(Hls.Events.ERROR, (_, data) => {
      state.errors.push("hls.js: " + data.type + " " + data.details +
                        (data.fatal ? " (fatal)" : "") +
                        (data.response ? " HTTP " + data.response.code : ""));
    });
    hls.loadSource(SOURCE);
    hls.attachMedia(video);
  } else {
    state.engine = "hls.js unsupported here";
    state.errors.push("Hls.isSupported() is false");
  }
  video.play().catch((err) => state.events.push(["play() " + err.name, now(), 0]));
</script>
</body></html>
"""
STATE_JS = """() => {
  const v = document.getElementById("v");
  const s = window.check;
  return {
    now: performance.now(), currentTime: v.currentTime, duration: v.duration,
    width: v.videoWidth, height: v.videoHeight, paused: v.paused, seeking: v.seeking,
    readyState: v.readyState, events: s.events, errors: s.errors,
    firstPlaying: s.firstPlaying, seekAt: s.seekAt, target: s.target, seekedAt: s.seekedAt,
    playingAfterSeek: s.playingAfterSeek, pastTargetAt: s.pastTargetAt,
    pastTargetTime: s.pastTargetTime, hlsVersion: s.hlsVersion, engine: s.engine,
    decoded: v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().totalVideoFrames : null,
    dropped: v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().droppedVideoFrames : null,
  };
}"""


def _say(message: str) -> None:
    print(f"hls-playback: {message}", flush=True)


async def play_and_seek(
    chromium: Path, origin: str, resolved: Resolved, played_before: float, wait: float
) -> dict[str, Any]:
    """Play the resolved URL with hls.js, seek to the middle, and return what the page saw."""
    page_html = PAGE.replace("SCRIPT_PATH", SCRIPT_PATH).replace("SOURCE", json.dumps(resolved.url))
    script = await asyncio.to_thread(HLS_JS.read_bytes)
    http_errors: list[str] = []
    segments: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=PLAYBACK_FLAGS
        )
        try:
            page = await browser.new_page()
            console: list[str] = []
            page.on(
                "console",
                lambda m: (
                    console.append(f"{m.type}: {m.text}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )

            def on_response(response: Response) -> None:
                path = response.url.split("?")[0]
                if response.status >= 400:
                    http_errors.append(f"HTTP {response.status} {path[-60:]}")

            def on_request(request: Request) -> None:
                if request.url.split("?")[0].endswith(".ts"):
                    segments.append(request.url.split("?")[0].rsplit("/", 1)[-1].split(".")[0])

            page.on("response", on_response)
            page.on("request", on_request)

            # The page and hls.js are served at Home Assistant's origin (routed here), so the
            # player fetches the playlist and segments same-origin, as the frontend does.
            async def serve_page(route: Route) -> None:
                await route.fulfill(status=200, content_type="text/html", body=page_html)

            async def serve_script(route: Route) -> None:
                await route.fulfill(status=200, content_type="text/javascript", body=script)

            await page.route(origin + PAGE_PATH, serve_page)
            await page.route(origin + SCRIPT_PATH, serve_script)
            await page.goto(origin + PAGE_PATH)
            await page.wait_for_function(
                "() => window.check.firstPlaying !== null || window.check.errors.length > 0",
                timeout=wait * 1000,
            )
            await page.wait_for_function(
                f"""() => window.check.firstPlaying !== null && (
                    document.getElementById('v').currentTime - window.check.firstPlaying[1]
                    >= {played_before} || window.check.errors.some(e => e.includes('fatal')))""",
                timeout=(played_before + wait) * 1000,
            )
            before: dict[str, Any] = await page.evaluate(STATE_JS)
            target = before["duration"] / 2
            segments_before = len(segments)
            await page.evaluate(f"window.seekTo({target!r})")
            with contextlib.suppress(PlaywrightTimeoutError):  # reported as not playing on
                await page.wait_for_function(
                    "() => window.check.pastTargetAt !== null", timeout=wait * 1000
                )
                await page.wait_for_timeout(AFTER_SEEK * 1000)
            after: dict[str, Any] = await page.evaluate(STATE_JS)
            after["before"] = before
            after["console"] = console
            after["http_errors"] = http_errors
            after["segments_before"] = segments[:segments_before]
            after["segments_after"] = segments[segments_before:]
            after["version"] = browser.version
            return after
        finally:
            await browser.close()


def report(item: Item, resolved: Resolved, state: dict[str, Any], played_before: float) -> bool:
    """Print the figures; True if everything holds."""
    before = state["before"]
    first = state.get("firstPlaying") or [0.0, 0.0]
    played = float(before["currentTime"]) - float(first[1])
    target = float(state["target"])
    seek_at = float(state["seekAt"])
    past = state.get("pastTargetAt")
    until = (float(past) - seek_at) / 1000 if past is not None else None
    playing = state.get("playingAfterSeek")
    seeked = state.get("seekedAt")
    errors = [*state["errors"], *state["http_errors"]]
    fatal = any("fatal" in e or e.startswith("video:") for e in errors)
    ok = (
        played >= played_before
        and until is not None
        and until <= SEEK_BAR
        and float(state["currentTime"]) > target
        and state["width"] > 0
        and not fatal
        and not state["http_errors"]
    )
    print()
    print(f"  item            {item.path} > {item.title} ({item.start:%Y-%m-%d %H:%M}Z, 1 h)")
    print(f"  resolved        {resolved.mime_type}  {resolved.relative.split('?')[0]}?...")
    print(f"  browser         Chromium {state.get('version')} (headless), {state.get('engine')}")
    print(f"  duration        {state['duration']:.3f} s (playlist)")
    print(
        f"  played          {played:.3f} s before the seek (currentTime {first[1]:.3f} -> "
        f"{before['currentTime']:.3f}), segments {', '.join(state['segments_before'])}"
    )
    print(f"  seek target     {target:.3f} s (the middle of the hour)")
    print(
        "  seeked event    "
        + (f"{(float(seeked) - seek_at) / 1000:.3f} s after the seek" if seeked else "none")
    )
    print(
        "  playing event   "
        + (f"{(float(playing) - seek_at) / 1000:.3f} s after the seek" if playing else "none")
    )
    print(
        "  playing again   "
        + (
            f"{until:.3f} s after the seek (currentTime {state['pastTargetTime']:.3f} > target)"
            if until is not None
            else "NOT within the wait"
        )
        + f"  (bar <= {SEEK_BAR:.0f} s)"
    )
    print(
        f"  currentTime     {state['currentTime']:.3f} s, {AFTER_SEEK:.0f} s after playing again "
        f"(segments fetched after the seek: {', '.join(state['segments_after']) or 'none'})"
    )
    print(f"  video size      {state['width']}x{state['height']}")
    print(f"  frames          {state.get('decoded')} decoded, {state.get('dropped')} dropped")
    print(f"  element         paused={state['paused']} readyState={state['readyState']}")
    print(f"  events          {', '.join(f'{e[0]}@{e[2]:.2f}' for e in state['events'])}")
    print(f"  errors          {'; '.join(errors) if errors else 'none'}")
    for line in state.get("console", []):
        print(f"  console         {line}")
    verdict = "PLAYS AND SEEKS" if ok else "FAILED"
    print(
        f"\nhls-playback: {verdict}: played {played:.2f} s (needed >= {played_before:.0f}), "
        f"playing again {until if until is not None else float('nan'):.2f} s after the seek "
        f"to {target:.0f} s (needed <= {SEEK_BAR:.0f})",
        flush=True,
    )
    return ok


async def _run(
    chromium: Path,
    root: Path,
    played_before: float,
    wait: float,
    simulator_options: dict[str, str],
) -> int:
    began = time.monotonic()
    enable_media_source()
    python = REPO / ".venv" / "bin" / "python"
    if simulator_options:
        _say(f"simulator options {' '.join(f'{k} {v}' for k, v in simulator_options.items())}")
    try:
        async with run_demo(REPO, root, python, _say, simulator_options) as demo:
            _say("media_source/browse_media down to a whole hour of a continuous recording")
            item = (await continuous_hours(demo, 1))[0]
            _say(f"media_source/resolve_media {item.path} > {item.title}")
            resolved = await resolve(demo, item)
            _say(f"playing {resolved.mime_type} with hls.js in headless Chromium")
            state = await play_and_seek(chromium, demo.url, resolved, played_before, wait)
    except DemoError as err:
        print(f"hls-playback: FAILED: {err}", file=sys.stderr, flush=True)
        return 1
    ok = report(item, resolved, state, played_before)
    _say(f"done in {time.monotonic() - began:.1f} s")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(prog="scripts/hls-playback", description=__doc__)
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    parser.add_argument("--dir", type=Path, default=None, help="the demo folder")
    parser.add_argument(
        "--play", type=float, default=MIN_PLAYED, help="seconds to play before the seek"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="longest wait for a step")
    parser.add_argument(
        "--media-profile", choices=("light", "heavy"), default=None, help="simulator profile"
    )
    parser.add_argument(
        "--bandwidth", type=float, default=None, help="simulator --bandwidth MBIT (paced exports)"
    )
    args = parser.parse_args(argv)
    options = {}
    if args.media_profile:
        options["--media-profile"] = args.media_profile
    if args.bandwidth:
        options["--bandwidth"] = f"{args.bandwidth:g}"
    if not HLS_JS.is_file():
        print(f"hls-playback: {HLS_JS} is missing (scripts/hls-playback fetches it)")
        return 1
    root = (args.dir or default_root(REPO)).resolve()
    return asyncio.run(_run(args.chromium, root, max(args.play, MIN_PLAYED), args.timeout, options))


if __name__ == "__main__":
    sys.exit(main())
