"""Binary sensors: disk disruption, recording, lock and health; camera recording."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .coordinator import EdgeStorageData
from .entity import CameraEntity, DiskValueDescription, DiskValueEntity, async_follow_disks
from .runtime import AxisEdgeStorageConfigEntry
from .vapix import DiskStatus

# Coordinator-based: the coordinator serializes updates.
PARALLEL_UPDATES = 0


def disruption_reasons(data: EdgeStorageData, disk_id: str) -> list[str]:
    """Why a disk cannot record, as translation-friendly keys (empty: no disruption)."""
    disk = data.disks[disk_id]
    reasons: list[str] = []
    if disk.status is DiskStatus.DISCONNECTED:
        reasons.append("disconnected")
    elif disk.status is DiskStatus.FAILED:
        reasons.append("failed")
    elif disk.status in (DiskStatus.WRONG_PASSPHRASE, DiskStatus.NO_PASSPHRASE):
        reasons.append("wrong_passphrase")
    elif disk.status is not DiskStatus.OK:
        reasons.append("unmounted")
    if disk.full:
        reasons.append("full")
    if disk.read_only:
        reasons.append("read_only")
    if disk.locked:
        reasons.append("locked")
    return reasons


def health_problems(data: EdgeStorageData, disk_id: str) -> list[str] | None:
    """What is wrong with a disk's health; None when the disk reports nothing usable."""
    health = data.health.get(disk_id)
    if health is None:
        return None
    healthy = health.healthy
    wear = health.wear.value
    if healthy is None and wear is None:
        return None
    problems: list[str] = []
    if healthy is False:
        problems.append("overall_health_failed")
    levels = data.settings.alert_levels.get(disk_id)
    if wear is not None and levels is not None and levels.wear is not None and wear >= levels.wear:
        problems.append("wear_alert_level_reached")
    return problems


def _health_exists(data: EdgeStorageData, disk_id: str) -> bool:
    return health_problems(data, disk_id) is not None


def _health_attributes(data: EdgeStorageData, disk_id: str) -> dict[str, Any]:
    levels = data.settings.alert_levels.get(disk_id)
    return {
        "problems": health_problems(data, disk_id) or [],
        "wear_alert_level": None if levels is None else levels.wear,
    }


@dataclass(frozen=True, kw_only=True)
class DiskBinarySensorDescription(BinarySensorEntityDescription, DiskValueDescription[bool]):
    """A disk binary sensor: how to read it and explain it, and whether the disk has it."""

    attributes_fn: Callable[[EdgeStorageData, str], Mapping[str, Any]] | None = None


DISK_BINARY_SENSORS: tuple[DiskBinarySensorDescription, ...] = (
    DiskBinarySensorDescription(
        key="disruption",
        translation_key="disruption",
        device_class=BinarySensorDeviceClass.PROBLEM,
        value_fn=lambda data, disk_id: bool(disruption_reasons(data, disk_id)),
        attributes_fn=lambda data, disk_id: {"reasons": disruption_reasons(data, disk_id)},
    ),
    DiskBinarySensorDescription(
        key="recording",
        translation_key="recording",
        device_class=BinarySensorDeviceClass.RUNNING,
        value_fn=lambda data, disk_id: data.recording(disk_id),
    ),
    DiskBinarySensorDescription(
        key="locked",
        translation_key="locked",
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda data, disk_id: data.disks[disk_id].locked is not None,
        value_fn=lambda data, disk_id: data.disks[disk_id].locked,
    ),
    DiskBinarySensorDescription(
        key="health",
        translation_key="health",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=_health_exists,
        value_fn=lambda data, disk_id: (
            None if (problems := health_problems(data, disk_id)) is None else bool(problems)
        ),
        attributes_fn=_health_attributes,
    ),
)

CAMERA_RECORDING = BinarySensorEntityDescription(
    key="recording",
    translation_key="recording",
    device_class=BinarySensorDeviceClass.RUNNING,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AxisEdgeStorageConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the camera's recording sensor, and the sensors of every disk as disks appear."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities([CameraRecordingBinarySensor(coordinator, CAMERA_RECORDING)])
    async_follow_disks(entry, DISK_BINARY_SENSORS, DiskBinarySensor, async_add_entities)


class CameraRecordingBinarySensor(CameraEntity, BinarySensorEntity):
    """On while the camera records to any disk."""

    @property
    def is_on(self) -> bool:
        """Whether a recording is ongoing on any disk."""
        return self.coordinator.data.any_recording


class DiskBinarySensor(DiskValueEntity[bool], BinarySensorEntity):
    """A binary sensor of one disk."""

    entity_description: DiskBinarySensorDescription

    @property
    def is_on(self) -> bool | None:
        """The state; None (unknown) when the disk does not say."""
        return self.disk_value

    @property
    def available(self) -> bool:
        """Unavailable while the disk is gone or does not report the value."""
        return super().available and self.is_on is not None

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Why the state is what it is (reasons, alert level)."""
        attributes_fn = self.entity_description.attributes_fn
        if attributes_fn is None or self.disk is None:
            return None
        return attributes_fn(self.coordinator.data, self.disk_id)
