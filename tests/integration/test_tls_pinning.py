"""HTTPS without certificate verification: the certificate is trusted on first use and pinned.

The simulator makes a new self-signed certificate each time it starts. The entry data keys are
spelled out (not imported) on purpose: they are stored on disk, and the tests also run against
code that predates them.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import ssl
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER, SOURCE_ZEROCONF, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.axis_edge_storage import connection
from custom_components.axis_edge_storage.const import CONF_PROTOCOL, DOMAIN
from custom_components.axis_edge_storage.vapix import VapixConnectionError
from simulator import Simulator

from .conftest import SERIAL, TITLE, StartSim, entry_data
from .test_config_flow import CREDENTIALS, user_input, zeroconf_info

FINGERPRINT = "ssl_fingerprint"
REQUIRE_DIGEST = "require_digest"
OTHER = "00" * 32  # a certificate the simulator does not present


async def presented_fingerprint(port: int) -> str:
    """The SHA-256 of the certificate served on a port, read without the integration's code."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    _reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context)
    der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    writer.close()
    await writer.wait_closed()
    return hashlib.sha256(der).hexdigest()


def shown(fingerprint: str) -> str:
    """How a fingerprint is shown to the user (as browsers and openssl print it)."""
    return ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()


def https(simulator: Simulator, **overrides: Any) -> dict[str, Any]:
    """Entry data for an HTTPS simulator without certificate verification."""
    return entry_data(simulator, protocol="https", **overrides)


def reauth_flows(hass: HomeAssistant) -> list[dict[str, Any]]:
    """The reauthentication flows in progress."""
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == "reauth"
    ]


async def test_user_pins_certificate(hass: HomeAssistant, start_sim: StartSim) -> None:
    """Set-up over HTTPS without verification stores and shows the certificate's fingerprint."""
    async with start_sim(tls=True) as sim:
        expected = await presented_fingerprint(sim.port)
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input(sim, protocol="https")
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"][FINGERPRINT] == expected
        assert result["description"] == "certificate_pinned"
        assert result["description_placeholders"] == {"fingerprint": shown(expected)}
        await hass.async_block_till_done()
        assert result["result"].state is ConfigEntryState.LOADED


