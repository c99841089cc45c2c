"""Sensors: of each disk (space, wear, temperature, status, limit, how far back) and of progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfInformation,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .coordinator import EdgeStorageData
from .entity import (
    DiskValueDescription,
    DiskValueEntity,
    async_follow_disks,
)
from .progress_sensors import (
    EXPORT_PROGRESS,
    JOB_SENSORS,
    CameraJobSensor,
    DiskJobSensor,
    ExportProgressSensor,
)
from .runtime import AxisEdgeStorageConfigEntry
from .vapix import DiskStatus, HealthReading, ReadingState
from .vapix.model_base import KIB

# Coordinator-based: the coordinator serializes updates.
PARALLEL_UPDATES = 0

STATUS_OPTIONS = {
    DiskStatus.DISCONNECTED: "disconnected",
    DiskStatus.CONNECTED: "connected",
    DiskStatus.OK: "ok",
    DiskStatus.FAILED: "failed",
    DiskStatus.WRONG_PASSPHRASE: "wrong_passphrase",
    DiskStatus.NOT_ENCRYPTED: "not_encrypted",
    DiskStatus.NO_PASSPHRASE: "no_passphrase",
}


def _reading(data: EdgeStorageData, disk_id: str, name: str) -> HealthReading | None:
    health = data.health.get(disk_id)
    return None if health is None else getattr(health, name)


def _reading_exists(name: str) -> Callable[[EdgeStorageData, str], bool]:
    """A health attribute the disk supports: a value now, or an error it may recover from."""

    def exists(data: EdgeStorageData, disk_id: str) -> bool:
        reading = _reading(data, disk_id, name)
        return reading is not None and reading.state in (ReadingState.VALUE, ReadingState.ERROR)

    return exists


def _limit_exists(data: EdgeStorageData, disk_id: str) -> bool:
    return disk_id in data.settings.limits


def _limit_used(data: EdgeStorageData, disk_id: str) -> StateType:
    limit = data.settings.limits.get(disk_id)
    if limit is None or limit.used_kb is None:
        return None
    return limit.used_kb * KIB


def _status(data: EdgeStorageData, disk_id: str) -> StateType:
    disk = data.disks[disk_id]
    return STATUS_OPTIONS.get(disk.status)


def _temperature(data: EdgeStorageData, disk_id: str) -> StateType:
    health = data.health.get(disk_id)
    return None if health is None else health.temperature_celsius


def _archive_exists(data: EdgeStorageData, disk_id: str) -> bool:
    return disk_id in data.settings.archives


def _oldest(data: EdgeStorageData, disk_id: str) -> datetime | None:
    archive = data.settings.archives.get(disk_id)
    return None if archive is None else archive.oldest


def _retention_days(data: EdgeStorageData, disk_id: str) -> float | None:
    """Days of video on the disk: from its oldest recording's start to now."""
    oldest = _oldest(data, disk_id)
    if oldest is None:
        return None
    return max((dt_util.utcnow() - oldest).total_seconds(), 0.0) / 86400


def _recordings(data: EdgeStorageData, disk_id: str) -> int | None:
    archive = data.settings.archives.get(disk_id)
    return None if archive is None else archive.count


def _wear(data: EdgeStorageData, disk_id: str) -> StateType:
    reading = _reading(data, disk_id, "wear")
    return None if reading is None else reading.value


type SensorValue = StateType | datetime


@dataclass(frozen=True, kw_only=True)
class DiskSensorDescription(SensorEntityDescription, DiskValueDescription[SensorValue]):
    """A disk sensor: how to read it, and whether the disk has it."""

    # A value the device reports as not a number (-1, -2, -3) makes the entity unavailable.
    unavailable_when_none: bool = False
    # A value that moves with time alone is written again this often.
    rewrite_every: timedelta | None = None


@dataclass(frozen=True, kw_only=True)
class DiskSizeSensorDescription(DiskSensorDescription):
    """A disk sensor of a size: bytes from the device, shown in GiB."""

    device_class: SensorDeviceClass | None = SensorDeviceClass.DATA_SIZE
    state_class: SensorStateClass | str | None = SensorStateClass.MEASUREMENT
    native_unit_of_measurement: str | None = UnitOfInformation.BYTES
    suggested_unit_of_measurement: str | None = UnitOfInformation.GIBIBYTES
    suggested_display_precision: int | None = 1


