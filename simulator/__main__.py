"""Command line: ``python -m simulator --host 127.0.0.1 --port 8080 --username root --password pass``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from .app import Simulator
from .config import EXPORT_FORMATS, SimulatorConfig


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number: {text}")
    return value


def _days(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text}")
    return value


def _export_formats(text: str) -> tuple[str, ...]:
    formats = tuple(f.strip() for f in text.split(",") if f.strip())
    if not formats or any(f not in EXPORT_FORMATS for f in formats):
        raise argparse.ArgumentTypeError(
            f"export formats are some of {', '.join(EXPORT_FORMATS)}: {text}"
        )
    return formats


#: Options whose value is checked: flag, configuration field (the default), check, metavar, help.
_CHECKED_OPTIONS: tuple[tuple[str, str, Callable[[str], object], str, str], ...] = (
    (
        "--bandwidth",
        "bandwidth_mbit",
        _positive,
        "MBIT",
        "pace export bodies like a link of MBIT Mbit/s (default: unpaced, sendfile)",
    ),
    (
        "--export-formats",
        "export_formats",
        _export_formats,
        "FORMATS",
        "export formats offered, comma-separated (matroska, mp4; default matroska)",
    ),
    (
        "--history-days",
        "history_days",
        _days,
        "N",
        "N days of history (continuous and motion recordings) before the factory timeline",
    ),
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator", description="Run a simulated Axis camera (VAPIX edge storage)."
    )
    defaults = SimulatorConfig()
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=8080, help="TCP port (0: any free port)")
    parser.add_argument("--username", default=defaults.username, help="administrator name")
    parser.add_argument("--password", default=defaults.password, help="administrator password")
    parser.add_argument("--operator-password", default=defaults.operator_password)
    parser.add_argument("--viewer-password", default=defaults.viewer_password)
    parser.add_argument("--auth", choices=("digest", "basic", "both"), default=defaults.auth)
    parser.add_argument(
        "--digest-algorithms",
        default=",".join(defaults.digest_algorithms),
        help="Digest algorithms offered, in order (MD5, MD5-sess, SHA-256, SHA-256-sess)",
    )
    parser.add_argument(
        "--job-speed", type=float, default=defaults.job_speed, help="job progress in %% per second"
    )
    parser.add_argument("--tls", action="store_true", help="serve HTTPS (self-signed)")
    parser.add_argument("--cache-dir", type=Path, default=None, help="media cache directory")
    parser.add_argument("--media-profile", default=defaults.media_profile)
    parser.add_argument("--serial", default=defaults.serial)
    parser.add_argument("--no-local-storage", action="store_true", help="a product without SD")
    parser.add_argument("--legacy-firmware", action="store_true", help="no basicdeviceinfo.cgi")
    parser.add_argument("--health-json", action="store_true", help="gethealth.cgi answers JSON")
    parser.add_argument("--nonce-lifetime", type=float, default=defaults.nonce_lifetime)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    for flag, field, check, metavar, help_text in _CHECKED_OPTIONS:
        parser.add_argument(
            flag, type=check, default=getattr(defaults, field), metavar=metavar, help=help_text
        )
    parser.add_argument(
        "--events-iso",
        action="store_true",
        help='event notifications with ISO timestamps and "true"/"false" (default: ms, "1"/"0")',
    )
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    """Build the simulator configuration from parsed arguments."""
    return SimulatorConfig(
        username=args.username,
        password=args.password,
        operator_password=args.operator_password,
        viewer_password=args.viewer_password,
        auth=args.auth,
        digest_algorithms=tuple(a.strip() for a in args.digest_algorithms.split(",") if a.strip()),
        job_speed=args.job_speed,
        tls=args.tls,
        cache_dir=args.cache_dir,
        media_profile=args.media_profile,
        serial=args.serial,
        local_storage=not args.no_local_storage,
        legacy_firmware=args.legacy_firmware,
        health_json=args.health_json,
        nonce_lifetime=args.nonce_lifetime,
        seed=args.seed,
        bandwidth_mbit=args.bandwidth,
        export_formats=args.export_formats,
        history_days=args.history_days,
        events_iso=args.events_iso,
    )


async def run(args: argparse.Namespace) -> None:
    """Serve until interrupted."""
    sim = Simulator(config_from_args(args))
    async with sim.serve(args.host, args.port) as url:
        logging.getLogger("simulator").info(
            "accounts: %s (admin), operator, viewer; control surface: %s/sim/state",
            args.username,
            url,
        )
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
