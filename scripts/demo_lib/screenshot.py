"""`scripts/screenshot`: the SD card's device page of the demo, taken with headless Chromium.

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
from pathlib import Path

from playwright.async_api import async_playwright

from .demo import Demo, default_root, run_demo
from .processes import DemoError

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "docs" / "device-page.png"
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


async def take(demo: Demo, chromium: Path, output: Path) -> None:
    """Open the SD card's device page logged in, wait for its sensors, save a PNG."""
    url = demo.device_url(demo.sd_card_device_id)
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
            page = await context.new_page()
            _say(f"opening {url}")
            await page.goto(url)
            for name in SHOWN:
                # Playwright's text locators pierce the frontend's shadow roots.
                await page.get_by_text(name, exact=True).first.wait_for(timeout=60_000)
            await page.wait_for_timeout(1500)  # icons and the last layout pass
            output.parent.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(output))
        finally:
            await browser.close()


async def _run(chromium: Path, output: Path, root: Path) -> int:
    began = time.monotonic()
    try:
        async with run_demo(REPO, root, REPO / ".venv" / "bin" / "python", _say) as demo:
            await take(demo, chromium, output)
    except DemoError as err:
        print(f"screenshot: FAILED: {err}", file=sys.stderr, flush=True)
        return 1
    size = (await asyncio.to_thread(output.stat)).st_size
    _say(f"wrote {output} ({size} bytes) in {time.monotonic() - began:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(prog="scripts/screenshot", description=__doc__)
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--dir", type=Path, default=None, help="the demo folder")
    args = parser.parse_args(argv)
    root = (args.dir or default_root(REPO)).resolve()
    return asyncio.run(_run(args.chromium, args.output.resolve(), root))


if __name__ == "__main__":
    sys.exit(main())
