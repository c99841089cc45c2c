"""Disk properties through the client against the simulator: what a user would see."""

from __future__ import annotations

import pytest

from custom_components.axis_edge_storage.vapix import (
    AlertLevels,
    Api,
    AxisEdgeStorage,
    CleanupPolicy,
    DiskStatus,
    VapixRequestError,
)
from custom_components.axis_edge_storage.vapix.disk_properties import BASE
from simulator import Simulator

PASSPHRASE = "correct horse battery staple"


async def _run_job(sim: Simulator, device: AxisEdgeStorage, job_id: int, disk_id: str) -> bool:
    """Advance simulated time until a disk job ends; return whether it succeeded."""
    for _ in range(30):
        job = await device.disks.job(job_id, disk_id)
        if job.done:
            return job.ok
        sim.clock.advance(3.0)
    pytest.fail(f"disk job {job_id} never ended")


async def _unmount(sim: Simulator, device: AxisEdgeStorage, disk_id: str = "SD_DISK") -> None:
    assert await _run_job(sim, device, await device.disks.unmount(disk_id), disk_id)
    (disk,) = await device.disks.list([disk_id])
    assert disk.status is DiskStatus.CONNECTED


async def _sd(device: AxisEdgeStorage):  # type: ignore[no-untyped-def]
    (disk,) = await device.disks.list(["SD_DISK"])
    return disk


def _assert_error(info: pytest.ExceptionInfo[VapixRequestError], code: int, meaning: str) -> None:
    err = info.value
    assert err.api is Api.DISK_PROPERTIES
    assert err.code == code
    assert err.meaning == meaning
    assert err.description  # the device's own text is kept
    assert f"disk_properties error {code}" in str(err)


# ------------------------------------------------------------------ required file system


async def test_set_required_filesystem_ext4_and_none_visible_in_list(
    device: AxisEdgeStorage,
) -> None:
    assert (await _sd(device)).required_filesystem == "none"
    await device.disk_properties.set_required_filesystem("SD_DISK", "ext4")
    assert (await _sd(device)).required_filesystem == "ext4"
    await device.disk_properties.set_required_filesystem("SD_DISK", "none")
    assert (await _sd(device)).required_filesystem == "none"


@pytest.mark.parametrize(("disk_id", "filesystem"), [("SD_DISK", "vfat"), ("NetworkShare", "ext4")])
async def test_set_required_filesystem_unsupported_is_30(
    device: AxisEdgeStorage, disk_id: str, filesystem: str
) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties.set_required_filesystem(disk_id, filesystem)
    _assert_error(info, 30, "Specified file system is not supported.")
    (disk,) = await device.disks.list([disk_id])
    assert disk.required_filesystem == "none"


# ------------------------------------------------------------------ encryption


