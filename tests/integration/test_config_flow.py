"""Every path of the config flow and the options flow, against the simulator."""

from __future__ import annotations

import asyncio
from ipaddress import ip_address
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.config_entries import SOURCE_DHCP, SOURCE_USER, SOURCE_ZEROCONF
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SCAN_INTERVAL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.axis_edge_storage.const import (
    CONF_EXPORT_FOLDER,
    CONF_EXPORT_RETENTION_DAYS,
    CONF_PROTOCOL,
    DOMAIN,
)
from simulator import Simulator

from .conftest import PASSWORD, SERIAL, TITLE, StartSim, entry_data

CREDENTIALS = {CONF_USERNAME: "root", CONF_PASSWORD: PASSWORD}


def user_input(simulator: Simulator, **overrides: Any) -> dict[str, Any]:
    """What a user types in the user step to reach a simulator."""
    return {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: simulator.port,
        CONF_PROTOCOL: "http",
        CONF_VERIFY_SSL: False,
        **CREDENTIALS,
        **overrides,
    }


def zeroconf_info(port: int, mac: str = "accc8e012345", host: str = "127.0.0.1") -> Any:
    """An mDNS announcement of an Axis camera."""
    return ZeroconfServiceInfo(
        ip_address=ip_address(host),
        ip_addresses=[ip_address(host)],
        port=port,
        hostname=f"axis-{mac}.local.",
        type="_axis-video._tcp.local.",
        name=f"AXIS P3265-LVE - {mac.upper()}._axis-video._tcp.local.",
        properties={"macaddress": mac},
    )


def dhcp_info(mac: str = "accc8e012345", ip: str = "127.0.0.1") -> DhcpServiceInfo:
    """A DHCP request of an Axis camera."""
    return DhcpServiceInfo(ip=ip, hostname=f"axis-{mac}", macaddress=mac)


async def test_user_creates_entry(hass: HomeAssistant, sim: Simulator) -> None:
    """A user gives the address and an admin account: one entry, keyed by the serial."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}

    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(sim))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == TITLE
    assert result["data"] == {**entry_data(sim), "require_digest": True}
    assert result["result"].unique_id == SERIAL


async def test_user_port_defaults_to_protocol(hass: HomeAssistant, start_sim: StartSim) -> None:
    """Without a port, the protocol's default port is used (443 for HTTPS)."""
    async with start_sim(tls=True) as sim:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        given = user_input(sim, protocol="https")
        del given[CONF_PORT]
        with patch.dict(
            "custom_components.axis_edge_storage.config_flow.DEFAULT_PORTS",
            {"https": sim.port},
        ):
            result = await hass.config_entries.flow.async_configure(result["flow_id"], given)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"][CONF_PORT] == sim.port
        assert result["data"][CONF_PROTOCOL] == "https"


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({CONF_PASSWORD: "wrong"}, "invalid_auth"),
        ({CONF_USERNAME: "viewer", CONF_PASSWORD: "viewer"}, "insufficient_role"),
        ({CONF_PROTOCOL: "https"}, "cannot_connect"),
        ({CONF_VERIFY_SSL: True, CONF_PROTOCOL: "https"}, "cannot_connect"),
    ],
)
async def test_user_errors_then_recovers(
    hass: HomeAssistant, sim: Simulator, overrides: dict[str, Any], error: str
) -> None:
    """A wrong password, a viewer account or a wrong protocol is said, and the user can fix it."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(sim, **overrides)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    # What the user typed is kept, except the password.
    assert str(result["data_schema"]({CONF_PASSWORD: "x"})[CONF_HOST]) == "127.0.0.1"

    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(sim))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_device_unreachable(hass: HomeAssistant, start_sim: StartSim) -> None:
    """Nothing answers at the address: cannot_connect."""
    async with start_sim() as stopped:
        given = user_input(stopped)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], given)
    assert result["errors"] == {"base": "cannot_connect"}


async def test_user_unexpected_error(hass: HomeAssistant, sim: Simulator) -> None:
    """A bug is reported as unknown, not as a crash of the flow."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    with patch(
        "custom_components.axis_edge_storage.config_flow._async_validate",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(sim))
    assert result["errors"] == {"base": "unknown"}


async def test_user_device_without_edge_storage(hass: HomeAssistant, start_sim: StartSim) -> None:
    """A device without LocalStorage=yes is refused with a reason, not an error."""
    async with start_sim(local_storage=False) as sim:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(sim))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_supported"


