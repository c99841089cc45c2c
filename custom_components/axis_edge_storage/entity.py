"""Base entities: one Home Assistant device per camera, one per disk (via the camera)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .actions.common import async_check_admin
from .const import DOMAIN
from .coordinator import (
    EdgeStorageCoordinator,
    EdgeStorageData,
    disk_identifier,
)
from .device_errors import async_device_call
from .disks import disk_label, is_share_slot
from .runtime import AxisEdgeStorageConfigEntry
from .vapix import AxisEdgeStorage, Capabilities, Disk

MANUFACTURER = "Axis Communications AB"


_NOTHING_WRITTEN = object()


class _WritesChanges(CoordinatorEntity[EdgeStorageCoordinator]):
    """Writes its state after a poll only when what it shows changed.

    A poll that changes one disk's free space changes two of a camera's twenty-odd entities;
    writing all of them (attributes built, the state machine compared) is most of what a refresh
    costs Home Assistant with many cameras. The state, availability and extra attributes are
    compared with those of the last write, whoever made it.
    """

    _written: object = _NOTHING_WRITTEN

    def _shown(self) -> object:
        return (self.available, self.state, self.extra_state_attributes)

    @callback
    def async_write_ha_state(self) -> None:
        """Write the state, and remember what was shown."""
        self._written = self._shown()
        super().async_write_ha_state()

    @callback
    def _handle_coordinator_update(self) -> None:
        if self._shown() != self._written:
            self.async_write_ha_state()


class CameraEntity(_WritesChanges):
    """An entity of the camera itself."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: EdgeStorageCoordinator, description: EntityDescription) -> None:
        """Attach to the camera's device."""
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{coordinator.serial}_{description.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, coordinator.serial)})


class DiskEntity(_WritesChanges):
    """An entity of one disk, on the disk's own device."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: EdgeStorageCoordinator, disk_id: str, description: EntityDescription
    ) -> None:
        """Attach to the disk's device, which is reached via the camera."""
        super().__init__(coordinator)
        self.entity_description = description
        self.disk_id = disk_id
        serial = coordinator.serial
        self._attr_unique_id = f"{serial}_{disk_id}_{description.key}"
        disk = coordinator.data.disks[disk_id]
        share = next(
            (s for s in coordinator.data.settings.shares if s.disk_id == disk_id and s.nice_name),
            None,
        )
        label = disk_label(disk) if share is None else f"{disk_label(disk)} {share.nice_name}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, disk_identifier(serial, disk_id))},
            via_device=(DOMAIN, serial),
            manufacturer=coordinator.product.brand or MANUFACTURER,
            model="Network share" if is_share_slot(disk) else "SD card",
            name=f"{coordinator.config_entry.title} {label}",
        )

    @property
    def disk(self) -> Disk | None:
        """The disk's latest state, None when it is gone."""
        return self.coordinator.data.disks.get(self.disk_id)

    @property
    def available(self) -> bool:
        """Available while the device answers and the disk is there."""
        return super().available and self.disk_id in self.coordinator.data.disks


class DiskEntityDescription(Protocol):
    """What a disk entity description offers: a key, and whether a disk has the entity."""

    @property
    def key(self) -> str:
        """The entity's key."""

    @property
    def exists_fn(self) -> Callable[[EdgeStorageData, str], bool]:
        """Whether a disk has the entity."""


def async_follow_disks[D: DiskEntityDescription](
    entry: AxisEdgeStorageConfigEntry,
    descriptions: Sequence[D],
    make: Callable[[EdgeStorageCoordinator, str, D], DiskEntity],
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the entities of every disk now, and of a disk (or a value) that appears later.

    A disk that disappears is forgotten, so its entities come back if it returns.
    """
    coordinator = entry.runtime_data.coordinator
    known: set[tuple[str, str]] = set()

    @callback
    def add_new() -> None:
        data = coordinator.data
        known.intersection_update(
            (disk_id, description.key) for disk_id in data.disks for description in descriptions
        )
        new = [
            make(coordinator, disk_id, description)
            for disk_id in data.disks
            for description in descriptions
            if (disk_id, description.key) not in known and description.exists_fn(data, disk_id)
        ]
        known.update((entity.disk_id, entity.entity_description.key) for entity in new)
        if new:
            async_add_entities(new)

    add_new()
    entry.async_on_unload(coordinator.async_add_listener(add_new))


@dataclass(frozen=True, kw_only=True)
class DiskValueDescription[T](EntityDescription):
    """A value of a disk: how to read it from the coordinator's data, and whether a disk has it."""

    value_fn: Callable[[EdgeStorageData, str], T | None]
    exists_fn: Callable[[EdgeStorageData, str], bool] = lambda _data, _disk_id: True


class DiskValueEntity[T](DiskEntity):
    """An entity that shows one value of its disk, as its description reads it."""

    entity_description: DiskValueDescription[T]

    @property
    def disk_value(self) -> T | None:
        """The value the description reads; None while the disk is gone."""
        if self.disk is None:
            return None
        return self.entity_description.value_fn(self.coordinator.data, self.disk_id)


@dataclass(frozen=True, kw_only=True)
class DiskSettingDescription[T](DiskValueDescription[T]):
    """A disk setting (a number or a choice): how to read and write it, and who has it."""

    set_fn: Callable[[AxisEdgeStorage, str, T], Awaitable[None]]
    # A short name of the device call, for error messages.
    action: str
    # Whether the camera (its Properties.LocalStorage) offers the setting at all.
    supported_fn: Callable[[Capabilities], bool] = lambda _capabilities: True
    # The value lives in the storage settings (limits, alert levels): read it again after a write.
    settings_data: bool = False
    # Only an administrator may set it (it can delete or stop recordings): the safe default.
    admin_only: bool = True


class DiskSettingEntity[T](DiskValueEntity[T]):
    """A disk setting; its state is always the device's own value.

    A write passes the admin gate (unless the setting is open to every user), goes to the
    camera, and is shown once the camera has been read again.
    """

    entity_description: DiskSettingDescription[T]

    @property
    def available(self) -> bool:
        """Unavailable while the disk is gone or no longer reports the setting."""
        return super().available and self.entity_description.exists_fn(
            self.coordinator.data, self.disk_id
        )

    async def async_write_setting(self, value: T) -> None:
        """Write the value to the camera, then show what the camera now holds."""
        description = self.entity_description
        if description.admin_only:
            # The service call's context, set on the entity just before this runs.
            await async_check_admin(
                self.hass, self._context, description.action, entity_id=self.entity_id
            )
        request = description.set_fn(self.coordinator.client, self.disk_id, value)
        await async_device_call(description.action, request, disk=self.disk_id)
        if description.settings_data:
            self.coordinator.async_mark_settings_stale()
        # Not debounced: a second change within seconds must show as well.
        await self.coordinator.async_refresh()


def async_setup_disk_settings[D: DiskSettingDescription[Any]](
    entry: AxisEdgeStorageConfigEntry,
    descriptions: Sequence[D],
    make: Callable[[EdgeStorageCoordinator, str, D], DiskEntity],
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the settings the camera offers, of every disk, now and when a disk appears."""
    capabilities = entry.runtime_data.coordinator.capabilities
    offered = [d for d in descriptions if d.supported_fn(capabilities)]
    async_follow_disks(entry, offered, make, async_add_entities)
