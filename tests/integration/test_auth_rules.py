"""Which authentication crosses the network: never Basic over plain HTTP, no downgrade after Digest.

The entry data keys are spelled out (not imported) on purpose: they are stored on disk, and the
tests also run against code that predates them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_PORT, CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.axis_edge_storage.const import CONF_PROTOCOL, DOMAIN
from simulator import Simulator

from .conftest import PASSWORD, SERIAL, TITLE, StartSim, entry_data
from .test_config_flow import CREDENTIALS, user_input
from .test_tls_pinning import presented_fingerprint

REQUIRE_DIGEST = "require_digest"


def authenticated(simulator: Simulator) -> list[str]:
    """The paths of the requests the simulator accepted credentials for."""
    return [record.path for record in simulator.request_log if record.user is not None]


def basic_headers(simulator: Simulator) -> int:
    """How many requests carried an `Authorization: Basic` header."""
    return sum(record.auth == "basic" for record in simulator.request_log)


def reauth_flows(hass: HomeAssistant) -> list[dict[str, Any]]:
    """The reauthentication flows in progress."""
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == "reauth"
    ]


async def add_entry(hass: HomeAssistant, simulator: Simulator, **data: Any) -> MockConfigEntry:
    """An entry for a simulator, set up (successfully or not)."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(simulator, **data)
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_user_basic_over_http_refused(hass: HomeAssistant, start_sim: StartSim) -> None:
    """A camera that asks for Basic over plain HTTP gets no password: insecure_auth."""
    async with start_sim(auth="basic") as sim:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(sim))
        # The simulator never saw the credentials: every request stayed unauthenticated.
        assert sim.request_log
        assert authenticated(sim) == []
        assert basic_headers(sim) == 0
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "insecure_auth"}


async def test_user_basic_over_https_allowed(hass: HomeAssistant, start_sim: StartSim) -> None:
    """Basic over HTTPS is allowed for a camera that never offered Digest; nothing to remember."""
    async with start_sim(auth="basic", tls=True) as sim:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input(sim, protocol="https")
        )
        assert basic_headers(sim) > 0
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert REQUIRE_DIGEST not in result["data"]