async def test_user_disks_api_missing(hass: HomeAssistant, sim: Simulator) -> None:
    """LocalStorage=yes but disks/list.cgi answers 404: not supported."""
    sim.faults.add("status", status=404, path="disks/list.cgi")
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(sim))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_supported"


async def test_user_already_configured_updates_address(hass: HomeAssistant, sim: Simulator) -> None:
    """The same camera added again: aborted, and the stored address follows the new one."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=SERIAL,
        data=entry_data(sim, host="127.0.0.2", port=1),
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(sim))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "127.0.0.1"
    assert entry.data[CONF_PORT] == sim.port


async def test_zeroconf_discovery_confirm(hass: HomeAssistant, sim: Simulator) -> None:
    """A discovered camera is confirmed with credentials and set up."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf_info(sim.port)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    assert result["description_placeholders"] == {CONF_HOST: "127.0.0.1"}
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flows[0]["context"]["title_placeholders"] == {
        "name": f"Axis {SERIAL}",
        "host": "127.0.0.1",
    }

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "root", CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == TITLE
    assert result["data"] == {**entry_data(sim), "require_digest": True}


async def test_zeroconf_discovery_other_serial(hass: HomeAssistant, sim: Simulator) -> None:
    """The announced MAC does not match the camera that answers: aborted."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=zeroconf_info(sim.port, mac="accc8e0fffff"),
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"


async def test_zeroconf_https_port(hass: HomeAssistant, start_sim: StartSim) -> None:
    """A device announced on the HTTPS port is reached over HTTPS."""
    async with start_sim(tls=True) as sim:
        with patch.dict(
            "custom_components.axis_edge_storage.config_flow.DEFAULT_PORTS",
            {"https": sim.port},
        ):
            result = await hass.config_entries.flow.async_init(
                DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf_info(sim.port)
            )
        result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PROTOCOL] == "https"


@pytest.mark.parametrize(
    ("info", "reason"),
    [
        (zeroconf_info(80, mac="001122334455"), "not_axis_device"),
        (zeroconf_info(80, mac=""), "not_axis_device"),
        (zeroconf_info(80, host="fe80::1"), "not_ipv4_address"),
        (zeroconf_info(80, host="169.254.3.4"), "link_local_address"),
    ],
)
async def test_zeroconf_refused(hass: HomeAssistant, info: Any, reason: str) -> None:
    """Other vendors, IPv6 and link-local announcements are ignored with a reason."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=info
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason


@pytest.mark.parametrize("source", [SOURCE_ZEROCONF, SOURCE_DHCP])
async def test_discovery_updates_known_device(
    hass: HomeAssistant, sim: Simulator, source: str
) -> None:
    """A known camera discovered at a new address: the entry's host follows it."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=SERIAL, data=entry_data(sim, host="192.0.2.10")
    )
    entry.add_to_hass(hass)
    info = zeroconf_info(sim.port) if source == SOURCE_ZEROCONF else dhcp_info()
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": source}, data=info
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "127.0.0.1"


async def test_dhcp_discovery_confirm(hass: HomeAssistant) -> None:
    """A DHCP-discovered camera asks for credentials; the device must answer on port 80."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp_info(ip="127.0.0.1")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    with patch(
        "custom_components.axis_edge_storage.config_flow._async_validate",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    assert result["errors"] == {"base": "unknown"}


async def test_discovery_confirm_without_edge_storage(
    hass: HomeAssistant, start_sim: StartSim
) -> None:
    """A discovered Axis camera without edge storage is refused at confirmation."""
    async with start_sim(local_storage=False) as sim:
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf_info(sim.port)
        )
        result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_supported"


async def test_reauth(hass: HomeAssistant, config_entry: MockConfigEntry, sim: Simulator) -> None:
    """New credentials are checked, stored, and the entry reloads."""
    sim.set_password("root", "n3w-secret")
    result = await config_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"] == {"name": TITLE}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "root", CONF_PASSWORD: PASSWORD}
    )
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "root", CONF_PASSWORD: "n3w-secret"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert config_entry.data[CONF_PASSWORD] == "n3w-secret"


async def test_reauth_unsupported_device(
    hass: HomeAssistant, config_entry: MockConfigEntry, sim: Simulator
) -> None:
    """Reauthenticating against an address whose device lost edge storage is refused."""
    sim.faults.add("status", status=404, path="disks/list.cgi")
    result = await config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_supported"


async def test_reauth_other_device(hass: HomeAssistant, start_sim: StartSim) -> None:
    """Credentials accepted by another camera at the address do not overwrite the entry."""
    async with start_sim(serial="ACCC8E0FFFFF") as other:
        entry = MockConfigEntry(domain=DOMAIN, unique_id=SERIAL, data=entry_data(other))
        entry.add_to_hass(hass)
        result = await entry.start_reauth_flow(hass)
        result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"


