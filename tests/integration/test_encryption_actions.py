"""Disk encryption actions against the simulated camera: enable, disable, change passphrase.

The flows the seed describes (unmount, enable, then format or mount with a required file
system; unmount, disable, format) run end to end, and every code the Disk properties API
documents for the three CGIs is reached: 50, 100, 110, 120, 130, 140, 150, 160 through the
simulator's rules, 10, 20 and 40 through `device_error` faults (20 also by a real rule).
"""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError, Unauthorized
from homeassistant.helpers import device_registry as dr

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import SERIAL
from .conftest import call_action as _call
from .conftest import setup_camera as _setup

pytestmark = pytest.mark.usefixtures("fast_job_polling")

SD = "SD_DISK"
SD_STATUS = "sensor.axis_p3265_lve_accc8e012345_sd_card_status"


async def _refused(
    hass: HomeAssistant, action: str, key: str, **data: Any
) -> ServiceValidationError:
    with pytest.raises(ServiceValidationError) as info:
        await _call(hass, action, **data)
    assert info.value.translation_key == key
    return info.value


async def _refresh(hass: HomeAssistant) -> None:
    await hass.config_entries.async_entries(DOMAIN)[0].runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()


def _ongoing(sim: Simulator) -> list[str]:
    return [r.recordingid for r in sim.state.recordings.values() if r.ongoing and r.diskid == SD]


# ---------------------------------------------------------------------------------- flows
async def test_enable_then_format(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """unmount_disk, enable_disk_encryption, mount (refused: not encrypted), format: encrypted."""
    sim = fast_sim
    camera = await _setup(hass, sim)
    disk = sim.state.disks[SD]
    target = {"device_id": camera, "disk_id": SD}

    err = await _refused(
        hass,
        "enable_disk_encryption",
        "encryption_needs_unmounted",
        **target,
        passphrase="p1",
        confirm=True,
    )
    assert str(err) == (
        "The disk SD_DISK is mounted (error 160). Unmount it first (unmount_disk), then "
        "enable or disable encryption"
    )
    assert not disk.encryption_enabled

    assert (await _call(hass, "unmount_disk", **target, wait=True))["result"] == "ok"
    result = await _call(
        hass, "enable_disk_encryption", **target, passphrase="first-pass", confirm=True
    )
    assert result == {"device_id": camera, "disk_id": SD, "encryption_enabled": True}
    assert disk.encryption_enabled
    assert disk.passphrase == "first-pass"
    assert not disk.encrypted

    err = await _refused(
        hass,
        "enable_disk_encryption",
        "encryption_already_enabled",
        **target,
        passphrase="x",
        confirm=True,
    )
    assert "error 140" in str(err)
    assert "change it instead" in str(err)

    err = await _refused(
        hass,
        "change_disk_passphrase",
        "passphrase_needs_mounted",
        **target,
        old_passphrase="first-pass",
        new_passphrase="second-pass",
    )
    assert str(err) == (
        "The disk SD_DISK is unmounted (error 150). Mount it first (mount_disk), then change "
        "the passphrase"
    )

    # Mounting an unencrypted disk with encryption on fails: the camera wants it formatted.
    mounted = await _call(hass, "mount_disk", **target, wait=True)
    assert mounted["result"] == "failed"
    assert disk.status == "not encrypted"
    await _refresh(hass)
    assert hass.states.get(SD_STATUS).state == "not_encrypted"

    formatted = await _call(hass, "format_disk", **target, confirm=True, wait=True)
    assert formatted["result"] == "ok"
    assert disk.encrypted
    assert disk.status == "OK"
    await _refresh(hass)
    assert hass.states.get(SD_STATUS).state == "ok"
    recording = _ongoing(sim)
    assert recording  # the continuous profile records again

    # The passphrase changes while mounted, without disturbing the recording.
    changed = await _call(
        hass,
        "change_disk_passphrase",
        **target,
        old_passphrase="first-pass",
        new_passphrase="second-pass",
    )
    assert changed == {"device_id": camera, "disk_id": SD, "passphrase_changed": True}
    assert disk.passphrase == "second-pass"
    assert _ongoing(sim) == recording


async def test_enable_with_required_filesystem_mounts(
    hass: HomeAssistant, fast_sim: Simulator
) -> None:
    """With a required file system, mount_disk formats and encrypts by itself."""
    sim = fast_sim
    await _setup(hass, sim)
    disk_device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, f"{SERIAL}_{SD}")})
    assert disk_device is not None
    device = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.client
    await device.disk_properties.set_required_filesystem(SD, "ext4")
    assert sim.state.disks[SD].requiredfs == "ext4"

    # The disk's own device is the target: no disk_id.
    await _call(hass, "unmount_disk", device_id=disk_device.id, wait=True)
    await _call(
        hass, "enable_disk_encryption", device_id=disk_device.id, passphrase="pp", confirm=True
    )
    mounted = await _call(hass, "mount_disk", device_id=disk_device.id, wait=True)
    assert mounted["result"] == "ok"
    assert sim.state.disks[SD].encrypted
    assert sim.state.disks[SD].status == "OK"


