"""`scripts/playback`: an exported MP4 link played in headless Chromium (issue 13).

Starts the demo (a simulated camera and a real Home Assistant with the integration), calls
``axis_edge_storage.export_clip`` with ``format: mp4`` for the last seconds through Home
Assistant's REST API, and opens a page in headless Chromium whose ``<video>`` (muted, autoplay)
plays the returned signed link, Home Assistant's base URL in front. After a few seconds it
prints what the element says: the seconds played (``currentTime``), the duration, the size of
the picture, and whether it played. The ``thumbnail_url`` is fetched too (content type, size),
and the link's ``Range: bytes=0-1`` answer is shown. Exit status 0 only if ``currentTime``
advanced by at least `MIN_PLAYED` seconds.

Runs in `.venv-screenshot` (Playwright's driver, no browser of its own), as `screenshot`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from playwright.async_api import async_playwright

from .demo import DOMAIN, Demo, default_root, run_demo
from .processes import DemoError
from .screenshot import CHROMIUM_FLAGS

REPO = Path(__file__).resolve().parents[2]
ACTION = "export_clip"
MIN_PLAYED = 2.0
# Muted autoplay is allowed anyway; this makes it so whatever the browser's policy.
PLAYBACK_FLAGS = [*CHROMIUM_FLAGS, "--autoplay-policy=no-user-gesture-required"]
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>export_clip playback</title></head>
<body style="margin:0;background:#000">
<video id="clip" muted autoplay playsinline preload="auto" width="640"></video>
<script>
  const video = document.getElementById("clip");
  window.playback = {events: [], firstPlaying: null};
  for (const name of ["loadedmetadata", "canplay", "playing", "waiting", "stalled", "ended",
                      "error"]) {
    video.addEventListener(name, () => {
      window.playback.events.push([name, performance.now(), video.currentTime]);
      if (name === "playing" && window.playback.firstPlaying === null) {
        window.playback.firstPlaying = [performance.now(), video.currentTime];
      }
    });
  }
  video.src = SOURCE;
  video.play().catch((err) => window.playback.events.push(["play() " + err.name, 0, 0]));
</script>
</body></html>
"""
STATE_JS = """() => {
  const v = document.getElementById("clip");
  return {
    currentTime: v.currentTime, duration: v.duration, width: v.videoWidth,
    height: v.videoHeight, paused: v.paused, ended: v.ended, readyState: v.readyState,
    networkState: v.networkState, error: v.error ? [v.error.code, v.error.message] : null,
    events: window.playback.events, firstPlaying: window.playback.firstPlaying,
    decoded: v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().totalVideoFrames : null,
  };
}"""


def _say(message: str) -> None:
    print(f"playback: {message}", flush=True)


@dataclass(frozen=True)
class Exported:
    """The file the action reported, and its absolute links."""

    file: dict[str, Any]
    url: str
    thumbnail_url: str | None
    seconds: float


async def export_mp4(demo: Demo, clip: timedelta) -> Exported:
    """Call export_clip (format mp4) for the last `clip` through the REST API."""
    end = datetime.now(UTC).replace(microsecond=0)
    start = end - clip
    _say(f"export_clip format mp4, {start.isoformat()} .. {end.isoformat()}")
    began = time.monotonic()
    answer = await demo.hass.post(
        f"/api/services/{DOMAIN}/{ACTION}?return_response",
        {
            "device_id": demo.camera_device_id,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "format": "mp4",
        },
        limit=600,
    )
    seconds = time.monotonic() - began
    response = answer.get("service_response") if isinstance(answer, dict) else None
    files = (response or {}).get("files")
    if not isinstance(files, list) or not files:
        raise DemoError(f"{DOMAIN}.{ACTION} returned no files: {answer!r}")
    file = files[0]
    if not file.get("url"):
        raise DemoError(f"the file has no download link: {file}")
    thumbnail = file.get("thumbnail_url")
    return Exported(
        file=file,
        url=f"{demo.url}{file['url']}",
        thumbnail_url=f"{demo.url}{thumbnail}" if thumbnail else None,
        seconds=seconds,
    )


