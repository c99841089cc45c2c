"""Sensors of progress: the job running on a disk (or the camera), and the clip export's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import PERCENTAGE
from homeassistant.helpers.typing import StateType

from .coordinator import EdgeStorageCoordinator, EdgeStorageData
from .entity import CameraEntity, DiskEntity
from .jobs import Job, JobTracker

EXPORT_PROGRESS = SensorEntityDescription(
    key="export_progress",
    translation_key="export_progress",
    native_unit_of_measurement=PERCENTAGE,
    suggested_display_precision=0,
)


class ExportProgressSensor(CameraEntity, SensorEntity):
    """Progress of the camera's current (or last) clip export, with the file being written.

    Its value comes from the export progress coordinator (`ExportProgressCoordinator`, fed by
    the export queue); its device, unique id and availability from the state coordinator.
    """

    def __init__(
        self, coordinator: EdgeStorageCoordinator, description: SensorEntityDescription
    ) -> None:
        """Describe the sensor."""
        super().__init__(coordinator, description)
        self._progress = coordinator.config_entry.runtime_data.exports.progress_coordinator

    async def async_added_to_hass(self) -> None:
        """Follow the export progress coordinator as well."""
        await super().async_added_to_hass()
        self.async_on_remove(self._progress.async_add_listener(self.async_write_ha_state))

    @property
    def native_value(self) -> float | None:
        """Percent done; unknown before the first export."""
        return self._progress.data.percent

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The file being written and how many exports wait."""
        progress = self._progress.data
        return {"current_file": progress.current_file, "queued": progress.queued}


def _job_state(job: Job | None) -> StateType:
    return JOB_IDLE if job is None or job.done else job.action


def _job_progress(job: Job | None) -> StateType:
    return None if job is None else job.progress


@dataclass(frozen=True, kw_only=True)
class JobSensorDescription(SensorEntityDescription):
    """A sensor of the job running on a disk (or on the camera, for jobs without a disk)."""

    value_fn: Callable[[Job | None], StateType]
    exists_fn: Callable[[EdgeStorageData, str], bool] = lambda _data, _disk: True


JOB_IDLE = "idle"
JOB_SENSORS: tuple[JobSensorDescription, ...] = (
    JobSensorDescription(
        key="job",
        translation_key="job",
        device_class=SensorDeviceClass.ENUM,
        options=[
            JOB_IDLE,
            "format",
            "checkdisk",
            "repair",
            "mount",
            "unmount",
            "share_test",
            "usb_export",
        ],
        value_fn=_job_state,
    ),
    JobSensorDescription(
        key="job_progress",
        translation_key="job_progress",
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
        value_fn=_job_progress,
    ),
)


def _job_attributes(job: Job | None) -> dict[str, Any]:
    """The running (or last) job: what a dashboard or a template wants to show."""
    if job is None:
        return {}
    return {
        "action": job.action,
        "job_id": job.job_id,
        "started": job.started.isoformat(),
        "result": None if job.result is None else str(job.result),
        "description": job.description,
    }


class _JobSensor(SensorEntity):
    """A sensor whose value comes from the job coordinator (`JobTracker`).

    Its device, unique id and availability come from the state coordinator (the entity base,
    as for every camera and disk entity); it is written again on every
    `async_set_updated_data` of the job coordinator.
    """

    entity_description: JobSensorDescription
    _jobs: JobTracker
    _job_disk: str | None

    async def async_added_to_hass(self) -> None:
        """Follow the job coordinator as well."""
        await super().async_added_to_hass()
        self.async_on_remove(self._jobs.async_add_listener(self.async_write_ha_state))

    @property
    def _job(self) -> Job | None:
        return self._jobs.data.job_for(self._job_disk)

    @property
    def native_value(self) -> StateType:
        """The job's action (idle when none runs), or its progress."""
        return self.entity_description.value_fn(self._job)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The running or last job."""
        return _job_attributes(self._job)


class DiskJobSensor(_JobSensor, DiskEntity):
    """The job running on one disk: its action, or its progress in %."""

    def __init__(
        self, coordinator: EdgeStorageCoordinator, disk_id: str, description: JobSensorDescription
    ) -> None:
        """Describe the sensor."""
        super().__init__(coordinator, disk_id, description)
        self._jobs = coordinator.config_entry.runtime_data.jobs
        self._job_disk = disk_id


class CameraJobSensor(_JobSensor, CameraEntity):
    """A camera job that concerns no disk (a test of a share that is not bound).

    Rarely useful (disk jobs show on the disk's own sensors): disabled by default.
    """

    _attr_entity_registry_enabled_default = False

    def __init__(
        self, coordinator: EdgeStorageCoordinator, description: JobSensorDescription
    ) -> None:
        """Describe the sensor."""
        super().__init__(coordinator, description)
        self._jobs = coordinator.config_entry.runtime_data.jobs
        self._job_disk = None
