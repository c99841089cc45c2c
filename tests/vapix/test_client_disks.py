"""Disk management through the client against the simulator: what a user would see."""

from __future__ import annotations

import pytest

from custom_components.axis_edge_storage.vapix import (
    Api,
    AxisEdgeStorage,
    DiskJobAction,
    DiskStatus,
    ReadingState,
    VapixRequestError,
)
from simulator import Simulator


async def _run_job(sim: Simulator, device: AxisEdgeStorage, job_id: int, disk_id: str) -> None:
    """Advance simulated time until the job ends; check progress is reported on the way."""
    seen = []
    for _ in range(30):
        job = await device.disks.job(job_id, disk_id)
        seen.append(job.progress)
        if job.done:
            assert job.ok, job.description
            assert job.progress == 100
            return
        sim.clock.advance(3.0)
    pytest.fail(f"job {job_id} never ended: {seen}")


async def test_list_reads_the_real_device_shape(device: AxisEdgeStorage) -> None:
    sd, share = await device.disks.list()
    assert sd.disk_id == "SD_DISK"
    assert sd.status is DiskStatus.OK and sd.mounted
    assert sd.total_bytes == sd.total_size_kb * 1024 == 116109036 * 1024  # type: ignore[operator]
    assert sd.free_bytes is not None and 0 < sd.free_bytes < sd.total_bytes
    assert sd.used_percent is not None and 0 < sd.used_percent < 100
    assert sd.filesystem == "ext4" and sd.locked is False and sd.encryption_enabled is False
    # An unbound network share: disconnected, sizes 0, not a failure of the share.
    assert share.disk_id == "NetworkShare"
    assert share.status is DiskStatus.DISCONNECTED and not share.mounted
    assert share.total_size_kb == 0 and share.used_percent is None


async def test_list_selected_disk(device: AxisEdgeStorage) -> None:
    (only,) = await device.disks.list(["SD_DISK"])
    assert only.disk_id == "SD_DISK"


async def test_capabilities_offer_the_file_systems(device: AxisEdgeStorage) -> None:
    capabilities = await device.disks.capabilities("SD_DISK")
    names = {fs.name for fs in capabilities.filesystems}
    assert {"ext4", "vfat"} <= names
    assert capabilities.encryption_supported is True
    assert capabilities.required_fs_supported is True
    with pytest.raises(VapixRequestError):
        await device.disks.capabilities("NO_SUCH_DISK")


async def test_health_values_and_unsupported_sentinels(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    health = {h.disk_id: h for h in await device.disks.health()}
    sd = health["SD_DISK"]
    assert sd.wear.value == 12 and sd.wear.state is ReadingState.VALUE
    assert sd.temperature_celsius == pytest.approx(41.85)
    assert sd.healthy is True
    share = health["NetworkShare"]
    assert share.wear.value is None
    assert share.wear.state in (ReadingState.NOT_SUPPORTED, ReadingState.NOT_PRESENT)
    assert share.temperature_celsius is None and share.healthy is None


async def test_health_as_json_on_newer_firmware(start_sim, session) -> None:  # type: ignore[no-untyped-def]
    from .conftest import make_device

    async with start_sim(health_json=True) as sim:
        health = {h.disk_id: h for h in await make_device(session, sim).disks.health()}
        assert health["SD_DISK"].wear.value == 12
        assert health["SD_DISK"].temperature.value == 315


async def test_check_refused_while_mounted_then_unmount_check_repair_mount(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.disks.check("SD_DISK")
    assert info.value.api is Api.DISK_MANAGEMENT
    assert "mounted" in info.value.description.lower()

    job_id = await device.disks.unmount("SD_DISK")
    job = await device.disks.job(job_id, "SD_DISK")
    assert job.action is DiskJobAction.UNMOUNT and not job.done
    await _run_job(sim, device, job_id, "SD_DISK")
    (sd,) = await device.disks.list(["SD_DISK"])
    assert sd.status is DiskStatus.CONNECTED

    await _run_job(sim, device, await device.disks.check("SD_DISK"), "SD_DISK")
    await _run_job(sim, device, await device.disks.repair("SD_DISK"), "SD_DISK")
    await _run_job(sim, device, await device.disks.mount("SD_DISK"), "SD_DISK")
    (sd,) = await device.disks.list(["SD_DISK"])
    assert sd.status is DiskStatus.OK


async def test_format_refused_when_locked_then_erases_recordings(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    assert await device.recordings.list(disk_id="SD_DISK")
    await device.disks.lock("SD_DISK")
    (sd,) = await device.disks.list(["SD_DISK"])
    assert sd.locked is True
    with pytest.raises(VapixRequestError) as info:
        await device.disks.format("SD_DISK", "ext4")
    assert "locked" in info.value.description.lower()

    await device.disks.unlock("SD_DISK")
    job_id = await device.disks.format("SD_DISK", "ext4")
    sim.clock.advance(4.0)
    job = await device.disks.job(job_id, "SD_DISK")
    assert job.action is DiskJobAction.FORMAT and 0 < (job.progress or 0) < 100
    await _run_job(sim, device, job_id, "SD_DISK")
    remaining = [r for r in await device.recordings.list(disk_id="SD_DISK") if not r.ongoing]
    assert remaining == []


async def test_format_with_unsupported_filesystem(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.disks.format("SD_DISK", "ntfs")
    assert "ntfs" in info.value.description


async def test_unknown_job_is_a_failed_job(device: AxisEdgeStorage) -> None:
    job = await device.disks.job(999, "SD_DISK")
    assert job.done and not job.ok
    assert job.description


async def test_lock_unknown_disk(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError):
        await device.disks.lock("NO_SUCH_DISK")


async def test_device_error_code_10_on_health(sim: Simulator, device: AxisEdgeStorage) -> None:
    sim.faults.add("device_error", path="disks/gethealth.cgi", count=1)
    with pytest.raises(VapixRequestError) as info:
        await device.disks.health()
    assert info.value.code == 10
    assert info.value.meaning == "An error occurred while processing the request."
