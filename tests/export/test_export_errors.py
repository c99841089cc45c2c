"""Exports that fail: each gives its specific ExportError and leaves no file and no .part."""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from custom_components.axis_edge_storage.export import exporter as exporter_module
from custom_components.axis_edge_storage.export.errors import ExportError
from custom_components.axis_edge_storage.export.exporter import ClipExporter
from custom_components.axis_edge_storage.export.files import PartFile
from custom_components.axis_edge_storage.export.models import ExportFormat, ExportRequest
from simulator import Simulator
from simulator.state import Recording as SimRecording

from .conftest import Folders, check_error, render, timeline

#: These tests follow the camera's own file (the Matroska, byte for byte).
MKV = ExportFormat.MKV

EXPORT_CGI = "record/export/exportrecording.cgi"


async def _fails(
    exporter: ClipExporter,
    folders: Folders,
    request: ExportRequest,
    key: str,
    *,
    user_error: bool | None = None,
    progress: Callable[[float, str | None], None] | None = None,
) -> ExportError:
    """Export, expect `key`, and check that nothing is left anywhere in the test's folders."""
    with pytest.raises(ExportError) as info:
        await exporter.async_export(request, progress)
    check_error(info.value, key, user_error=user_error)
    assert folders.files() == []
    return info.value


def _in_first(sim: Simulator, minutes: float = 10, seconds: float = 10) -> ExportRequest:
    start = timeline(sim).first.start + timedelta(minutes=minutes)
    return ExportRequest(format=MKV, start=start, end=start + timedelta(seconds=seconds))


async def test_no_recording_in_the_range(
    hass: HomeAssistant, sim: Simulator, exporter: ClipExporter, folders: Folders
) -> None:
    await hass.config.async_set_time_zone("Europe/Stockholm")
    start = timeline(sim).first.start - timedelta(hours=5)
    end = start + timedelta(minutes=5)
    err = await _fails(
        exporter,
        folders,
        ExportRequest(format=MKV, start=start, end=end),
        "no_recording",
        user_error=True,
    )
    # The range is shown in Home Assistant's local time.
    assert err.placeholders == {
        "start": dt_util.as_local(start).strftime("%Y-%m-%d %H:%M:%S"),
        "end": dt_util.as_local(end).strftime("%Y-%m-%d %H:%M:%S"),
    }
    assert dt_util.as_local(start).utcoffset() != timedelta(0)


async def test_gap_between_recordings(
    sim: Simulator, exporter: ClipExporter, folders: Folders
) -> None:
    """The 20 s between the second recording and the ongoing one hold no video."""
    line = timeline(sim)
    assert line.second.stop is not None
    start = line.second.stop + timedelta(seconds=2)
    request = ExportRequest(format=MKV, start=start, end=start + timedelta(seconds=10))
    await _fails(exporter, folders, request, "no_recording", user_error=True)


@pytest.mark.parametrize(
    ("key", "start_offset", "length"),
    [
        ("end_before_start", timedelta(minutes=10), timedelta(minutes=-5)),
        ("end_before_start", timedelta(minutes=10), timedelta(0)),
        ("range_too_short", timedelta(minutes=10), timedelta(milliseconds=500)),
        ("range_too_long", timedelta(minutes=10), timedelta(hours=24, seconds=1)),
        ("start_in_future", timedelta(hours=6), timedelta(minutes=1)),
    ],
)
async def test_range_limits(
    sim: Simulator,
    exporter: ClipExporter,
    folders: Folders,
    *,
    key: str,
    start_offset: timedelta,
    length: timedelta,
) -> None:
    start = timeline(sim).first.start + start_offset
    request = ExportRequest(format=MKV, start=start, end=start + length)
    await _fails(exporter, folders, request, key, user_error=True)
    assert not sim.request_log  # refused before asking the camera anything


async def test_exactly_24_hours_and_1_second_are_accepted(
    sim: Simulator, exporter: ClipExporter, folders: Folders
) -> None:
    first = timeline(sim).first
    end = first.start + timedelta(minutes=1)
    day = await exporter.async_export(
        ExportRequest(format=MKV, start=end - timedelta(hours=24), end=end)
    )
    assert day.files[0].recording_id == first.recordingid
    assert day.files[0].start == first.start
    second = await exporter.async_export(_in_first(sim, seconds=1))
    assert second.files[0].stop - second.files[0].start >= timedelta(seconds=1)


async def test_end_in_the_future_without_an_ongoing_recording(
    sim: Simulator, exporter: ClipExporter, folders: Folders
) -> None:
    sim.stop_recording()
    now = dt_util.utcnow()
    request = ExportRequest(
        format=MKV, start=now - timedelta(minutes=1), end=now + timedelta(minutes=1)
    )
    await _fails(exporter, folders, request, "end_in_future", user_error=True)


