"""Entities as a user sees them: states, attributes, devices, availability, dynamic disks."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.axis_edge_storage.const import DOMAIN
from custom_components.axis_edge_storage.coordinator import EdgeStorageCoordinator
from simulator import Simulator

from .conftest import SERIAL, TITLE, StartSim, entry_data

CAMERA = "axis_p3265_lve_accc8e012345"
SD = f"{CAMERA}_sd_card"
# Values that follow the ongoing recording's growth from second to second, and the factory
# timeline's times (relative to the start of the run). test_archive checks them.
VOLATILE = {"free_space", "used_percent", "recording_space_used", "oldest_recording", "retention"}
# The calendar's attributes that name the ongoing recording (its times, its id).
CALENDAR_VOLATILE = {"start_time", "end_time", "description"}


def coordinator_of(entry: MockConfigEntry) -> EdgeStorageCoordinator:
    """The entry's coordinator."""
    coordinator: EdgeStorageCoordinator = entry.runtime_data.coordinator
    return coordinator


async def refresh(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """One poll, as the interval timer would run it."""
    await coordinator_of(entry).async_refresh()
    await hass.async_block_till_done()


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """The state of an entity that must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, f"{entity_id} does not exist"
    return state.state


def entities_view(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """What the user sees of every entity of the entry, stable across Home Assistant versions."""
    registry = er.async_get(hass)
    devices = dr.async_get(hass)
    view: dict[str, Any] = {}
    for item in sorted(
        er.async_entries_for_config_entry(registry, entry.entry_id), key=lambda e: e.entity_id
    ):
        device = devices.async_get(item.device_id) if item.device_id else None
        if item.disabled_by is not None:
            assert hass.states.get(item.entity_id) is None
            view[item.entity_id] = {
                "device": device.name if device else None,
                "unique_id": item.unique_id,
                "disabled_by": str(item.disabled_by),
            }
            continue
        state = hass.states.get(item.entity_id)
        assert state is not None
        volatile = any(item.unique_id.endswith(f"_{name}") for name in VOLATILE)
        view[item.entity_id] = {
            "device": device.name if device else None,
            "unique_id": item.unique_id,
            "translation_key": item.translation_key,
            "device_class": item.original_device_class,
            "entity_category": item.entity_category,
            "unit": item.unit_of_measurement,
            "state": "<changes with the recording>" if volatile else state.state,
            "attributes": {
                key: "<the ongoing recording's>"
                if item.domain == "calendar" and key in CALENDAR_VOLATILE
                else value
                for key, value in state.attributes.items()
            },
        }
    return view


async def test_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sim: Simulator,
    snapshot: SnapshotAssertion,
) -> None:
    """The SD card's sensors and binary sensors, and the camera's recording sensor."""
    assert entities_view(hass, init_integration) == snapshot

    devices = dr.async_get(hass)
    camera = devices.async_get_device(identifiers={(DOMAIN, SERIAL)})
    card = devices.async_get_device(identifiers={(DOMAIN, f"{SERIAL}_SD_DISK")})
    assert camera is not None
    assert card is not None
    assert card.via_device_id == camera.id
    assert card.name == "AXIS P3265-LVE (ACCC8E012345) SD card"
    # The unbound network share slot is not a disk yet: no device, no entities.
    assert devices.async_get_device(identifiers={(DOMAIN, f"{SERIAL}_NetworkShare")}) is None

    # The volatile values match what the device reports (kB of 1024 bytes, shown in GiB).
    disk = next(d for d in await init_integration.runtime_data.client.disks.list())
    free_gib = float(state_of(hass, f"sensor.{SD}_free_space"))
    assert free_gib == pytest.approx(disk.free_size_kb / 1024**2, abs=0.01)
    used = float(state_of(hass, f"sensor.{SD}_used_space"))
    assert used == pytest.approx(100 * (1 - disk.free_size_kb / disk.total_size_kb), abs=0.1)


async def test_steady_poll_makes_three_requests(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """A poll reads disks, health and ongoing recordings: three requests, with limits."""
    await refresh(hass, init_integration)  # slow data was read at start; this is steady
    sim.request_log.clear()
    await refresh(hass, init_integration)
    paths = sorted(record.path for record in sim.request_log)
    assert paths == [
        "/axis-cgi/disks/gethealth.cgi",
        "/axis-cgi/disks/list.cgi",
        "/axis-cgi/record/list.cgi",
    ]
    listing = next(r for r in sim.request_log if r.path.endswith("record/list.cgi"))
    assert listing.query["maxnumberofresults"] == "50"
    assert listing.query["startatresultnumber"] == "0"


async def test_storage_settings_read_again_after_a_change(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """Limits, shares and alert levels are read again when a disk changes, not every poll."""
    sim.request_log.clear()
    sim.patch_disk("SD_DISK", locked=True)
    await refresh(hass, init_integration)
    paths = {record.path for record in sim.request_log}
    assert "/axis-cgi/record/storage/getlimit.cgi" in paths
    assert "/axis-cgi/disks/networkshare/list.cgi" in paths
    assert "/axis-cgi/disks/properties/getdiskalertlevels.cgi" in paths


async def test_unavailable_and_recovery(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sim: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A device that stops answering makes entities unavailable, logged once; then recovers."""
    sim.faults.add("status", status=503, path="disks/list.cgi", count=2)
    caplog.set_level(logging.INFO)
    await refresh(hass, init_integration)
    await refresh(hass, init_integration)
    for entity_id in (
        f"binary_sensor.{CAMERA}_recording",
        f"sensor.{SD}_status",
        f"binary_sensor.{SD}_disruption",
    ):
        assert state_of(hass, entity_id) == STATE_UNAVAILABLE
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(failures) == 1, [r.getMessage() for r in failures]
    assert "503" in failures[0].getMessage()

    await refresh(hass, init_integration)
    assert state_of(hass, f"sensor.{SD}_status") == "ok"
    assert state_of(hass, f"binary_sensor.{CAMERA}_recording") == "on"
    assert any("recovered" in r.getMessage() for r in caplog.records)


async def test_reauth_on_changed_password(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """A password changed on the camera asks for the new one; giving it restores everything."""
    entry = init_integration
    sim.set_password("root", "changed-on-camera")
    await refresh(hass, entry)
    assert state_of(hass, f"sensor.{SD}_status") == STATE_UNAVAILABLE
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]

    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_USERNAME: "root", CONF_PASSWORD: "changed-on-camera"}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert state_of(hass, f"sensor.{SD}_status") == "ok"


