"""Export to the camera's USB disk (exporttoexternal.cgi), followed to the end.

The camera writes the files itself; Home Assistant starts one job per recording overlapping
the range (the device runs one USB job at a time) and polls getjobstatus.cgi about once a
second until each ends. The result is the action's response data and the event
`axis_edge_storage_usb_export_finished`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from .const import DOMAIN, EVENT_USB_EXPORT_FINISHED
from .exporter import ExportError, check_range, range_placeholders
from .vapix import (
    AxisEdgeStorage,
    ExportJobStatus,
    Recording,
    RecordingStatus,
    VapixError,
    VapixRequestError,
)

POLL_INTERVAL = 1.0
DEFAULT_TIMEOUT = 1800.0


@dataclass(frozen=True, slots=True)
class UsbExportRequest:
    """What to write to the USB disk."""

    start: datetime
    end: datetime
    disk_id: str | None = None
    password: str | None = None
    timeout: float = DEFAULT_TIMEOUT


def _device_error(err: VapixError) -> HomeAssistantError:
    if isinstance(err, VapixRequestError) and err.code is not None:
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="device_error",
            translation_placeholders={
                "code": str(err.code),
                "meaning": err.meaning or err.description or "",
            },
        )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="usb_export_failed",
        translation_placeholders={"error": str(err)},
    )


def _status_dict(
    recording: Recording, job: int, path: str | None, status: ExportJobStatus
) -> dict[str, Any]:
    return {
        "recording_id": recording.recording_id,
        "disk_id": recording.disk_id,
        "job_id": job,
        "file_path": path,
        "state": str(status.state),
        "ok": status.ok,
        "progress": status.progress,
        "description": status.description,
        "error_code": status.error_code,
    }


async def async_export_to_usb(
    hass: HomeAssistant,
    device: AxisEdgeStorage,
    request: UsbExportRequest,
    *,
    device_id: str,
    context: Context,
) -> dict[str, Any]:
    """Start and follow the USB jobs of a range; return the response data (also the event)."""
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
        raise _device_error(err) from err
    recordings.sort(key=lambda rec: rec.start or start)
    if not recordings:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_recording",
            translation_placeholders=range_placeholders(start, end),
        )
    jobs: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(request.timeout):
            for recording in recordings:
                # One USB job at a time (the device refuses more): sequential on purpose.
                jobs.append(await _async_one(device, recording, start, end, request.password))  # noqa: PERF401
    except TimeoutError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="usb_export_timeout",
            translation_placeholders={"seconds": str(int(request.timeout))},
        ) from err
    except VapixError as err:
        raise _device_error(err) from err
    response = {"device_id": device_id, "ok": all(job["ok"] for job in jobs), "jobs": jobs}
    hass.bus.async_fire(EVENT_USB_EXPORT_FINISHED, response, context=context)
    return response


async def _async_one(
    device: AxisEdgeStorage,
    recording: Recording,
    start: datetime,
    end: datetime,
    password: str | None,
) -> dict[str, Any]:
    """Export one recording's share of the range and wait for its job to end."""
    ongoing = recording.status is RecordingStatus.RECORDING or recording.stop is None
    part_start = max(start, recording.start or start)
    part_stop = end if ongoing or recording.stop is None else min(end, recording.stop)
    job = await device.exports.export_to_external(
        recording.recording_id,
        recording.disk_id,
        start=part_start,
        stop=part_stop,
        password=password,
        encryption_format="zip-aes256" if password else None,
    )
    while True:
        status = await device.exports.job_status(job.job_id)
        if status.done:
            return _status_dict(recording, job.job_id, job.file_path, status)
        await asyncio.sleep(POLL_INTERVAL)