async def test_reconfigure(hass: HomeAssistant, start_sim: StartSim, sim: Simulator) -> None:
    """The connection moves to a new address; the credentials stay."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=SERIAL, data=entry_data(sim, host="192.0.2.10", port=1)
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"

    moved = {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: 1,
        CONF_PROTOCOL: "http",
        CONF_VERIFY_SSL: False,
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], moved)
    assert result["errors"] == {"base": "cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**moved, CONF_PORT: sim.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {**entry_data(sim), "require_digest": True}


async def test_reconfigure_other_device(
    hass: HomeAssistant, config_entry: MockConfigEntry, start_sim: StartSim
) -> None:
    """Pointing an entry at another camera is refused."""
    async with start_sim(serial="ACCC8E0FFFFF") as other:
        other_port = other.port
        result = await config_entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_HOST: "127.0.0.1", CONF_PORT: other_port, CONF_PROTOCOL: "http"},
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    assert config_entry.data[CONF_PORT] != other_port


async def test_options(
    hass: HomeAssistant, init_integration: MockConfigEntry, tmp_path: Any
) -> None:
    """Poll interval, events, export folder and retention; a folder HA may not write is refused."""
    entry = init_integration
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM

    bad = {
        CONF_SCAN_INTERVAL: 15,
        CONF_EXPORT_FOLDER: "/etc",
        CONF_EXPORT_RETENTION_DAYS: 3,
        "link_validity_hours": 2,
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], bad)
    assert result["errors"] == {CONF_EXPORT_FOLDER: "folder_not_allowed"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**bad, CONF_EXPORT_FOLDER: "relative/dir"}
    )
    assert result["errors"] == {CONF_EXPORT_FOLDER: "folder_not_allowed"}

    good = {**bad, CONF_EXPORT_FOLDER: f" {tmp_path} ", "events": False}
    result = await hass.config_entries.options.async_configure(result["flow_id"], good)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options == {
        CONF_SCAN_INTERVAL: 15,
        "events": False,
        CONF_EXPORT_FOLDER: str(tmp_path),
        CONF_EXPORT_RETENTION_DAYS: 3,
        "link_validity_hours": 2,
    }
    # The entry reloaded with the new interval, and polls alone (no event stream).
    assert entry.runtime_data.coordinator.update_interval.total_seconds() == 15
    assert not entry.runtime_data.events.enabled


async def test_reconfigure_device_without_edge_storage(
    hass: HomeAssistant, config_entry: MockConfigEntry, start_sim: StartSim
) -> None:
    """Pointing an entry at a device without edge storage is refused with the reason."""
    async with start_sim(local_storage=False) as other:
        result = await config_entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_HOST: "127.0.0.1", CONF_PORT: other.port, CONF_PROTOCOL: "http"},
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_supported"


def options_input(folder: str) -> dict[str, Any]:
    """The options form with an export folder."""
    return {
        CONF_SCAN_INTERVAL: 30,
        CONF_EXPORT_FOLDER: folder,
        CONF_EXPORT_RETENTION_DAYS: 7,
        "link_validity_hours": 24,
    }


async def test_options_folder_checked_off_the_loop(
    hass: HomeAssistant, init_integration: MockConfigEntry, tmp_path: Any
) -> None:
    """`is_allowed_path` resolves the path (blocking file system calls): run in the executor."""
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    allowed = hass.config.is_allowed_path
    on_loop: list[bool] = []

    def is_allowed_path(path: str) -> bool:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            on_loop.append(False)
        else:
            on_loop.append(True)
        return allowed(path)

    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    with patch.object(hass.config, "is_allowed_path", is_allowed_path):
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], options_input(str(tmp_path / "clips"))
        )
    assert on_loop == [False]
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_options_external_folder(
    hass: HomeAssistant, init_integration: MockConfigEntry, tmp_path: Any
) -> None:
    """A folder outside the media folders is the export root when Home Assistant allows it.

    A folder that leaves the allowed one through a symbolic link is refused.
    """
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "escape").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    hass.config.allowlist_external_dirs = {str(allowed)}

    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], options_input(str(allowed / "escape" / "clips"))
    )
    assert result["errors"] == {CONF_EXPORT_FOLDER: "folder_not_allowed"}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], options_input(str(allowed / "cameras" / "front"))
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options[CONF_EXPORT_FOLDER] == str(allowed / "cameras" / "front")
