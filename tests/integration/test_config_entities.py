"""The disk settings as config entities (select, number), against the simulated camera.

Every test checks what a user sees: the entity shows the camera's value, a change made in Home
Assistant reaches the camera and comes back as the entity's state, and a refusal is a
translated error while the entity keeps the camera's value.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from functools import partial
from typing import Any
from unittest.mock import PropertyMock, patch

import pytest
from homeassistant.components.number.const import ATTR_VALUE, SERVICE_SET_VALUE
from homeassistant.components.select import ATTR_OPTION, SERVICE_SELECT_OPTION
from homeassistant.const import ATTR_ENTITY_ID, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

import simulator.state
from custom_components.axis_edge_storage.const import DOMAIN
from custom_components.axis_edge_storage.coordinator import EdgeStorageCoordinator
from simulator import Simulator

from .conftest import SERIAL, TITLE, entry_data

CAMERA = "axis_p3265_lve_accc8e012345"
SD = f"{CAMERA}_sd_card"
SD2 = f"{CAMERA}_sd_card_2"
KB_PER_GIB = 1024**2

CLEANUP_POLICY = "select.{}_recording_cleanup"
REQUIRED_FS = "select.{}_required_file_system"
MAX_AGE = "number.{}_maximum_recording_age"
STORAGE_LIMIT = "number.{}_recording_storage_limit"
WEAR_ALERT = "number.{}_wear_alert_level"
TEMPERATURE_ALERT = "number.{}_temperature_alert_level"
ALL = (CLEANUP_POLICY, REQUIRED_FS, MAX_AGE, STORAGE_LIMIT, WEAR_ALERT, TEMPERATURE_ALERT)


@pytest.fixture(autouse=True)
def _all_entities_enabled() -> Iterator[None]:
    """Create the entities disabled by default too (the required file system)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


def coordinator_of(entry: MockConfigEntry) -> EdgeStorageCoordinator:
    """The entry's coordinator."""
    coordinator: EdgeStorageCoordinator = entry.runtime_data.coordinator
    return coordinator