async def test_user_without_pin(hass: HomeAssistant, sim: Simulator) -> None:
    """Plain HTTP has no certificate to pin; the entry is created with the usual message."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(sim))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert FINGERPRINT not in result["data"]
    assert result["description"] is None


async def test_user_certificate_changes_while_connecting(
    hass: HomeAssistant, start_sim: StartSim
) -> None:
    """Another certificate answers than the one just read: said, and nothing is stored."""
    async with start_sim(tls=True) as sim:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        with patch(
            "custom_components.axis_edge_storage.config_flow.async_fetch_fingerprint",
            return_value=OTHER,
        ):
            result = await hass.config_entries.flow.async_configure(
                result["flow_id"], user_input(sim, protocol="https")
            )
        assert result["errors"] == {"base": "certificate_changed"}
        assert sim.request_log == []

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input(sim, protocol="https")
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_zeroconf_https_pins_certificate(hass: HomeAssistant, start_sim: StartSim) -> None:
    """A camera discovered on the HTTPS port is pinned at confirmation, and the pin is shown."""
    async with start_sim(tls=True) as sim:
        expected = await presented_fingerprint(sim.port)
        with patch.dict(
            "custom_components.axis_edge_storage.config_flow.DEFAULT_PORTS",
            {"https": sim.port},
        ):
            result = await hass.config_entries.flow.async_init(
                DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf_info(sim.port)
            )
        result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"][FINGERPRINT] == expected
        assert result["data"][REQUIRE_DIGEST] is True
        assert result["description_placeholders"] == {"fingerprint": shown(expected)}
        await hass.async_block_till_done()


async def test_changed_certificate_reauth(hass: HomeAssistant, start_sim: StartSim) -> None:
    """A camera presenting another certificate gets no request; the reauth shows the new one.

    Before, the stored fingerprint was ignored and any certificate was accepted.
    """
    async with start_sim(tls=True) as sim:
        expected = await presented_fingerprint(sim.port)
        entry = MockConfigEntry(
            domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=https(sim, ssl_fingerprint=OTHER)
        )
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.SETUP_ERROR
        assert entry.error_reason_translation_key == "certificate_changed"
        assert entry.error_reason_translation_placeholders == {"fingerprint": shown(expected)}
        assert sim.request_log == []

        flows = reauth_flows(hass)
        assert len(flows) == 1
        result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"])
        assert result["step_id"] == "reauth_certificate"
        assert result["description_placeholders"] == {
            "name": TITLE,
            "fingerprint": shown(expected),
        }
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {**CREDENTIALS, CONF_PASSWORD: "wrong"}
        )
        assert result["step_id"] == "reauth_certificate"
        assert result["errors"] == {"base": "invalid_auth"}
        assert entry.data[FINGERPRINT] == OTHER

        result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reauth_successful"
        assert entry.data[FINGERPRINT] == expected
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED


async def test_reauth_certificate_changes_again(hass: HomeAssistant, start_sim: StartSim) -> None:
    """A certificate that changes after the reauth read it is shown, never taken silently."""
    async with start_sim(tls=True) as sim:
        expected = await presented_fingerprint(sim.port)
        entry = MockConfigEntry(
            domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=https(sim, ssl_fingerprint=OTHER)
        )
        entry.add_to_hass(hass)
        # The reauth reads the stored certificate, then the camera presents another one.
        with patch(
            "custom_components.axis_edge_storage.config_flow.async_fetch_fingerprint",
            return_value=OTHER,
        ):
            result = await entry.start_reauth_flow(hass)
        assert result["step_id"] == "reauth_confirm"
        result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
        assert result["step_id"] == "reauth_certificate"
        assert result["errors"] == {"base": "certificate_changed"}
        assert result["description_placeholders"]["fingerprint"] == shown(expected)
        assert entry.data[FINGERPRINT] == OTHER
        assert sim.request_log == []

        result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
        assert result["reason"] == "reauth_successful"
        assert entry.data[FINGERPRINT] == expected
        await hass.async_block_till_done()


async def test_reauth_same_certificate(hass: HomeAssistant, start_sim: StartSim) -> None:
    """A reauth for a password only asks for the password (the certificate is unchanged)."""
    async with start_sim(tls=True) as sim:
        expected = await presented_fingerprint(sim.port)
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=TITLE,
            unique_id=SERIAL,
            data=https(sim, ssl_fingerprint=expected, password="old"),
        )
        entry.add_to_hass(hass)
        result = await entry.start_reauth_flow(hass)
        assert result["step_id"] == "reauth_confirm"
        assert result["description_placeholders"] == {"name": TITLE}
        result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
        assert result["reason"] == "reauth_successful"
        assert entry.data[FINGERPRINT] == expected
        await hass.async_block_till_done()


async def test_reauth_unreachable_camera(hass: HomeAssistant, start_sim: StartSim) -> None:
    """A camera that cannot be reached at the reauth is asked the password; its pin stays."""
    async with start_sim(tls=True) as stopped:
        data = https(stopped, ssl_fingerprint=OTHER)
    entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=data)
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    assert result["errors"] == {"base": "cannot_connect"}
    assert entry.data[FINGERPRINT] == OTHER


async def test_entry_without_pin(hass: HomeAssistant, start_sim: StartSim) -> None:
    """An HTTPS entry made before pinning trusts its camera's certificate at its next start."""
    async with start_sim(tls=True) as sim:
        expected = await presented_fingerprint(sim.port)
        entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=https(sim))
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED
        assert entry.data[FINGERPRINT] == expected
        assert entry.data[REQUIRE_DIGEST] is True


async def test_reauth_of_entry_without_pin_shows_certificate(
    hass: HomeAssistant, start_sim: StartSim
) -> None:
    """A reauth of an HTTPS entry made before pinning shows the certificate it will trust."""
    async with start_sim(tls=True) as sim:
        expected = await presented_fingerprint(sim.port)
        entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=https(sim))
        entry.add_to_hass(hass)
        result = await entry.start_reauth_flow(hass)
        assert result["step_id"] == "reauth_certificate"
        assert result["description_placeholders"]["fingerprint"] == shown(expected)
        result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
        assert result["reason"] == "reauth_successful"
        assert entry.data[FINGERPRINT] == expected
        await hass.async_block_till_done()


