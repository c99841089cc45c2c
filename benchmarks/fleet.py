"""A fleet of simulated cameras in one process, for benchmarks of the integration.

``python -m benchmarks.fleet --count 50 --cache-dir D --ready-file F`` starts ``count``
`simulator.Simulator` instances on one event loop, each on a free 127.0.0.1 port with its own
serial (``ACCC8E000001``, ``ACCC8E000002``, ...), writes ``F`` (JSON: the cameras' serials,
ports and URLs, and this process's id) once every camera answers, and serves until SIGTERM or
SIGINT. The fleet runs in its own process so that its CPU time is not counted as the client's.
Each camera keeps its own request log (``GET /sim/requests`` on its port).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
from contextlib import AsyncExitStack
from pathlib import Path

from simulator import Simulator, SimulatorConfig

SERIAL_PREFIX = "ACCC8E"  # an Axis MAC prefix; the serial is the MAC without colons


def serial(index: int) -> str:
    """The serial of camera ``index`` (1-based): 12 hex digits with an Axis prefix."""
    return f"{SERIAL_PREFIX}{index:06X}"


async def serve(count: int, cache_dir: Path, ready_file: Path, host: str) -> None:
    """Start the cameras, announce them in ``ready_file``, serve until a stop signal."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with AsyncExitStack() as stack:
        cameras = []
        for index in range(1, count + 1):
            sim = Simulator(SimulatorConfig(serial=serial(index), cache_dir=cache_dir, seed=index))
            url = await stack.enter_async_context(sim.serve(host, 0))
            cameras.append({"serial": sim.config.serial, "port": sim.port, "url": url})
        partial = ready_file.with_name(ready_file.name + ".part")
        partial.write_text(json.dumps({"pid": os.getpid(), "cameras": cameras}))
        partial.replace(ready_file)
        await stop.wait()


def main() -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--cache-dir", type=Path, required=True, help="media cache directory")
    parser.add_argument("--ready-file", type=Path, required=True, help="JSON written when ready")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--log-level", default="WARNING", help="INFO logs every VAPIX request")
    args = parser.parse_args()
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(serve(args.count, args.cache_dir, args.ready_file, args.host))


if __name__ == "__main__":
    main()
