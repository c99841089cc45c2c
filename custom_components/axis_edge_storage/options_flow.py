"""Options flow: poll interval, event stream, export folder, how long exports and links are kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.helpers import selector

from .const import (
    CONF_EVENTS,
    CONF_EXPORT_FOLDER,
    CONF_EXPORT_RETENTION_DAYS,
    CONF_LINK_VALIDITY_HOURS,
    DEFAULT_EVENTS,
    DEFAULT_LINK_VALIDITY_HOURS,
    DEFAULT_RETENTION_DAYS,
    DEFAULT_SCAN_INTERVAL,
    MAX_LINK_VALIDITY_HOURS,
    MAX_RETENTION_DAYS,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
)


def _whole_number(minimum: int, maximum: int, unit: str) -> vol.All:
    """A number box for whole numbers of a unit."""
    return vol.All(
        selector.NumberSelector(
            selector.NumberSelectorConfig(
                min=minimum,
                max=maximum,
                unit_of_measurement=unit,
                mode=selector.NumberSelectorMode.BOX,
            )
        ),
        vol.Coerce(int),
    )


class AxisEdgeStorageOptionsFlow(OptionsFlow):
    """Poll interval, export folder and how long exports are kept."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and validate the options."""
        errors: dict[str, str] = {}
        if user_input is not None:
            folder = str(user_input.get(CONF_EXPORT_FOLDER, "")).strip()
            # is_allowed_path resolves the path (file system calls): off the event loop.
            if folder and (
                not Path(folder).is_absolute()
                or not await self.hass.async_add_executor_job(
                    self.hass.config.is_allowed_path, folder
                )
            ):
                errors[CONF_EXPORT_FOLDER] = "folder_not_allowed"
            else:
                return self.async_create_entry(data={**user_input, CONF_EXPORT_FOLDER: folder})
        options = self.config_entry.options
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_SCAN_INTERVAL,
                    default=options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL),
                ): _whole_number(MIN_SCAN_INTERVAL, MAX_SCAN_INTERVAL, "s"),
                vol.Required(
                    CONF_EVENTS, default=options.get(CONF_EVENTS, DEFAULT_EVENTS)
                ): selector.BooleanSelector(),
                vol.Optional(
                    CONF_EXPORT_FOLDER,
                    description={"suggested_value": options.get(CONF_EXPORT_FOLDER, "")},
                ): selector.TextSelector(),
                vol.Required(
                    CONF_EXPORT_RETENTION_DAYS,
                    default=options.get(CONF_EXPORT_RETENTION_DAYS, DEFAULT_RETENTION_DAYS),
                ): _whole_number(0, MAX_RETENTION_DAYS, "d"),
                vol.Required(
                    CONF_LINK_VALIDITY_HOURS,
                    default=options.get(CONF_LINK_VALIDITY_HOURS, DEFAULT_LINK_VALIDITY_HOURS),
                ): _whole_number(1, MAX_LINK_VALIDITY_HOURS, "h"),
            }
        )
        if user_input is not None:
            schema = self.add_suggested_values_to_schema(schema, user_input)
        return self.async_show_form(step_id="init", data_schema=schema, errors=errors)
