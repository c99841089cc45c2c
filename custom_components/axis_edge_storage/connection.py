"""How the integration reaches a device: the client made from a config entry's data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from yarl import URL

from .const import CONF_PROTOCOL, DEFAULT_PORTS, PROTOCOL_HTTP
from .vapix import AxisEdgeStorage


def create_device(hass: HomeAssistant, data: Mapping[str, Any]) -> AxisEdgeStorage:
    """Return a client for the device described by config entry data.

    The client uses Home Assistant's shared aiohttp session (one per TLS verification mode).
    """
    protocol = data.get(CONF_PROTOCOL, PROTOCOL_HTTP)
    verify_ssl = bool(data.get(CONF_VERIFY_SSL, False))
    return AxisEdgeStorage(
        async_get_clientsession(hass, verify_ssl=verify_ssl),
        data[CONF_HOST],
        username=data[CONF_USERNAME],
        password=data[CONF_PASSWORD],
        port=data.get(CONF_PORT, DEFAULT_PORTS[protocol]),
        protocol=protocol,
        verify_ssl=verify_ssl,
    )


def configuration_url(data: Mapping[str, Any]) -> str:
    """The device's own web page."""
    protocol = data.get(CONF_PROTOCOL, PROTOCOL_HTTP)
    port = data.get(CONF_PORT, DEFAULT_PORTS[protocol])
    return str(
        URL.build(
            scheme=protocol,
            host=data[CONF_HOST],
            port=None if port == DEFAULT_PORTS[protocol] else port,
        )
    )
