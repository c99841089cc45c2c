"""How the integration reaches a device: the client made from a config entry's data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from yarl import URL

from .const import (
    CONF_PROTOCOL,
    CONF_REQUIRE_DIGEST,
    CONF_SSL_FINGERPRINT,
    DEFAULT_PORTS,
    LOGGER,
    PROTOCOL_HTTP,
    PROTOCOL_HTTPS,
)
from .vapix import AxisEdgeStorage, VapixError, async_fetch_certificate_fingerprint


def pins_certificate(data: Mapping[str, Any]) -> bool:
    """Whether the connection trusts the certificate by its fingerprint (HTTPS, no CA check)."""
    return data.get(CONF_PROTOCOL, PROTOCOL_HTTP) == PROTOCOL_HTTPS and not data.get(
        CONF_VERIFY_SSL, False
    )


def _port(data: Mapping[str, Any]) -> int:
    port: int = data.get(CONF_PORT) or DEFAULT_PORTS[data.get(CONF_PROTOCOL, PROTOCOL_HTTP)]
    return port


async def async_fetch_fingerprint(data: Mapping[str, Any]) -> str:
    """The SHA-256 fingerprint of the certificate the device presents now (raises VapixError)."""
    return await async_fetch_certificate_fingerprint(data[CONF_HOST], _port(data))


def format_fingerprint(fingerprint: str) -> str:
    """A fingerprint as browsers and openssl show it: upper-case byte pairs with colons."""
    return ":".join(fingerprint[i : i + 2] for i in range(0, len(fingerprint), 2)).upper()


def create_device(hass: HomeAssistant, data: Mapping[str, Any]) -> AxisEdgeStorage:
    """Return a client for the device described by config entry data.

    The client uses Home Assistant's shared aiohttp session (one per TLS verification mode).
    Over HTTPS without certificate verification, every request is pinned to the stored
    fingerprint; a device that once answered Digest is refused a downgrade to Basic.
    """
    verify_ssl = bool(data.get(CONF_VERIFY_SSL, False))
    return AxisEdgeStorage(
        async_get_clientsession(hass, verify_ssl=verify_ssl),
        data[CONF_HOST],
        username=data[CONF_USERNAME],
        password=data[CONF_PASSWORD],
        port=_port(data),
        protocol=data.get(CONF_PROTOCOL, PROTOCOL_HTTP),
        verify_ssl=verify_ssl,
        ssl_fingerprint=data.get(CONF_SSL_FINGERPRINT) if pins_certificate(data) else None,
        require_digest=bool(data.get(CONF_REQUIRE_DIGEST, False)),
    )


async def async_remember_security(
    hass: HomeAssistant, entry: ConfigEntry[Any], device: AxisEdgeStorage
) -> None:
    """Store what an entry made before pinning and Digest memory lacks, once it is known.

    Called after a successful poll: the device answered Digest (a later Basic-only challenge
    is then refused), and an HTTPS entry without certificate verification and without a pin
    trusts the certificate it presents now (trust on first use, as a new set-up does).
    """
    updates: dict[str, Any] = {}
    if device.used_digest and not entry.data.get(CONF_REQUIRE_DIGEST):
        updates[CONF_REQUIRE_DIGEST] = True
    if pins_certificate(entry.data) and not entry.data.get(CONF_SSL_FINGERPRINT):
        try:
            updates[CONF_SSL_FINGERPRINT] = await async_fetch_fingerprint(entry.data)
        except VapixError as err:
            LOGGER.debug("Cannot read the certificate of %s to pin it: %s", entry.title, err)
    if updates:
        hass.config_entries.async_update_entry(entry, data={**entry.data, **updates})


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
