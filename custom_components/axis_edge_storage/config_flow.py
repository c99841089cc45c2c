"""Config flow: set up by hand or by discovery; reauthenticate; reconfigure; options."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SCAN_INTERVAL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import callback
from homeassistant.helpers import selector
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

from .connection import create_device
from .const import (
    AXIS_MAC_PREFIXES,
    CONF_EXPORT_FOLDER,
    CONF_EXPORT_RETENTION_DAYS,
    CONF_LINK_VALIDITY_HOURS,
    CONF_PROTOCOL,
    DEFAULT_LINK_VALIDITY_HOURS,
    DEFAULT_PORTS,
    DEFAULT_RETENTION_DAYS,
    DEFAULT_SCAN_INTERVAL,
    DEFAULT_USERNAME,
    DOMAIN,
    LOGGER,
    MAX_LINK_VALIDITY_HOURS,
    MAX_RETENTION_DAYS,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
    PROTOCOL_HTTP,
    PROTOCOL_HTTPS,
)
from .coordinator import AxisEdgeStorageConfigEntry
from .vapix import (
    DeviceInfo,
    VapixError,
    VapixForbiddenError,
    VapixNotSupportedError,
    VapixUnauthorizedError,
)


class NotSupportedError(Exception):
    """The device has no edge storage."""


async def _async_validate(flow: ConfigFlow, data: Mapping[str, Any]) -> DeviceInfo:
    """Connect, check credentials, role and edge storage; return the device identity.

    Raises VapixError (connection, credentials, role) or NotSupportedError.
    """
    device = create_device(flow.hass, data)
    info = await device.device_info.get()
    capabilities = await device.params.capabilities()
    if not capabilities.local_storage:
        raise NotSupportedError
    try:
        # The role check: a viewer may read the parameters but not the disks.
        await device.disks.list()
    except VapixNotSupportedError as err:
        raise NotSupportedError from err
    return info


def _with_port(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The connection with its port: the protocol's default when none was given."""
    data = dict(user_input)
    if data.get(CONF_PORT) is None:
        data[CONF_PORT] = DEFAULT_PORTS[data.get(CONF_PROTOCOL, PROTOCOL_HTTP)]
    return data


def _title(info: DeviceInfo) -> str:
    name = info.short_name or info.model or info.product_name or "Axis"
    return f"{name} ({info.serial})"


def _credentials_schema(username: str = DEFAULT_USERNAME) -> dict[vol.Marker, Any]:
    return {
        vol.Required(CONF_USERNAME, default=username): selector.TextSelector(
            selector.TextSelectorConfig(autocomplete="username")
        ),
        vol.Required(CONF_PASSWORD): selector.TextSelector(
            selector.TextSelectorConfig(
                type=selector.TextSelectorType.PASSWORD, autocomplete="current-password"
            )
        ),
    }


def _connection_schema(defaults: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    return {
        vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, vol.UNDEFINED)): str,
        vol.Optional(CONF_PORT, description={"suggested_value": defaults.get(CONF_PORT)}): vol.All(
            selector.NumberSelector(
                selector.NumberSelectorConfig(
                    min=1, max=65535, mode=selector.NumberSelectorMode.BOX
                )
            ),
            vol.Coerce(int),
        ),
        vol.Required(
            CONF_PROTOCOL, default=defaults.get(CONF_PROTOCOL, PROTOCOL_HTTP)
        ): selector.SelectSelector(
            selector.SelectSelectorConfig(
                options=[PROTOCOL_HTTP, PROTOCOL_HTTPS], translation_key=CONF_PROTOCOL
            )
        ),
        vol.Required(CONF_VERIFY_SSL, default=defaults.get(CONF_VERIFY_SSL, False)): bool,
    }


