"""A short export to a working file (HLS segments, thumbnails): whole, or refused past its cap."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import av
import pytest
from homeassistant.core import HomeAssistant

from custom_components.axis_edge_storage.export.short import (
    ShortExportTooLargeError,
    async_export_to_file,
)
from custom_components.axis_edge_storage.vapix import AxisEdgeStorage
from simulator import Simulator

from .conftest import timeline


async def test_a_short_export_is_written_whole_or_refused_past_its_cap(
    hass: HomeAssistant, sim: Simulator, device: AxisEdgeStorage, tmp_path: Path
) -> None:
    first = timeline(sim).first
    start = first.start + timedelta(minutes=3)
    place = {
        "recording_id": first.recordingid,
        "disk_id": first.diskid,
        "start": start,
        "stop": start + timedelta(seconds=4),
    }
    path = tmp_path / "part.mkv"
    written = await async_export_to_file(hass, device, path=path, max_bytes=64 << 20, **place)
    assert written == path.stat().st_size > 0
    with av.open(str(path)) as container:
        assert container.streams.video
    with pytest.raises(ShortExportTooLargeError):
        await async_export_to_file(hass, device, path=path, max_bytes=written - 1, **place)
