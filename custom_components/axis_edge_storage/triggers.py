"""What device triggers follow: a disk's problem, its storage alert, recording, exports, jobs.

The coordinator's data changes after a poll or at once after a camera event; `StorageWatcher`
compares what it shows with what it showed before and fires `EVENT_STORAGE_CHANGED` on the bus
with the device (camera or disk) and the trigger type. Exports and jobs already fire events of
their own with the camera's device id; `device_trigger` follows those directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .const import (
    DOMAIN,
    EVENT_EXPORT_COMPLETED,
    EVENT_EXPORT_FAILED,
    EVENT_JOB_FINISHED,
    EVENT_STORAGE_CHANGED,
)
from .coordinator import EdgeStorageCoordinator, disk_identifier
from .storage_data import EdgeStorageData

DISK_PROBLEM_STARTED: Final = "disk_problem_started"
DISK_PROBLEM_CLEARED: Final = "disk_problem_cleared"
STORAGE_ALERT_ON: Final = "storage_alert_on"
STORAGE_ALERT_OFF: Final = "storage_alert_off"
RECORDING_STARTED: Final = "recording_started"
RECORDING_STOPPED: Final = "recording_stopped"
EXPORT_COMPLETED: Final = "export_completed"
EXPORT_FAILED: Final = "export_failed"
JOB_FINISHED: Final = "job_finished"

# Trigger types of a disk's device and of a camera's device.
DISK_TRIGGERS: Final = (
    DISK_PROBLEM_STARTED,
    DISK_PROBLEM_CLEARED,
    STORAGE_ALERT_ON,
    STORAGE_ALERT_OFF,
    RECORDING_STARTED,
    RECORDING_STOPPED,
)
CAMERA_TRIGGERS: Final = (
    RECORDING_STARTED,
    RECORDING_STOPPED,
    EXPORT_COMPLETED,
    EXPORT_FAILED,
    JOB_FINISHED,
)
# Camera triggers that follow an event the integration fires anyway.
CAMERA_EVENTS: Final = {
    EXPORT_COMPLETED: EVENT_EXPORT_COMPLETED,
    EXPORT_FAILED: EVENT_EXPORT_FAILED,
    JOB_FINISHED: EVENT_JOB_FINISHED,
}

# Per flag: how it is read from the data, and the trigger types of its rise and fall.
_DISK_FLAGS: Final[Mapping[str, tuple[Callable[[EdgeStorageData, str], bool | None], str, str]]] = {
    "problem": (EdgeStorageData.disrupted, DISK_PROBLEM_STARTED, DISK_PROBLEM_CLEARED),
    "alert": (EdgeStorageData.alerting, STORAGE_ALERT_ON, STORAGE_ALERT_OFF),
    "recording": (EdgeStorageData.recording, RECORDING_STARTED, RECORDING_STOPPED),
}

type _Flags = dict[tuple[str, str], bool | None]


class StorageWatcher:
    """Fires a trigger event when what a camera's data shows rises or falls."""

    def __init__(
        self, hass: HomeAssistant, coordinator: EdgeStorageCoordinator, camera_device_id: str
    ) -> None:
        """Start from the data the coordinator holds now: nothing fires for it."""
        self._hass = hass
        self._coordinator = coordinator
        self._camera_device_id = camera_device_id
        self._flags = self._read()

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Follow the coordinator; the returned callable stops."""
        return self._coordinator.async_add_listener(self._async_changed)

    def _read(self) -> _Flags:
        data = self._coordinator.data
        flags: _Flags = {("", "recording"): data.any_recording}
        for disk_id in data.disks:
            for name, (read, _rise, _fall) in _DISK_FLAGS.items():
                flags[(disk_id, name)] = read(data, disk_id)
        return flags

    @callback
    def _async_changed(self) -> None:
        if not self._coordinator.last_update_success:
            return
        flags = self._read()
        previous, self._flags = self._flags, flags
        registry = dr.async_get(self._hass)
        for (disk_id, name), value in flags.items():
            before = previous.get((disk_id, name))
            if value is None or before is None or value == before:
                continue
            _read, rise, fall = _DISK_FLAGS[name]
            if not disk_id:
                self._fire(self._camera_device_id, rise if value else fall, None)
                continue
            serial = self._coordinator.serial
            device = registry.async_get_device(
                identifiers={(DOMAIN, disk_identifier(serial, disk_id))}
            )
            if device is not None:
                self._fire(device.id, rise if value else fall, disk_id)

    def _fire(self, device_id: str, trigger_type: str, disk_id: str | None) -> None:
        self._hass.bus.async_fire(
            EVENT_STORAGE_CHANGED,
            {
                "device_id": device_id,
                "type": trigger_type,
                "camera": self._coordinator.config_entry.title,
                "disk_id": disk_id,
            },
        )
