"""Fixtures for the simulator tests: a served simulator and an HTTP session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from simulator import Simulator

from .helpers import make_sim


@pytest.fixture(scope="session")
def sim_media_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One media cache for the run, so the GOP is encoded once."""
    return tmp_path_factory.mktemp("sim-media")


@pytest.fixture
async def sim(sim_media_cache: Path) -> AsyncIterator[Simulator]:
    """A served simulator accepting Basic and Digest."""
    simulator = make_sim(sim_media_cache)
    async with simulator.serve("127.0.0.1", 0):
        yield simulator


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session."""
    async with aiohttp.ClientSession() as client:
        yield client
