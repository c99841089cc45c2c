"""Bounded answers: a huge answer is refused at the cap without growing memory or stalling the
event loop; large documents are parsed in the executor, small ones inline."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from custom_components.axis_edge_storage.vapix import (
    MAX_RESPONSE_BYTES,
    AxisEdgeStorage,
    VapixResponseError,
    VapixResponseTooLargeError,
)
from custom_components.axis_edge_storage.vapix import disks as disks_module
from custom_components.axis_edge_storage.vapix.body import INLINE_PARSE_BYTES, parse_off_loop
from custom_components.axis_edge_storage.vapix.xml import parse_xml
from simulator import Simulator

from .conftest import make_device

MIB = 1024 * 1024


def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@asynccontextmanager
async def _watch() -> AsyncIterator[dict[str, float]]:
    """Sample the resident memory and the event loop's lateness while the block runs."""
    seen = {"rss_growth": 0.0, "max_lag": 0.0}
    baseline = _rss()
    stop = asyncio.Event()

    async def sample() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            seen["max_lag"] = max(seen["max_lag"], time.perf_counter() - started - 0.005)
            seen["rss_growth"] = max(seen["rss_growth"], _rss() - baseline)

    task = asyncio.create_task(sample())
    try:
        yield seen
    finally:
        stop.set()
        await task


def test_the_cap_is_1_mib() -> None:
    assert MAX_RESPONSE_BYTES == MIB  # a page of 100 recordings is about 60 KiB


async def test_a_300_mib_chunked_answer_is_refused_at_the_cap(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    await device.disks.list()
    fault = sim.faults.add("huge_body", path="disks/list.cgi", count=1)  # 300 MiB, chunked
    started = time.perf_counter()
    async with _watch() as seen:
        with pytest.raises(VapixResponseTooLargeError) as info:
            await device.disks.list()
        elapsed = time.perf_counter() - started
        await asyncio.sleep(0.3)  # the simulator notices the closed connection
    err = info.value
    assert isinstance(err, VapixResponseError)
    assert str(err) == "the camera's answer exceeded 1 MiB"
    assert err.limit == MAX_RESPONSE_BYTES and err.announced is None
    # The client stopped reading at the cap and closed the connection: the simulator could
    # send little more than the cap and what the socket buffers hold, not 300 MiB.
    assert fault.sent < 64 * MIB, fault.sent
    sent = fault.sent
    await asyncio.sleep(0.2)
    assert fault.sent == sent
    assert elapsed < 5
    assert seen["rss_growth"] < 64 * MIB, seen
    assert seen["max_lag"] < 0.1, seen
    assert await device.disks.list()  # the next answer is read as usual


async def test_an_announced_huge_answer_is_refused_without_reading(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    await device.disks.list()
    fault = sim.faults.add("huge_body", path="disks/list.cgi", count=1, content_length=True)
    with pytest.raises(VapixResponseTooLargeError) as info:
        await device.disks.list()
    assert info.value.announced is not None and info.value.announced > 299 * MIB
    assert "exceeded 1 MiB" in str(info.value)
    await asyncio.sleep(0.2)
    assert fault.sent < 64 * MIB
    assert await device.disks.list()


async def test_the_cap_applies_to_every_answer_and_can_be_set(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    device = make_device(session, sim, max_response_bytes=64 * 1024)
    await device.disks.list()
    for path, call in [
        ("disks/gethealth.cgi", device.disks.health),
        ("param.cgi", device.params.capabilities),
        ("record/list.cgi", lambda: device.recordings.list(limit=5)),
        ("basicdeviceinfo.cgi", device.device_info.get),
    ]:
        sim.faults.add("huge_body", path=path, count=1, mib=1)
        with pytest.raises(VapixResponseTooLargeError, match="exceeded 64 KiB"):
            await call()


def test_the_cap_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_response_bytes"):
        AxisEdgeStorage(None, "h", username="u", password="p", max_response_bytes=0)  # type: ignore[arg-type]


async def test_large_documents_are_parsed_off_the_loop(
    sim: Simulator, device: AxisEdgeStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[bool] = []
    original = disks_module.parse_disks

    def spy(root: Any) -> Any:
        threads.append(threading.current_thread() is threading.main_thread())
        return original(root)

    monkeypatch.setattr(disks_module, "parse_disks", spy)
    assert len(await device.disks.list()) == 2  # a small answer: parsed inline
    sim.faults.add("huge_body", path="disks/list.cgi", count=1, mib=0.9)
    async with _watch() as seen:
        # 0.9 MiB: under the cap, parsed in the executor; thousands of disks are refused.
        with pytest.raises(VapixResponseError, match="more than 32 disks"):
            await device.disks.list()
    assert threads == [True, False]
    assert seen["max_lag"] < 0.1, seen
    assert seen["rss_growth"] < 64 * MIB, seen


async def test_parse_off_loop_inline_or_in_the_executor() -> None:
    def where(_document: str | bytes) -> bool:
        return threading.current_thread() is threading.main_thread()

    small: Callable[[str], bool] = where
    assert await parse_off_loop("x" * INLINE_PARSE_BYTES, small) is True
    assert await parse_off_loop("x" * (INLINE_PARSE_BYTES + 1), small) is False
    assert await parse_off_loop(b"x" * (INLINE_PARSE_BYTES + 1), where) is False


@pytest.mark.parametrize(("count", "ok"), [(32, True), (33, False)])
def test_at_most_32_disks_are_read(count: int, ok: bool) -> None:
    """Thousands of disks within the size cap would make thousands of devices and entities."""
    disks = "".join(f'<disk diskid="SD_DISK_{n}" status="OK"/>' for n in range(count))
    root = parse_xml(f"<root><disks>{disks}</disks></root>")
    if ok:
        assert len(disks_module.parse_disks(root)) == count
    else:
        with pytest.raises(VapixResponseError, match="more than 32 disks"):
            disks_module.parse_disks(root)