class AxisEdgeStorageConfigFlow(ConfigFlow, domain=DOMAIN):
    """Handle a config flow for the edge storage of an Axis device."""

    VERSION = 1

    def __init__(self) -> None:
        """Start empty; discovery fills the connection."""
        self._discovered: dict[str, Any] = {}

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: AxisEdgeStorageConfigEntry) -> OptionsFlow:
        """The options: poll interval and exports."""
        return AxisEdgeStorageOptionsFlow()

    async def _async_try(
        self, data: Mapping[str, Any], errors: dict[str, str]
    ) -> DeviceInfo | ConfigFlowResult | None:
        """Validate; fill `errors` and return None, or abort, or return the identity."""
        try:
            return await _async_validate(self, data)
        except (NotSupportedError, VapixNotSupportedError):
            return self.async_abort(reason="not_supported")
        except VapixUnauthorizedError:
            errors["base"] = "invalid_auth"
        except VapixForbiddenError:
            errors["base"] = "insufficient_role"
        except VapixError:
            errors["base"] = "cannot_connect"
        except Exception:  # noqa: BLE001 (a config flow must not crash on the unexpected)
            LOGGER.exception("Unexpected error while validating the device")
            errors["base"] = "unknown"
        return None

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Set up a device by hand."""
        errors: dict[str, str] = {}
        if user_input is not None:
            user_input = _with_port(user_input)
            result = await self._async_try(user_input, errors)
            if isinstance(result, DeviceInfo):
                await self.async_set_unique_id(result.serial)
                self._abort_if_unique_id_configured(
                    updates={
                        CONF_HOST: user_input[CONF_HOST],
                        CONF_PORT: user_input[CONF_PORT],
                        CONF_PROTOCOL: user_input[CONF_PROTOCOL],
                    }
                )
                return self.async_create_entry(title=_title(result), data=user_input)
            if result is not None:
                return result
        schema = vol.Schema({**_connection_schema(user_input or {}), **_credentials_schema()})
        if user_input is not None:
            schema = self.add_suggested_values_to_schema(
                schema, {k: v for k, v in user_input.items() if k != CONF_PASSWORD}
            )
        return self.async_show_form(step_id="user", data_schema=schema, errors=errors)

    async def async_step_zeroconf(self, discovery_info: ZeroconfServiceInfo) -> ConfigFlowResult:
        """A device announced itself over mDNS (`_axis-video._tcp`)."""
        mac = str(discovery_info.properties.get("macaddress", ""))
        return await self._async_discovered(
            mac, str(discovery_info.ip_address), discovery_info.port or 80
        )

    async def async_step_dhcp(self, discovery_info: DhcpServiceInfo) -> ConfigFlowResult:
        """A device asked for an address (hostname `axis-<mac>`)."""
        return await self._async_discovered(discovery_info.macaddress, discovery_info.ip, 80)

    async def _async_discovered(self, mac: str, host: str, port: int) -> ConfigFlowResult:
        serial = format_mac(mac).replace(":", "").upper()
        if len(serial) != 12 or not serial.startswith(AXIS_MAC_PREFIXES):
            return self.async_abort(reason="not_axis_device")
        if ":" in host:
            return self.async_abort(reason="not_ipv4_address")
        if host.startswith("169.254."):
            return self.async_abort(reason="link_local_address")
        await self.async_set_unique_id(serial)
        # A known device moved: follow it (the entry reloads when the host changed).
        self._abort_if_unique_id_configured(updates={CONF_HOST: host})
        protocol = PROTOCOL_HTTPS if port == DEFAULT_PORTS[PROTOCOL_HTTPS] else PROTOCOL_HTTP
        self._discovered = {
            CONF_HOST: host,
            CONF_PORT: port,
            CONF_PROTOCOL: protocol,
            CONF_VERIFY_SSL: False,
        }
        self.context["title_placeholders"] = {"name": f"Axis {serial}", "host": host}
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm a discovered device and give its credentials."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**self._discovered, **user_input}
            result = await self._async_try(data, errors)
            if isinstance(result, DeviceInfo):
                if result.serial != self.unique_id:
                    return self.async_abort(reason="wrong_device")
                return self.async_create_entry(title=_title(result), data=data)
            if result is not None:
                return result
        return self.async_show_form(
            step_id="discovery_confirm",
            data_schema=vol.Schema(_credentials_schema()),
            description_placeholders={CONF_HOST: self._discovered[CONF_HOST]},
            errors=errors,
        )

    async def _async_update_entry(
        self,
        entry: AxisEdgeStorageConfigEntry,
        user_input: dict[str, Any],
        errors: dict[str, str],
    ) -> ConfigFlowResult | None:
        """Validate an entry's data with `user_input` applied; update, reload and abort.

        Returns None (with `errors` filled) when the user must try again. Another device at
        the address aborts with `wrong_device`.
        """
        result = await self._async_try({**entry.data, **user_input}, errors)
        if not isinstance(result, DeviceInfo):
            return result
        await self.async_set_unique_id(result.serial)
        self._abort_if_unique_id_mismatch(reason="wrong_device")
        return self.async_update_reload_and_abort(entry, data_updates=user_input)

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The device rejected the stored credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for new credentials."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None and (
            result := await self._async_update_entry(entry, user_input, errors)
        ):
            return result
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema(_credentials_schema(entry.data[CONF_USERNAME])),
            description_placeholders={"name": entry.title},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change how the device is reached (address, port, protocol, certificate check)."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            user_input = _with_port(user_input)
            if result := await self._async_update_entry(entry, user_input, errors):
                return result
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=vol.Schema(_connection_schema(user_input or entry.data)),
            errors=errors,
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
