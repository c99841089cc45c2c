"""Bounded exports: a deadline and a byte cap per file, a free-space reserve kept free.

A broken camera (the proxy of `camera_proxy` in front of the simulator) trickles a byte at a
time below every socket timeout, or sends a body without Content-Length that never ends:
the export fails at its deadline or its cap with a clear error and leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from homeassistant.core import HomeAssistant

from custom_components.axis_edge_storage.export import exporter as exporter_module
from custom_components.axis_edge_storage.export import files as export_files
from custom_components.axis_edge_storage.export.errors import ExportError
from custom_components.axis_edge_storage.export.exporter import ClipExporter
from custom_components.axis_edge_storage.export.folders import default_export_root, sanitize_name
from custom_components.axis_edge_storage.export.limits import GIB, MIB, ExportLimits
from custom_components.axis_edge_storage.export.models import ExportFormat, ExportRequest
from simulator import Simulator

from .camera_proxy import CameraProxy
from .conftest import CAMERA, Folders, check_error, make_device, timeline

#: These tests follow the camera's own file (the Matroska, byte for byte).
MKV = ExportFormat.MKV

#: Limits small enough for a test: 1 s per file, the cap at the camera's estimate.
FAST = ExportLimits(deadline_floor=1.0, deadline_factor=0.0, estimate_factor=1.0, size_slack=0)


@pytest.fixture
async def proxy(sim: Simulator) -> AsyncIterator[CameraProxy]:
    """A broken camera: the simulator behind a proxy that breaks export bodies on request."""
    async with CameraProxy(sim.port).serve() as running:
        yield running


def _exporter(hass: HomeAssistant, port_of: Simulator | CameraProxy, **kw: Any) -> ClipExporter:
    device = make_device(hass, port_of)  # type: ignore[arg-type]
    return ClipExporter(
        hass,
        device,
        camera_name=CAMERA,
        default_folder=default_export_root(hass) / sanitize_name(CAMERA),
        **kw,
    )


def _request(sim: Simulator, seconds: float = 10) -> ExportRequest:
    start = timeline(sim).first.start + timedelta(minutes=10)
    return ExportRequest(format=MKV, start=start, end=start + timedelta(seconds=seconds))


async def _fails(exporter: ClipExporter, request: ExportRequest, key: str) -> ExportError:
    with pytest.raises(ExportError) as info:
        await exporter.async_export(request)
    check_error(info.value, key, user_error=False)
    return info.value


def test_the_limits_chosen() -> None:
    """The documented numbers: deadline, byte cap, reserve."""
    limits = ExportLimits()
    assert limits.deadline(10) == 120
    assert limits.deadline(600) == 2400
    assert limits.deadline(86400) == 4 * 86400
    # From the camera's estimate: 4 x + 32 MiB; without one: 100 Mbit/s + 32 MiB.
    assert limits.byte_cap(600, 50 * MIB) == 232 * MIB
    assert limits.byte_cap(600, None) == 7_500_000_000 + 32 * MIB
    assert limits.byte_cap(600, 0) == limits.byte_cap(600, None)
    assert limits.byte_cap(86400, None) == 256 * GIB
    assert limits.byte_cap(10, 10**15) == 256 * GIB
    # Reserve: 1 GiB, or 5 % of the file system up to 20 GiB.
    assert limits.reserve(8 * GIB) == 1 * GIB
    assert limits.reserve(100 * GIB) == 5 * GIB
    assert limits.reserve(20_000 * GIB) == 20 * GIB


async def test_a_trickling_camera_fails_at_the_deadline(
    hass: HomeAssistant, sim: Simulator, proxy: CameraProxy, folders: Folders
) -> None:
    """A byte every 0.2 s (as a byte every 9 s: below the 10 s read timeout) ends at 1 s."""
    proxy.misbehave("trickle", interval=0.2)
    exporter = _exporter(hass, proxy, limits=FAST)
    began = time.monotonic()
    async with asyncio.timeout(30):
        err = await _fails(exporter, _request(sim), "export_too_slow")
    assert 1.0 <= time.monotonic() - began < 5
    assert err.placeholders["seconds"] == "1"
    assert err.placeholders["file"].endswith(".mkv")
    assert 0 < proxy.sent < 20
    assert folders.files() == []


async def test_an_endless_body_stops_at_the_cap(
    hass: HomeAssistant, sim: Simulator, proxy: CameraProxy, folders: Folders
) -> None:
    """No Content-Length and no end: the export stops at the cap (the camera's estimate)."""
    proxy.misbehave("endless")
    exporter = _exporter(hass, proxy, limits=FAST)
    async with asyncio.timeout(30):
        err = await _fails(exporter, _request(sim, seconds=60), "export_too_large")
    limit = float(err.placeholders["limit"]) * 1e6
    assert 0 < limit < 8 * MIB
    # It stopped soon after the cap, far before the proxy's own safety stop.
    assert proxy.sent < limit + 4 * MIB < proxy.max_bytes
    assert folders.files() == []


async def test_an_announced_length_over_the_cap_is_refused_at_once(
    hass: HomeAssistant, sim: Simulator, proxy: CameraProxy, folders: Folders
) -> None:
    proxy.misbehave("announce", announced=10 << 30)
    exporter = _exporter(hass, proxy, limits=FAST)
    async with asyncio.timeout(30):
        await _fails(exporter, _request(sim), "export_too_large")
    assert folders.files() == []


async def test_the_default_limits_let_a_normal_export_through(
    hass: HomeAssistant, sim: Simulator, folders: Folders
) -> None:
    exporter = _exporter(hass, sim)
    assert exporter.limits == ExportLimits()
    result = await exporter.async_export(_request(sim, seconds=30))
    written = [f.path for f in result.files] + [f.thumbnail for f in result.files]
    assert sorted(written) == folders.files()


async def test_the_reserve_refuses_to_start(
    hass: HomeAssistant, sim: Simulator, folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2 GiB free on a 100 GiB file system: 5 GiB must stay free, nothing is asked."""
    monkeypatch.setattr(exporter_module, "disk_space", lambda _folder: (2 * GIB, 100 * GIB))
    exporter = _exporter(hass, sim)
    err = await _fails(exporter, _request(sim), "not_enough_space")
    assert err.placeholders["reserve"] == f"{5 * GIB / 1e6:.1f}"
    assert err.placeholders["free"] == f"{2 * GIB / 1e6:.1f}"
    assert not any("exportrecording" in r.path for r in sim.request_log)
    assert folders.files() == []


async def test_the_reserve_stops_a_download(
    hass: HomeAssistant, sim: Simulator, folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file system falls under the reserve while writing: stopped, nothing left."""
    reads: list[int] = []

    def free_bytes_of(fd: int) -> int:
        reads.append(fd)
        return 90 * GIB if len(reads) < 2 else 5 * GIB - 1

    monkeypatch.setattr(exporter_module, "disk_space", lambda _folder: (90 * GIB, 100 * GIB))
    monkeypatch.setattr(export_files, "free_bytes_of", free_bytes_of)
    exporter = _exporter(hass, sim)
    err = await _fails(exporter, _request(sim, seconds=1200), "low_disk_space")
    assert len(reads) == 2
    assert err.placeholders["free"] == f"{(5 * GIB - 1) / 1e6:.1f}"
    assert err.placeholders["reserve"] == f"{5 * GIB / 1e6:.1f}"
    assert err.placeholders["folder"] == str(folders.root / "front_door")
    assert folders.files() == []
