"""The export actions: a clip to Home Assistant's media (export_clip) or to the USB disk.

Both take a range (`start` + `end`, or `at` with seconds `before` and `after`) and are open to
every user: they copy, and reading stays open. `export_clip` hands the request to the entry's
export queue (`export/`); `export_clip_to_usb` starts and follows the camera's USB jobs
(`usb.py`). Both answer with the camera's device id, also when a disk's device is the target.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import voluptuous as vol
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..export.errors import ExportError
from ..export.models import ExportFormat, ExportRequest
from ..export.plan import EARLIEST_TIME, LATEST_TIME, time_out_of_range, utc_in_bounds
from .common import ATTR_PASSWORD, ATTR_TIMEOUT, TARGET_FIELDS, timeout_field
from .guard import ActionCall, GuardedAction, action
from .usb import DEFAULT_TIMEOUT, UsbExportRequest, async_export_to_usb

SERVICE_EXPORT_CLIP = "export_clip"
SERVICE_EXPORT_CLIP_TO_USB = "export_clip_to_usb"

ATTR_START = "start"
ATTR_END = "end"
ATTR_AT = "at"
ATTR_BEFORE = "before"
ATTR_AFTER = "after"
ATTR_FOLDER = "folder"
ATTR_NAME = "name"
ATTR_FORMAT = "format"

DEFAULT_BEFORE = 30.0
DEFAULT_AFTER = 30.0
SECONDS = vol.All(vol.Coerce(float), vol.Range(min=0, max=86400))

RANGE_FIELDS: dict[vol.Marker, object] = {
    **TARGET_FIELDS,
    vol.Optional(ATTR_START): cv.datetime,
    vol.Optional(ATTR_END): cv.datetime,
    vol.Optional(ATTR_AT): cv.datetime,
    vol.Optional(ATTR_BEFORE): SECONDS,
    vol.Optional(ATTR_AFTER): SECONDS,
    vol.Optional(ATTR_PASSWORD): cv.string,
}
EXPORT_CLIP_SCHEMA = vol.Schema(
    {
        **RANGE_FIELDS,
        vol.Optional(ATTR_FOLDER): cv.string,
        vol.Optional(ATTR_NAME): cv.string,
        vol.Optional(ATTR_FORMAT, default=ExportFormat.MP4.value): vol.In(
            [ExportFormat.MP4.value, ExportFormat.MKV.value]
        ),
    }
)
EXPORT_CLIP_TO_USB_SCHEMA = vol.Schema({**RANGE_FIELDS, **timeout_field(DEFAULT_TIMEOUT)})


def _aware(value: datetime) -> datetime:
    """A time without a zone is Home Assistant's local time."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt_util.get_default_time_zone())
    return value


def _range(data: Mapping[str, Any]) -> tuple[datetime, datetime]:
    """`start` + `end`, or `at` with seconds `before` and `after`, aware and in bounds.

    A time outside `EARLIEST_TIME`..`LATEST_TIME` (or one that would overflow with the
    seconds before and after) is a translated `ServiceValidationError`, never an
    `OverflowError`.
    """
    has_range = ATTR_START in data or ATTR_END in data
    has_at = ATTR_AT in data or ATTR_BEFORE in data or ATTR_AFTER in data
    if has_range == has_at or (has_range and (ATTR_START not in data or ATTR_END not in data)):
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="range_required")
    try:
        if has_range:
            start, end = _aware(data[ATTR_START]), _aware(data[ATTR_END])
            utc_in_bounds(start)
            utc_in_bounds(end)
            return start, end
        at = _aware(data.get(ATTR_AT) or dt_util.now())
        before = timedelta(seconds=data.get(ATTR_BEFORE, DEFAULT_BEFORE))
        after = timedelta(seconds=data.get(ATTR_AFTER, DEFAULT_AFTER))
        if not EARLIEST_TIME + before <= utc_in_bounds(at) <= LATEST_TIME - after:
            raise time_out_of_range(at)
    except ExportError as err:
        raise err.as_homeassistant_error(DOMAIN) from None
    # In bounds in UTC, so the caller's wall time cannot overflow either.
    return at - before, at + after


@action(SERVICE_EXPORT_CLIP, EXPORT_CLIP_SCHEMA, admin=False, refresh=False)
async def _export_clip(call: ActionCall) -> dict[str, Any]:
    start, end = _range(call.data)
    folder = call.data.get(ATTR_FOLDER)
    request = ExportRequest(
        start=start,
        end=end,
        disk_id=call.target.disk_id,
        folder=Path(folder) if folder else None,
        password=call.data.get(ATTR_PASSWORD) or None,
        name=call.data.get(ATTR_NAME),
        format=ExportFormat(call.data[ATTR_FORMAT]),
    )
    try:
        return await call.target.entry.runtime_data.exports.async_export(request, call.context)
    except ExportError as err:
        raise err.as_homeassistant_error(DOMAIN) from err


@action(SERVICE_EXPORT_CLIP_TO_USB, EXPORT_CLIP_TO_USB_SCHEMA, admin=False, refresh=False)
async def _export_clip_to_usb(call: ActionCall) -> dict[str, Any]:
    start, end = _range(call.data)
    request = UsbExportRequest(
        start=start,
        end=end,
        disk_id=call.target.disk_id,
        password=call.data.get(ATTR_PASSWORD) or None,
        timeout=call.data[ATTR_TIMEOUT],
    )
    runtime = call.target.entry.runtime_data
    return await async_export_to_usb(
        call.hass,
        runtime.client,
        runtime.jobs,
        request,
        # The camera's device, also when a disk's device is the target.
        device_id=call.target.camera_device_id,
        context=call.context,
    )


ACTIONS: tuple[GuardedAction, ...] = (_export_clip, _export_clip_to_usb)
