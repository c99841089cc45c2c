"""Config flow: set up by hand or by discovery; reauthenticate; reconfigure.

The options are changed in the options flow (options_flow.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import SOURCE_REAUTH, ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import selector
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

from .connection import (
    async_fetch_fingerprint,
    create_device,
    format_fingerprint,
    pins_certificate,
)
from .const import (
    AXIS_MAC_PREFIXES,
    CONF_PROTOCOL,
    CONF_REQUIRE_DIGEST,
    CONF_SSL_FINGERPRINT,
    DEFAULT_PORTS,
    DEFAULT_USERNAME,
    DOMAIN,
    LOGGER,
    PROTOCOL_HTTP,
    PROTOCOL_HTTPS,
)
from .device_errors import credentials_problem
from .options_flow import AxisEdgeStorageOptionsFlow
from .runtime import AxisEdgeStorageConfigEntry
from .vapix import (
    ProductInfo,
    VapixCertificateMismatchError,
    VapixError,
    VapixNotSupportedError,
)


class NotSupportedError(Exception):
    """The device has no edge storage."""


@dataclass(frozen=True, slots=True)
class Validated:
    """A device that answered: its identity and the entry data it was validated with."""

    info: ProductInfo
    data: dict[str, Any]

    @property
    def fingerprint(self) -> str | None:
        """The pinned certificate fingerprint, if the connection pins one."""
        fingerprint: str | None = self.data.get(CONF_SSL_FINGERPRINT)
        return fingerprint


async def _async_validate(hass: HomeAssistant, data: Mapping[str, Any]) -> Validated:
    """Connect, check credentials, role and edge storage; return the identity and data.

    Over HTTPS without certificate verification and without a given fingerprint, the
    certificate the device presents now is trusted (and pinned for every request): trust on
    first use. A device that answers Digest is remembered to require it.
    Raises VapixError (connection, certificate, credentials, role) or NotSupportedError.
    """
    data = dict(data)
    if not pins_certificate(data):
        data.pop(CONF_SSL_FINGERPRINT, None)
    elif not data.get(CONF_SSL_FINGERPRINT):
        data[CONF_SSL_FINGERPRINT] = await async_fetch_fingerprint(data)
    device = create_device(hass, data)
    info = await device.device_info.get()
    capabilities = await device.params.capabilities()
    if not capabilities.local_storage:
        raise NotSupportedError
    try:
        # The role check: a viewer may read the parameters but not the disks.
        await device.disks.list()
    except VapixNotSupportedError as err:
        raise NotSupportedError from err
    if device.used_digest:
        data[CONF_REQUIRE_DIGEST] = True
    return Validated(info, data)


def _create_placeholders(validated: Validated) -> dict[str, Any]:
    """How a new entry is finished: with the trusted certificate shown, if one is pinned."""
    if validated.fingerprint is None:
        return {}
    return {
        "description": "certificate_pinned",
        "description_placeholders": {"fingerprint": format_fingerprint(validated.fingerprint)},
    }


def _with_port(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The connection with its port: the protocol's default when none was given."""
    data = dict(user_input)
    if data.get(CONF_PORT) is None:
        data[CONF_PORT] = DEFAULT_PORTS[data.get(CONF_PROTOCOL, PROTOCOL_HTTP)]
    return data


