"""Disk actions against the simulated camera: format, check, repair, mount, unmount, lock."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.auth.models import User
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError, Unauthorized
from homeassistant.helpers import device_registry as dr

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import SERIAL, StartSim
from .conftest import call_action as _call
from .conftest import setup_camera as _setup

pytestmark = pytest.mark.usefixtures("fast_job_polling")

SD = "SD_DISK"


def _requests(sim: Simulator, cgi: str) -> int:
    return sum(1 for record in sim.request_log if record.path.endswith(cgi))


async def test_format_to_the_end(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """format_disk with wait: the disk is erased and formatted to the chosen file system."""
    camera = await _setup(hass, fast_sim)
    assert fast_sim.state.disks[SD].filesystem == "ext4"
    assert any(rec.diskid == SD for rec in fast_sim.state.recordings.values())

    result = await _call(
        hass,
        "format_disk",
        device_id=camera,
        disk_id=SD,
        confirm=True,
        filesystem="vfat",
        wait=True,
    )

    assert result["result"] == "ok"
    assert result["action"] == "format"
    assert result["disk_id"] == SD
    assert result["device_id"] == camera
    assert result["progress"] == 100
    assert result["description"] == "Format completed."
    assert fast_sim.state.disks[SD].filesystem == "vfat"
    assert not any(
        rec.diskid == SD and not rec.ongoing for rec in fast_sim.state.recordings.values()
    )
    await hass.async_block_till_done()
    # The state coordinator read the disks again after the job.
    assert hass.states.get("sensor.axis_p3265_lve_accc8e012345_sd_card_job").state == "idle"


async def test_format_without_wait_answers_the_started_job(
    hass: HomeAssistant, start_sim: StartSim
) -> None:
    """Without wait, the answer is the job as started; the job sensor shows it running."""
    async with start_sim(job_speed=1) as sim:
        camera = await _setup(hass, sim)
        result = await _call(hass, "format_disk", device_id=camera, disk_id=SD, confirm=True)
        assert result["result"] is None
        assert result["action"] == "format"
        assert result["job_id"]
        state = hass.states.get("sensor.axis_p3265_lve_accc8e012345_sd_card_job")
        assert state.state == "format"
        assert state.attributes["job_id"] == result["job_id"]


async def test_disk_device_is_the_target(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """Targeting the SD card's device picks the SD card without disk_id."""
    await _setup(hass, fast_sim)
    disk_device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, f"{SERIAL}_{SD}")})
    assert disk_device is not None
    result = await _call(hass, "unmount_disk", device_id=disk_device.id, wait=True)
    assert result["disk_id"] == SD
    assert result["result"] == "ok"
    assert not fast_sim.state.disks[SD].mounted


