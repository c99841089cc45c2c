"""Device triggers: a disk's problem and storage alert, recording, exports and jobs.

A camera's device offers recording started/stopped, export completed/failed and job finished;
a disk's device offers its problem started/cleared, storage alert on/off and recording
started/stopped. Each is an event trigger on an event the integration fires with the device's
id (`triggers.StorageWatcher`, the export queue, the job tracker).
"""

from __future__ import annotations

import voluptuous as vol
from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.device_automation.exceptions import InvalidDeviceAutomationConfig
from homeassistant.components.homeassistant.triggers import event as event_trigger
from homeassistant.const import (
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_EVENT_DATA,
    CONF_PLATFORM,
    CONF_TYPE,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN, EVENT_STORAGE_CHANGED
from .triggers import CAMERA_EVENTS, CAMERA_TRIGGERS, DISK_TRIGGERS

TRIGGER_SCHEMA = DEVICE_TRIGGER_BASE_SCHEMA.extend(
    {vol.Required(CONF_TYPE): vol.In(sorted({*CAMERA_TRIGGERS, *DISK_TRIGGERS}))}
)


def _device_triggers(hass: HomeAssistant, device_id: str) -> tuple[str, ...]:
    """The trigger types of a device: a camera's, a disk's, or none (not ours)."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        return ()
    ours = {ident for domain, ident in device.identifiers if domain == DOMAIN}
    if not ours:
        return ()
    for entry_id in device.config_entries:
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is not None and entry.domain == DOMAIN and entry.unique_id in ours:
            return CAMERA_TRIGGERS
    return DISK_TRIGGERS


async def async_get_triggers(hass: HomeAssistant, device_id: str) -> list[dict[str, str]]:
    """List the triggers of a camera's or a disk's device."""
    return [
        {
            CONF_PLATFORM: "device",
            CONF_DOMAIN: DOMAIN,
            CONF_DEVICE_ID: device_id,
            CONF_TYPE: trigger_type,
        }
        for trigger_type in _device_triggers(hass, device_id)
    ]


async def async_validate_trigger_config(hass: HomeAssistant, config: ConfigType) -> ConfigType:
    """Refuse a type the device does not offer (a disk's trigger on a camera, say)."""
    config = TRIGGER_SCHEMA(config)
    known = _device_triggers(hass, config[CONF_DEVICE_ID])
    # A device missing from the registry (a disk not inserted yet) keeps its automation.
    if known and config[CONF_TYPE] not in known:
        raise InvalidDeviceAutomationConfig(
            f"{config[CONF_TYPE]} is not a trigger of device {config[CONF_DEVICE_ID]}"
        )
    return config


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Follow the event that carries the trigger."""
    trigger_type: str = config[CONF_TYPE]
    device_id: str = config[CONF_DEVICE_ID]
    if trigger_type in CAMERA_EVENTS:
        event_type = CAMERA_EVENTS[trigger_type]
        event_data = {CONF_DEVICE_ID: device_id}
    else:
        event_type = EVENT_STORAGE_CHANGED
        event_data = {CONF_DEVICE_ID: device_id, CONF_TYPE: trigger_type}
    event_config = event_trigger.TRIGGER_SCHEMA(
        {
            CONF_PLATFORM: "event",
            event_trigger.CONF_EVENT_TYPE: event_type,
            CONF_EVENT_DATA: event_data,
        }
    )
    return await event_trigger.async_attach_trigger(
        hass, event_config, action, trigger_info, platform_type="device"
    )
