"""Disk settings that are a choice: cleanup policy, required file system.

Both decide what happens to recordings (fifo deletes the oldest, none lets a full disk stop
recording; a card of another file system than the required one is formatted when it mounts):
only a Home Assistant administrator may set them (actions.py, the admin gate).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .actions import async_check_admin
from .coordinator import EdgeStorageCoordinator, EdgeStorageData
from .entity import DiskEntity, async_follow_disks
from .runtime import AxisEdgeStorageConfigEntry
from .vapix import AxisEdgeStorage, Capabilities, CleanupPolicy

# Each write is one request to the camera: one at a time.
PARALLEL_UPDATES = 1

CLEANUP_POLICIES = [CleanupPolicy.FIFO.value, CleanupPolicy.NONE.value]
# setrequiredfs.cgi: "none" disables the required file system.
NO_REQUIRED_FILESYSTEM = "none"


def _cleanup_policy(data: EdgeStorageData, disk_id: str) -> str | None:
    policy = data.disks[disk_id].cleanup_policy
    return None if policy is None else policy.value.lower()


def _required_filesystem_supported(data: EdgeStorageData, disk_id: str) -> bool:
    """The disk says it supports a required file system (disks/getcapabilities.cgi)."""
    capabilities = data.slow.disk_capabilities.get(disk_id)
    return capabilities is not None and bool(capabilities.required_fs_supported)


def _required_filesystems(data: EdgeStorageData, disk_id: str) -> list[str]:
    """`none`, then the file systems the disk can use as required file system."""
    options = [NO_REQUIRED_FILESYSTEM]
    capabilities = data.slow.disk_capabilities.get(disk_id)
    if capabilities is not None:
        for filesystem in capabilities.filesystems:
            name = filesystem.name.lower()
            if filesystem.required_fs_supported and name not in options:
                options.append(name)
    return options


def _required_filesystem(data: EdgeStorageData, disk_id: str) -> str | None:
    filesystem = data.disks[disk_id].required_filesystem
    return None if filesystem is None else filesystem.lower()


@dataclass(frozen=True, kw_only=True)
class DiskSelectDescription(SelectEntityDescription):
    """A disk setting that is a choice: its options, how to read and write it, who has it."""

    options_fn: Callable[[EdgeStorageData, str], list[str]]
    value_fn: Callable[[EdgeStorageData, str], str | None]
    set_fn: Callable[[AxisEdgeStorage, str, str], Awaitable[None]]
    # A short name of the device call, for error messages.
    action: str
    exists_fn: Callable[[EdgeStorageData, str], bool] = lambda data, disk_id: True
    # Whether the camera (its Properties.LocalStorage) offers the setting at all.
    supported_fn: Callable[[Capabilities], bool] = lambda _capabilities: True
    # Only an administrator may set it (it can delete or stop recordings): the safe default.
    admin_only: bool = True


DISK_SELECTS: tuple[DiskSelectDescription, ...] = (
    DiskSelectDescription(
        key="cleanup_policy",
        translation_key="cleanup_policy",
        entity_category=EntityCategory.CONFIG,
        options=CLEANUP_POLICIES,
        options_fn=lambda _data, _disk_id: CLEANUP_POLICIES,
        exists_fn=lambda data, disk_id: data.disks[disk_id].cleanup_policy is not None,
        value_fn=_cleanup_policy,
        action="set_cleanup_policy",
        set_fn=lambda device, disk_id, option: device.disk_properties.set_cleanup_policy(
            disk_id, option
        ),
    ),
    DiskSelectDescription(
        key="required_filesystem",
        translation_key="required_filesystem",
        entity_category=EntityCategory.CONFIG,
        # A card of another file system is formatted (its recordings erased) when it is next
        # mounted: an expert setting, enabled by hand.
        entity_registry_enabled_default=False,
        supported_fn=lambda capabilities: capabilities.required_filesystem,
        exists_fn=_required_filesystem_supported,
        options_fn=_required_filesystems,
        value_fn=_required_filesystem,
        action="set_required_filesystem",
        set_fn=lambda device, disk_id, option: device.disk_properties.set_required_filesystem(
            disk_id, option
        ),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AxisEdgeStorageConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the choice settings of every disk, now and when a disk appears."""
    capabilities = entry.runtime_data.coordinator.capabilities
    descriptions = [d for d in DISK_SELECTS if d.supported_fn(capabilities)]
    async_follow_disks(entry, descriptions, DiskSelect, async_add_entities)


class DiskSelect(DiskEntity, SelectEntity):
    """A disk setting that is a choice; the state is always the device's own value."""

    entity_description: DiskSelectDescription

    def __init__(
        self, coordinator: EdgeStorageCoordinator, disk_id: str, description: DiskSelectDescription
    ) -> None:
        """Describe the setting."""
        super().__init__(coordinator, disk_id, description)

    @property
    def available(self) -> bool:
        """Unavailable while the disk is gone or no longer reports the setting."""
        return super().available and self.entity_description.exists_fn(
            self.coordinator.data, self.disk_id
        )

    @property
    def options(self) -> list[str]:
        """What the disk offers."""
        if self.disk is None:
            return self.entity_description.options or []
        return self.entity_description.options_fn(self.coordinator.data, self.disk_id)

    @property
    def current_option(self) -> str | None:
        """The device's value; unknown when it is not one of the options."""
        if self.disk is None:
            return None
        value = self.entity_description.value_fn(self.coordinator.data, self.disk_id)
        return value if value in self.options else None

    async def async_select_option(self, option: str) -> None:
        """Write the choice to the device, then show what the device now holds."""
        description = self.entity_description
        if description.admin_only:
            # The service call's context, set on the entity just before this runs.
            await async_check_admin(
                self.hass, self._context, description.action, entity_id=self.entity_id
            )
        await self.async_write_setting(
            description.action,
            description.set_fn(self.coordinator.device, self.disk_id, option),
        )
