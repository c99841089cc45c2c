"""Repair issues raised and cleared by the camera's state, and the cleanup fix flow end to end."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.axis_edge_storage.const import DOMAIN
from custom_components.axis_edge_storage.repairs import issue_id
from simulator import Simulator

SD = "SD_DISK"
SHARE = "NetworkShare"


def issues(hass: HomeAssistant) -> dict[str, ir.IssueEntry]:
    """The integration's issues in the registry, by translation key."""
    registry = ir.async_get(hass)
    return {
        issue.translation_key or "": issue
        for (domain, _), issue in registry.issues.items()
        if domain == DOMAIN
    }


async def poll(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """One poll (with the storage settings read again, as after a change)."""
    entry.runtime_data.coordinator.async_mark_settings_stale()
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()


async def _bind_share(hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator) -> None:
    await entry.runtime_data.client.network_shares.bind("nas1", automatic_mount=True)
    await poll(hass, entry)


CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("disk_worn", SD, {"health": {"wear": 80}}, {"health": {"wear": 10}}),
    ("disk_worn", SD, {"health": {"overallhealth": 0}}, {"health": {"overallhealth": 1}}),
    ("disk_not_recording", SD, {"readonly": True}, {"readonly": False}),
    ("disk_not_recording", SD, {"status": "failed"}, {"status": "OK"}),
    ("disk_not_recording", SD, {"status": "connected"}, {"status": "OK"}),
    ("wrong_passphrase", SD, {"status": "wrong passphrase"}, {"status": "OK"}),
    ("wrong_passphrase", SD, {"status": "no passphrase"}, {"status": "OK"}),
    (
        "full_no_cleanup",
        SD,
        {"storage_limit": 1, "cleanuppolicy": "none"},
        {"storage_limit": 0, "cleanuppolicy": "none"},
    ),
    ("share_disconnected", SHARE, {"status": "disconnected"}, {"status": "OK"}),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{next(iter(c[2]))}" for c in CASES])
async def test_issue_raised_and_cleared(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sim: Simulator,
    case: tuple[str, str, dict[str, Any], dict[str, Any]],
) -> None:
    """The camera's disk goes bad: one translated issue; back to good: it is gone."""
    kind, disk, bad, good = case
    if disk == SHARE:
        await _bind_share(hass, init_integration, sim)
    assert issues(hass) == {}
    sim.patch_disk(disk, **bad)
    await poll(hass, init_integration)
    raised = issues(hass)
    assert list(raised) == [kind]
    issue = raised[kind]
    assert issue.issue_id == issue_id(init_integration.entry_id, kind, disk)
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["camera"] == init_integration.title
    assert issue.is_fixable is (kind == "full_no_cleanup")
    sim.patch_disk(disk, **good)
    await poll(hass, init_integration)
    assert issues(hass) == {}


async def test_unrecorded_disk_without_profile_raises_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """A read-only disk no profile records to is a disruption, not a repair."""
    sim.state.profiles.clear()
    sim.patch_disk(SD, readonly=True)
    await poll(hass, init_integration)
    assert issues(hass) == {}


async def test_unload_removes_the_issues(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """An unloaded camera leaves no issue behind (setting it up again raises what still holds)."""
    sim.patch_disk(SD, health={"wear": 90})
    await poll(hass, init_integration)
    assert list(issues(hass)) == ["disk_worn"]
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert issues(hass) == {}
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    assert list(issues(hass)) == ["disk_worn"]


async def _flow(client: Any, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=payload)
    assert response.status == HTTPStatus.OK, await response.text()
    result: dict[str, Any] = await response.json()
    return result


async def _start_cleanup_fix(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    entry: MockConfigEntry,
    sim: Simulator,
) -> tuple[Any, dict[str, Any]]:
    """Fill the card with cleanup off, then open the issue's fix flow as the frontend does."""
    assert await async_setup_component(hass, "repairs", {})
    sim.patch_disk(SD, storage_limit=1, cleanuppolicy="none")
    await poll(hass, entry)
    ident = issue_id(entry.entry_id, "full_no_cleanup", SD)
    client = await hass_client()
    form = await _flow(client, "/api/repairs/issues/fix", {"handler": DOMAIN, "issue_id": ident})
    return client, form


async def test_cleanup_fix_flow_end_to_end(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    sim: Simulator,
) -> None:
    """Through the repairs API, as the frontend does: FIFO cleanup set, the issue cleared."""
    client, form = await _start_cleanup_fix(hass, hass_client, init_integration, sim)
    assert form["type"] == "form"
    assert form["step_id"] == "confirm"
    assert form["description_placeholders"]["disk"] == "SD card"
    done = await _flow(client, f"/api/repairs/issues/fix/{form['flow_id']}", {})
    assert done["type"] == "create_entry"
    assert sim.state.disks[SD].cleanuppolicy == "fifo"
    await hass.async_block_till_done()
    assert issues(hass) == {}


async def test_cleanup_fix_flow_refused_by_the_camera(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    sim: Simulator,
) -> None:
    """The camera refuses: the form again with its reason; the issue stays."""
    client, form = await _start_cleanup_fix(hass, hass_client, init_integration, sim)
    sim.faults.add("device_error", path="disks/properties/", code=10)
    again = await _flow(client, f"/api/repairs/issues/fix/{form['flow_id']}", {})
    assert again["type"] == "form"
    assert again["errors"] == {"base": "cleanup_failed"}
    assert sim.state.disks[SD].cleanuppolicy == "none"
    assert list(issues(hass)) == ["full_no_cleanup"]
