"""Disk settings that are numbers: cleanup age, storage limit, wear and temperature alerts.

The cleanup age and the storage limit decide what the camera deletes (and, at a full limit,
whether it records): only a Home Assistant administrator may set them (the admin gate,
`actions/`). The alert levels only decide when the camera warns: every user may.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfInformation,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .coordinator import EdgeStorageData
from .entity import DiskSettingDescription, DiskSettingEntity, async_setup_disk_settings
from .runtime import AxisEdgeStorageConfigEntry
from .vapix import AlertLevels, AxisEdgeStorage
from .vapix.storage_limit import MIN_LIMIT_KB

# Each write is one request to the camera: one at a time.
PARALLEL_UPDATES = 1

# The device speaks kB (of 1024 bytes): 1048576 kB is 1 GiB, also its smallest limit.
KB_PER_GIB = MIN_LIMIT_KB
# The largest storage limit offered while the disk's size is unknown (an unmounted share).
STORAGE_LIMIT_MAX_UNKNOWN_GIB = 1024 * 1024
KELVIN_OFFSET = 273.15
# The cleanup max age the device accepts (setcleanupmaxage.cgi: 0-7000 days).
MAX_AGE_DAYS = 7000


def _alert_levels(data: EdgeStorageData, disk_id: str) -> AlertLevels | None:
    return data.settings.alert_levels.get(disk_id)


def _cleanup_max_age(data: EdgeStorageData, disk_id: str) -> float | None:
    return data.disks[disk_id].cleanup_max_age


def _storage_limit_gib(data: EdgeStorageData, disk_id: str) -> float | None:
    limit = data.settings.limits.get(disk_id)
    if limit is None or limit.size_kb is None:
        return None
    return round(limit.size_kb / KB_PER_GIB, 2)


def _storage_limit_max(data: EdgeStorageData, disk_id: str) -> float:
    """The disk's size in whole GiB: a limit larger than the disk limits nothing."""
    total_kb = data.disks[disk_id].total_size_kb
    if not total_kb:
        return STORAGE_LIMIT_MAX_UNKNOWN_GIB
    return math.floor(total_kb / KB_PER_GIB)


def _wear_alert(data: EdgeStorageData, disk_id: str) -> float | None:
    levels = _alert_levels(data, disk_id)
    return None if levels is None else levels.wear


def _temperature_alert(data: EdgeStorageData, disk_id: str) -> float | None:
    """Whole degrees Celsius: the device keeps whole Kelvin (315 K is 42 °C)."""
    levels = _alert_levels(data, disk_id)
    if levels is None or levels.temperature is None:
        return None
    return round(levels.temperature - KELVIN_OFFSET)


def _to_kelvin(celsius: float) -> int:
    return round(celsius + KELVIN_OFFSET)


@dataclass(frozen=True, kw_only=True)
class DiskNumberDescription(NumberEntityDescription, DiskSettingDescription[float]):
    """A disk setting that is a number: how to read and write it, and who has it.

    Every one is a whole number from 0, typed into a box on the disk's configuration.
    """

    entity_category: EntityCategory | None = EntityCategory.CONFIG
    mode: NumberMode | None = NumberMode.BOX
    native_min_value: float | None = 0
    native_step: float | None = 1
    # The largest value for a disk, when it depends on the disk.
    max_fn: Callable[[EdgeStorageData, str], float] | None = None


def _alert_level(
    key: str,
    *,
    unit: str,
    value_fn: Callable[[EdgeStorageData, str], float | None],
    set_fn: Callable[[AxisEdgeStorage, str, float], Awaitable[None]],
    device_class: NumberDeviceClass | None = None,
) -> DiskNumberDescription:
    """A level (0-100) at which the camera raises a storage alert, where the disk reports one.

    It only decides when the camera warns (nothing is deleted, stopped or redirected): every
    user may set it. The levels live in the storage settings, read again after a write.
    """
    return DiskNumberDescription(
        key=key,
        translation_key=key,
        device_class=device_class,
        native_unit_of_measurement=unit,
        native_max_value=100,
        exists_fn=lambda data, disk_id: value_fn(data, disk_id) is not None,
        value_fn=value_fn,
        settings_data=True,
        admin_only=False,
        action=f"set_{key}",
        set_fn=set_fn,
    )


DISK_NUMBERS: tuple[DiskNumberDescription, ...] = (
    DiskNumberDescription(
        key="cleanup_max_age",
        translation_key="cleanup_max_age",
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.DAYS,
        native_max_value=MAX_AGE_DAYS,
        exists_fn=lambda data, disk_id: data.disks[disk_id].cleanup_max_age is not None,
        value_fn=_cleanup_max_age,
        action="set_cleanup_max_age",
        set_fn=lambda device, disk_id, value: device.disk_properties.set_cleanup_max_age(
            disk_id, round(value)
        ),
    ),
    DiskNumberDescription(
        key="storage_limit",
        translation_key="storage_limit",
        device_class=NumberDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.GIBIBYTES,
        supported_fn=lambda capabilities: capabilities.storage_limit,
        exists_fn=lambda data, disk_id: disk_id in data.settings.limits,
        value_fn=_storage_limit_gib,
        max_fn=_storage_limit_max,
        settings_data=True,
        action="set_storage_limit",
        # 0 removes the limit; the device refuses 0 < size < 1 GiB itself (error 130).
        set_fn=lambda device, disk_id, value: device.storage_limits.set(
            disk_id, round(value * KB_PER_GIB)
        ),
    ),
    _alert_level(
        "wear_alert_level",
        unit=PERCENTAGE,
        value_fn=_wear_alert,
        set_fn=lambda device, disk_id, value: device.disk_properties.set_alert_levels(
            disk_id, wear=round(value)
        ),
    ),
    _alert_level(
        "temperature_alert_level",
        device_class=NumberDeviceClass.TEMPERATURE,
        unit=UnitOfTemperature.CELSIUS,
        value_fn=_temperature_alert,
        set_fn=lambda device, disk_id, value: device.disk_properties.set_alert_levels(
            disk_id, temperature=_to_kelvin(value)
        ),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AxisEdgeStorageConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the number settings of every disk, now and when a disk appears."""
    async_setup_disk_settings(entry, DISK_NUMBERS, DiskNumber, async_add_entities)


class DiskNumber(DiskSettingEntity[float], NumberEntity):
    """A disk setting that is a number; the state is always the device's own value."""

    entity_description: DiskNumberDescription

    @property
    def native_value(self) -> float | None:
        """The device's value."""
        return self.disk_value

    @property
    def native_max_value(self) -> float:
        """The largest value: the disk's own where it depends on the disk."""
        max_fn = self.entity_description.max_fn
        if max_fn is None or self.disk is None:
            return super().native_max_value
        return max_fn(self.coordinator.data, self.disk_id)

    async def async_set_native_value(self, value: float) -> None:
        """Write the value to the device, then show what the device now holds."""
        await self.async_write_setting(value)
