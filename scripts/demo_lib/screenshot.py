"""`scripts/screenshot`: the demo's device page and media browser, taken with headless Chromium.

Three shots: the SD card's device page (`docs/device-page.png`), the media browser down to an
hour of recordings with their thumbnails (`docs/media-browser.png`), and Settings > Repairs with
a raised issue (`docs/repairs.png`: the simulated card's wear set past its alert level).

Runs in `.venv-screenshot` (Playwright's driver, no browser of its own): the demo's children
still run with `.venv`'s Python. The browser is logged in by the tokens the demo's onboarding
obtained, put where the frontend keeps them (`hassTokens` in localStorage).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from playwright.async_api import Page, async_playwright

from . import demo as demo_module
from .demo import Demo, default_root, run_demo
from .processes import DemoError

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "docs" / "device-page.png"
MEDIA_OUTPUT = REPO / "docs" / "media-browser.png"
REPAIRS_OUTPUT = REPO / "docs" / "repairs.png"
# The issue the repairs shot shows (strings.json: issues.disk_worn.title, with the placeholders).
REPAIRS_SHOWN = "Replace the SD card of"
REPAIRS_DETAIL = "Cards wear out"
MEDIA_ROOT = "media-source://axis_edge_storage"
VIEWPORT = {"width": 1280, "height": 960}
# What this machine's Chromium needs: no sandbox as root, no GPU, and no background traffic
# to Google's hosts (there is no internet; each attempt would be refused).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The device page is ready when the disk sensors' names (strings.json) are on it.
SHOWN = ("Free space", "Total size", "Wear")


def _say(message: str) -> None:
    print(f"screenshot: {message}", flush=True)


@asynccontextmanager
async def _page(demo: Demo, chromium: Path) -> AsyncIterator[Page]:
    """A logged-in page of the demo's frontend in headless Chromium."""
    tokens = json.dumps(demo.tokens.local_storage(demo.url))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            context = await browser.new_context(
                viewport=VIEWPORT,  # type: ignore[arg-type]
                device_scale_factor=1,
                locale="en-US",
                timezone_id="UTC",
                color_scheme="light",
            )
            await context.add_init_script(
                f"window.localStorage.setItem('hassTokens', {json.dumps(tokens)});"
            )
            yield await context.new_page()
        finally:
            await browser.close()


async def take(demo: Demo, chromium: Path, output: Path) -> None:
    """Open the SD card's device page logged in, wait for its sensors, save a PNG."""
    url = demo.device_url(demo.sd_card_device_id)
    async with _page(demo, chromium) as page:
        _say(f"opening {url}")
        await page.goto(url)
        for name in SHOWN:
            # Playwright's text locators pierce the frontend's shadow roots.
            await page.get_by_text(name, exact=True).first.wait_for(timeout=60_000)
        await page.wait_for_timeout(1500)  # icons and the last layout pass
        output.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(output))


async def _media_path(demo: Demo) -> list[str]:
    """The titles to click down to the busiest hour of a past day.

    The source, the camera, the SD card, a past day, and its hour with the most recordings
    (events and continuous pieces), found by the websocket API.
    """
    titles = ["Axis Edge Storage"]

    async def browse(content_id: str) -> list[dict[str, Any]]:
        result = await demo.hass.ws("media_source/browse_media", media_content_id=content_id)
        return list(result["children"])

    cameras = await browse(MEDIA_ROOT)
    camera = next(c for c in cameras if demo.entry_id in c["media_content_id"])
    disks = await browse(camera["media_content_id"])
    disk = next(d for d in disks if d["title"].startswith("SD card"))
    days = await browse(disk["media_content_id"])
    if not days:
        raise DemoError("the media browser shows no day of recordings")
    day = days[1] if len(days) > 1 else days[0]
    hours = await browse(day["media_content_id"])
    counts = [(len(await browse(hour["media_content_id"])), hour["title"]) for hour in hours]
    hour_title = max(counts)[1]
    titles += [camera["title"], disk["title"], day["title"], hour_title]
    return titles