async def test_disk_appears_and_disappears(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """A second card gets its device and entities without a reload; pulled, they go away."""
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    sim.add_disk("SD_DISK_2")
    await refresh(hass, init_integration)
    card = devices.async_get_device(identifiers={(DOMAIN, f"{SERIAL}_SD_DISK_2")})
    assert card is not None
    assert card.name == "AXIS P3265-LVE (ACCC8E012345) SD card 2"
    assert state_of(hass, f"sensor.{SD}_2_status") == "ok"
    assert state_of(hass, f"sensor.{SD}_2_temperature") == "36.85"
    card_entities = er.async_entries_for_device(entities, card.id)
    # 21, one disabled by default (the required file system); with how far back it goes.
    assert len(card_entities) == 21
    assert state_of(hass, f"sensor.{SD}_2_recordings") == "0"  # a new card

    sim.remove_disk("SD_DISK_2")
    await refresh(hass, init_integration)
    assert devices.async_get_device(identifiers={(DOMAIN, f"{SERIAL}_SD_DISK_2")}) is None
    assert er.async_entries_for_device(entities, card.id) == []
    assert hass.states.get(f"sensor.{SD}_2_status") is None
    assert state_of(hass, f"sensor.{SD}_status") == "ok"

    # Inserted again: back without a reload.
    sim.add_disk("SD_DISK_2")
    await refresh(hass, init_integration)
    assert state_of(hass, f"sensor.{SD}_2_status") == "ok"


async def test_bound_share_gets_entities(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """Binding a network share (here from the camera's own web page) adds its disk."""
    device = init_integration.runtime_data.client
    await device.network_shares.bind("nas1", automatic_mount=False)
    await refresh(hass, init_integration)
    share = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, f"{SERIAL}_NetworkShare")})
    assert share is not None
    assert share.name == "AXIS P3265-LVE (ACCC8E012345) Network share NAS"
    status = f"sensor.{CAMERA}_network_share_nas_status"
    assert state_of(hass, status) == "connected"
    disruption = hass.states.get(f"binary_sensor.{CAMERA}_network_share_nas_disruption")
    assert disruption is not None
    assert disruption.attributes["reasons"] == ["unmounted"]

    await device.disks.mount("NetworkShare")
    sim.advance(30)  # the mount job finishes
    await refresh(hass, init_integration)
    assert state_of(hass, status) == "ok"
    assert state_of(hass, f"binary_sensor.{CAMERA}_network_share_nas_disruption") == "off"
    # A share has no wear or temperature: those entities are not created.
    assert hass.states.get(f"sensor.{CAMERA}_network_share_nas_wear") is None
    assert hass.states.get(f"sensor.{CAMERA}_network_share_nas_temperature") is None

    await device.disks.unmount("NetworkShare")
    sim.advance(30)
    await device.network_shares.unbind("nas1")
    await refresh(hass, init_integration)
    assert hass.states.get(status) is None