async def test_enable_encryption_refused_while_mounted_160(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties.enable_encryption("SD_DISK", PASSPHRASE)
    _assert_error(
        info,
        160,
        "The disk is mounted. Encryption can only be enabled/disabled when the disk is unmounted.",
    )
    sd = await _sd(device)
    assert sd.encryption_enabled is False and sd.mounted


async def test_enable_encryption_on_network_share_is_100(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties.enable_encryption("NetworkShare", PASSPHRASE)
    _assert_error(info, 100, "The disk does not support disk encryption.")


@pytest.mark.parametrize("passphrase", ["", "x" * 513, "é" * 257])
async def test_enable_encryption_bad_passphrase_is_110(
    sim: Simulator, device: AxisEdgeStorage, passphrase: str
) -> None:
    await _unmount(sim, device)
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties.enable_encryption("SD_DISK", passphrase)
    _assert_error(info, 110, "Invalid passphrase.")
    assert (await _sd(device)).encryption_enabled is False


async def test_enable_encryption_invalid_disk_is_50(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties.enable_encryption("NO_SUCH_DISK", PASSPHRASE)
    _assert_error(info, 50, "Invalid disk ID.")


async def test_encryption_lifecycle_enable_format_change_passphrase_disable(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    props = device.disk_properties
    await _unmount(sim, device)

    # Enabled while unmounted: the disk says so, but is not encrypted before a format.
    await props.enable_encryption("SD_DISK", PASSPHRASE)
    sd = await _sd(device)
    assert sd.encryption_enabled is True and sd.encrypted is False

    with pytest.raises(VapixRequestError) as info:
        await props.enable_encryption("SD_DISK", "another passphrase")
    _assert_error(info, 140, "Encryption is already enabled.")

    # The passphrase can only change while mounted.
    with pytest.raises(VapixRequestError) as info:
        await props.change_passphrase("SD_DISK", PASSPHRASE, "new passphrase")
    _assert_error(
        info,
        150,
        "The disk is unmounted. Passphrase can only be changed when the disk is mounted.",
    )

    # Mounting an enabled but unencrypted disk fails; formatting encrypts and mounts it.
    assert not await _run_job(sim, device, await device.disks.mount("SD_DISK"), "SD_DISK")
    assert (await _sd(device)).status is DiskStatus.NOT_ENCRYPTED
    assert await _run_job(sim, device, await device.disks.format("SD_DISK", "ext4"), "SD_DISK")
    sd = await _sd(device)
    assert sd.mounted and sd.encryption_enabled is True and sd.encrypted is True

    with pytest.raises(VapixRequestError) as info:
        await props.change_passphrase("SD_DISK", "not the passphrase", "new passphrase")
    _assert_error(info, 130, "The oldpassphrase does not match the existing passphrase.")
    with pytest.raises(VapixRequestError) as info:
        await props.change_passphrase("SD_DISK", PASSPHRASE, "")
    _assert_error(info, 120, "Invalid new passphrase.")
    with pytest.raises(VapixRequestError) as info:
        await props.change_passphrase("SD_DISK", PASSPHRASE, "y" * 513)
    _assert_error(info, 120, "Invalid new passphrase.")

    await props.change_passphrase("SD_DISK", PASSPHRASE, "new passphrase")
    # The old passphrase no longer works, the new one does.
    with pytest.raises(VapixRequestError) as info:
        await props.change_passphrase("SD_DISK", PASSPHRASE, "third passphrase")
    assert info.value.code == 130
    await props.change_passphrase("SD_DISK", "new passphrase", "third passphrase")
    assert (await _sd(device)).mounted  # changing the passphrase does not disrupt the disk

    # Disabling: refused while mounted, accepted once unmounted.
    with pytest.raises(VapixRequestError) as info:
        await props.disable_encryption("SD_DISK")
    _assert_error(
        info,
        160,
        "The disk is mounted. Encryption can only be enabled/disabled when the disk is unmounted.",
    )
    await _unmount(sim, device)
    await props.disable_encryption("SD_DISK")
    sd = await _sd(device)
    assert sd.encryption_enabled is False
    assert sd.encrypted is True  # the content stays encrypted until the next format


async def test_passphrases_never_appear_in_errors(sim: Simulator, device: AxisEdgeStorage) -> None:
    await _unmount(sim, device)
    await device.disk_properties.enable_encryption("SD_DISK", PASSPHRASE)
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties.enable_encryption("SD_DISK", "s3cr3t-passphrase")
    assert info.value.code == 140
    for text in (str(info.value), repr(info.value), info.value.description):
        assert "s3cr3t" not in text and PASSPHRASE not in text


async def test_disable_encryption_errors(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties.disable_encryption("SD_DISK")
    assert info.value.code == 160
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties.disable_encryption("NetworkShare")
    _assert_error(info, 100, "The disk does not support disk encryption.")
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties.disable_encryption("NO_SUCH_DISK")
    _assert_error(info, 50, "Invalid disk ID.")


async def test_change_passphrase_errors_without_encryption(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties.change_passphrase("NO_SUCH_DISK", "a", "b")
    _assert_error(info, 50, "Invalid disk ID.")
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties.change_passphrase("NetworkShare", "a", "b")
    _assert_error(info, 100, "The disk does not support disk encryption.")


# ------------------------------------------------------------------ cleanup


async def test_cleanup_max_age_visible_in_list(device: AxisEdgeStorage) -> None:
    assert (await _sd(device)).cleanup_max_age == 7
    await device.disk_properties.set_cleanup_max_age("SD_DISK", 30)
    assert (await _sd(device)).cleanup_max_age == 30
    await device.disk_properties.set_cleanup_max_age("SD_DISK", 0)
    assert (await _sd(device)).cleanup_max_age == 0
    # The other disk is untouched.
    (share,) = await device.disks.list(["NetworkShare"])
    assert share.cleanup_max_age == 7


@pytest.mark.parametrize("days", [-1, 7001])
async def test_cleanup_max_age_out_of_range_is_20(device: AxisEdgeStorage, days: int) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties.set_cleanup_max_age("SD_DISK", days)
    _assert_error(info, 20, "Invalid request.")
    assert (await _sd(device)).cleanup_max_age == 7


async def test_cleanup_max_age_deletes_old_recordings_under_fifo(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    before = [r for r in await device.recordings.list(disk_id="SD_DISK") if not r.ongoing]
    assert before
    await device.disk_properties.set_cleanup_max_age("SD_DISK", 1)
    sim.clock.advance(2 * 86400)
    after = await device.recordings.list(disk_id="SD_DISK")
    assert not any(r.recording_id in {b.recording_id for b in before} for r in after)
    assert all(r.ongoing for r in after)


async def test_cleanup_policy_visible_in_list(device: AxisEdgeStorage) -> None:
    assert (await _sd(device)).cleanup_policy is CleanupPolicy.FIFO
    await device.disk_properties.set_cleanup_policy("SD_DISK", CleanupPolicy.NONE)
    assert (await _sd(device)).cleanup_policy is CleanupPolicy.NONE
    await device.disk_properties.set_cleanup_policy("SD_DISK", "fifo")
    assert (await _sd(device)).cleanup_policy is CleanupPolicy.FIFO


async def test_cleanup_policy_invalid_and_unknown_disk(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties.set_cleanup_policy("SD_DISK", "lifo")
    _assert_error(info, 20, "Invalid request.")
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties.set_cleanup_policy("NO_SUCH_DISK", "none")
    _assert_error(info, 50, "Invalid disk ID.")
    assert (await _sd(device)).cleanup_policy is CleanupPolicy.FIFO


# ------------------------------------------------------------------ alert levels


async def test_alert_levels_round_trip(device: AxisEdgeStorage) -> None:
    props = device.disk_properties
    assert await props.get_alert_levels("SD_DISK") == AlertLevels(wear=50, temperature=360)
    await props.set_alert_levels("SD_DISK", wear=80, temperature=343)
    assert await props.get_alert_levels("SD_DISK") == AlertLevels(wear=80, temperature=343)
    # Setting one level keeps the other.
    await props.set_alert_levels("SD_DISK", wear=90)
    assert await props.get_alert_levels("SD_DISK") == AlertLevels(wear=90, temperature=343)
    await props.set_alert_levels("SD_DISK", temperature=330)
    assert await props.get_alert_levels("SD_DISK") == AlertLevels(wear=90, temperature=330)
    # Per disk.
    assert await props.get_alert_levels("NetworkShare") == AlertLevels(wear=50, temperature=360)


async def test_alert_levels_errors(device: AxisEdgeStorage) -> None:
    props = device.disk_properties
    with pytest.raises(VapixRequestError) as info:
        await props.set_alert_levels("SD_DISK")  # neither level
    _assert_error(info, 20, "Invalid request.")
    with pytest.raises(VapixRequestError) as info:
        await props.set_alert_levels("SD_DISK", wear=-5)
    _assert_error(info, 20, "Invalid request.")
    with pytest.raises(VapixRequestError) as info:
        await props.get_alert_levels("NO_SUCH_DISK")
    _assert_error(info, 50, "Invalid disk ID.")
    assert await props.get_alert_levels("SD_DISK") == AlertLevels(wear=50, temperature=360)


# ------------------------------------------------------------------ schema, 20, 40


async def test_schema_versions(device: AxisEdgeStorage) -> None:
    versions = await device.disk_properties.schema_versions()
    assert [v.version for v in versions] == ["1.0", "1.1"]
    assert all(v.major == 1 and not v.deprecated for v in versions)


async def test_unsupported_schema_version_is_40(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties._xml(
            f"{BASE}/setcleanupmaxage.cgi",
            {"schemaversion": "2", "diskid": "SD_DISK", "maxage": "30"},
        )
    _assert_error(info, 40, "Specified version is not supported.")
    assert (await _sd(device)).cleanup_max_age == 7  # nothing was changed


async def test_missing_required_argument_is_20(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties._xml(
            f"{BASE}/setrequiredfs.cgi", {"schemaversion": "1", "diskid": "SD_DISK"}
        )
    _assert_error(info, 20, "Invalid request.")
    with pytest.raises(VapixRequestError) as info:
        await device.disk_properties._xml(
            f"{BASE}/setcleanupmaxage.cgi", {"schemaversion": "1", "diskid": "SD_DISK"}
        )
    _assert_error(info, 20, "Invalid request.")
    with pytest.raises(VapixRequestError) as info:  # schemaversion itself is required
        await device.disk_properties._xml(
            f"{BASE}/setcleanuppolicy.cgi", {"diskid": "SD_DISK", "cleanuppolicy": "none"}
        )
    _assert_error(info, 20, "Invalid request.")
    assert (await _sd(device)).cleanup_policy is CleanupPolicy.FIFO
