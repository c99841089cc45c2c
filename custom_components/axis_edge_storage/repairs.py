"""Repair issues: what needs the owner's attention on a camera's storage, and one fix flow.

`StorageIssues` follows the coordinator: after each update it raises the issues whose condition
holds and deletes those whose condition ended (or whose disk is gone). Each issue is per disk:

- `disk_worn`: the card's overall health fails, or its wear is at or over the alert level;
- `disk_not_recording`: a disk a continuous recording profile uses failed, is read-only or is
  not mounted;
- `wrong_passphrase`: an encrypted card with a wrong passphrase, or encrypted without one;
- `full_no_cleanup`: a full disk whose cleanup policy is `none` (recording has stopped); its fix
  flow sets FIFO cleanup on the camera;
- `share_disconnected`: a bound network share is disconnected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import voluptuous as vol
from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResult
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .coordinator import EdgeStorageCoordinator
from .disks import disk_label, is_share_slot
from .runtime import AxisEdgeStorageConfigEntry
from .storage_data import EdgeStorageData
from .vapix import CleanupPolicy, DiskStatus, VapixError

DISK_WORN: Final = "disk_worn"
DISK_NOT_RECORDING: Final = "disk_not_recording"
WRONG_PASSPHRASE: Final = "wrong_passphrase"  # noqa: S105 (an issue key, not a secret)
FULL_NO_CLEANUP: Final = "full_no_cleanup"
SHARE_DISCONNECTED: Final = "share_disconnected"


def _worn(data: EdgeStorageData, disk_id: str) -> bool:
    return bool(data.health_problems(disk_id))


def _not_recording(data: EdgeStorageData, disk_id: str) -> bool:
    disk = data.disks[disk_id]
    stopped = disk.status in (DiskStatus.FAILED, DiskStatus.CONNECTED) or bool(disk.read_only)
    return stopped and data.settings.profile_uses(disk_id)


def _wrong_passphrase(data: EdgeStorageData, disk_id: str) -> bool:
    return data.disks[disk_id].status in (DiskStatus.WRONG_PASSPHRASE, DiskStatus.NO_PASSPHRASE)


def _full_no_cleanup(data: EdgeStorageData, disk_id: str) -> bool:
    disk = data.disks[disk_id]
    return bool(disk.full) and disk.cleanup_policy is CleanupPolicy.NONE


def _share_disconnected(data: EdgeStorageData, disk_id: str) -> bool:
    disk = data.disks[disk_id]
    return is_share_slot(disk) and disk.status is DiskStatus.DISCONNECTED


# Each issue: its condition, its severity, and whether a fix flow can clear it.
CONDITIONS: Final[
    dict[str, tuple[Callable[[EdgeStorageData, str], bool], ir.IssueSeverity, bool]]
] = {
    DISK_WORN: (_worn, ir.IssueSeverity.WARNING, False),
    DISK_NOT_RECORDING: (_not_recording, ir.IssueSeverity.ERROR, False),
    WRONG_PASSPHRASE: (_wrong_passphrase, ir.IssueSeverity.ERROR, False),
    FULL_NO_CLEANUP: (_full_no_cleanup, ir.IssueSeverity.ERROR, True),
    SHARE_DISCONNECTED: (_share_disconnected, ir.IssueSeverity.ERROR, False),
}


def issue_id(entry_id: str, kind: str, disk_id: str) -> str:
    """The issue registry id of one kind of issue on one disk of one camera."""
    return f"{entry_id}_{disk_id}_{kind}"


class StorageIssues:
    """Raises and clears one camera's repair issues as its coordinator's data changes."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: AxisEdgeStorageConfigEntry,
        coordinator: EdgeStorageCoordinator,
    ) -> None:
        """Nothing is raised before `async_start`."""
        self._hass = hass
        self._entry = entry
        self._coordinator = coordinator
        self._raised: set[str] = set()

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Check now and after every update; the returned callable stops and deletes them."""
        self._async_check()
        remove = self._coordinator.async_add_listener(self._async_check)

        @callback
        def _stop() -> None:
            remove()
            for raised in self._raised:
                ir.async_delete_issue(self._hass, DOMAIN, raised)
            self._raised.clear()

        return _stop

    @callback
    def _async_check(self) -> None:
        if not self._coordinator.last_update_success:
            return
        data = self._coordinator.data
        raised: set[str] = set()
        for disk_id, disk in data.disks.items():
            for kind, (holds, severity, fixable) in CONDITIONS.items():
                if not holds(data, disk_id):
                    continue
                ident = issue_id(self._entry.entry_id, kind, disk_id)
                raised.add(ident)
                ir.async_create_issue(
                    self._hass,
                    DOMAIN,
                    ident,
                    is_fixable=fixable,
                    severity=severity,
                    translation_key=kind,
                    translation_placeholders={
                        "camera": self._entry.title,
                        "disk": disk_label(disk),
                    },
                    data={"entry_id": self._entry.entry_id, "disk_id": disk_id}
                    if fixable
                    else None,
                )
        for ended in self._raised - raised:
            ir.async_delete_issue(self._hass, DOMAIN, ended)
        self._raised = raised


class CleanupFixFlow(RepairsFlow):
    """Turn FIFO cleanup on for a full disk: the oldest recordings make room again."""

    def __init__(self, entry_id: str, disk_id: str) -> None:
        """The disk the issue is about."""
        self._entry_id = entry_id
        self._disk_id = disk_id

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        """Say what the fix does, then do it."""
        return await self.async_step_confirm()

    async def async_step_confirm(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        """Set FIFO cleanup on the camera when the user confirms."""
        entry: AxisEdgeStorageConfigEntry | None = self.hass.config_entries.async_get_entry(
            self._entry_id
        )
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="camera_not_loaded")
        runtime = entry.runtime_data
        disk = runtime.coordinator.data.disks.get(self._disk_id)
        label = disk_label(disk) if disk is not None else self._disk_id
        errors: dict[str, str] = {}
        placeholders = {"camera": entry.title, "disk": label, "error": ""}
        if user_input is not None:
            try:
                await runtime.client.disk_properties.set_cleanup_policy(
                    self._disk_id, CleanupPolicy.FIFO
                )
            except VapixError as err:
                errors["base"] = "cleanup_failed"
                placeholders["error"] = str(err)
            else:
                runtime.coordinator.async_mark_settings_stale()
                await runtime.coordinator.async_refresh()
                return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            errors=errors,
            description_placeholders=placeholders,
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The fix flow of a fixable issue (the full disk without cleanup)."""
    if data is None:
        raise ValueError(f"issue {issue_id} has no fix")
    return CleanupFixFlow(str(data["entry_id"]), str(data["disk_id"]))
