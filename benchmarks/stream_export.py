"""Stream one export with the client to /dev/null; print bytes, seconds and RSS growth as JSON.

Run in its own process so that its peak RSS is the client's alone:
    python -m benchmarks.stream_export URL RECORDING_ID DISK_ID START STOP OUTPUT

OUTPUT is /dev/null (the transport alone) or a file (what a user's download costs).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time

import aiohttp
from yarl import URL

from custom_components.axis_edge_storage.vapix import AxisEdgeStorage
from custom_components.axis_edge_storage.vapix.xml import to_datetime


def _rss_kib() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


async def _main(
    url: str, recording_id: str, disk_id: str, start: str, stop: str, output: str
) -> None:
    base = URL(url)
    async with aiohttp.ClientSession() as session:
        device = AxisEdgeStorage(
            session, base.host or "127.0.0.1", port=base.port, username="root", password="pass"
        )
        await device.params.capabilities()  # authenticate once, warm the connection
        rss_before = _rss_kib()
        sink = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        received = 0
        began = time.perf_counter()
        async with device.exports.export(
            recording_id, disk_id, start=to_datetime(start), stop=to_datetime(stop)
        ) as export:
            async for chunk in export.iter_chunks():
                received += len(chunk)
                os.write(sink, chunk)
        elapsed = time.perf_counter() - began
        os.close(sink)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "bytes": received,
                "seconds": elapsed,
                "rss_before_kib": rss_before,
                "peak_rss_kib": peak,
                "rss_growth_kib": max(0, peak - rss_before),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(_main(*sys.argv[1:7]))
