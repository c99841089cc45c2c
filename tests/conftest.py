"""Shared fixtures: sockets for loopback only, and the simulated camera.

pytest-homeassistant-custom-component blocks sockets in every test, loopback included. The
tests talk real HTTP to the simulator on 127.0.0.1, so sockets are enabled for every test and
restricted to loopback hosts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from pytest_socket import socket_allow_hosts

from simulator import Simulator, SimulatorConfig

pytest_plugins = ["pytest_homeassistant_custom_component"]


@pytest.fixture(autouse=True)
def _loopback_only(socket_enabled: None) -> None:
    """Enable sockets, for 127.0.0.1 only."""
    socket_allow_hosts(["127.0.0.1", "localhost", "::1"], allow_unix_socket=True)


StartSim = Callable[..., AbstractAsyncContextManager[Simulator]]


@pytest.fixture(scope="session")
def media_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One media cache for the run: the simulator's GOP is encoded once."""
    return tmp_path_factory.mktemp("sim-media")


@pytest.fixture
def start_sim(media_cache: Path) -> StartSim:
    """Start a simulator with config overrides: `async with start_sim(auth="basic") as sim`."""

    @asynccontextmanager
    async def _start(**overrides: Any) -> AsyncIterator[Simulator]:
        simulator = Simulator(SimulatorConfig(cache_dir=media_cache, **overrides))
        async with simulator.serve("127.0.0.1", 0):
            yield simulator

    return _start


@pytest.fixture
async def sim(start_sim: StartSim) -> AsyncIterator[Simulator]:
    """The default simulated camera (admin root/pass, an SD card, an unbound share slot)."""
    async with start_sim() as simulator:
        yield simulator
