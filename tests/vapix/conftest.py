"""Fixtures: a simulated camera on 127.0.0.1 and a client talking real HTTP to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from custom_components.axis_edge_storage.vapix import AxisEdgeStorage
from simulator import Simulator, SimulatorConfig

SimFactory = Callable[..., Any]


@pytest.fixture(scope="session")
def media_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One media cache for the whole run: the simulator's encoded GOP is made once."""
    return tmp_path_factory.mktemp("sim-media")


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """An aiohttp session, as Home Assistant would inject."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def start_sim(media_cache: Path) -> AsyncIterator[Any]:
    """Start a simulator with config overrides: `async with start_sim(auth="basic") as sim`."""

    @asynccontextmanager
    async def _start(**overrides: Any) -> AsyncIterator[Simulator]:
        config = SimulatorConfig(cache_dir=media_cache, **overrides)
        simulator = Simulator(config)
        async with simulator.serve("127.0.0.1", 0):
            yield simulator

    return _start  # type: ignore[return-value]


@pytest.fixture
async def sim(start_sim: Any) -> AsyncIterator[Simulator]:
    """A default simulated camera (digest auth, admin root/pass)."""
    async with start_sim() as simulator:
        yield simulator


def make_device(
    session: aiohttp.ClientSession,
    simulator: Simulator,
    *,
    username: str = "root",
    password: str = "pass",
    **kwargs: Any,
) -> AxisEdgeStorage:
    """A client for `simulator`."""
    return AxisEdgeStorage(
        session, "127.0.0.1", port=simulator.port, username=username, password=password, **kwargs
    )


@pytest.fixture
def device(session: aiohttp.ClientSession, sim: Simulator) -> AxisEdgeStorage:
    """The admin client of the default simulator."""
    return make_device(session, sim)
