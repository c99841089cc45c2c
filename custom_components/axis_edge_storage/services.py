"""Actions: thin wrappers that validate, call the exporter or the device, translate errors."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .export.errors import ExportError
from .export.models import ExportRequest
from .export.plan import EARLIEST_TIME, LATEST_TIME, time_out_of_range, utc_in_bounds
from .runtime import AxisEdgeStorageConfigEntry
from .usb_export import DEFAULT_TIMEOUT, UsbExportRequest, async_export_to_usb

SERVICE_EXPORT_CLIP = "export_clip"
SERVICE_EXPORT_CLIP_TO_USB = "export_clip_to_usb"

ATTR_DEVICE_ID = "device_id"
ATTR_DISK_ID = "disk_id"
ATTR_START = "start"
ATTR_END = "end"
ATTR_AT = "at"
ATTR_BEFORE = "before"
ATTR_AFTER = "after"
ATTR_FOLDER = "folder"
ATTR_PASSWORD = "password"  # noqa: S105 (the name of a field)
ATTR_NAME = "name"
ATTR_TIMEOUT = "timeout"

DEFAULT_BEFORE = 30.0
DEFAULT_AFTER = 30.0
SECONDS = vol.All(vol.Coerce(float), vol.Range(min=0, max=86400))

RANGE_FIELDS: dict[vol.Marker, object] = {
    vol.Required(ATTR_DEVICE_ID): cv.string,
    vol.Optional(ATTR_DISK_ID): cv.string,
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
    }
)
EXPORT_CLIP_TO_USB_SCHEMA = vol.Schema(
    {
        **RANGE_FIELDS,
        vol.Optional(ATTR_TIMEOUT, default=DEFAULT_TIMEOUT): vol.All(
            vol.Coerce(float), vol.Range(min=1, max=86400)
        ),
    }
)


def _aware(value: datetime) -> datetime:
    """A time without a zone is Home Assistant's local time."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt_util.get_default_time_zone())
    return value


def _range(data: dict[str, Any]) -> tuple[datetime, datetime]:
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


def camera_entry(
    hass: HomeAssistant, device_id: str
) -> tuple[AxisEdgeStorageConfigEntry, str | None]:
    """The loaded config entry of a camera device and, for a disk's device, the disk id."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_device",
            translation_placeholders={"device_id": device_id},
        )
    identifiers = {ident for domain, ident in device.identifiers if domain == DOMAIN}
    for entry_id in device.config_entries:
        entry: AxisEdgeStorageConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != DOMAIN or entry.unique_id is None:
            continue
        disk_id = next(
            (
                ident.removeprefix(f"{entry.unique_id}_")
                for ident in identifiers
                if ident.startswith(f"{entry.unique_id}_")
            ),
            None,
        )
        if entry.unique_id not in identifiers and disk_id is None:
            continue
        if entry.state is not ConfigEntryState.LOADED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="camera_not_loaded",
                translation_placeholders={"camera": entry.title},
            )
        return entry, disk_id
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="not_a_camera",
        translation_placeholders={"device": device.name_by_user or device.name or device_id},
    )


async def _async_export_clip(call: ServiceCall) -> ServiceResponse:
    entry, device_disk = camera_entry(call.hass, call.data[ATTR_DEVICE_ID])
    start, end = _range(call.data)
    folder = call.data.get(ATTR_FOLDER)
    request = ExportRequest(
        start=start,
        end=end,
        disk_id=call.data.get(ATTR_DISK_ID, device_disk),
        folder=Path(folder) if folder else None,
        password=call.data.get(ATTR_PASSWORD) or None,
        name=call.data.get(ATTR_NAME),
    )
    try:
        return await entry.runtime_data.exports.async_export(request, call.context)
    except ExportError as err:
        raise err.as_homeassistant_error(DOMAIN) from err


async def _async_export_clip_to_usb(call: ServiceCall) -> ServiceResponse:
    entry, device_disk = camera_entry(call.hass, call.data[ATTR_DEVICE_ID])
    start, end = _range(call.data)
    request = UsbExportRequest(
        start=start,
        end=end,
        disk_id=call.data.get(ATTR_DISK_ID, device_disk),
        password=call.data.get(ATTR_PASSWORD) or None,
        timeout=call.data[ATTR_TIMEOUT],
    )
    return await async_export_to_usb(
        call.hass,
        entry.runtime_data.device,
        entry.runtime_data.jobs,
        request,
        device_id=call.data[ATTR_DEVICE_ID],
        context=call.context,
    )


def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions (once, for every camera)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_EXPORT_CLIP,
        _async_export_clip,
        schema=EXPORT_CLIP_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_EXPORT_CLIP_TO_USB,
        _async_export_clip_to_usb,
        schema=EXPORT_CLIP_TO_USB_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