async def refresh(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """One poll, as the interval timer would run it."""
    await coordinator_of(entry).async_refresh()
    await hass.async_block_till_done()


async def settle(hass: HomeAssistant) -> None:
    """Let the refresh run that the coordinator holds back after an earlier one (10 s)."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done()


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """The state of an entity that must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, f"{entity_id} does not exist"
    return state.state


def attributes_of(hass: HomeAssistant, entity_id: str) -> dict[str, Any]:
    """The attributes of an entity that must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, f"{entity_id} does not exist"
    return dict(state.attributes)


def placeholders(err: HomeAssistantError) -> dict[str, str]:
    """The placeholders of a translated error."""
    assert err.translation_placeholders is not None
    return err.translation_placeholders


async def select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    """Choose an option as the user does in the UI."""
    await hass.services.async_call(
        "select",
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id, ATTR_OPTION: option},
        blocking=True,
    )


async def set_number(hass: HomeAssistant, entity_id: str, value: float) -> None:
    """Enter a number as the user does in the UI."""
    await hass.services.async_call(
        "number",
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity_id, ATTR_VALUE: value},
        blocking=True,
    )


async def setup_entry(hass: HomeAssistant, sim: Simulator, **data: Any) -> MockConfigEntry:
    """Set the integration up on `sim` with other entry data (e.g. another account)."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(sim, **data)
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_settings_show_the_camera_values(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """Each setting shows what the camera holds, as a configuration entity of the card."""
    card = sim.state.disks["SD_DISK"]
    assert state_of(hass, CLEANUP_POLICY.format(SD)) == card.cleanuppolicy == "fifo"
    assert state_of(hass, REQUIRED_FS.format(SD)) == card.requiredfs == "none"
    assert int(state_of(hass, MAX_AGE.format(SD))) == card.cleanupmaxage == 7
    assert float(state_of(hass, STORAGE_LIMIT.format(SD))) == card.storage_limit_kb == 0
    assert int(state_of(hass, WEAR_ALERT.format(SD))) == card.alert_wear == 50
    # 360 K, in whole degrees Celsius.
    assert card.alert_temperature == 360
    assert state_of(hass, TEMPERATURE_ALERT.format(SD)) == "87"

    registry = er.async_get(hass)
    for pattern in ALL:
        entry = registry.async_get(pattern.format(SD))
        assert entry is not None
        assert entry.entity_category is EntityCategory.CONFIG
        assert entry.unique_id.startswith(f"{SERIAL}_SD_DISK_")
    assert attributes_of(hass, CLEANUP_POLICY.format(SD))["options"] == ["fifo", "none"]
    limit = attributes_of(hass, STORAGE_LIMIT.format(SD))
    assert limit["unit_of_measurement"] == "GiB"
    assert limit["min"] == 0
    # The card holds 116109036 kB: 110.7 GiB, so at most 110 whole GiB.
    assert limit["max"] == 110
    temperature = attributes_of(hass, TEMPERATURE_ALERT.format(SD))
    assert temperature["unit_of_measurement"] == "°C"

    # A change made on the camera itself shows at the next poll.
    sim.patch_disk("SD_DISK", cleanuppolicy="none", cleanupmaxage=30)
    await refresh(hass, init_integration)
    assert state_of(hass, CLEANUP_POLICY.format(SD)) == "none"
    assert state_of(hass, MAX_AGE.format(SD)) == "30"


async def test_cleanup_policy(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """Choosing a cleanup policy sets it on the card, and the entity shows it."""
    entity_id = CLEANUP_POLICY.format(SD)
    await select(hass, entity_id, "none")
    assert sim.state.disks["SD_DISK"].cleanuppolicy == "none"
    assert state_of(hass, entity_id) == "none"

    await select(hass, entity_id, "fifo")
    assert sim.state.disks["SD_DISK"].cleanuppolicy == "fifo"
    await settle(hass)
    assert state_of(hass, entity_id) == "fifo"


async def test_cleanup_max_age(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """Days to keep recordings, 0 (keep them) to 7000; beyond that Home Assistant refuses."""
    entity_id = MAX_AGE.format(SD)
    await set_number(hass, entity_id, 30)
    assert sim.state.disks["SD_DISK"].cleanupmaxage == 30
    assert state_of(hass, entity_id) == "30"

    await set_number(hass, entity_id, 0)
    assert sim.state.disks["SD_DISK"].cleanupmaxage == 0
    await settle(hass)
    assert state_of(hass, entity_id) == "0"

    with pytest.raises(ServiceValidationError):
        await set_number(hass, entity_id, 7001)
    assert sim.state.disks["SD_DISK"].cleanupmaxage == 0


async def test_storage_limit(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """A limit in GiB reaches the camera in kB; 0 removes it; below 1 GiB the camera refuses."""
    entity_id = STORAGE_LIMIT.format(SD)
    card = sim.state.disks["SD_DISK"]
    await set_number(hass, entity_id, 10)
    assert card.storage_limit_kb == 10 * KB_PER_GIB
    assert float(state_of(hass, entity_id)) == 10

    await set_number(hass, entity_id, 0)
    assert card.storage_limit_kb == 0
    await settle(hass)
    assert float(state_of(hass, entity_id)) == 0

    # 0.5 GiB: the camera's minimum is 1 GiB (error 130).
    with pytest.raises(ServiceValidationError) as refused:
        await set_number(hass, entity_id, 0.5)
    assert refused.value.translation_domain == DOMAIN
    assert refused.value.translation_key == "limit_too_small"
    assert card.storage_limit_kb == 0
    assert float(state_of(hass, entity_id)) == 0

    # Larger than the card: Home Assistant refuses before asking the camera.
    sim.request_log.clear()
    with pytest.raises(ServiceValidationError):
        await set_number(hass, entity_id, 111)
    assert not [r for r in sim.request_log if r.path.endswith("setlimit.cgi")]


async def test_alert_levels(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """Wear in percent; temperature in °C here and whole Kelvin on the camera."""
    card = sim.state.disks["SD_DISK"]
    await set_number(hass, WEAR_ALERT.format(SD), 80)
    assert card.alert_wear == 80
    assert card.alert_temperature == 360  # untouched
    assert state_of(hass, WEAR_ALERT.format(SD)) == "80"
    # The health sensor judges wear against the new level.
    assert attributes_of(hass, f"binary_sensor.{SD}_health")["wear_alert_level"] == 80

    await set_number(hass, TEMPERATURE_ALERT.format(SD), 60)
    assert card.alert_temperature == 333  # 60 °C
    assert card.alert_wear == 80
    await settle(hass)
    assert state_of(hass, TEMPERATURE_ALERT.format(SD)) == "60"

    # 315 K is 42 °C (the VAPIX example).
    card.alert_temperature = 315
    coordinator_of(init_integration).async_mark_settings_stale()
    await refresh(hass, init_integration)
    assert state_of(hass, TEMPERATURE_ALERT.format(SD)) == "42"


async def test_temperature_alert_in_fahrenheit(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """With US customary units the level shows and is entered in °F; the camera gets Kelvin."""
    await hass.config.async_update(unit_system="us_customary")
    assert hass.config.units is US_CUSTOMARY_SYSTEM
    entity_id = TEMPERATURE_ALERT.format(SD)
    await set_number(hass, entity_id, 158)  # 70 °C
    assert sim.state.disks["SD_DISK"].alert_temperature == 343
    assert float(state_of(hass, entity_id)) == 158
    assert attributes_of(hass, entity_id)["unit_of_measurement"] == "°F"


async def test_required_filesystem(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """The options are what the card offers; choosing one sets it on the camera."""
    entity_id = REQUIRED_FS.format(SD)
    offered = await init_integration.runtime_data.client.disks.capabilities("SD_DISK")
    usable = [fs.name for fs in offered.filesystems if fs.required_fs_supported]
    assert usable == ["ext4"]
    assert [fs.name for fs in offered.filesystems] == ["vfat", "ext4"]
    assert attributes_of(hass, entity_id)["options"] == ["none", *usable]

    await select(hass, entity_id, "ext4")
    assert sim.state.disks["SD_DISK"].requiredfs == "ext4"
    assert state_of(hass, entity_id) == "ext4"

    # vfat is not offered: Home Assistant refuses it without asking the camera.
    sim.request_log.clear()
    with pytest.raises(ServiceValidationError):
        await select(hass, entity_id, "vfat")
    assert not [r for r in sim.request_log if r.path.endswith("setrequiredfs.cgi")]

    await select(hass, entity_id, "none")
    assert sim.state.disks["SD_DISK"].requiredfs == "none"
    await settle(hass)
    assert state_of(hass, entity_id) == "none"


async def test_required_filesystem_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sim: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A card that no longer supports a required file system: error 30, translated."""
    monkeypatch.setattr(simulator.state.Disk, "requiredfs_supported", property(lambda _: False))
    entity_id = REQUIRED_FS.format(SD)
    with pytest.raises(ServiceValidationError) as refused:
        await select(hass, entity_id, "ext4")
    assert refused.value.translation_key == "filesystem_not_supported"
    assert placeholders(refused.value)["disk"] == "SD_DISK"
    assert sim.state.disks["SD_DISK"].requiredfs == "none"
    assert state_of(hass, entity_id) == "none"


async def test_operator_account(hass: HomeAssistant, sim: Simulator) -> None:
    """An operator may set the storage limit, not the admin-only disk properties (403)."""
    entry = await setup_entry(hass, sim, username="operator", password="operator")
    card = sim.state.disks["SD_DISK"]

    writes = {
        CLEANUP_POLICY.format(SD): partial(select, hass, CLEANUP_POLICY.format(SD), "none"),
        MAX_AGE.format(SD): partial(set_number, hass, MAX_AGE.format(SD), 30),
        WEAR_ALERT.format(SD): partial(set_number, hass, WEAR_ALERT.format(SD), 80),
    }
    for entity_id, write in writes.items():
        before = state_of(hass, entity_id)
        with pytest.raises(HomeAssistantError) as refused:
            await write()
        assert not isinstance(refused.value, ServiceValidationError)
        assert refused.value.translation_domain == DOMAIN
        assert refused.value.translation_key == "action_forbidden"
        assert state_of(hass, entity_id) == before
    assert (card.cleanuppolicy, card.cleanupmaxage, card.alert_wear) == ("fifo", 7, 50)
    assert sim.request_log[-1].status == 403

    await set_number(hass, STORAGE_LIMIT.format(SD), 5)
    assert card.storage_limit_kb == 5 * KB_PER_GIB
    assert float(state_of(hass, STORAGE_LIMIT.format(SD))) == 5
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_device_error(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """The camera fails while processing (error 10): said so; the entities keep its values."""
    sim.faults.add("device_error", path="disks/properties/")
    with pytest.raises(HomeAssistantError) as refused:
        await set_number(hass, MAX_AGE.format(SD), 30)
    assert refused.value.translation_key == "device_refused"
    assert placeholders(refused.value)["code"] == "10"
    assert placeholders(refused.value)["action"] == "set_cleanup_max_age"
    with pytest.raises(HomeAssistantError) as refused:
        await select(hass, CLEANUP_POLICY.format(SD), "none")
    assert refused.value.translation_key == "device_refused"
    assert state_of(hass, MAX_AGE.format(SD)) == "7"
    assert state_of(hass, CLEANUP_POLICY.format(SD)) == "fifo"
    assert sim.state.disks["SD_DISK"].cleanupmaxage == 7

    sim.faults.clear()
    await set_number(hass, MAX_AGE.format(SD), 30)
    assert state_of(hass, MAX_AGE.format(SD)) == "30"


async def test_disk_pulled_before_the_next_poll(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """A card pulled out since the last poll: the camera knows no such disk (110, 50)."""
    sim.add_disk("SD_DISK_2")
    await refresh(hass, init_integration)
    sim.remove_disk("SD_DISK_2")

    with pytest.raises(ServiceValidationError) as refused:
        await set_number(hass, STORAGE_LIMIT.format(SD2), 5)
    assert refused.value.translation_key == "unknown_disk_id"
    assert placeholders(refused.value)["disk"] == "SD_DISK_2"
    assert placeholders(refused.value)["code"] == "110"
    with pytest.raises(ServiceValidationError) as refused:
        await select(hass, CLEANUP_POLICY.format(SD2), "none")
    assert refused.value.translation_key == "unknown_disk_id"
    assert placeholders(refused.value)["code"] == "50"

    await refresh(hass, init_integration)
    assert hass.states.get(STORAGE_LIMIT.format(SD2)) is None


async def test_disk_that_appears_gets_its_settings(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """A second card inserted later gets its settings without a reload; they are its own."""
    for pattern in ALL:
        assert hass.states.get(pattern.format(SD2)) is None
    sim.add_disk("SD_DISK_2")
    await refresh(hass, init_integration)
    for pattern in ALL:
        assert hass.states.get(pattern.format(SD2)) is not None, pattern
    assert state_of(hass, CLEANUP_POLICY.format(SD2)) == "fifo"
    assert attributes_of(hass, STORAGE_LIMIT.format(SD2))["max"] == 29  # 31166976 kB

    await set_number(hass, STORAGE_LIMIT.format(SD2), 20)
    assert sim.state.disks["SD_DISK_2"].storage_limit_kb == 20 * KB_PER_GIB
    assert sim.state.disks["SD_DISK"].storage_limit_kb == 0
    assert float(state_of(hass, STORAGE_LIMIT.format(SD2))) == 20
    assert float(state_of(hass, STORAGE_LIMIT.format(SD))) == 0


async def test_network_share_settings(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """A bound share has cleanup settings and a limit, no required file system or alerts."""
    device = init_integration.runtime_data.client
    await device.network_shares.bind("nas1", automatic_mount=False)
    await refresh(hass, init_integration)
    share = f"{CAMERA}_network_share_nas"
    # Not mounted: the share's size is unknown (0), so the limit is not capped by it.
    assert attributes_of(hass, STORAGE_LIMIT.format(share))["max"] == 1024 * 1024

    await device.disks.mount("NetworkShare")
    sim.advance(30)  # the mount job finishes
    await refresh(hass, init_integration)
    assert state_of(hass, CLEANUP_POLICY.format(share)) == "fifo"
    assert hass.states.get(MAX_AGE.format(share)) is not None
    assert hass.states.get(STORAGE_LIMIT.format(share)) is not None
    assert hass.states.get(REQUIRED_FS.format(share)) is None
    assert hass.states.get(WEAR_ALERT.format(share)) is None
    assert hass.states.get(TEMPERATURE_ALERT.format(share)) is None

    await select(hass, CLEANUP_POLICY.format(share), "none")
    assert sim.state.disks["NetworkShare"].cleanuppolicy == "none"
    assert state_of(hass, CLEANUP_POLICY.format(share)) == "none"
