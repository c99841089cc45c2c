"""Foundation benchmarks of the VAPIX client, printed as figures (issue: foundation).

1. Parse time per call of disks/list, gethealth and record/list with 100 recordings.
2. Streamed export throughput of the client against curl on the same simulator URL, measured
   in the same run, alternating, as a ratio (target >= 0.95).
3. Peak RSS growth of the client process during a 1 GiB export (target < 32 MiB).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import timeit
from datetime import timedelta
from pathlib import Path

import aiohttp
from yarl import URL

from benchmarks.simproc import ROOT, simulator
from custom_components.axis_edge_storage.vapix import AxisEdgeStorage
from custom_components.axis_edge_storage.vapix.disks import parse_disks, parse_health_xml
from custom_components.axis_edge_storage.vapix.recordings import parse_recordings
from custom_components.axis_edge_storage.vapix.xml import format_time, parse_xml

GIB = 1 << 30

DISKS = (
    '<root xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:noNamespaceSchemaLocation="http://www.axis.com/vapix/http_cgi/disk/list1.xsd">'
    '<disks numberofdisks="2"><disk diskid="SD_DISK" name="" totalsize="116109036" '
    'freesize="75106020" cleanuplevel="99" cleanupmaxage="7" cleanuppolicy="fifo" locked="no" '
    'full="no" readonly="no" status="OK" filesystem="ext4" group="S0" requiredfilesystem="none" '
    'encryptionenabled="false" diskencrypted="false"/><disk diskid="NetworkShare" name="" '
    'totalsize="0" freesize="0" cleanuplevel="99" cleanupmaxage="7" cleanuppolicy="fifo" '
    'locked="no" full="no" readonly="no" status="disconnected" filesystem="cifs" group="S1" '
    'requiredfilesystem="none" encryptionenabled="false" diskencrypted="false"/></disks></root>'
)
HEALTH = (
    '<?xml version="1.0" encoding="UTF-8"?><HealthStatusResponse '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><HealthStatusSuccess>'
    '<HealthStatus diskid="SD_DISK" wear="25"/><HealthStatus diskid="NetworkShare" wear="-1"/>'
    '<HealthStatus diskid="HDD_DISK" wear="13" temperature="315" overallhealth="1"/>'
    "</HealthStatusSuccess></HealthStatusResponse>"
)


def _recordings(count: int) -> str:
    rows = []
    for index in range(count):
        hour, minute = divmod(index, 60)
        start = f"2026-11-20T{hour:02d}:{minute:02d}:00Z"
        stop = f"2026-11-20T{hour:02d}:{minute:02d}:59Z"
        rows.append(
            f'<recording diskid="SD_DISK" recordingid="20261120_{hour:02d}{minute:02d}00_{index:04X}'
            f'_ACCC8E012345" starttime="{start}" starttimelocal="{start}" stoptime="{stop}" '
            f'stoptimelocal="{stop}" recordingtype="continuous" eventid="continuous" '
            f'eventtrigger="continuous" recordingstatus="completed" source="1">'
            '<video mimetype="video/x-h264" source="1" framerate="25:1" resolution="1920x1080" '
            'width="1920" height="1080"/><audio mimetype="audio/mpeg4-generic" source="1" '
            'bitrate="32000" samplerate="16000"/></recording>'
        )
    return (
        '<?xml version="1.0"?><root xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<recordings totalnumberofrecordings="{count}" numberofrecordings="{count}">'
        + "".join(rows)
        + "</recordings></root>"
    )


def bench_parsers() -> dict[str, float]:
    """Microseconds per parse (XML text to models), best of 5 repeats."""
    documents = {
        "disks/list.cgi (2 disks)": (DISKS, lambda text: parse_disks(parse_xml(text))),
        "gethealth.cgi (3 disks)": (HEALTH, lambda text: parse_health_xml(parse_xml(text))),
        "record/list.cgi (100 recordings)": (
            _recordings(100),
            lambda text: parse_recordings(parse_xml(text)),
        ),
    }
    result = {}
    for name, (text, parse) in documents.items():
        timer = timeit.Timer(lambda text=text, parse=parse: parse(text))
        number, _ = timer.autorange()
        best = min(timer.repeat(repeat=5, number=number)) / number
        result[name] = best * 1e6
    return result


async def _plan_export(url: str, size: int) -> tuple[str, str, str, str]:
    """Pick a recording and a range whose export is about `size` bytes."""
    base = URL(url)
    async with aiohttp.ClientSession() as session:
        device = AxisEdgeStorage(
            session, base.host or "127.0.0.1", port=base.port, username="root", password="pass"
        )
        recordings = await device.recordings.list(disk_id="SD_DISK")
        recording = max(
            (r for r in recordings if r.start is not None),
            key=lambda r: ((r.stop or r.start) - r.start) if r.stop else timedelta(days=1),  # type: ignore[operator]
        )
        assert recording.start is not None
        probe = await device.exports.properties(
            recording.recording_id,
            recording.disk_id,
            start=recording.start,
            stop=recording.start + timedelta(seconds=60),
        )
        per_second = (probe.estimated_bytes or 0) / 60
        if per_second <= 0:
            raise RuntimeError("the simulator gave no size estimate")
        seconds = size / per_second
        stop = recording.start + timedelta(seconds=seconds)
        if recording.stop is not None and stop > recording.stop:
            raise RuntimeError("no recording is long enough for the export size")
        return (
            recording.recording_id,
            recording.disk_id,
            format_time(recording.start),
            format_time(stop),
        )


def _run_client(url: str, plan: tuple[str, str, str, str], target: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.stream_export", url, *plan, target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def _run_curl(url: str, plan: tuple[str, str, str, str], target: str) -> dict[str, float]:
    recording_id, disk_id, start, stop = plan
    query = (
        f"schemaversion=1&recordingid={recording_id}&diskid={disk_id}&exportformat=matroska"
        f"&starttime={start}&stoptime={stop}"
    )
    output = subprocess.run(
        [
            "curl",
            "--silent",
            "--show-error",
            "--fail",
            "--digest",
            "--user",
            "root:pass",
            "--output",
            target,
            "--write-out",
            "%{size_download} %{time_total}",
            f"{url}/axis-cgi/record/export/exportrecording.cgi?{query}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    size, seconds = output.split()
    return {"bytes": float(size), "seconds": float(seconds)}


def bench_export(size: int, rounds: int) -> dict[str, dict[str, float]]:
    """Client vs curl on the same export URL, alternating, to /dev/null and to a file.

    Returns per sink the median throughputs, their ratio and the client's peak RSS growth.
    """
    results: dict[str, dict[str, float]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="bench-sim-") as cache,
        tempfile.TemporaryDirectory(prefix="bench-out-", dir=ROOT) as out,
        simulator("--media-profile", "heavy", cache_dir=Path(cache)) as url,
    ):
        plan = asyncio.run(_plan_export(url, size))
        _run_client(url, plan, "/dev/null")  # builds the export file once in the simulator
        for sink, target in (("/dev/null", "/dev/null"), ("file", f"{out}/export.mkv")):
            client_rates, curl_rates, growth = [], [], []
            size_seen = 0.0
            for _ in range(rounds):
                curl = _run_curl(url, plan, target)
                client = _run_client(url, plan, target)
                if curl["bytes"] != client["bytes"]:
                    raise RuntimeError(
                        f"sizes differ: curl {curl['bytes']}, client {client['bytes']}"
                    )
                size_seen = client["bytes"]
                curl_rates.append(curl["bytes"] / curl["seconds"])
                client_rates.append(client["bytes"] / client["seconds"])
                growth.append(client["rss_growth_kib"])
            results[sink] = {
                "bytes": size_seen,
                "curl_mib_s": statistics.median(curl_rates) / (1 << 20),
                "client_mib_s": statistics.median(client_rates) / (1 << 20),
                "ratio": statistics.median(client_rates) / statistics.median(curl_rates),
                "rss_growth_mib_max": max(growth) / 1024,
            }
    return results


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-gib", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()

    print("== parse time per call (best of 5)")
    for name, micros in bench_parsers().items():
        print(f"  {name:36s} {micros:9.1f} us")
    if args.skip_export:
        return
    print(f"== streamed export of {args.size_gib:g} GiB: client vs curl, same URL, same run")
    for sink, figures in bench_export(int(args.size_gib * GIB), args.rounds).items():
        print(f"  to {sink}: {int(figures['bytes'])} bytes, {args.rounds} rounds each, medians")
        print(f"    curl                {figures['curl_mib_s']:.0f} MiB/s")
        print(f"    client              {figures['client_mib_s']:.0f} MiB/s")
        print(f"    ratio client/curl   {figures['ratio']:.3f}   (target >= 0.95)")
        print(f"    client RSS growth   {figures['rss_growth_mib_max']:.1f} MiB (max; target < 32)")


if __name__ == "__main__":
    main()
