"""Export through the client against the simulator: real Matroska files, opened with PyAV."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import av
import pytest
import pyzipper

from custom_components.axis_edge_storage.vapix import (
    Api,
    AxisEdgeStorage,
    ExportJobState,
    Recording,
    VapixConnectionError,
    VapixRequestError,
)
from custom_components.axis_edge_storage.vapix.xml import to_datetime
from simulator import Simulator


async def _completed(device: AxisEdgeStorage) -> Recording:
    recordings = await device.recordings.list(disk_id="SD_DISK")
    completed = [r for r in recordings if not r.ongoing and r.event_id == "continuous"]
    assert completed, recordings
    return max(completed, key=lambda r: r.stop - r.start)  # type: ignore[operator]


async def _download(device: AxisEdgeStorage, target: Path, *args: object, **kwargs: object) -> str:
    async with device.exports.export(*args, **kwargs) as export:  # type: ignore[arg-type]
        content_type = export.content_type
        with target.open("wb") as file:  # a test: blocking writes are fine here
            async for chunk in export.iter_chunks():
                file.write(chunk)
    return content_type


async def test_capabilities_and_schema_versions(device: AxisEdgeStorage) -> None:
    capabilities = await device.exports.capabilities()
    assert capabilities.formats == ("matroska",)
    assert capabilities.encryption_formats == ("zip-aes256",)
    versions = await device.exports.schema_versions()
    assert any(v.major == 1 and not v.deprecated for v in versions)


async def test_export_is_a_playable_clip_from_the_key_frame(
    device: AxisEdgeStorage, tmp_path: Path
) -> None:
    recording = await _completed(device)
    assert recording.start is not None
    requested_start = recording.start + timedelta(seconds=61.3)
    stop = requested_start + timedelta(seconds=60)

    properties = await device.exports.properties(
        recording.recording_id, recording.disk_id, start=requested_start, stop=stop
    )
    proper = properties.start
    assert proper is not None
    # The proper start is the key frame before the requested start (one every 2 s).
    assert timedelta(0) <= requested_start - proper < timedelta(seconds=2)
    assert ((proper - recording.start).total_seconds() % 2.0) == pytest.approx(0.0, abs=1e-3)
    assert properties.estimated_bytes and properties.estimated_bytes > 0

    target = tmp_path / "clip.mkv"
    content_type = await _download(
        device, target, recording.recording_id, recording.disk_id, start=proper, stop=stop
    )
    assert content_type == "video/x-matroska"
    with av.open(str(target)) as container:
        first_time = to_datetime(container.metadata["creation_time"])
        assert first_time == proper
        assert container.duration / 1e6 == pytest.approx((stop - proper).total_seconds(), abs=0.2)
        first = next(container.demux(video=0))
        assert first.is_keyframe
        assert first.pts == 0


async def test_range_outside_a_recording_keeps_its_bounds(
    device: AxisEdgeStorage, tmp_path: Path
) -> None:
    recording = await _completed(device)
    assert recording.start is not None
    assert recording.stop is not None
    properties = await device.exports.properties(
        recording.recording_id,
        recording.disk_id,
        start=recording.stop - timedelta(seconds=10),
        stop=recording.stop + timedelta(minutes=5),
    )
    assert properties.stop == recording.stop  # best effort: cut at the recording's end


async def test_password_export_is_an_aes_zip(device: AxisEdgeStorage, tmp_path: Path) -> None:
    recording = await _completed(device)
    assert recording.start is not None
    target = tmp_path / "clip.zip"
    content_type = await _download(
        device,
        target,
        recording.recording_id,
        recording.disk_id,
        start=recording.start,
        stop=recording.start + timedelta(seconds=10),
        password="zip-secret",
    )
    assert content_type == "application/zip"
    with pyzipper.AESZipFile(target) as archive:
        (name,) = archive.namelist()
        assert name.endswith(".mkv")
        archive.setpassword(b"zip-secret")
        assert archive.read(name)[:4] == b"\x1a\x45\xdf\xa3"  # EBML magic: a Matroska file


async def test_export_errors_come_from_the_xml_body(device: AxisEdgeStorage) -> None:
    recording = await _completed(device)
    assert recording.start is not None
    assert recording.stop is not None
    cases = [
        ({"recording_id": "NO_SUCH_RECORDING"}, 110),
        ({"start": recording.start + timedelta(seconds=30), "stop": recording.start}, 140),
        ({"start": recording.stop + timedelta(hours=10)}, 150),
        ({"stop": recording.start - timedelta(hours=10)}, 160),
        ({"export_format": "avi"}, 170),
    ]
    for overrides, code in cases:
        arguments: dict[str, object] = {
            "recording_id": recording.recording_id,
            "disk_id": recording.disk_id,
            **overrides,
        }
        recording_id = arguments.pop("recording_id")
        disk_id = arguments.pop("disk_id")
        with pytest.raises(VapixRequestError) as info:
            async with device.exports.export(recording_id, disk_id, **arguments):  # type: ignore[arg-type]
                pytest.fail("an error must not open a stream")
        assert info.value.api is Api.EXPORT_RECORDING
        assert info.value.code == code, overrides
        assert info.value.meaning


async def test_connection_dropped_mid_export_is_an_error(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    recording = await _completed(device)
    assert recording.start is not None
    sim.faults.add("drop_export", bytes=20000, count=1)
    received = 0
    with pytest.raises(VapixConnectionError):  # noqa: PT012 (the break is in the loop)
        async with device.exports.export(
            recording.recording_id,
            recording.disk_id,
            start=recording.start,
            stop=recording.start + timedelta(minutes=10),
        ) as export:
            async for chunk in export.iter_chunks():
                received += len(chunk)
    assert 0 < received <= 20000


async def test_export_to_usb_followed_to_the_end(sim: Simulator, device: AxisEdgeStorage) -> None:
    recording = await _completed(device)
    assert recording.start is not None
    job = await device.exports.export_to_external(
        recording.recording_id,
        recording.disk_id,
        start=recording.start,
        stop=recording.start + timedelta(seconds=30),
        file_path="alarm/clip.mkv",
    )
    assert job.file_path == "alarm/clip.mkv"
    with pytest.raises(VapixRequestError) as info:  # one USB job at a time
        await device.exports.export_to_external(recording.recording_id, recording.disk_id)
    assert info.value.code == 220
    status = await device.exports.job_status(job.job_id)
    assert status.state is ExportJobState.IN_PROGRESS
    for _ in range(40):
        sim.clock.advance(2.0)
        status = await device.exports.job_status(job.job_id)
        if status.done:
            break
    assert status.ok
    assert status.progress == 100


async def test_export_to_usb_errors(sim: Simulator, device: AxisEdgeStorage) -> None:
    recording = await _completed(device)
    rid, disk = recording.recording_id, recording.disk_id
    cases = [
        ({"external_disk_id": "SD_DISK"}, 200),
        ({"file_path": "../outside.mkv"}, 230),
        ({"password": "x" * 513}, 240),
        ({"password": "p", "encryption_format": "rot13"}, 250),
        ({"encryption_format": "zip-aes256"}, 260),
    ]
    for kwargs, code in cases:
        with pytest.raises(VapixRequestError) as info:
            await device.exports.export_to_external(rid, disk, **kwargs)  # type: ignore[arg-type]
        assert info.value.code == code, kwargs
    with pytest.raises(VapixRequestError) as info:
        await device.exports.job_status(4242)
    assert info.value.code == 190
    await sim_usb(sim, present=False)
    with pytest.raises(VapixRequestError) as info:
        await device.exports.export_to_external(rid, disk)
    assert info.value.code == 210


async def sim_usb(sim: Simulator, *, present: bool) -> None:
    """Pull out (or put back) the simulated USB disk."""
    sim.state.set_usb(present)