async def test_unmount_check_repair_mount(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """The maintenance round: unmount, check (errors found), repair, check, mount."""
    camera = await _setup(hass, fast_sim)
    fast_sim.patch_disk(SD, fs_errors=True)
    target = {"device_id": camera, "disk_id": SD, "wait": True}

    assert (await _call(hass, "unmount_disk", **target))["result"] == "ok"
    checked = await _call(hass, "check_disk", **target)
    assert checked["result"] == "failed"
    assert checked["description"] == "File system errors found. Repair the disk."
    repaired = await _call(hass, "repair_disk", confirm=True, **target)
    assert repaired["result"] == "ok"
    assert (await _call(hass, "check_disk", **target))["result"] == "ok"
    assert (await _call(hass, "mount_disk", **target))["result"] == "ok"
    assert fast_sim.state.disks[SD].mounted


async def test_lock_and_unlock(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """lock_disk locks the card at once; the locked binary sensor follows; unlock undoes it."""
    camera = await _setup(hass, fast_sim)
    locked_entity = "binary_sensor.axis_p3265_lve_accc8e012345_sd_card_locked"
    assert hass.states.get(locked_entity).state == "off"

    result = await _call(hass, "lock_disk", device_id=camera, disk_id=SD)
    assert result == {"device_id": camera, "disk_id": SD, "locked": True}
    assert fast_sim.state.disks[SD].locked
    await hass.async_block_till_done()
    assert hass.states.get(locked_entity).state == "on"

    await _call(hass, "unlock_disk", device_id=camera, disk_id=SD)
    assert not fast_sim.state.disks[SD].locked
    await hass.async_block_till_done()
    assert hass.states.get(locked_entity).state == "off"


async def test_format_refused_without_confirm(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """No confirm: a translated refusal, and the camera is never asked."""
    camera = await _setup(hass, fast_sim)
    for action in ("format_disk", "repair_disk"):
        with pytest.raises(ServiceValidationError) as info:
            await _call(hass, action, device_id=camera, disk_id=SD)
        assert info.value.translation_key == "confirm_required"
        assert "Set confirm to true" in str(info.value)
    assert _requests(fast_sim, "format.cgi") == 0
    assert _requests(fast_sim, "repair.cgi") == 0


async def test_format_refused_on_a_locked_disk(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """A locked disk is not formatted: a translated refusal saying to unlock it first."""
    camera = await _setup(hass, fast_sim)
    await _call(hass, "lock_disk", device_id=camera, disk_id=SD)
    with pytest.raises(ServiceValidationError) as info:
        await _call(hass, "format_disk", device_id=camera, disk_id=SD, confirm=True)
    assert info.value.translation_key == "disk_locked_action"
    assert "Unlock it first" in str(info.value)
    assert _requests(fast_sim, "format.cgi") == 0
    assert fast_sim.state.disks[SD].filesystem == "ext4"


async def test_locked_disk_refused_by_the_camera_too(
    hass: HomeAssistant, fast_sim: Simulator
) -> None:
    """Locked on the camera since the last poll: the camera's own refusal is shown."""
    camera = await _setup(hass, fast_sim)
    fast_sim.patch_disk(SD, locked=True)  # Home Assistant has not polled since
    with pytest.raises(HomeAssistantError) as info:
        await _call(hass, "format_disk", device_id=camera, disk_id=SD, confirm=True)
    assert info.value.translation_key == "device_refused_reason"
    assert "The disk is locked. Unlock it before formatting." in str(info.value)


async def test_format_file_system_must_be_offered(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """A file system the disk does not offer is refused with the ones it does."""
    camera = await _setup(hass, fast_sim)
    with pytest.raises(ServiceValidationError) as info:
        await _call(
            hass, "format_disk", device_id=camera, disk_id=SD, confirm=True, filesystem="ntfs"
        )
    assert info.value.translation_key == "filesystem_not_offered"
    assert "ext4" in str(info.value)
    assert _requests(fast_sim, "format.cgi") == 0


@pytest.mark.parametrize(
    ("action", "problem", "expected"),
    [
        ("check_disk", None, "The disk is mounted. Unmount it first."),
        ("repair_disk", None, "The disk is mounted. Unmount it first."),
        ("mount_disk", None, "The disk is already mounted."),
        ("format_disk", {"status": "disconnected"}, "The disk is not connected."),
        ("check_disk", {"filesystem": "vfat"}, "Only SD cards formatted with ext4"),
    ],
)
async def test_camera_refusals_are_explained(
    hass: HomeAssistant,
    fast_sim: Simulator,
    action: str,
    problem: dict[str, Any] | None,
    expected: str,
) -> None:
    """Disk management has no error codes: the camera's reason is the message."""
    camera = await _setup(hass, fast_sim)
    if problem:
        fast_sim.patch_disk(SD, **problem)
    data: dict[str, Any] = {"device_id": camera, "disk_id": SD}
    if action in ("format_disk", "repair_disk"):
        data["confirm"] = True
    with pytest.raises(HomeAssistantError) as info:
        await _call(hass, action, **data)
    assert info.value.translation_key == "device_refused_reason"
    assert expected in str(info.value)


async def test_another_job_on_the_disk(hass: HomeAssistant, start_sim: StartSim) -> None:
    """One job at a time per disk: the second is refused with the camera's reason."""
    async with start_sim(job_speed=1) as sim:
        camera = await _setup(hass, sim)
        await _call(hass, "unmount_disk", device_id=camera, disk_id=SD)
        with pytest.raises(HomeAssistantError) as info:
            await _call(hass, "check_disk", device_id=camera, disk_id=SD)
        assert "Another job is in progress on the disk." in str(info.value)


@pytest.mark.parametrize(
    ("action", "cgi", "unmounted"),
    [
        ("format_disk", "format.cgi", False),
        ("check_disk", "checkdisk.cgi", True),
        ("repair_disk", "repair.cgi", True),
        ("mount_disk", "mount.cgi", True),
        ("unmount_disk", "mount.cgi", False),
        ("lock_disk", "lock.cgi", False),
        ("unlock_disk", "lock.cgi", False),
    ],
)
async def test_device_error_10(
    hass: HomeAssistant, fast_sim: Simulator, action: str, cgi: str, unmounted: bool
) -> None:
    """Disk management's one documented code, 10 (error while processing), is shown."""
    if unmounted:
        fast_sim.patch_disk(SD, status="connected")
    camera = await _setup(hass, fast_sim)
    fast_sim.faults.add("device_error", path=f"disks/{cgi}", count=1)
    extra = {"confirm": True} if action in ("format_disk", "repair_disk") else {}
    with pytest.raises(HomeAssistantError) as info:
        await _call(hass, action, device_id=camera, disk_id=SD, **extra)
    assert info.value.translation_key == "device_refused_reason"
    assert "Error while processing the request." in str(info.value)
    assert _requests(fast_sim, cgi) == 1


async def test_disk_required_and_unknown(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """The camera as target needs a disk_id, and one the camera has."""
    camera = await _setup(hass, fast_sim)
    with pytest.raises(ServiceValidationError) as info:
        await _call(hass, "mount_disk", device_id=camera)
    assert info.value.translation_key == "disk_required"
    assert SD in str(info.value)
    with pytest.raises(ServiceValidationError) as info:
        await _call(hass, "mount_disk", device_id=camera, disk_id="SD_DISK_9")
    assert info.value.translation_key == "unknown_disk"


async def test_destructive_actions_are_admin_only(
    hass: HomeAssistant, fast_sim: Simulator, hass_read_only_user: User, hass_admin_user: User
) -> None:
    """A Home Assistant user who is not an administrator cannot format or repair."""
    camera = await _setup(hass, fast_sim)
    for action in ("format_disk", "repair_disk"):
        with pytest.raises(Unauthorized):
            await _call(
                hass,
                action,
                Context(user_id=hass_read_only_user.id),
                device_id=camera,
                disk_id=SD,
                confirm=True,
            )
    assert _requests(fast_sim, "format.cgi") == 0
    # Locking stops recording: refused as well (test_admin_gate.py goes through every action).
    with pytest.raises(Unauthorized):
        await _call(
            hass, "lock_disk", Context(user_id=hass_read_only_user.id), device_id=camera, disk_id=SD
        )
    assert not fast_sim.state.disks[SD].locked
    # An administrator may format.
    result = await _call(
        hass,
        "format_disk",
        Context(user_id=hass_admin_user.id),
        device_id=camera,
        disk_id=SD,
        confirm=True,
        wait=True,
    )
    assert result["result"] == "ok"


async def test_operator_account_refused_where_the_camera_says(
    hass: HomeAssistant, fast_sim: Simulator
) -> None:
    """An operator account may check a disk but not format, mount or lock it (admin CGIs)."""
    camera = await _setup(hass, fast_sim, username="operator", password="operator")
    for action, extra in (
        ("format_disk", {"confirm": True}),
        ("mount_disk", {}),
        ("lock_disk", {}),
    ):
        with pytest.raises(HomeAssistantError) as info:
            await _call(hass, action, device_id=camera, disk_id=SD, **extra)
        assert info.value.translation_key == "action_forbidden"
        assert "administrator account" in str(info.value)
    fast_sim.patch_disk(SD, status="connected")  # unmounted, so a check is possible
    await hass.config_entries.async_reload(hass.config_entries.async_entries(DOMAIN)[0].entry_id)
    await hass.async_block_till_done()
    result = await _call(hass, "check_disk", device_id=camera, disk_id=SD, wait=True)
    assert result["result"] == "ok"