def _title(info: ProductInfo) -> str:
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
        # A certificate the device presents that the entry does not trust yet (reauth).
        self._fingerprint: str | None = None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: AxisEdgeStorageConfigEntry) -> OptionsFlow:
        """The options: poll interval and exports."""
        return AxisEdgeStorageOptionsFlow()

    async def _async_try(
        self, data: Mapping[str, Any], errors: dict[str, str]
    ) -> Validated | ConfigFlowResult | None:
        """Validate; fill `errors` and return None, or abort, or return the validated device."""
        try:
            return await _async_validate(self.hass, data)
        except (NotSupportedError, VapixNotSupportedError):
            return self.async_abort(reason="not_supported")
        except VapixCertificateMismatchError as err:
            # Another certificate than the one fetched or trusted: never taken silently.
            self._fingerprint = err.fingerprint
            errors["base"] = "certificate_changed"
        except VapixError as err:
            errors["base"] = credentials_problem(err) or "cannot_connect"
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
            if isinstance(result, Validated):
                await self.async_set_unique_id(result.info.serial)
                # The known camera follows its new address; its pinned certificate stays (a
                # new one is confirmed in a reauth) and a Digest requirement is only added.
                updates = {
                    CONF_HOST: user_input[CONF_HOST],
                    CONF_PORT: user_input[CONF_PORT],
                    CONF_PROTOCOL: user_input[CONF_PROTOCOL],
                }
                if result.data.get(CONF_REQUIRE_DIGEST):
                    updates[CONF_REQUIRE_DIGEST] = True
                self._abort_if_unique_id_configured(updates=updates)
                return self.async_create_entry(
                    title=_title(result.info), data=result.data, **_create_placeholders(result)
                )
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
        # A known device moved: follow it (the entry reloads when the host changed). Its
        # pinned certificate and Digest requirement stay: a device at the new address that
        # presents another certificate or asks for Basic is refused until the user confirms.
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
            result = await self._async_try({**self._discovered, **user_input}, errors)
            if isinstance(result, Validated):
                if result.info.serial != self.unique_id:
                    return self.async_abort(reason="wrong_device")
                return self.async_create_entry(
                    title=_title(result.info), data=result.data, **_create_placeholders(result)
                )
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
        the address aborts with `wrong_device`. The entry keeps what it was validated with:
        the pinned certificate and the Digest requirement.
        """
        result = await self._async_try({**entry.data, **user_input}, errors)
        if not isinstance(result, Validated):
            return result
        await self.async_set_unique_id(result.info.serial)
        self._abort_if_unique_id_mismatch(reason="wrong_device")
        if self.source == SOURCE_REAUTH or result.fingerprint is None:
            return self.async_update_reload_and_abort(entry, data=result.data)
        # A reconfigured HTTPS connection trusts the certificate it found: say which.
        self.hass.config_entries.async_update_entry(entry, data=result.data)
        self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_abort(
            reason="reconfigure_successful_pinned",
            description_placeholders={"fingerprint": format_fingerprint(result.fingerprint)},
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The device rejected the stored credentials, or presents another certificate."""
        if pins_certificate(entry_data):
            # An unreachable device is asked for credentials; the certificate is checked
            # (pinned) when they are.
            with suppress(VapixError):
                fingerprint = await async_fetch_fingerprint(entry_data)
                if fingerprint != entry_data.get(CONF_SSL_FINGERPRINT):
                    self._fingerprint = fingerprint
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for new credentials."""
        return await self._async_reauth(user_input)

    async def async_step_reauth_certificate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the certificate the device presents now; trust it with the credentials."""
        return await self._async_reauth(user_input)

    async def _async_reauth(self, user_input: dict[str, Any] | None) -> ConfigFlowResult:
        """The reauth form: credentials, and the new certificate when there is one."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            updates = dict(user_input)
            if self._fingerprint is not None:
                # Validated pinned to exactly the certificate the user was shown.
                updates[CONF_SSL_FINGERPRINT] = self._fingerprint
            if result := await self._async_update_entry(entry, updates, errors):
                return result
        placeholders = {"name": entry.title}
        step_id = "reauth_confirm"
        if self._fingerprint is not None:
            step_id = "reauth_certificate"
            placeholders["fingerprint"] = format_fingerprint(self._fingerprint)
        return self.async_show_form(
            step_id=step_id,
            data_schema=vol.Schema(_credentials_schema(entry.data[CONF_USERNAME])),
            description_placeholders=placeholders,
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
            # The certificate at the (new) address is fetched and shown, not the old one kept.
            updates = {**user_input, CONF_SSL_FINGERPRINT: None}
            if result := await self._async_update_entry(entry, updates, errors):
                return result
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=vol.Schema(_connection_schema(user_input or entry.data)),
            errors=errors,
        )
