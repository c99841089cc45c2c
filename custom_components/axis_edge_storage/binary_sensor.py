"""Binary sensors: disk disruption, recording, lock and health; camera recording and events."""

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
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import EdgeStorageData
from .entity import CameraEntity, DiskValueDescription, DiskValueEntity, async_follow_disks
from .event_stream import CameraEvents
from .push import PushCoordinator
from .runtime import AxisEdgeStorageConfigEntry
from .vapix.events import StreamState, StreamStatus

# Coordinator-based: the coordinator serializes updates.
PARALLEL_UPDATES = 0


def _health_exists(data: EdgeStorageData, disk_id: str) -> bool:
    return data.health_problems(disk_id) is not None


def _health_attributes(data: EdgeStorageData, disk_id: str) -> dict[str, Any]:
    levels = data.settings.alert_levels.get(disk_id)
    return {
        "problems": data.health_problems(disk_id) or [],
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
        value_fn=lambda data, disk_id: data.disrupted(disk_id),
        attributes_fn=lambda data, disk_id: {"reasons": data.disruption_reasons(disk_id)},
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
        value_fn=lambda data, disk_id: data.alerting(disk_id),
        attributes_fn=_health_attributes,
    ),
)

CAMERA_RECORDING = BinarySensorEntityDescription(
    key="recording",
    translation_key="recording",
    device_class=BinarySensorDeviceClass.RUNNING,
)


CAMERA_EVENTS = BinarySensorEntityDescription(
    key="events",
    translation_key="events",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AxisEdgeStorageConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the camera's recording sensor, and the sensors of every disk as disks appear."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        [
            CameraRecordingBinarySensor(coordinator, CAMERA_RECORDING),
            EventStreamBinarySensor(entry.runtime_data.events, coordinator.serial),
        ]
    )
    async_follow_disks(entry, DISK_BINARY_SENSORS, DiskBinarySensor, async_add_entities)


class CameraRecordingBinarySensor(CameraEntity, BinarySensorEntity):
    """On while the camera records to any disk."""

    @property
    def is_on(self) -> bool:
        """Whether a recording is ongoing on any disk."""
        return self.coordinator.data.any_recording


class EventStreamBinarySensor(CoordinatorEntity[PushCoordinator[StreamStatus]], BinarySensorEntity):
    """On while the camera's event stream is connected (state: why not, when it is off)."""

    _attr_has_entity_name = True
    entity_description = CAMERA_EVENTS

    def __init__(self, events: CameraEvents, serial: str) -> None:
        """Follow the stream's state, on the camera's device."""
        super().__init__(events.status)
        self._attr_unique_id = f"{serial}_{CAMERA_EVENTS.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, serial)})

    @property
    def is_on(self) -> bool:
        """Whether events arrive as they happen."""
        return self.coordinator.data.state is StreamState.CONNECTED

    @property
    def extra_state_attributes(self) -> Mapping[str, Any]:
        """The stream's state: connected, disconnected, unsupported (polling alone), stopped."""
        return {"stream": self.coordinator.data.state.value}


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
