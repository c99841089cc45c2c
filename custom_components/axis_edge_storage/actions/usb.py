"""Export to the camera's USB disk (exporttoexternal.cgi), followed to the end.

The camera writes the files itself; Home Assistant starts one job per recording overlapping
the range (the device runs one USB job at a time), which the job tracker (`jobs/`)
follows with getjobstatus.cgi about once a second until each ends. The result is the action's
response data and the event `axis_edge_storage_usb_export_finished`, both with the camera's
device id.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, EVENT_USB_EXPORT_FINISHED
from ..device_errors import usb_export_error
from ..export.errors import ExportError
from ..export.plan import check_range, range_placeholders
from ..jobs import Job, JobKind, JobResult, JobTracker
from ..vapix import (
    AxisEdgeStorage,
    Recording,
    RecordingStatus,
    VapixError,
    VapixRequestError,
)

DEFAULT_TIMEOUT = 1800.0
#: The camera's answer to a start at or after a recording's end: for an ongoing recording,
#: it began within the camera's current second and has no video to export yet.
NOT_RECORDED_YET = 150

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UsbExportRequest:
    """What to write to the USB disk; the password never shows in a ``repr``."""

    start: datetime
    end: datetime
    disk_id: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT


def _job_dict(job: Job) -> dict[str, Any]:
    return {
        "recording_id": job.recording_id,
        "disk_id": job.disk_id,
        "job_id": int(job.job_id),
        "file_path": job.file_path,
        "result": str(job.result),
        "ok": job.result is JobResult.OK,
        "progress": job.progress,
        "description": job.description,
        "error_code": job.error_code,
    }


async def async_export_to_usb(
    hass: HomeAssistant,
    device: AxisEdgeStorage,
    jobs: JobTracker,
    request: UsbExportRequest,
    *,
    device_id: str,
    context: Context,
) -> dict[str, Any]:
    """Start and follow the USB jobs of a range; return the response data (also the event).

    `device_id` is the camera's device, also when the action targets one of its disks.
    """
    now = dt_util.utcnow()
    try:
        start, requested_end = check_range(request.start, request.end, now)
    except ExportError as err:
        raise err.as_homeassistant_error(DOMAIN) from err
    end = min(requested_end, now)
    try:
        recordings = [
            rec
            for rec in await device.recordings.list(start=start, stop=end, disk_id=request.disk_id)
            if rec.start is not None
        ]
    except VapixError as err:
        raise usb_export_error(err) from err
    recordings.sort(key=lambda rec: rec.start or start)
    if not recordings:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_recording",
            translation_placeholders=range_placeholders(start, end),
        )
    results: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(request.timeout):
            for recording in recordings:
                # One USB job at a time (the device refuses more): sequential on purpose.
                result = await _async_one(
                    jobs, device, recording, start=start, end=end, password=request.password
                )
                if result is not None:
                    results.append(result)
    except TimeoutError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="usb_export_timeout",
            translation_placeholders={"seconds": str(int(request.timeout))},
        ) from err
    except VapixError as err:
        raise usb_export_error(err) from err
    if not results:  # only a recording that has no video yet
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_recording",
            translation_placeholders=range_placeholders(start, end),
        )
    response = {
        "device_id": device_id,
        "ok": all(job["ok"] for job in results),
        "jobs": results,
    }
    hass.bus.async_fire(EVENT_USB_EXPORT_FINISHED, response, context=context)
    return response


async def _async_one(
    jobs: JobTracker,
    device: AxisEdgeStorage,
    recording: Recording,
    *,
    start: datetime,
    end: datetime,
    password: str | None,
) -> dict[str, Any] | None:
    """Export one recording's share of the range and wait for its job to end.

    None: the recording began within the camera's current second and holds no video yet.
    """
    ongoing = recording.status is RecordingStatus.RECORDING or recording.stop is None
    part_start = max(start, recording.start or start)
    part_stop = end if ongoing or recording.stop is None else min(end, recording.stop)
    try:
        started = await device.exports.export_to_external(
            recording.recording_id,
            recording.disk_id,
            start=part_start,
            stop=part_stop,
            password=password,
            encryption_format="zip-aes256" if password else None,
        )
    except VapixRequestError as err:
        if ongoing and err.code == NOT_RECORDED_YET:
            _LOGGER.debug("Recording %s has no video yet; left out", recording.recording_id)
            return None
        raise
    job = await jobs.async_follow(
        Job(
            kind=JobKind.USB_EXPORT,
            job_id=str(started.job_id),
            action="usb_export",
            disk_id=recording.disk_id,
            started=dt_util.utcnow(),
            recording_id=recording.recording_id,
            file_path=started.file_path,
        )
    )
    return _job_dict(await jobs.async_wait(job, None))
