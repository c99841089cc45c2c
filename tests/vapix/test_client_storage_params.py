"""Storage limits, capabilities, parameters, device identity and roles against the simulator."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from custom_components.axis_edge_storage.vapix import (
    Api,
    AxisEdgeStorage,
    Capabilities,
    StorageLimit,
    VapixForbiddenError,
    VapixNotSupportedError,
    VapixRequestError,
)
from custom_components.axis_edge_storage.vapix.storage_limit import BASE, MIN_LIMIT_KB
from simulator import Simulator

from .conftest import make_device


def _assert_error(info: pytest.ExceptionInfo[VapixRequestError], code: int, meaning: str) -> None:
    err = info.value
    assert err.api is Api.STORAGE_LIMIT
    assert err.code == code
    assert err.meaning == meaning
    assert err.description
    assert f"storage_limit error {code}" in str(err)


async def _limit(device: AxisEdgeStorage, disk_id: str) -> StorageLimit:
    (limit,) = await device.storage_limits.get(disk_id)
    return limit


# ------------------------------------------------------------------ storage limit


async def test_get_all_and_one(sim: Simulator, device: AxisEdgeStorage) -> None:
    limits = {limit.disk_id: limit for limit in await device.storage_limits.get()}
    assert set(limits) == {"SD_DISK", "NetworkShare"}
    sd = limits["SD_DISK"]
    assert sd.size_kb == 0 and not sd.enabled
    # usedspace: the space the recordings take, as the device reports it.
    assert sd.used_kb is not None and sd.used_kb > 0
    # The ongoing recording keeps growing (125 kB/s) between the answer and this check.
    assert 0 <= sim.state.used_kb("SD_DISK") - sd.used_kb <= 2 * 125
    assert limits["NetworkShare"].used_kb == 0
    one = await _limit(device, "SD_DISK")
    assert one.disk_id == "SD_DISK" and one.size_kb == 0 and one.used_kb is not None


async def test_used_space_grows_while_recording(sim: Simulator, device: AxisEdgeStorage) -> None:
    before = (await _limit(device, "SD_DISK")).used_kb
    sim.clock.advance(60.0)
    after = (await _limit(device, "SD_DISK")).used_kb
    assert before is not None and after is not None
    assert after - before >= 60 * 125  # the ongoing recording, about 1 Mbit/s


async def test_set_and_read_back(device: AxisEdgeStorage) -> None:
    (sd_before,) = await device.disks.list(["SD_DISK"])
    await device.storage_limits.set("SD_DISK", 50 * MIN_LIMIT_KB)
    limit = await _limit(device, "SD_DISK")
    assert limit.size_kb == 50 * MIN_LIMIT_KB and limit.enabled
    assert (await _limit(device, "NetworkShare")).size_kb == 0
    # The disk now offers only what the limit leaves.
    (sd,) = await device.disks.list(["SD_DISK"])
    assert sd.free_size_kb is not None and sd_before.free_size_kb is not None
    assert sd.free_size_kb <= 50 * MIN_LIMIT_KB - (limit.used_kb or 0)
    assert sd.free_size_kb < sd_before.free_size_kb

    await device.storage_limits.set("SD_DISK", MIN_LIMIT_KB)  # the minimum is allowed
    assert (await _limit(device, "SD_DISK")).size_kb == MIN_LIMIT_KB
    await device.storage_limits.set("SD_DISK", 0)  # 0 disables
    limit = await _limit(device, "SD_DISK")
    assert limit.size_kb == 0 and not limit.enabled


async def test_unknown_disk_is_110(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.storage_limits.get("NO_SUCH_DISK")
    _assert_error(info, 110, "Disk not found.")
    with pytest.raises(VapixRequestError) as info:
        await device.storage_limits.set("NO_SUCH_DISK", 2 * MIN_LIMIT_KB)
    _assert_error(info, 110, "Disk not found.")


@pytest.mark.parametrize("size", ["1.5e6", "lots", "-5", ""])
async def test_invalid_size_is_120(device: AxisEdgeStorage, size: str) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.storage_limits._xml(
            f"{BASE}/setlimit.cgi", {"schemaversion": "1", "diskid": "SD_DISK", "size": size}
        )
    _assert_error(info, 120, "Invalid size value.")
    assert (await _limit(device, "SD_DISK")).size_kb == 0


@pytest.mark.parametrize("size", [1, 1000, MIN_LIMIT_KB - 1])
async def test_below_minimum_is_130(device: AxisEdgeStorage, size: int) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.storage_limits.set("SD_DISK", size)
    _assert_error(info, 130, "Supplied size is less than the minimum allowed limit.")
    assert (await _limit(device, "SD_DISK")).size_kb == 0


async def test_storage_limit_schema_versions_and_40_and_20(device: AxisEdgeStorage) -> None:
    versions = await device.storage_limits.schema_versions()
    assert [v.version for v in versions] == ["1.0"] and versions[0].major == 1
    with pytest.raises(VapixRequestError) as info:
        await device.storage_limits._xml(f"{BASE}/getlimit.cgi", {"schemaversion": "2"})
    _assert_error(info, 40, "Specified version is not supported.")
    with pytest.raises(VapixRequestError) as info:
        await device.storage_limits._xml(
            f"{BASE}/setlimit.cgi", {"schemaversion": "1", "diskid": "SD_DISK"}
        )
    _assert_error(info, 20, "Invalid request.")


# ------------------------------------------------------------------ capabilities and params


async def test_capabilities_report_every_flag(device: AxisEdgeStorage) -> None:
    capabilities = await device.params.capabilities()
    assert capabilities == Capabilities(
        local_storage=True,
        version="1.00",
        sd_card=True,
        continuous_recording=True,
        continuous_recording_profiles=2,
        export_recording=True,
        storage_limit=True,
        disk_encryption=True,
        required_filesystem=True,
        disk_health=True,
        network_share=True,
        cifs=True,
        raw=capabilities.raw,
    )
    assert capabilities.raw["root.Properties.LocalStorage.LocalStorage"] == "yes"
    assert capabilities.raw["root.Properties.NetworkShare.CIFS"] == "yes"


async def test_capabilities_without_local_storage(
    start_sim: Any, session: aiohttp.ClientSession
) -> None:
    async with start_sim(local_storage=False) as sim:
        device = make_device(session, sim)
        capabilities = await device.params.capabilities()
        assert capabilities.local_storage is False
        assert not (
            capabilities.sd_card
            or capabilities.network_share
            or capabilities.storage_limit
            or capabilities.disk_encryption
        )
        assert capabilities.continuous_recording_profiles == 0
        # The edge storage CGIs are absent on such a product.
        with pytest.raises(VapixNotSupportedError):
            await device.disks.list()
        # Its identity is still there.
        assert (await device.device_info.get()).serial == "ACCC8E012345"


async def test_list_group(device: AxisEdgeStorage) -> None:
    values = await device.params.list_group("root.Storage.S0")
    assert values["root.Storage.S0.DiskID"] == "SD_DISK"
    assert values["root.Storage.S0.CleanupPolicyActive"] == "fifo"
    assert await device.params.list_group("root.No.Such.Group") == {}


async def test_update_friendly_name_visible_in_disk_list(device: AxisEdgeStorage) -> None:
    await device.params.update({"root.Storage.S0.FriendlyName": "Front door card"})
    (sd,) = await device.disks.list(["SD_DISK"])
    assert sd.name == "Front door card"
    values = await device.params.list_group("root.Storage.S0.FriendlyName")
    assert values == {"root.Storage.S0.FriendlyName": "Front door card"}


async def test_update_refused_value_is_an_error(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.params.update({"root.Storage.S0.CleanupPolicyActive": "lifo"})
    assert info.value.api is Api.PARAMETERS and info.value.code is None
    assert "CleanupPolicyActive" in info.value.description
    with pytest.raises(VapixRequestError):
        await device.params.update({"root.No.Such.Param": "1"})
    (sd,) = await device.disks.list(["SD_DISK"])
    assert sd.cleanup_policy == "fifo"


# ------------------------------------------------------------------ device info


async def test_device_info_from_basicdeviceinfo(sim: Simulator, device: AxisEdgeStorage) -> None:
    info = await device.device_info.get()
    assert info.serial == "ACCC8E012345"
    assert info.model == "P3265-LVE"
    assert info.product_name == "AXIS P3265-LVE Dome Camera"
    assert info.brand == "AXIS"
    assert info.firmware == "11.11.73"
    assert info.architecture == "aarch64"
    assert info.web_url == "http://www.axis.com"
    assert "axis-cgi/basicdeviceinfo.cgi" in " ".join(sim.request_log.paths())
    assert not any(r.path.endswith("param.cgi") for r in sim.request_log)


async def test_device_info_param_fallback_on_legacy_firmware(
    start_sim: Any, session: aiohttp.ClientSession
) -> None:
    async with start_sim(legacy_firmware=True) as sim:
        info = await make_device(session, sim).device_info.get()
        assert info.serial == "ACCC8E012345"
        assert info.model == "P3265-LVE"
        assert info.product_name == "AXIS P3265-LVE Dome Camera"
        assert info.brand == "AXIS"
        assert info.firmware == "8.40.4"
        assert info.architecture == "armv7hf"
        statuses = {r.path: r.status for r in sim.request_log if r.status != 401}
        assert statuses["/axis-cgi/basicdeviceinfo.cgi"] == 404
        assert statuses["/axis-cgi/param.cgi"] == 200


async def test_device_info_serial_follows_configuration(
    start_sim: Any, session: aiohttp.ClientSession
) -> None:
    async with start_sim(serial="ACCC8EABCDEF", legacy_firmware=True) as sim:
        assert (await make_device(session, sim).device_info.get()).serial == "ACCC8EABCDEF"


# ------------------------------------------------------------------ roles


async def test_operator_role(sim: Simulator, session: aiohttp.ClientSession) -> None:
    operator = make_device(session, sim, username="operator", password="operator")
    # Allowed: storage limits, alert levels (read), share listing, param update of a name.
    await operator.storage_limits.set("SD_DISK", 2 * MIN_LIMIT_KB)
    assert (await _limit(operator, "SD_DISK")).size_kb == 2 * MIN_LIMIT_KB
    assert (await operator.disk_properties.get_alert_levels("SD_DISK")).wear == 50
    assert [s.share_id for s in await operator.network_shares.list()] == ["nas1"]
    await operator.params.update({"root.Storage.S0.FriendlyName": "by operator"})
    # Forbidden: admin-only CGIs.
    for call in (
        operator.disk_properties.set_required_filesystem("SD_DISK", "ext4"),
        operator.disk_properties.set_cleanup_max_age("SD_DISK", 1),
        operator.disk_properties.enable_encryption("SD_DISK", "secret"),
        operator.disk_properties.set_alert_levels("SD_DISK", wear=1),
        operator.network_shares.add(nice_name="X", address="nas", share="video"),
        operator.network_shares.remove("nas1"),
    ):
        with pytest.raises(VapixForbiddenError):
            await call
    # Nothing changed.
    (sd,) = await make_device(session, sim).disks.list(["SD_DISK"])
    assert sd.required_filesystem == "none" and sd.cleanup_max_age == 7
    assert sd.name == "by operator"


async def test_operator_cannot_update_an_admin_parameter(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    operator = make_device(session, sim, username="operator", password="operator")
    with pytest.raises(VapixRequestError) as info:
        await operator.params.update({"root.Storage.S0.Locked": "yes"})
    assert info.value.api is Api.PARAMETERS
    (sd,) = await make_device(session, sim).disks.list(["SD_DISK"])
    assert sd.locked is False


async def test_viewer_role(sim: Simulator, session: aiohttp.ClientSession) -> None:
    viewer = make_device(session, sim, username="viewer", password="viewer")
    # Allowed: recordings, capabilities, identity.
    assert len(await viewer.recordings.list()) == 6
    assert (await viewer.params.capabilities()).local_storage is True
    assert (await viewer.device_info.get()).serial == "ACCC8E012345"
    for call in (
        viewer.storage_limits.get(),
        viewer.storage_limits.set("SD_DISK", 0),
        viewer.params.update({"root.Storage.S0.FriendlyName": "by viewer"}),
        viewer.disk_properties.get_alert_levels("SD_DISK"),
        viewer.network_shares.list(),
        viewer.recordings.start("SD_DISK"),
    ):
        with pytest.raises(VapixForbiddenError):
            await call
    (sd,) = await make_device(session, sim).disks.list(["SD_DISK"])
    assert sd.name == ""
