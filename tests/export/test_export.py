"""Exports that succeed: real Matroska files from the simulator, checked with PyAV."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import pytest
import pyzipper
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.axis_edge_storage.export.exporter import ClipExporter
from custom_components.axis_edge_storage.export.models import (
    ExportedFile,
    ExportFormat,
    ExportRequest,
    ExportResult,
)
from custom_components.axis_edge_storage.vapix import AxisEdgeStorage
from custom_components.axis_edge_storage.vapix.xml import to_datetime
from simulator import Simulator

from .conftest import Folders, make_device, make_exporter, timeline

#: These tests follow the camera's own file (the Matroska, byte for byte).
MKV = ExportFormat.MKV

GOP = timedelta(seconds=2)  # the simulator's light profile: a key frame every 2 s


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_file(exported: ExportedFile) -> None:
    """The file exists with the reported size and hash, and no .part is left beside it."""
    assert exported.path.is_file()
    assert exported.path.stat().st_size == exported.size > 0
    assert _sha256(exported.path) == exported.sha256
    assert not list(exported.path.parent.glob(".*.part"))


def _open_mkv(path: Path) -> tuple[datetime, float]:
    """First frame's absolute time (creation_time) and duration in seconds; checks key frame."""
    with av.open(str(path)) as container:
        first_time = to_datetime(container.metadata["creation_time"])
        assert first_time is not None
        assert container.duration is not None
        duration = container.duration / 1e6
        first = next(container.demux(video=0))
        assert first.is_keyframe
        assert first.pts == 0
    return first_time, duration


async def test_ten_minute_export_opens_with_pyav(
    hass: HomeAssistant, sim: Simulator, exporter: ClipExporter, folders: Folders
) -> None:
    await hass.config.async_set_time_zone("Pacific/Auckland")
    line = timeline(sim)
    start = line.first.start + timedelta(minutes=30, seconds=7.3)
    end = start + timedelta(minutes=10)
    calls: list[tuple[float, str | None]] = []

    result = await exporter.async_export(
        ExportRequest(format=MKV, start=start, end=end), lambda pct, name: calls.append((pct, name))
    )

    assert len(result.files) == 1
    exported = result.files[0]
    _check_file(exported)
    assert result.total_bytes == exported.size
    assert exported.recording_id == line.first.recordingid
    assert exported.disk_id == "SD_DISK"
    # The proper start is the key frame before the requested start, and the file starts there.
    assert result.proper_start == exported.start
    assert timedelta(0) <= start - exported.start < GOP
    assert exported.stop == end
    first_time, duration = _open_mkv(exported.path)
    assert first_time == result.proper_start
    assert abs(duration - (end - start).total_seconds()) < GOP.total_seconds()
    # The default folder and the name: <media>/axis_edge_storage/<camera>/, local time.
    local = dt_util.as_local
    assert local(exported.start).utcoffset() != timedelta(0)
    assert exported.path == (
        folders.root
        / "front_door"
        / f"front_door_{local(exported.start):%Y%m%d-%H%M%S}_{local(exported.stop):%Y%m%d-%H%M%S}.mkv"
    )
    # The thumbnail of its first key frame lies beside it.
    assert exported.thumbnail == exported.path.with_suffix(".jpg")
    assert folders.files() == sorted([exported.path, exported.thumbnail])
    # Progress: non-decreasing percents with the file's name, then 100 % without a name.
    percents = [pct for pct, _ in calls]
    assert percents == sorted(percents)
    assert calls[0] == (0.0, exported.path.name)
    assert any(0 < pct < 100 and name == exported.path.name for pct, name in calls)
    assert calls[-1] == (100.0, None)
    # The response data is JSON-able.
    data = result.as_dict()
    assert data["files"][0]["path"] == str(exported.path)
    assert data["proper_start"] == exported.start.isoformat()


async def test_range_across_two_recordings_gives_two_files(
    sim: Simulator, exporter: ClipExporter, folders: Folders
) -> None:
    line = timeline(sim)
    start = line.second.start - timedelta(minutes=5)
    end = line.second.start + timedelta(minutes=5)

    result = await exporter.async_export(ExportRequest(format=MKV, start=start, end=end))

    first, second = result.files
    assert (first.recording_id, second.recording_id) == (
        line.first.recordingid,
        line.second.recordingid,
    )
    assert first.start == start  # on the key-frame grid of the first recording
    assert first.stop == line.first.stop == second.start
    assert second.stop == end
    assert result.total_bytes == first.size + second.size
    assert result.proper_start == first.start
    assert first.path != second.path
    for exported in result.files:
        _check_file(exported)
        first_time, duration = _open_mkv(exported.path)
        assert first_time == exported.start
        expected = (exported.stop - exported.start).total_seconds()
        assert abs(duration - expected) < GOP.total_seconds()
    assert folders.files() == sorted(
        [f.path for f in result.files] + [f.path.with_suffix(".jpg") for f in result.files]
    )
    assert all(f.thumbnail == f.path.with_suffix(".jpg") for f in result.files)


