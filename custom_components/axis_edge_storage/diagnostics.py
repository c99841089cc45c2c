"""Diagnostics: the entry, the device and the last poll, with secrets redacted."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import Enum
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .const import CONF_SSL_FINGERPRINT
from .runtime import AxisEdgeStorageConfigEntry

# Secrets and what identifies the owner's network, devices or accounts (a pinned certificate's
# fingerprint identifies the camera like its serial; that one is pinned still shows).
TO_REDACT = {
    CONF_PASSWORD,
    CONF_SSL_FINGERPRINT,
    CONF_USERNAME,
    CONF_HOST,
    "serial",
    "hardware_id",
    "address",
    "user",
    "share",
    "passphrase",
    "unique_id",
    "title",
    "recording_id",
}


def _plain(value: Any) -> Any:
    """Dataclasses, enums and datetimes as JSON-friendly values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: AxisEdgeStorageConfigEntry
) -> dict[str, Any]:
    """Return what helps a developer understand a problem, without secrets."""
    coordinator = entry.runtime_data.coordinator
    data = coordinator.data
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "unique_id": entry.unique_id,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "device": _plain(coordinator.product),
            "capabilities": _plain(dataclasses.replace(coordinator.capabilities, raw={})),
            "last_update_success": coordinator.last_update_success,
            "update_interval_seconds": (
                None
                if coordinator.update_interval is None
                else coordinator.update_interval.total_seconds()
            ),
            "event_stream": _plain(entry.runtime_data.events.stream_status),
            "jobs": {
                "running": [job.as_dict() for job in entry.runtime_data.jobs.running],
                "last": [job.as_dict() for job in entry.runtime_data.jobs.last],
            },
            "state": None
            if data is None
            else {
                "disks": _plain(data.disks),
                "health": _plain(data.health),
                "ongoing_recordings": _plain(data.ongoing),
                "network_shares": _plain(data.settings.shares),
                "storage_limits": _plain(data.settings.limits),
                "alert_levels": _plain(data.settings.alert_levels),
                "disk_capabilities": _plain(data.settings.disk_capabilities),
            },
        },
        TO_REDACT,
    )
