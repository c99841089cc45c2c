"""Run the simulator as a separate process for benchmarks (so it never shares our CPU loop)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def simulator(*args: str, cache_dir: Path) -> Iterator[str]:
    """Start `python -m simulator` on a free port; yield its base URL; stop it."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "simulator",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--username",
        "root",
        "--password",
        "pass",
        "--cache-dir",
        str(cache_dir),
        *args,
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/sim/state", timeout=2) as response:
                    json.load(response)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the simulator did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        _stop(process)


@dataclass(frozen=True, slots=True)
class Camera:
    """One simulated camera of a fleet."""

    serial: str
    port: int
    url: str


@dataclass(frozen=True, slots=True)
class Fleet:
    """A running fleet: its cameras and the process serving them."""

    cameras: tuple[Camera, ...]
    pid: int

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the fleet process so far (Linux /proc); None elsewhere."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        # After the command name: state is field 3, utime 14 and stime 15 (1-based, man proc).
        ticks = int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def fleet(count: int, *, cache_dir: Path) -> Iterator[Fleet]:
    """Start `python -m benchmarks.fleet` (``count`` cameras, one process); yield it; stop it."""
    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as tmp:
        ready = Path(tmp) / "ready.json"
        command = [
            sys.executable,
            "-m",
            "benchmarks.fleet",
            "--count",
            str(count),
            "--cache-dir",
            str(cache_dir),
            "--ready-file",
            str(ready),
        ]
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while not ready.exists():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the simulator fleet did not start")
                time.sleep(0.1)
            announced = json.loads(ready.read_text())
            cameras = tuple(Camera(**camera) for camera in announced["cameras"])
            yield Fleet(cameras=cameras, pid=int(announced["pid"]))
        finally:
            _stop(process)