async def test_disable_then_format(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """unmount, disable (confirmed), mount refused (no passphrase), format: not encrypted."""
    sim = fast_sim
    camera = await _setup(hass, sim)
    target = {"device_id": camera, "disk_id": SD}
    await _call(hass, "unmount_disk", **target, wait=True)
    await _call(hass, "enable_disk_encryption", **target, passphrase="pp", confirm=True)
    await _call(hass, "format_disk", **target, confirm=True, wait=True)
    disk = sim.state.disks[SD]
    assert disk.encrypted

    err = await _refused(
        hass, "disable_disk_encryption", "encryption_needs_unmounted", **target, confirm=True
    )
    assert "error 160" in str(err)

    await _call(hass, "unmount_disk", **target, wait=True)
    result = await _call(hass, "disable_disk_encryption", **target, confirm=True)
    assert result == {"device_id": camera, "disk_id": SD, "encryption_enabled": False}
    assert not disk.encryption_enabled
    assert disk.passphrase is None

    mounted = await _call(hass, "mount_disk", **target, wait=True)
    assert mounted["result"] == "failed"
    assert disk.status == "no passphrase"
    formatted = await _call(hass, "format_disk", **target, confirm=True, wait=True)
    assert formatted["result"] == "ok"
    assert not disk.encrypted
    assert disk.status == "OK"


# ------------------------------------------------------------------------------ refusals
async def test_passphrase_codes(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """110 for a bad passphrase, 130 for a wrong current one, 120 for a bad new one."""
    sim = fast_sim
    camera = await _setup(hass, sim)
    target = {"device_id": camera, "disk_id": SD}
    await _call(hass, "unmount_disk", **target, wait=True)
    for bad in ("", "x" * 513, "é" * 257):
        err = await _refused(
            hass,
            "enable_disk_encryption",
            "invalid_passphrase",
            **target,
            passphrase=bad,
            confirm=True,
        )
        assert str(err) == (
            "The passphrase was refused (error 110): it must be 1 to 512 bytes long"
        )
    assert not sim.state.disks[SD].encryption_enabled
    await _call(hass, "enable_disk_encryption", **target, passphrase="é" * 256, confirm=True)
    await _call(hass, "format_disk", **target, confirm=True, wait=True)

    err = await _refused(
        hass,
        "change_disk_passphrase",
        "wrong_old_passphrase",
        **target,
        old_passphrase="guess",
        new_passphrase="new",
    )
    assert "error 130" in str(err)
    assert "SD_DISK" in str(err)
    err = await _refused(
        hass,
        "change_disk_passphrase",
        "invalid_new_passphrase",
        **target,
        old_passphrase="é" * 256,
        new_passphrase="",
    )
    assert "error 120" in str(err)
    assert sim.state.disks[SD].passphrase == "é" * 256


async def test_change_without_encryption(hass: HomeAssistant, sim: Simulator) -> None:
    """Changing the passphrase of a disk without encryption: the camera's 20, with its text."""
    camera = await _setup(hass, sim)
    with pytest.raises(HomeAssistantError) as info:
        await _call(
            hass,
            "change_disk_passphrase",
            device_id=camera,
            disk_id=SD,
            old_passphrase="a",
            new_passphrase="b",
        )
    assert info.value.translation_key == "device_refused"
    assert info.value.translation_placeholders["code"] == "20"
    assert "change_disk_passphrase" in str(info.value)


async def test_network_share_cannot_be_encrypted(hass: HomeAssistant, sim: Simulator) -> None:
    """100 for each encryption CGI on a network share."""
    camera = await _setup(hass, sim)
    await _call(hass, "bind_network_share", device_id=camera, share_id="nas1", automount=False)
    target = {"device_id": camera, "disk_id": "NetworkShare"}
    for action, data in (
        ("enable_disk_encryption", {"passphrase": "p", "confirm": True}),
        ("disable_disk_encryption", {"confirm": True}),
        ("change_disk_passphrase", {"old_passphrase": "a", "new_passphrase": "b"}),
    ):
        err = await _refused(hass, action, "encryption_not_supported", **target, **data)
        assert str(err) == (
            "The disk NetworkShare does not support encryption (error 100). Network shares "
            "cannot be encrypted by the camera"
        )


async def test_disk_gone_from_the_camera(hass: HomeAssistant, sim: Simulator) -> None:
    """50 when the camera no longer has a disk Home Assistant still knows."""
    camera = await _setup(hass, sim)
    sim.add_disk("SD_DISK_2")
    await _refresh(hass)
    sim.remove_disk("SD_DISK_2")
    target = {"device_id": camera, "disk_id": "SD_DISK_2"}
    for action, data in (
        ("enable_disk_encryption", {"passphrase": "p", "confirm": True}),
        ("disable_disk_encryption", {"confirm": True}),
        ("change_disk_passphrase", {"old_passphrase": "a", "new_passphrase": "b"}),
    ):
        err = await _refused(hass, action, "unknown_disk_id", **target, **data)
        assert str(err) == (
            "The camera has no disk SD_DISK_2 (error 50). Choose one of the camera's disks"
        )


CGIS = [
    ("enable_disk_encryption", "enablediskencryption.cgi", {"passphrase": "p", "confirm": True}),
    ("disable_disk_encryption", "disablediskencryption.cgi", {"confirm": True}),
    (
        "change_disk_passphrase",
        "changediskpassphrase.cgi",
        {"old_passphrase": "a", "new_passphrase": "b"},
    ),
]


@pytest.mark.parametrize(("action", "cgi", "data"), CGIS)
async def test_generic_codes(
    hass: HomeAssistant, sim: Simulator, action: str, cgi: str, data: dict[str, Any]
) -> None:
    """10, 20 and 40 from each encryption CGI."""
    camera = await _setup(hass, sim)
    meanings = {
        10: "Error while processing the request.",
        20: "Invalid request.",
        40: "Specified version is not supported.",
    }
    for code, meaning in meanings.items():
        sim.faults.add("device_error", path=f"disks/properties/{cgi}", code=code, count=1)
        with pytest.raises(HomeAssistantError) as info:
            await _call(hass, action, device_id=camera, disk_id=SD, **data)
        assert info.value.translation_key == "device_refused"
        assert str(info.value) == f"The camera refused {action} (error {code}: {meaning})"
    assert not sim.state.disks[SD].encryption_enabled


# -------------------------------------------------------------------------------- guards
async def test_disable_guards(
    hass: HomeAssistant, sim: Simulator, hass_read_only_user: Any
) -> None:
    """disable_disk_encryption: administrators only, confirm, not on a locked disk."""
    camera = await _setup(hass, sim)
    target = {"device_id": camera, "disk_id": SD}
    sim.patch_disk(SD, status="connected", encryption_enabled=True, passphrase="pp")
    await _refresh(hass)
    sim.request_log.clear()

    with pytest.raises(Unauthorized):
        await _call(
            hass,
            "disable_disk_encryption",
            context=Context(user_id=hass_read_only_user.id),
            **target,
            confirm=True,
        )
    err = await _refused(hass, "disable_disk_encryption", "confirm_required", **target)
    assert "Set confirm to true" in str(err)

    await _call(hass, "lock_disk", **target)
    await _refresh(hass)
    err = await _refused(
        hass, "disable_disk_encryption", "disk_locked_action", **target, confirm=True
    )
    assert "Unlock it first (unlock_disk)" in str(err)
    assert not [r for r in sim.request_log if "disablediskencryption" in r.path]
    assert sim.state.disks[SD].encryption_enabled

    await _call(hass, "unlock_disk", **target)
    await _refresh(hass)
    await _call(hass, "disable_disk_encryption", **target, confirm=True)
    assert not sim.state.disks[SD].encryption_enabled


async def test_enable_guards(hass: HomeAssistant, sim: Simulator, hass_read_only_user: Any) -> None:
    """enable_disk_encryption (a format follows): administrators only, confirm, no lock."""
    camera = await _setup(hass, sim)
    target = {"device_id": camera, "disk_id": SD, "passphrase": "pp"}
    sim.patch_disk(SD, status="connected")
    await _refresh(hass)
    sim.request_log.clear()

    with pytest.raises(Unauthorized):
        await _call(
            hass,
            "enable_disk_encryption",
            context=Context(user_id=hass_read_only_user.id),
            **target,
            confirm=True,
        )
    err = await _refused(hass, "enable_disk_encryption", "confirm_required", **target)
    assert "Set confirm to true" in str(err)

    sim.patch_disk(SD, locked=True)
    await _refresh(hass)
    err = await _refused(
        hass, "enable_disk_encryption", "disk_locked_action", **target, confirm=True
    )
    assert "Unlock it first (unlock_disk)" in str(err)
    assert not [r for r in sim.request_log if "enablediskencryption" in r.path]
    assert not sim.state.disks[SD].encryption_enabled


async def test_operator_account_is_refused(hass: HomeAssistant, sim: Simulator) -> None:
    """The encryption CGIs are for administrators: an operator account gets action_forbidden."""
    camera = await _setup(hass, sim, username="operator", password="operator")
    for action, data in (
        ("enable_disk_encryption", {"passphrase": "p", "confirm": True}),
        ("disable_disk_encryption", {"confirm": True}),
        ("change_disk_passphrase", {"old_passphrase": "a", "new_passphrase": "b"}),
    ):
        with pytest.raises(HomeAssistantError) as info:
            await _call(hass, action, device_id=camera, disk_id=SD, **data)
        assert info.value.translation_key == "action_forbidden"
        assert f"to {action}" in str(info.value)
    assert not sim.state.disks[SD].encryption_enabled


async def test_disk_is_required(hass: HomeAssistant, sim: Simulator) -> None:
    """The camera as target needs a disk_id."""
    camera = await _setup(hass, sim)
    err = await _refused(
        hass,
        "enable_disk_encryption",
        "disk_required",
        device_id=camera,
        passphrase="p",
        confirm=True,
    )
    assert "SD_DISK" in str(err)