async def test_invalid_password(sim: Simulator, exporter: ClipExporter, folders: Folders) -> None:
    for password in ("", "x" * 513):
        request = ExportRequest(
            format=MKV, start=_in_first(sim).start, end=_in_first(sim).end, password=password
        )
        err = await _fails(exporter, folders, request, "invalid_password", user_error=True)
        assert "xxxx" not in f"{err} {render(err)}"


@pytest.mark.parametrize("where", ["outside", "traversal", "relative"])
async def test_folder_outside_the_allowlist(
    sim: Simulator, exporter: ClipExporter, folders: Folders, where: str
) -> None:
    folder = {
        "outside": folders.outside,
        "traversal": folders.allowed / ".." / "outside" / "new",
        "relative": Path("clips"),  # relative to the config folder, which is not allowed
    }[where]
    request = ExportRequest(
        format=MKV, start=_in_first(sim).start, end=_in_first(sim).end, folder=folder
    )
    await _fails(exporter, folders, request, "folder_not_allowed", user_error=True)
    assert not (folders.outside / "new").exists()


@pytest.mark.parametrize("name", ["../evil", "..", "a/b", "a\\b", "bad\x00name", "  "])
async def test_a_name_with_dot_dot_slash_is_refused(
    sim: Simulator, exporter: ClipExporter, folders: Folders, name: str
) -> None:
    request = ExportRequest(
        format=MKV, start=_in_first(sim).start, end=_in_first(sim).end, name=name
    )
    err = await _fails(exporter, folders, request, "invalid_name", user_error=True)
    assert "\x00" not in err.placeholders["name"]


async def test_default_folder_symlinked_out_of_the_root(
    sim: Simulator, exporter: ClipExporter, folders: Folders
) -> None:
    """A camera folder that is a symlink leading out of the export root is refused."""
    folders.root.mkdir(parents=True)
    (folders.root / "front_door").symlink_to(folders.outside, target_is_directory=True)
    with pytest.raises(ExportError) as info:
        await exporter.async_export(_in_first(sim))
    check_error(info.value, "folder_not_allowed")
    assert list(folders.outside.iterdir()) == []


@pytest.mark.parametrize("explicit", [False, True])
@pytest.mark.parametrize(
    ("patch", "key", "status"),
    [
        ({"locked": True}, "disk_locked", None),
        ({"status": "disconnected"}, "disk_unavailable", "disconnected"),
        ({"status": "failed"}, "disk_unavailable", "failed"),
    ],
)
async def test_locked_or_disconnected_disk(
    sim: Simulator,
    exporter: ClipExporter,
    folders: Folders,
    *,
    explicit: bool,
    patch: dict[str, Any],
    key: str,
    status: str | None,
) -> None:
    request = _in_first(sim)
    if explicit:
        request = ExportRequest(format=MKV, start=request.start, end=request.end, disk_id="SD_DISK")
    sim.patch_disk("SD_DISK", **patch)
    err = await _fails(exporter, folders, request, key, user_error=False)
    assert err.placeholders["disk"] == "SD_DISK"
    if status is not None:
        assert err.placeholders["status"] == status
    assert "nlock it first" in render(err) or key != "disk_locked"
    assert not any("exportrecording" in r.path for r in sim.request_log)


async def test_unknown_disk(sim: Simulator, exporter: ClipExporter, folders: Folders) -> None:
    request = ExportRequest(
        format=MKV, start=_in_first(sim).start, end=_in_first(sim).end, disk_id="USB9"
    )
    err = await _fails(exporter, folders, request, "unknown_disk", user_error=True)
    assert err.placeholders["disks"] == "SD_DISK, NetworkShare"


async def test_only_motion_jpeg_in_the_range(
    sim: Simulator, exporter: ClipExporter, folders: Folders
) -> None:
    line = timeline(sim)
    # A disk holding only the Motion JPEG recording.
    sim.patch_disk("NetworkShare", status="OK")
    mjpeg = sim.state.add_recording(
        "NetworkShare", line.mjpeg.start, line.mjpeg.stop, mimetype="image/jpeg"
    )
    request = ExportRequest(
        format=MKV,
        start=mjpeg.start,
        end=mjpeg.start + timedelta(seconds=20),
        disk_id="NetworkShare",
    )
    await _fails(exporter, folders, request, "recording_not_exportable", user_error=True)


