"""A camera that trickles an export fails it at the deadline and frees the camera's queue.

The simulator sits behind the `camera_proxy` of the export tests, which sends the next export
body a byte every 0.2 s (as a camera sending a byte every 9 s would: below every read
timeout). The file's deadline (made 1 s here) ends it with a translated error, nothing is
left on disk, and the export queued behind it on the same camera runs.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from simulator import Simulator
from tests.export.camera_proxy import CameraProxy

from .conftest import setup_camera
from .test_export_clip import capture, export


@pytest.fixture
async def proxy(sim: Simulator) -> AsyncIterator[CameraProxy]:
    """The simulator behind a proxy that breaks export bodies on request."""
    async with CameraProxy(sim.port).serve() as running:
        yield running


@pytest.fixture
def one_second_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file gets 1 s (where the integration has limits at all)."""
    try:
        limits = importlib.import_module("custom_components.axis_edge_storage.export.limits")
    except ImportError:
        return  # code without export limits: the test shows what happens there
    monkeypatch.setattr(
        limits, "DEFAULT_LIMITS", limits.ExportLimits(deadline_floor=1.0, deadline_factor=0.0)
    )


@pytest.mark.usefixtures("one_second_deadline")
async def test_a_trickling_export_fails_and_frees_the_camera(
    hass: HomeAssistant, sim: Simulator, proxy: CameraProxy, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    hass.config.media_dirs = {"local": str(media)}
    hass.config.allowlist_external_dirs = {str(media)}
    assert await async_setup_component(hass, "http", {})
    device_id = await setup_camera(hass, sim, port=proxy.port)
    failed, completed = capture(hass, "failed"), capture(hass, "completed")
    proxy.misbehave("trickle", count=1, interval=0.2)
    now = dt_util.now()

    async with asyncio.timeout(20):
        slow, queued = await asyncio.gather(
            export(hass, device_id=device_id, at=now - timedelta(minutes=30), before=5, after=5),
            export(hass, device_id=device_id, at=now - timedelta(minutes=20), before=5, after=5),
            return_exceptions=True,
        )

    assert isinstance(slow, HomeAssistantError)
    assert slow.translation_key == "export_too_slow"
    assert slow.translation_placeholders is not None
    assert slow.translation_placeholders["seconds"] == "1"
    assert "within 1 seconds" in str(slow)
    assert [event.data["error"] for event in failed] == ["export_too_slow"]
    assert isinstance(queued, dict)
    [item] = queued["files"]
    assert [e.data["files"] for e in completed] == [queued["files"]]
    kept = sorted([Path(item["path"]), Path(item["thumbnail"])])
    assert sorted(p for p in media.rglob("*") if p.is_file()) == kept
    assert proxy.exports_started == 2