async def test_unsupported_values_are_not_numbers(hass: HomeAssistant, start_sim: StartSim) -> None:
    """-1/-3 create no entity; -2 later makes the entity unavailable, never 0."""
    async with start_sim() as sim:
        sim.patch_disk("SD_DISK", health={"wear": -1, "temperature": 315, "overallhealth": -3})
        entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(sim))
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert hass.states.get(f"sensor.{SD}_wear") is None
        assert hass.states.get(f"binary_sensor.{SD}_health") is None
        assert state_of(hass, f"sensor.{SD}_temperature") == "41.85"

        sim.patch_disk("SD_DISK", health={"temperature": -2})
        await refresh(hass, entry)
        assert state_of(hass, f"sensor.{SD}_temperature") == STATE_UNAVAILABLE

        # Wear becomes readable: the entity appears without a reload.
        sim.patch_disk("SD_DISK", health={"wear": 7})
        await refresh(hass, entry)
        assert state_of(hass, f"sensor.{SD}_wear") == "7"
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_recording_follows_the_device(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """Recording binary sensors of the disk and the camera follow start and stop."""
    sim.stop_recording(None)
    await refresh(hass, init_integration)
    assert state_of(hass, f"binary_sensor.{SD}_recording") == "off"
    assert state_of(hass, f"binary_sensor.{CAMERA}_recording") == "off"
    sim.start_recording("SD_DISK", eventid="motion", recordingtype="triggered")
    await refresh(hass, init_integration)
    assert state_of(hass, f"binary_sensor.{SD}_recording") == "on"
    assert state_of(hass, f"binary_sensor.{CAMERA}_recording") == "on"


async def test_disruption_and_health(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """A locked, read-only card is disrupted, with reasons; worn past the alert level, unhealthy."""
    sim.patch_disk("SD_DISK", locked=True, readonly=True, health={"wear": 50})
    await refresh(hass, init_integration)
    disruption = hass.states.get(f"binary_sensor.{SD}_disruption")
    assert disruption is not None
    assert disruption.state == "on"
    assert disruption.attributes["reasons"] == ["read_only", "locked"]
    assert state_of(hass, f"binary_sensor.{SD}_locked") == "on"
    assert state_of(hass, f"binary_sensor.{SD}_recording") == "off"
    health = hass.states.get(f"binary_sensor.{SD}_health")
    assert health is not None
    assert health.state == "on"
    assert health.attributes["problems"] == ["wear_alert_level_reached"]
    assert health.attributes["wear_alert_level"] == 50

    sim.patch_disk("SD_DISK", status="failed", health={"overallhealth": 0, "wear": 3})
    await refresh(hass, init_integration)
    assert state_of(hass, f"sensor.{SD}_status") == "failed"
    health = hass.states.get(f"binary_sensor.{SD}_health")
    assert health is not None
    assert health.attributes["problems"] == ["overall_health_failed"]
    disruption = hass.states.get(f"binary_sensor.{SD}_disruption")
    assert disruption is not None
    assert disruption.attributes["reasons"] == ["failed", "read_only", "locked"]


@pytest.mark.parametrize(
    ("status", "reasons"),
    [
        ("disconnected", ["disconnected"]),
        ("wrong passphrase", ["wrong_passphrase"]),
        ("connected", ["unmounted"]),
        ("no passphrase", ["wrong_passphrase"]),
    ],
)
async def test_disruption_reasons(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sim: Simulator,
    status: str,
    reasons: list[str],
) -> None:
    """Every status other than OK is a disruption, with the reason a user can act on."""
    sim.patch_disk("SD_DISK", status=status)
    await refresh(hass, init_integration)
    disruption = hass.states.get(f"binary_sensor.{SD}_disruption")
    assert disruption is not None
    assert disruption.state == "on"
    assert disruption.attributes["reasons"] == reasons


async def test_device_without_health_api(hass: HomeAssistant, sim: Simulator) -> None:
    """A device whose gethealth.cgi is missing: no health entities, and no more asking."""
    sim.faults.add("status", status=404, path="disks/gethealth.cgi")
    entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(sim))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(f"sensor.{SD}_wear") is None
    assert hass.states.get(f"binary_sensor.{SD}_health") is None
    assert state_of(hass, f"sensor.{SD}_status") == "ok"
    sim.request_log.clear()
    await refresh(hass, entry)
    assert sorted(r.path for r in sim.request_log) == [
        "/axis-cgi/disks/list.cgi",
        "/axis-cgi/record/list.cgi",
    ]


async def test_refused_optional_reads(hass: HomeAssistant, sim: Simulator) -> None:
    """Storage limits the device refuses leave their sensors out; the rest works."""
    sim.faults.add("status", status=404, path="record/storage/getlimit.cgi")
    entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(sim))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(f"sensor.{SD}_recording_space_used") is None
    assert state_of(hass, f"sensor.{SD}_status") == "ok"


