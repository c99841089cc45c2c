"""Fixtures for the simulator tests: a served simulator and a fake media library."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from simulator import Simulator, SimulatorConfig

pytestmark = pytest.mark.usefixtures("socket_enabled")


@dataclass
class FakeProfile:
    name: str = "fake"
    fps: float = 10.0
    width: int = 320
    height: int = 180
    gop_seconds: float = 2.0


class FakeMedia:
    """Stands in for simulator.media.MediaLibrary: deterministic bytes, no PyAV."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.profile = FakeProfile()
        self.builds: list[tuple[str, datetime, datetime]] = []

    def align_to_keyframe(self, recording_start: datetime, t: datetime) -> datetime:
        offset = (t - recording_start).total_seconds()
        if offset <= 0:
            return recording_start
        steps = int(offset // self.profile.gop_seconds)
        return recording_start + timedelta(seconds=steps * self.profile.gop_seconds)

    def estimated_size_kb(self, duration_s: float) -> int:
        return max(1, int(duration_s * 50))

    def build_export(self, *, key: str, start: datetime, stop: datetime) -> Path:
        self.builds.append((key, start, stop))
        name = hashlib.sha1(f"{key}{start}{stop}".encode()).hexdigest()
        path = self.cache_dir / f"{name}.mkv"
        seconds = max(1, int((stop - start).total_seconds()))
        path.write_bytes(b"\x1aE\xdf\xa3" + bytes(range(256)) * (4 * seconds))
        return path

    def build_zip(self, mkv: Path, *, password: str, inner_name: str) -> Path:
        path = mkv.with_suffix(".zip")
        path.write_bytes(b"PK\x03\x04" + inner_name.encode() + mkv.read_bytes()[:100])
        return path


def make_sim(tmp_path: Path, **overrides: object) -> Simulator:
    config = SimulatorConfig(auth="both", **overrides)  # type: ignore[arg-type]
    return Simulator(config, media=FakeMedia(tmp_path))


@pytest.fixture
async def sim(tmp_path: Path) -> AsyncIterator[Simulator]:
    simulator = make_sim(tmp_path)
    async with simulator.serve("127.0.0.1", 0):
        yield simulator


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


ADMIN = aiohttp.BasicAuth("root", "pass")
OPERATOR = aiohttp.BasicAuth("operator", "operator")
VIEWER = aiohttp.BasicAuth("viewer", "viewer")
