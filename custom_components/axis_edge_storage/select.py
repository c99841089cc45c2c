"""Disk settings that are a choice: cleanup policy, required file system.

Both decide what happens to recordings (fifo deletes the oldest, none lets a full disk stop
recording; a card of another file system than the required one is formatted when it mounts):
only a Home Assistant administrator may set them (the admin gate, `actions/`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .coordinator import EdgeStorageData
from .entity import DiskSettingDescription, DiskSettingEntity, async_setup_disk_settings
from .runtime import AxisEdgeStorageConfigEntry
from .vapix import CleanupPolicy

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
    capabilities = data.settings.disk_capabilities.get(disk_id)
    return capabilities is not None and bool(capabilities.required_fs_supported)


def _required_filesystems(data: EdgeStorageData, disk_id: str) -> list[str]:
    """`none`, then the file systems the disk can use as required file system."""
    options = [NO_REQUIRED_FILESYSTEM]
    capabilities = data.settings.disk_capabilities.get(disk_id)
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
class DiskSelectDescription(SelectEntityDescription, DiskSettingDescription[str]):
    """A disk setting that is a choice: its options, how to read and write it, who has it."""

    options_fn: Callable[[EdgeStorageData, str], list[str]]


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
    async_setup_disk_settings(entry, DISK_SELECTS, DiskSelect, async_add_entities)


class DiskSelect(DiskSettingEntity[str], SelectEntity):
    """A disk setting that is a choice; the state is always the device's own value."""

    entity_description: DiskSelectDescription

    @property
    def options(self) -> list[str]:
        """What the disk offers."""
        if self.disk is None:
            return self.entity_description.options or []
        return self.entity_description.options_fn(self.coordinator.data, self.disk_id)

    @property
    def current_option(self) -> str | None:
        """The device's value; unknown when it is not one of the options."""
        value = self.disk_value
        return value if value in self.options else None

    async def async_select_option(self, option: str) -> None:
        """Write the choice to the device, then show what the device now holds."""
        await self.async_write_setting(option)