async def test_storage_limit_and_marked_change(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """A limit set on the camera shows once the integration reads the limits again."""
    coordinator = coordinator_of(init_integration)
    limit = f"number.{SD}_recording_storage_limit"
    assert state_of(hass, limit) == "0.0"
    sim.patch_disk("SD_DISK", storage_limit=10 * 1024**2)  # 10 GiB in kB
    await refresh(hass, init_integration)
    # The limits are not read on every poll.
    assert state_of(hass, limit) == "0.0"
    coordinator.async_mark_settings_stale()
    await refresh(hass, init_integration)
    assert state_of(hass, limit) == "10.0"


async def test_role_too_low_asks_for_another_account(hass: HomeAssistant, sim: Simulator) -> None:
    """A viewer account cannot read the disks: the user is asked for another account."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=TITLE,
        unique_id=SERIAL,
        data=entry_data(sim, username="viewer", password="viewer"),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert "administrator or operator" in (entry.reason or "")
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_other_disk_names(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """A disk that is neither an SD card nor a share is named by its id."""
    sim.add_disk("USB_DISK")
    await refresh(hass, init_integration)
    disk = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, f"{SERIAL}_USB_DISK")})
    assert disk is not None
    assert disk.name == "AXIS P3265-LVE (ACCC8E012345) USB_DISK"


async def test_a_poll_writes_only_what_changed(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """A poll writes the entities whose state changed, not the others (their last report stays)."""
    status, locked = f"sensor.{SD}_status", f"binary_sensor.{SD}_locked"

    def reported(entity_id: str) -> object:
        state = hass.states.get(entity_id)
        assert state is not None
        return state.last_reported  # the state object is updated in place when reported

    before = {entity_id: reported(entity_id) for entity_id in (status, locked)}
    sim.patch_disk("SD_DISK", locked=True)
    await refresh(hass, init_integration)
    assert state_of(hass, locked) == "on"
    assert reported(locked) != before[locked]
    assert reported(status) == before[status]