async def fetch_links(exported: Exported) -> None:
    """Print the link's answer to a two-byte range, and the thumbnail's type and size."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        async with session.get(exported.url, headers={"Range": "bytes=0-1"}) as response:
            body = await response.read()
            _say(
                f"video link, Range bytes=0-1: HTTP {response.status}, "
                f"Content-Type {response.headers.get('Content-Type')}, "
                f"Content-Range {response.headers.get('Content-Range')}, "
                f"Content-Disposition {response.headers.get('Content-Disposition')}, "
                f"{len(body)} bytes"
            )
        if exported.thumbnail_url is None:
            _say("thumbnail: no thumbnail_url in the response")
            return
        async with session.get(exported.thumbnail_url) as response:
            body = await response.read()
            jpeg = body[:3] == b"\xff\xd8\xff"
            _say(
                f"thumbnail: HTTP {response.status}, Content-Type "
                f"{response.headers.get('Content-Type')}, {len(body)} bytes"
                f"{', JPEG (FF D8 FF)' if jpeg else ', not a JPEG'}"
            )


async def play(chromium: Path, url: str, watch: float) -> dict[str, Any]:
    """Play `url` in a muted autoplaying <video> in headless Chromium; its state after `watch`."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=PLAYBACK_FLAGS
        )
        try:
            page = await browser.new_page()
            logs: list[str] = []
            page.on("console", lambda message: logs.append(message.text))
            await page.set_content(PAGE.replace("SOURCE", json.dumps(url)))
            await page.wait_for_function(
                "() => window.playback.firstPlaying !== null || "
                "document.getElementById('clip').error !== null",
                timeout=30_000,
            )
            await page.wait_for_timeout(watch * 1000)
            state: dict[str, Any] = await page.evaluate(STATE_JS)
            state["console"] = logs
            state["version"] = browser.version
            return state
        finally:
            await browser.close()


def _report(exported: Exported, state: dict[str, Any], watch: float) -> bool:
    file = exported.file
    first = state.get("firstPlaying") or [0.0, 0.0]
    played = float(state["currentTime"]) - float(first[1])
    ok = played >= MIN_PLAYED and state.get("error") is None
    print()
    print(f"  exported      {file.get('path')}")
    print(
        f"                {file.get('format')}, {file.get('size')} bytes, sha256 "
        f"{str(file.get('sha256'))[:16]}..., in {exported.seconds:.1f} s"
    )
    print(f"  link          {exported.url.split('?')[0]}?...")
    print(f"  browser       Chromium {state.get('version')} (headless)")
    print(f"  watched       {watch:.1f} s after the first 'playing' event")
    print(f"  currentTime   {state['currentTime']:.3f} s (played {played:.3f} s)")
    print(f"  duration      {state['duration']:.3f} s")
    print(f"  video size    {state['width']}x{state['height']}")
    print(f"  frames        {state.get('decoded')} decoded")
    print(
        f"  element       paused={state['paused']} ended={state['ended']} "
        f"readyState={state['readyState']} error={state.get('error')}"
    )
    print(f"  events        {', '.join(f'{e[0]}@{e[2]:.2f}' for e in state['events'])}")
    for line in state.get("console", []):
        print(f"  console       {line}")
    print(
        f"\nplayback: {'PLAYED' if ok else 'DID NOT PLAY'}: currentTime advanced {played:.2f} s "
        f"(needed >= {MIN_PLAYED:.0f} s)",
        flush=True,
    )
    return ok


async def _run(chromium: Path, root: Path, clip: timedelta, watch: float) -> int:
    began = time.monotonic()
    try:
        async with run_demo(REPO, root, REPO / ".venv" / "bin" / "python", _say) as demo:
            exported = await export_mp4(demo, clip)
            await fetch_links(exported)
            _say("opening the link in headless Chromium")
            state = await play(chromium, exported.url, watch)
    except DemoError as err:
        print(f"playback: FAILED: {err}", file=sys.stderr, flush=True)
        return 1
    ok = _report(exported, state, watch)
    _say(f"done in {time.monotonic() - began:.1f} s")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(prog="scripts/playback", description=__doc__)
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    parser.add_argument("--dir", type=Path, default=None, help="the demo folder")
    parser.add_argument("--seconds", type=float, default=30.0, help="clip length (the last N s)")
    parser.add_argument("--watch", type=float, default=4.0, help="seconds to let it play")
    args = parser.parse_args(argv)
    root = (args.dir or default_root(REPO)).resolve()
    return asyncio.run(_run(args.chromium, root, timedelta(seconds=args.seconds), args.watch))


if __name__ == "__main__":
    sys.exit(main())