@dataclass(frozen=True, kw_only=True)
class DiskHealthSensorDescription(DiskSensorDescription):
    """A health reading of a disk (gethealth.cgi), where the disk supports it.

    A reading the disk reports as not a number (-1, -2, -3) makes the entity unavailable.
    """

    state_class: SensorStateClass | str | None = SensorStateClass.MEASUREMENT
    entity_category: EntityCategory | None = EntityCategory.DIAGNOSTIC
    unavailable_when_none: bool = True


@dataclass(frozen=True, kw_only=True)
class DiskArchiveSensorDescription(DiskSensorDescription):
    """How far back a disk goes: read with the storage settings, where the disk answers it."""

    exists_fn: Callable[[EdgeStorageData, str], bool] = _archive_exists


DISK_SENSORS: tuple[DiskSensorDescription, ...] = (
    DiskSizeSensorDescription(
        key="free_space",
        translation_key="free_space",
        value_fn=lambda data, disk_id: data.disks[disk_id].free_bytes,
    ),
    DiskSizeSensorDescription(
        key="total_size",
        translation_key="total_size",
        # The size only changes with the disk: no statistics.
        state_class=None,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data, disk_id: data.disks[disk_id].total_bytes,
    ),
    DiskSensorDescription(
        key="used_percent",
        translation_key="used_percent",
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
        value_fn=lambda data, disk_id: data.disks[disk_id].used_percent,
    ),
    DiskHealthSensorDescription(
        key="wear",
        translation_key="wear",
        native_unit_of_measurement=PERCENTAGE,
        exists_fn=_reading_exists("wear"),
        value_fn=_wear,
    ),
    DiskHealthSensorDescription(
        key="temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        suggested_display_precision=0,
        exists_fn=_reading_exists("temperature"),
        value_fn=_temperature,
    ),
    DiskSensorDescription(
        key="status",
        translation_key="status",
        device_class=SensorDeviceClass.ENUM,
        options=list(STATUS_OPTIONS.values()),
        value_fn=_status,
    ),
    DiskSizeSensorDescription(
        key="recording_space_used",
        translation_key="recording_space_used",
        exists_fn=_limit_exists,
        unavailable_when_none=True,
        value_fn=_limit_used,
    ),
    DiskArchiveSensorDescription(
        key="oldest_recording",
        translation_key="oldest_recording",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=_oldest,
    ),
    DiskArchiveSensorDescription(
        key="retention",
        translation_key="retention",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.DAYS,
        suggested_display_precision=1,
        value_fn=_retention_days,
        rewrite_every=timedelta(minutes=15),
    ),
    DiskArchiveSensorDescription(
        key="recordings",
        translation_key="recordings",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_recordings,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AxisEdgeStorageConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the sensors of every disk, now and when a disk appears."""
    coordinator = entry.runtime_data.coordinator
    async_follow_disks(entry, DISK_SENSORS, DiskSensor, async_add_entities)
    async_follow_disks(entry, JOB_SENSORS, DiskJobSensor, async_add_entities)
    async_add_entities(
        [
            ExportProgressSensor(coordinator, EXPORT_PROGRESS),
            *(CameraJobSensor(coordinator, description) for description in JOB_SENSORS),
        ]
    )


class DiskSensor(DiskValueEntity[SensorValue], SensorEntity):
    """A sensor of one disk."""

    entity_description: DiskSensorDescription

    async def async_added_to_hass(self) -> None:
        """Follow the coordinator, and the clock for a value that moves with time alone."""
        await super().async_added_to_hass()
        if (every := self.entity_description.rewrite_every) is not None:
            self.async_on_remove(async_track_time_interval(self.hass, self._async_rewrite, every))

    @callback
    def _async_rewrite(self, _now: datetime) -> None:
        self.async_write_ha_state()

    @property
    def native_value(self) -> SensorValue:
        """The value, None when the disk has none."""
        return self.disk_value

    @property
    def available(self) -> bool:
        """Unavailable while the disk is gone or reports its value as not a number."""
        if not super().available:
            return False
        return not self.entity_description.unavailable_when_none or self.disk_value is not None