async def take_media_browser(demo: Demo, chromium: Path, output: Path) -> None:
    """Media > Axis Edge Storage > camera > SD card > a day > an hour, thumbnails loaded."""
    path = await _media_path(demo)
    async with _page(demo, chromium) as page:
        url = f"{demo.url}/media-browser/browser"
        _say(f"opening {url}, then {' > '.join(path)}")
        await page.goto(url)
        for title in path:
            target = page.get_by_text(title, exact=True).first
            await target.wait_for(timeout=60_000)
            await target.click()
            await page.wait_for_timeout(800)
        # Every thumbnail is made from the camera on first view; the frontend fetches it with
        # its session and shows it as a data: URL. Wait until they are shown.
        await page.wait_for_function(
            """() => {
                const found = [];
                const walk = (root) => {
                    for (const el of root.querySelectorAll("*")) {
                        if (el.shadowRoot) walk(el.shadowRoot);
                        const bg = getComputedStyle(el).backgroundImage || "";
                        if (bg.includes("data:image/jpeg")) found.push(el);
                    }
                };
                walk(document);
                return found.length > 0;
            }""",
            timeout=60_000,
        )
        await page.wait_for_timeout(4000)  # the remaining thumbnails and the last layout pass
        output.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(output))


async def take_repairs(demo: Demo, chromium: Path, output: Path) -> None:
    """Wear the simulated card past its alert level, wait for the issue, shoot Repairs."""
    async with demo.hass.session.post(
        f"{demo.sim_url}/sim/disks/SD_DISK", json={"health": {"wear": 92}}
    ) as response:
        response.raise_for_status()
    # The next poll (or the event stream's alert) raises the issue; ask for a refresh at once.
    health = [row.entity_id for row in demo.entities if row.entity_id.endswith("_sd_card_health")]
    await demo.hass.ws(
        "call_service",
        domain="homeassistant",
        service="update_entity",
        service_data={"entity_id": health},
    )
    async with _page(demo, chromium) as page:
        _say(f"opening {demo.url}/config/repairs")
        await page.goto(f"{demo.url}/config/repairs")
        issue = page.get_by_text(REPAIRS_SHOWN, exact=False).first
        await issue.wait_for(timeout=60_000)
        await issue.click()  # the issue's dialog: what is wrong and what to do
        await page.get_by_text(REPAIRS_DETAIL, exact=False).first.wait_for(timeout=60_000)
        await page.wait_for_timeout(1500)
        output.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(output))


async def _run(chromium: Path, outputs: dict[str, Path], root: Path) -> int:
    began = time.monotonic()
    # The media browser needs media_source, which the demo's configuration does not load.
    if "media_source:" not in demo_module.CONFIGURATION_YAML:
        demo_module.CONFIGURATION_YAML = demo_module.CONFIGURATION_YAML.replace(
            "frontend:\n", "frontend:\nmedia_source:\n"
        )
    try:
        async with run_demo(REPO, root, REPO / ".venv" / "bin" / "python", _say) as demo:
            if "device" in outputs:
                await take(demo, chromium, outputs["device"])
            if "media" in outputs:
                await take_media_browser(demo, chromium, outputs["media"])
            if "repairs" in outputs:
                await take_repairs(demo, chromium, outputs["repairs"])
    except DemoError as err:
        print(f"screenshot: FAILED: {err}", file=sys.stderr, flush=True)
        return 1
    for output in outputs.values():
        size = (await asyncio.to_thread(output.stat)).st_size
        _say(f"wrote {output} ({size} bytes)")
    _say(f"done in {time.monotonic() - began:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(prog="scripts/screenshot", description=__doc__)
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the device page's PNG")
    parser.add_argument("--media-output", type=Path, default=MEDIA_OUTPUT)
    parser.add_argument("--repairs-output", type=Path, default=REPAIRS_OUTPUT)
    parser.add_argument(
        "--only", choices=("device", "media", "repairs"), default=None, help="one shot only"
    )
    parser.add_argument("--dir", type=Path, default=None, help="the demo folder")
    args = parser.parse_args(argv)
    root = (args.dir or default_root(REPO)).resolve()
    outputs = {
        "device": args.output.resolve(),
        "media": args.media_output.resolve(),
        "repairs": args.repairs_output.resolve(),
    }
    if args.only is not None:
        outputs = {args.only: outputs[args.only]}
    return asyncio.run(_run(args.chromium, outputs, root))


if __name__ == "__main__":
    sys.exit(main())