async def test_user_remembers_digest(hass: HomeAssistant, sim: Simulator) -> None:
    """A camera that answered Digest at set-up must use Digest from then on."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(sim))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][REQUIRE_DIGEST] is True


async def test_setup_basic_over_http_is_an_auth_problem(
    hass: HomeAssistant, start_sim: StartSim
) -> None:
    """An entry whose camera now asks for Basic over HTTP: reauth, saying why; no password sent."""
    async with start_sim(auth="basic") as sim:
        entry = await add_entry(hass, sim)
        assert entry.state is ConfigEntryState.SETUP_ERROR
        assert entry.error_reason_translation_key == "insecure_auth"
        assert authenticated(sim) == []
        flows = reauth_flows(hass)
        assert len(flows) == 1

        result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"], CREDENTIALS)
        assert result["errors"] == {"base": "insecure_auth"}
        assert authenticated(sim) == []
        assert basic_headers(sim) == 0


async def test_digest_entry_refuses_basic_over_https(
    hass: HomeAssistant, start_sim: StartSim
) -> None:
    """Once Digest was used, a Basic-only challenge (even over HTTPS) is a downgrade: reauth."""
    async with start_sim(auth="basic", tls=True) as sim:
        entry = await add_entry(
            hass,
            sim,
            protocol="https",
            ssl_fingerprint=await presented_fingerprint(sim.port),
            **{REQUIRE_DIGEST: True},
        )
        assert entry.state is ConfigEntryState.SETUP_ERROR
        assert entry.error_reason_translation_key == "auth_downgrade"
        assert authenticated(sim) == []

        flows = reauth_flows(hass)
        assert len(flows) == 1
        result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"], CREDENTIALS)
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "reauth_confirm"
        assert result["errors"] == {"base": "auth_downgrade"}

        # Turning Digest on again on the camera lets the user sign in again.
        sim.config.auth = "digest"
        result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"], CREDENTIALS)
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reauth_successful"
        assert entry.data[REQUIRE_DIGEST] is True


async def test_running_entry_never_downgrades_to_basic(
    hass: HomeAssistant, start_sim: StartSim
) -> None:
    """Something in front of the camera asks for Basic over HTTP after Digest: no Basic header.

    Before, the client answered with Basic at once (35 Basic headers in 35 s were seen).
    """
    async with start_sim() as sim:
        entry = await add_entry(hass, sim)
        assert entry.state is ConfigEntryState.LOADED
        seen = len(sim.request_log)

        sim.config.auth = "basic"
        await entry.runtime_data.coordinator.async_refresh()
        await hass.async_block_till_done()
        assert [r.user for r in sim.request_log[seen:] if r.user is not None] == []
        assert basic_headers(sim) == 0
        assert entry.runtime_data.coordinator.last_update_success is False
        assert len(reauth_flows(hass)) == 1
        # An entry made before the Digest memory learned it from the running client.
        assert entry.data[REQUIRE_DIGEST] is True


@pytest.mark.parametrize("tls", [False, True])
async def test_restarted_entry_keeps_digest(
    hass: HomeAssistant, start_sim: StartSim, tls: bool
) -> None:
    """The remembered Digest requirement survives a reload (it is in the entry data).

    Over HTTP too, the camera asking for Basic is reported as the downgrade it is.
    """
    protocol = {"protocol": "https"} if tls else {}
    async with start_sim(tls=tls) as sim:
        entry = await add_entry(hass, sim, **protocol)
        assert entry.state is ConfigEntryState.LOADED
        assert entry.data[REQUIRE_DIGEST] is True

        sim.config.auth = "basic"
        await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.SETUP_ERROR
        assert entry.error_reason_translation_key == "auth_downgrade"


async def test_reconfigure_basic_over_http_refused(
    hass: HomeAssistant, config_entry: MockConfigEntry, start_sim: StartSim
) -> None:
    """Reconfiguring to an address where Basic over HTTP is asked: insecure_auth, nothing sent."""
    async with start_sim(auth="basic", serial=SERIAL) as other:
        result = await config_entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                "host": "127.0.0.1",
                CONF_PORT: other.port,
                CONF_PROTOCOL: "http",
                CONF_VERIFY_SSL: False,
            },
        )
        assert result["errors"] == {"base": "insecure_auth"}
        assert authenticated(other) == []
    assert config_entry.data[CONF_PASSWORD] == PASSWORD


async def test_reauth_and_reconfigure_remember_digest(
    hass: HomeAssistant, config_entry: MockConfigEntry, sim: Simulator
) -> None:
    """An entry without the Digest memory gains it from a reauth or a reconfigure."""
    assert REQUIRE_DIGEST not in config_entry.data
    result = await config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    assert result["reason"] == "reauth_successful"
    assert config_entry.data[REQUIRE_DIGEST] is True
    await hass.async_block_till_done()

    hass.config_entries.async_update_entry(
        config_entry, data={k: v for k, v in config_entry.data.items() if k != REQUIRE_DIGEST}
    )
    result = await config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"host": "127.0.0.1", CONF_PORT: sim.port, CONF_PROTOCOL: "http", CONF_VERIFY_SSL: False},
    )
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data[REQUIRE_DIGEST] is True
    await hass.async_block_till_done()


async def test_readding_known_camera_adds_digest_memory(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Adding a known camera again moves it and adds the Digest requirement, never removes it."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=SERIAL, data=entry_data(sim, host="127.0.0.2", port=1)
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(sim))
    assert result["reason"] == "already_configured"
    assert entry.data[REQUIRE_DIGEST] is True
    assert entry.data["host"] == "127.0.0.1"


def test_security_messages_translated() -> None:
    """Every reason the flows and the set-up give for these rules has its English text."""
    root = Path(__file__).parents[2] / "custom_components" / DOMAIN
    strings = json.loads((root / "strings.json").read_text(encoding="utf-8"))
    english = json.loads((root / "translations" / "en.json").read_text(encoding="utf-8"))
    for texts in (strings, english):
        config = texts["config"]
        for key in ("certificate_changed", "insecure_auth", "auth_downgrade"):
            assert config["error"][key]
            assert texts["exceptions"][key]["message"]
        assert "{fingerprint}" in config["step"]["reauth_certificate"]["description"]
        assert "{fingerprint}" in config["abort"]["reconfigure_successful_pinned"]
        assert "{fingerprint}" in config["create_entry"]["certificate_pinned"]
        assert "{fingerprint}" in texts["exceptions"]["certificate_changed"]["message"]
    assert strings["config"] == english["config"]