@pytest.mark.parametrize("cgi", ["properties.cgi", "exportrecording.cgi"])
async def test_device_error_code_10(
    sim: Simulator, exporter: ClipExporter, folders: Folders, cgi: str
) -> None:
    sim.faults.add("device_error", path=f"record/export/{cgi}")
    err = await _fails(exporter, folders, _in_first(sim), "device_error", user_error=False)
    assert err.placeholders == {"code": "10", "meaning": "Error while processing the request."}


def _shrink_to_nothing(recording: SimRecording) -> None:
    recording.stop = recording.start  # cleaned up: the export's start is after its end


def _start_later(recording: SimRecording) -> None:
    recording.start += timedelta(hours=1)  # cleaned up: the export's stop is before its start


def _remove(sim: Simulator, recording: SimRecording) -> None:
    del sim.state.recordings[recording.recordingid]


@pytest.mark.parametrize(
    ("code", "change"),
    [
        (150, lambda sim, rec: _shrink_to_nothing(rec)),
        (160, lambda sim, rec: _start_later(rec)),
        (110, _remove),
    ],
)
async def test_device_error_on_the_second_file_removes_the_first(
    sim: Simulator,
    exporter: ClipExporter,
    folders: Folders,
    code: int,
    change: Callable[[Simulator, SimRecording], None],
) -> None:
    """The second recording changes on the camera (cleanup) after the plan was made."""
    line = timeline(sim)
    names: list[str] = []

    def progress(_percent: float, name: str | None) -> None:
        if name is not None and name not in names:
            names.append(name)
            if len(names) == 2:  # the first file is finished, the second not yet asked for
                assert (folders.root / "front_door" / names[0]).is_file()
                change(sim, line.second)

    request = ExportRequest(
        format=MKV,
        start=line.second.start - timedelta(minutes=1),
        end=line.second.start + timedelta(minutes=1),
    )
    err = await _fails(exporter, folders, request, "device_error", progress=progress)
    assert err.placeholders["code"] == str(code)
    assert len(names) == 2


@pytest.mark.parametrize("which", ["first", "second"])
async def test_connection_dropped_mid_stream(
    sim: Simulator, exporter: ClipExporter, folders: Folders, which: str
) -> None:
    line = timeline(sim)
    names: list[str] = []

    def progress(_percent: float, name: str | None) -> None:
        if name is not None and name not in names:
            names.append(name)
            if len(names) == (1 if which == "first" else 2):
                sim.faults.add("drop_export", path=EXPORT_CGI, bytes=300_000, count=1)

    request = ExportRequest(
        format=MKV,
        start=line.second.start - timedelta(minutes=20),
        end=line.second.start + timedelta(minutes=20),
    )
    await _fails(exporter, folders, request, "connection_lost", user_error=False, progress=progress)
    assert not sim.faults.active()  # the drop happened


async def test_camera_unreachable(
    hass: HomeAssistant, sim: Simulator, exporter: ClipExporter, folders: Folders
) -> None:
    request = _in_first(sim)
    await sim.stop()
    await _fails(exporter, folders, request, "connection_lost")


@pytest.mark.parametrize(
    ("status", "key"), [(500, "http_error"), (401, "auth_failed"), (404, "not_supported")]
)
async def test_http_errors(
    sim: Simulator, exporter: ClipExporter, folders: Folders, status: int, key: str
) -> None:
    sim.faults.add("status", status=status, path=EXPORT_CGI)
    err = await _fails(exporter, folders, _in_first(sim), key, user_error=False)
    if key == "http_error":
        assert err.placeholders == {"status": "500"}


async def test_malformed_answer(sim: Simulator, exporter: ClipExporter, folders: Folders) -> None:
    sim.faults.add("malformed_xml", path="record/list.cgi")
    await _fails(exporter, folders, _in_first(sim), "invalid_response")


async def test_cancelled_mid_stream(
    hass: HomeAssistant, sim: Simulator, exporter: ClipExporter, folders: Folders
) -> None:
    """A cancellation is re-raised as is, after removing the .part and the finished files."""
    line = timeline(sim)
    calls: list[tuple[float, str | None]] = []
    on_disk: list[Path] = []
    task: asyncio.Task[Any] | None = None

    def progress(percent: float, name: str | None) -> None:
        calls.append((percent, name))
        names = [n for _, n in calls if n is not None]
        if task is not None and len([n for n in names if n != names[0]]) == 2:
            # The first file is finished and a batch of the second is written: cancel now.
            on_disk.extend(folders.files())
            task.cancel()

    request = ExportRequest(
        format=MKV,
        start=line.second.start - timedelta(minutes=20),
        end=line.second.start + timedelta(minutes=20),
    )
    task = asyncio.create_task(exporter.async_export(request, progress))
    with pytest.raises(asyncio.CancelledError):
        await task
    assert 50 < calls[-1][0] < 100
    thumbnail, finished, part = sorted(on_disk, key=lambda p: (p.name.startswith("."), p.suffix))
    assert thumbnail == finished.with_suffix(".jpg")
    assert finished.suffix == ".mkv"
    assert part.name.startswith(".")
    assert part.name.endswith(".mkv.part")
    assert folders.files() == []