async def test_reconfigure_pins_certificate(
    hass: HomeAssistant, config_entry: MockConfigEntry, start_sim: StartSim
) -> None:
    """Moving an entry to HTTPS pins the certificate found there and says which."""
    async with start_sim(tls=True) as sim:
        expected = await presented_fingerprint(sim.port)
        result = await config_entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_HOST: "127.0.0.1", CONF_PORT: sim.port, CONF_PROTOCOL: "https"},
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful_pinned"
        assert result["description_placeholders"] == {"fingerprint": shown(expected)}
        assert config_entry.data[FINGERPRINT] == expected
        assert config_entry.data[CONF_PROTOCOL] == "https"
        await hass.async_block_till_done()
        assert config_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_back_to_http_drops_pin(
    hass: HomeAssistant, sim: Simulator, start_sim: StartSim
) -> None:
    """A connection that no longer pins keeps no fingerprint; a new HTTPS address re-reads it."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=https(sim, ssl_fingerprint=OTHER)
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: "127.0.0.1", CONF_PORT: sim.port, CONF_PROTOCOL: "http"},
    )
    assert result["reason"] == "reconfigure_successful"
    assert FINGERPRINT not in entry.data
    await hass.async_block_till_done()


async def test_discovery_move_keeps_pin_and_digest(
    hass: HomeAssistant, start_sim: StartSim
) -> None:
    """A camera rediscovered at a new address keeps its pin and Digest requirement.

    A device at the new address presenting another certificate is refused (reauth showing
    the new certificate), not silently trusted.
    """
    async with start_sim(tls=True) as sim:
        expected = await presented_fingerprint(sim.port)
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=TITLE,
            unique_id=SERIAL,
            data=https(sim, host="192.0.2.10", ssl_fingerprint=OTHER, require_digest=True),
        )
        entry.add_to_hass(hass)
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf_info(sim.port)
        )
        assert result["reason"] == "already_configured"
        assert entry.data[CONF_HOST] == "127.0.0.1"
        assert entry.data[FINGERPRINT] == OTHER
        assert entry.data[REQUIRE_DIGEST] is True

        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.SETUP_ERROR
        assert entry.error_reason_translation_key == "certificate_changed"
        assert sim.request_log == []
        flows = reauth_flows(hass)
        assert len(flows) == 1
        result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"])
        assert result["step_id"] == "reauth_certificate"
        assert result["description_placeholders"]["fingerprint"] == shown(expected)
        assert entry.data[FINGERPRINT] == OTHER


async def test_create_device_pins_only_unverified_https(hass: HomeAssistant) -> None:
    """The client is pinned over HTTPS without verification; CA checks and HTTP have no pin."""
    base = {
        CONF_HOST: "192.0.2.1",
        "username": "root",
        CONF_PASSWORD: "pass",
        FINGERPRINT: OTHER,
        REQUIRE_DIGEST: True,
    }
    cases = [
        ({CONF_PROTOCOL: "https", CONF_VERIFY_SSL: False}, OTHER),
        ({CONF_PROTOCOL: "https", CONF_VERIFY_SSL: True}, None),
        ({CONF_PROTOCOL: "http", CONF_VERIFY_SSL: False}, None),
    ]
    for overrides, pinned in cases:
        with patch.object(connection, "AxisEdgeStorage") as client:
            connection.create_device(hass, {**base, **overrides})
        kwargs = client.call_args.kwargs
        assert kwargs["ssl_fingerprint"] == pinned
        assert kwargs["require_digest"] is True


async def test_entry_without_pin_camera_unreachable_for_the_pin(
    hass: HomeAssistant, start_sim: StartSim
) -> None:
    """The pin of an older entry is not invented when the certificate cannot be read."""
    async with start_sim(tls=True) as sim:
        entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=https(sim))
        entry.add_to_hass(hass)
        with patch(
            "custom_components.axis_edge_storage.connection.async_fetch_certificate_fingerprint",
            side_effect=VapixConnectionError("cannot read the certificate"),
        ):
            await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED
        assert FINGERPRINT not in entry.data


async def test_diagnostics_show_pin_redacted(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, start_sim: StartSim
) -> None:
    """Diagnostics say that the entry pins a certificate and requires Digest, not which one."""
    async with start_sim(tls=True) as sim:
        expected = await presented_fingerprint(sim.port)
        entry = MockConfigEntry(
            domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=https(sim, ssl_fingerprint=expected)
        )
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert result["entry"]["data"][FINGERPRINT] == "**REDACTED**"
    assert result["entry"]["data"][REQUIRE_DIGEST] is True
    assert expected not in json.dumps(result)