@pytest.mark.parametrize("inside", ["motion", "mjpeg"])
async def test_recordings_inside_a_continuous_one_are_not_exported_twice(
    sim: Simulator, exporter: ClipExporter, inside: str
) -> None:
    """A triggered recording inside the continuous one holds the same video: one file.

    A Motion JPEG recording cannot be exported as Matroska: it is skipped.
    """
    line = timeline(sim)
    recording = getattr(line, inside)
    start = recording.start - timedelta(seconds=30)
    end = recording.start + timedelta(seconds=30)

    result = await exporter.async_export(ExportRequest(format=MKV, start=start, end=end))

    (exported,) = result.files
    assert exported.recording_id == line.first.recordingid
    _check_file(exported)


async def test_password_export_gives_an_aes_zip(
    sim: Simulator,
    exporter: ClipExporter,
    folders: Folders,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    line = timeline(sim)
    start = line.first.start + timedelta(minutes=1)
    secret = "zip-Secret-4711"
    request = ExportRequest(
        format=MKV, start=start, end=start + timedelta(seconds=20), password=secret
    )

    result = await exporter.async_export(request)

    (exported,) = result.files
    _check_file(exported)
    assert exported.path.suffix == ".zip"
    with pyzipper.AESZipFile(exported.path) as archive:
        (name,) = archive.namelist()
        assert name.endswith(".mkv")
        archive.setpassword(secret.encode())
        assert archive.read(name)[:4] == b"\x1a\x45\xdf\xa3"
    # The password is in no log line, no repr and no result.
    assert secret not in caplog.text
    assert secret not in repr(request)
    assert secret not in repr(result)
    assert secret not in str(result.as_dict())


async def test_an_existing_file_is_never_overwritten(
    sim: Simulator, exporter: ClipExporter, folders: Folders
) -> None:
    line = timeline(sim)
    start = line.first.start + timedelta(minutes=2)
    request = ExportRequest(format=MKV, start=start, end=start + timedelta(seconds=10))

    first = (await exporter.async_export(request)).files[0]
    before = _sha256(first.path)
    second = (await exporter.async_export(request)).files[0]
    third = (await exporter.async_export(request)).files[0]

    assert second.path == first.path.with_name(f"{first.path.stem}_2.mkv")
    assert third.path == first.path.with_name(f"{first.path.stem}_3.mkv")
    assert _sha256(first.path) == before == second.sha256 == third.sha256


async def test_end_in_the_future_is_cut_at_now_while_recording(
    sim: Simulator, exporter: ClipExporter
) -> None:
    line = timeline(sim)
    now = dt_util.utcnow()
    start = now - timedelta(seconds=30)

    result = await exporter.async_export(
        ExportRequest(format=MKV, start=start, end=now + timedelta(hours=1))
    )

    (exported,) = result.files
    assert exported.recording_id == line.ongoing.recordingid
    assert exported.stop <= dt_util.utcnow()
    assert exported.stop >= now - timedelta(seconds=1)
    assert timedelta(0) <= start - exported.start < GOP
    first_time, duration = _open_mkv(exported.path)
    assert first_time == exported.start
    assert abs(duration - (exported.stop - exported.start).total_seconds()) < 0.2


async def test_an_end_of_now_needs_no_ongoing_recording(
    sim: Simulator, exporter: ClipExporter
) -> None:
    """`end: now()` from an automation is not "in the future", even a few ms later."""
    line = timeline(sim)
    sim.stop_recording()
    now = dt_util.utcnow()
    result = await exporter.async_export(
        ExportRequest(format=MKV, start=now - timedelta(seconds=30), end=now)
    )
    (exported,) = result.files
    assert exported.recording_id == line.ongoing.recordingid
    assert exported.stop <= now


async def test_naive_times_are_home_assistant_local_time(
    hass: HomeAssistant, sim: Simulator, exporter: ClipExporter
) -> None:
    await hass.config.async_set_time_zone("America/New_York")
    line = timeline(sim)
    start_utc = line.first.start + timedelta(minutes=3)
    naive = dt_util.as_local(start_utc).replace(tzinfo=None)

    result = await exporter.async_export(
        ExportRequest(format=MKV, start=naive, end=naive + timedelta(seconds=10))
    )

    assert result.files[0].start == start_utc
    assert result.files[0].stop == start_utc + timedelta(seconds=10)


async def test_another_allowed_folder_and_a_name(
    hass: HomeAssistant, sim: Simulator, exporter: ClipExporter, folders: Folders
) -> None:
    line = timeline(sim)
    start = line.first.start + timedelta(minutes=4)
    target = folders.allowed / "clips" / "today"  # made on demand

    result = await exporter.async_export(
        ExportRequest(
            format=MKV, start=start, end=start + timedelta(seconds=5), folder=target, name="Alarm 1"
        )
    )

    (exported,) = result.files
    assert exported.path.parent == target.resolve()
    assert exported.path.name.startswith("alarm_1_")
    _check_file(exported)


async def test_camera_name_with_dot_dot_slash_stays_in_the_root(
    hass: HomeAssistant, sim: Simulator, device: AxisEdgeStorage, folders: Folders
) -> None:
    """The camera's name is sanitized: `../x` is the folder `x` below the export root."""
    line = timeline(sim)
    start = line.first.start + timedelta(minutes=5)
    exporter = make_exporter(hass, device, camera_name="../../x/..\\y\x00")

    result = await exporter.async_export(
        ExportRequest(format=MKV, start=start, end=start + timedelta(seconds=5))
    )

    (exported,) = result.files
    assert exported.path.parent == folders.root / "x_y"
    assert exported.path.name.startswith("x_y_")
    assert folders.files() == sorted([exported.path, exported.path.with_suffix(".jpg")])


async def test_disk_choice_sd_card_first_else_the_covering_disk(
    hass: HomeAssistant, sim: Simulator, exporter: ClipExporter
) -> None:
    line = timeline(sim)
    sim.patch_disk("NetworkShare", status="OK")
    start = line.first.start + timedelta(minutes=6)
    end = start + timedelta(seconds=5)
    # The share holds a recording of the same time, and one where the SD card has none.
    sim.state.add_recording("NetworkShare", line.first.start, line.first.stop)
    earlier = sim.state.add_recording(
        "NetworkShare", line.first.start - timedelta(hours=2), line.first.start - timedelta(hours=1)
    )

    both = await exporter.async_export(ExportRequest(format=MKV, start=start, end=end))
    assert both.files[0].disk_id == "SD_DISK"

    chosen = await exporter.async_export(
        ExportRequest(format=MKV, start=start, end=end, disk_id="NetworkShare")
    )
    assert chosen.files[0].disk_id == "NetworkShare"

    only_share_start = earlier.start + timedelta(minutes=1)
    only_share = await exporter.async_export(
        ExportRequest(
            format=MKV, start=only_share_start, end=only_share_start + timedelta(seconds=5)
        )
    )
    assert only_share.files[0].disk_id == "NetworkShare"
    assert only_share.files[0].recording_id == earlier.recordingid


async def test_a_viewer_account_exports_without_the_disk_check(
    hass: HomeAssistant, sim: Simulator, folders: Folders
) -> None:
    """disks/list.cgi is admin/operator only; the export CGIs allow viewers."""
    viewer = make_exporter(hass, make_device(hass, sim, "viewer", "viewer"))
    line = timeline(sim)
    start = line.first.start + timedelta(minutes=7)

    result = await viewer.async_export(
        ExportRequest(format=MKV, start=start, end=start + timedelta(seconds=5))
    )

    _check_file(result.files[0])


async def test_result_types(sim: Simulator, exporter: ClipExporter) -> None:
    line = timeline(sim)
    start = line.first.start + timedelta(minutes=8)
    result = await exporter.async_export(
        ExportRequest(format=MKV, start=start, end=start + timedelta(seconds=2))
    )
    assert isinstance(result, ExportResult)
    assert result.files[0].start.tzinfo is not None
    assert result.files[0].start.utcoffset() == timedelta(0)
    assert result.files[0].start.astimezone(UTC) == result.files[0].start


async def test_export_as_an_event_recording_begins(sim: Simulator, exporter: ClipExporter) -> None:
    """An alarm's automation exports the last minute as the event recording starts.

    The share holds only event recordings; the newest began within the camera's current
    second and holds no video yet (the camera would refuse it, error 150): it is not asked
    for, and the minute before it is exported.
    """
    sim.patch_disk("NetworkShare", status="OK")
    now = sim.state.now()
    earlier = sim.state.add_recording(
        "NetworkShare",
        now - timedelta(seconds=50),
        now - timedelta(seconds=20),
        recordingtype="triggered",
    )
    while sim.state.now().microsecond > 100_000:  # the listing is within this second
        await asyncio.sleep(0.02)
    sim.state.add_recording("NetworkShare", sim.state.now(), None, recordingtype="triggered")
    end = dt_util.utcnow()
    result = await exporter.async_export(
        ExportRequest(format=MKV, start=end - timedelta(minutes=1), end=end, disk_id="NetworkShare")
    )
    assert [f.recording_id for f in result.files] == [earlier.recordingid]
