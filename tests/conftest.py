"""Shared fixtures: sockets for loopback only, and the simulated camera.

pytest-homeassistant-custom-component blocks sockets in every test, loopback included. The
tests talk real HTTP to the simulator on 127.0.0.1, so sockets are enabled for every test and
restricted to loopback hosts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from pytest_socket import socket_allow_hosts

from simulator import Simulator, SimulatorConfig

pytest_plugins = ["pytest_homeassistant_custom_component"]


@pytest.fixture(autouse=True)
def _loopback_only(socket_enabled: None) -> None:
    """Enable sockets, for 127.0.0.1 only."""
    socket_allow_hosts(["127.0.0.1", "localhost", "::1"], allow_unix_socket=True)


@pytest.fixture(autouse=True)
def _events_off_by_default() -> Iterator[None]:
    """Entries without the `events` option poll alone in tests (users get the stream by default).

    Most tests count the requests the camera receives or follow a poll; the event stream's own
    requests (a token, the websocket, a token again after each reconnect) would interleave with
    them. The push tests (tests/integration/test_push.py, test_device_triggers.py, the bench)
    turn the stream on with the option, as a user's default entry has it.
    """
    with patch("custom_components.axis_edge_storage.DEFAULT_EVENTS", False):
        yield


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
