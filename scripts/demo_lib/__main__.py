"""`scripts/demo [--check]`: see the package docstring and the README."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
from pathlib import Path

from .check import CLIP, check_export
from .demo import DOMAIN, Demo, default_root, run_demo
from .hass_log import LogRecord, findings
from .processes import DemoError

REPO = Path(__file__).resolve().parents[2]
_BEGAN = time.monotonic()


def _say(message: str) -> None:
    print(f"demo [{time.monotonic() - _BEGAN:5.1f} s] {message}", flush=True)


def _relative(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def print_demo(demo: Demo) -> None:
    """The URL, the login, the devices and the entities."""
    rows = [
        ("Home Assistant", demo.url),
        ("Login", f"{demo.owner_user} / {demo.owner_password}"),
        ("Camera device", f"{demo.entry_title}: {demo.device_url(demo.camera_device_id)}"),
        *(
            ("Disk device", f"{name}: {demo.device_url(device_id)}")
            for device_id, name in sorted(demo.disk_devices.items(), key=lambda item: item[1])
        ),
        ("Simulated camera", f"{demo.sim_url}  (root / {demo.camera_password}; /sim/state)"),
        ("Demo folder", f"{_relative(demo.root)}  (Home Assistant log: {_relative(demo.log)})"),
    ]
    width = max(len(label) for label, _ in rows)
    print()
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")
    print(f"\nEntities ({len(demo.entities)}):")
    id_width = max((len(row.entity_id) for row in demo.entities), default=0)
    device = None
    for row in demo.entities:
        if row.device != device:
            device = row.device
            print(f"  {device or '(no device)'}")
        print(f"    {row.entity_id.ljust(id_width)}  {row.shown_state}")
    print(flush=True)


def report_log(demo: Demo) -> list[LogRecord]:
    """Print what Home Assistant logged about the integration; return its errors."""
    ours, others = findings(demo.log, DOMAIN)
    errors = [record for record in ours if record.level != "WARNING"]
    print(
        f"Home Assistant's log: {len(errors)} error(s) and {len(ours) - len(errors)} warning(s) "
        f"about {DOMAIN}; {len(others)} error(s) of other integrations"
    )
    for record in ours:
        print(f"  {record.headline}")
    if others:
        loggers = sorted({record.logger for record in others})
        print(f"  (others, from {', '.join(loggers)}: not about {DOMAIN}, see the log)")
    print(flush=True)
    return errors


async def _interactive(demo: Demo) -> None:
    print_demo(demo)
    report_log(demo)
    _say(f"ready in {demo.started_in:.1f} s; press Ctrl-C to stop")
    waits = {asyncio.create_task(child.process.wait()): child for child in demo.children}
    try:
        done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiting in waits:
            waiting.cancel()
    raise waits[done.pop()].exited_error()


async def _check(demo: Demo) -> None:
    print_demo(demo)
    if not demo.entities:
        raise DemoError("the integration created no entities")
    unavailable = [
        row.entity_id
        for row in demo.entities
        if not row.disabled and row.state in (None, "unavailable")
    ]
    if unavailable:
        raise DemoError(f"entities without a state: {', '.join(unavailable)}")
    _say(
        f"ready in {demo.started_in:.1f} s; exporting the last {CLIP.total_seconds():.0f} s of video"
    )
    result = await check_export(demo)
    print(
        f"\nExported {result.start.isoformat()} .. {result.end.isoformat()} in "
        f"{result.seconds:.1f} s (proper_start: {result.proper_start}):"
    )
    for exported in result.files:
        print(f"  path    {exported.path}")
        print(f"  size    {exported.size} bytes")
        print(f"  sha256  {exported.sha256}")
        print(f"  range   {exported.start} .. {exported.stop}")
        print(f"  media   {exported.media}")
    print()
    errors = report_log(demo)
    if errors:
        raise DemoError(
            f"Home Assistant logged {len(errors)} error(s) about {DOMAIN}, first: "
            f"{errors[0].headline}"
        )
    print(
        f"demo --check: OK: {len(demo.entities)} entities; {len(result.files)} file(s), "
        f"{result.total_bytes} bytes, verified (size, sha256, container header, "
        "duration)",
        flush=True,
    )


async def _run(check: bool, root: Path) -> int:
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def stop() -> None:
        for sig in signals:  # a second Ctrl-C must not interrupt the orderly stop
            loop.remove_signal_handler(sig)
            signal.signal(sig, signal.SIG_IGN)
        task.cancel()

    for sig in signals:
        loop.add_signal_handler(sig, stop)
    began = time.monotonic()
    try:
        async with run_demo(REPO, root, REPO / ".venv" / "bin" / "python", _say) as demo:
            await (_check(demo) if check else _interactive(demo))
    except asyncio.CancelledError:
        _say("stopped")
        return 0 if not check else 130
    except DemoError as err:
        print(f"\ndemo: FAILED: {err}", file=sys.stderr)
        log = root / "config" / "home-assistant.log"
        ours, _ = findings(log, DOMAIN)
        for record in ours[-10:]:
            print(f"  logged: {record.headline}", file=sys.stderr)
        if log.exists():
            print(f"Home Assistant's log: {log}", file=sys.stderr)
        print(f"Logs of this run: {root}", file=sys.stderr, flush=True)
        return 1
    _say(f"done in {time.monotonic() - began:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(
        prog="scripts/demo",
        description="A real Home Assistant with the integration on a simulated camera.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="headless: export the last minute through the API, verify it, stop, exit 0 if good",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="the demo folder (default: $DEMO_DIR or .demo); remade at every run",
    )
    args = parser.parse_args(argv)
    root = (args.dir or default_root(REPO)).resolve()
    return asyncio.run(_run(args.check, root))


if __name__ == "__main__":
    sys.exit(main())