async def test_cancelled_while_an_mp4_is_remuxed(
    sim: Simulator, exporter: ClipExporter, folders: Folders
) -> None:
    """The remux reading behind the download stops with it; nothing is left behind."""
    seen: list[Path] = []
    task: asyncio.Task[Any] | None = None

    def progress(percent: float, name: str | None) -> None:
        if task is not None and percent > 30 and not seen:
            seen.extend(folders.files())
            task.cancel()

    start = _in_first(sim).start
    request = ExportRequest(format=ExportFormat.MP4, start=start, end=start + timedelta(minutes=8))
    task = asyncio.create_task(exporter.async_export(request, progress))
    with pytest.raises(asyncio.CancelledError):
        await task
    names = [path.name for path in seen]
    assert any(name.endswith(".mkv.part") for name in names)  # the download, being remuxed
    assert any(name.endswith(".mp4.part") for name in names)
    assert folders.files() == []


async def test_not_enough_space(
    sim: Simulator, exporter: ClipExporter, folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exporter_module, "disk_space", lambda _folder: (1_000, 10 << 30))
    err = await _fails(exporter, folders, _in_first(sim, seconds=600), "not_enough_space")
    assert err.placeholders["free"] == "0.0"
    assert float(err.placeholders["needed"]) > 1
    assert err.placeholders["reserve"] == f"{(1 << 30) / 1e6:.1f}"
    assert not any("exportrecording" in r.path for r in sim.request_log)


async def test_a_remux_needs_room_for_the_matroska_and_the_mp4(
    sim: Simulator, exporter: ClipExporter, folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The largest part counts twice when it is remuxed: room enough for Matroska, not MP4."""
    request = _in_first(sim, seconds=600)
    monkeypatch.setattr(exporter_module, "disk_space", lambda _folder: (1_000, 10 << 30))
    needed = (await _fails(exporter, folders, request, "not_enough_space")).placeholders
    reserve = 1 << 30
    estimate = round(float(needed["needed"]) * 1e6)
    free = reserve + estimate + estimate // 2
    monkeypatch.setattr(exporter_module, "disk_space", lambda _folder: (free, 10 << 30))
    mp4 = ExportRequest(format=ExportFormat.MP4, start=request.start, end=request.end)
    err = await _fails(exporter, folders, mp4, "not_enough_space")
    assert float(err.placeholders["needed"]) == pytest.approx(2 * estimate / 1e6, abs=0.2)
    assert (await exporter.async_export(request)).files  # the Matroska alone fits


async def test_disk_full_while_writing(
    sim: Simulator, exporter: ClipExporter, folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = PartFile.write
    calls = 0

    def write(self: Any, chunks: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        original(self, chunks)

    monkeypatch.setattr(PartFile, "write", write)
    err = await _fails(exporter, folders, _in_first(sim, seconds=1200), "write_failed")
    assert err.placeholders["error"] == "No space left on device"
    assert err.placeholders["folder"] == str(folders.root / "front_door")


def test_every_key_maps_to_the_right_ha_error() -> None:
    """Every key's message: see test_export_strings (strings.json is their only source)."""
    user = ExportError("no_recording", {"start": "a", "end": "b"}, user_error=True)
    device = ExportError("connection_lost")
    converted = user.as_homeassistant_error("axis_edge_storage")
    assert isinstance(converted, ServiceValidationError)
    assert converted.translation_key == "no_recording"
    assert converted.translation_placeholders == {"start": "a", "end": "b"}
    other = device.as_homeassistant_error("axis_edge_storage")
    assert isinstance(other, HomeAssistantError)
    assert not isinstance(other, ServiceValidationError)


async def test_end_in_the_future_on_a_disk_without_recordings(
    sim: Simulator, exporter: ClipExporter, folders: Folders
) -> None:
    sim.patch_disk("NetworkShare", status="OK")
    now = dt_util.utcnow()
    request = ExportRequest(
        format=MKV,
        start=now - timedelta(minutes=1),
        end=now + timedelta(minutes=1),
        disk_id="NetworkShare",
    )
    await _fails(exporter, folders, request, "end_in_future", user_error=True)


async def test_forbidden(sim: Simulator, exporter: ClipExporter, folders: Folders) -> None:
    sim.faults.add("status", status=403, path=EXPORT_CGI)
    await _fails(exporter, folders, _in_first(sim), "forbidden", user_error=False)
