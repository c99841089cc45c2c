"""Helpers of the simulator tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import xmltodict

from simulator import Simulator, SimulatorConfig

ADMIN = aiohttp.BasicAuth("root", "pass")
OPERATOR = aiohttp.BasicAuth("operator", "operator")
VIEWER = aiohttp.BasicAuth("viewer", "viewer")


def make_sim(cache_dir: Path, **overrides: Any) -> Simulator:
    """A simulator accepting Basic and Digest, sharing a media cache."""
    overrides.setdefault("auth", "both")
    return Simulator(SimulatorConfig(cache_dir=cache_dir, **overrides))


async def get_xml(
    session: aiohttp.ClientSession,
    sim: Simulator,
    path: str,
    auth: Any = ADMIN,
    **params: Any,
) -> dict[str, Any]:
    """GET a VAPIX path and parse the XML answer (asserting HTTP 200)."""
    async with session.get(sim.url + path, params=params, auth=auth) as resp:
        text = await resp.text()
        assert resp.status == 200, text
    parsed: dict[str, Any] = xmltodict.parse(text)
    return parsed


def find(tree: Any, name: str) -> list[Any]:
    """Every value of elements named ``name`` at any depth (namespaces ignored)."""
    found: list[Any] = []
    if isinstance(tree, dict):
        for key, value in tree.items():
            local = key.split(":")[-1]
            if local == name:
                found.extend(value if isinstance(value, list) else [value])
            found.extend(find(value, name))
    elif isinstance(tree, list):
        for item in tree:
            found.extend(find(item, name))
    return found


def error_code(tree: Any) -> int | None:
    """The ErrorCode of a general error, if any."""
    codes = find(tree, "ErrorCode")
    return int(codes[0]) if codes else None
