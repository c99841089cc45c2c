"""Fixtures: a simulated camera on 127.0.0.1 and a client talking real HTTP to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from custom_components.axis_edge_storage.vapix import AxisEdgeStorage
from simulator import Simulator

SimFactory = Callable[..., Any]


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """An aiohttp session, as Home Assistant would inject."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


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
