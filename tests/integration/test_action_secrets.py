"""Share passwords and disk passphrases go to the camera and nowhere else.

The share and encryption actions run with distinctive secrets, the successful calls and the
refused ones, while everything Home Assistant produces is collected: the log (every logger at
DEBUG), every event on the bus, every state and its attributes, the diagnostics, the response
data, the errors raised, and the job store. The only carrier is Home Assistant core itself: its
`call_service` event holds the data of every action of every integration.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from homeassistant.const import EVENT_CALL_SERVICE, MATCH_ALL
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import SERIAL, TITLE, entry_data

pytestmark = pytest.mark.usefixtures("fast_job_polling")

SD = "SD_DISK"
ADD_PASSWORD = "Shr-add-7Qx2-Zeb"
MODIFY_PASSWORD = "Shr-modify-9Vk4-Lum"
TEST_PASSWORD = "Shr-test-3Fo8-Pyx"
COMMA_PASSWORD = "Shr,comma-5Hj1-Wod"
REFUSED_PASSWORD = "Shr-refused-2Ty6-Qar"
PASSPHRASE = "Dsk-first-4Nc7-Ivo"
NEW_PASSPHRASE = "Dsk-second-8Re3-Uma"
WRONG_PASSPHRASE = "Dsk-wrong-6Gb9-Esk"
LONG_PASSPHRASE = "Dsk-long-1Xw5-" + "y" * 600
SECRETS = (
    ADD_PASSWORD,
    MODIFY_PASSWORD,
    TEST_PASSWORD,
    COMMA_PASSWORD,
    REFUSED_PASSWORD,
    PASSPHRASE,
    NEW_PASSPHRASE,
    WRONG_PASSPHRASE,
    LONG_PASSPHRASE[:20],
)


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


async def test_secrets_stay_with_the_camera(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    fast_sim: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Run every action that carries a secret, then look for the secrets everywhere."""
    sim = fast_sim
    caplog.set_level(logging.DEBUG)  # every logger, not only ours and the simulator's
    caplog.set_level(logging.DEBUG, logger="custom_components.axis_edge_storage")
    caplog.set_level(logging.DEBUG, logger="simulator")
    events: list[Event] = []

    @callback
    def _record(event: Event) -> None:
        events.append(event)

    hass.bus.async_listen(MATCH_ALL, _record)

    entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(sim))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    camera = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SERIAL)})
    assert camera is not None
    responses: list[Any] = []
    errors: list[HomeAssistantError] = []

    async def call(action: str, **data: Any) -> None:
        try:
            responses.append(
                await hass.services.async_call(
                    DOMAIN,
                    action,
                    {"device_id": camera.id, **data},
                    blocking=True,
                    return_response=True,
                )
            )
        except HomeAssistantError as err:
            errors.append(err)

    # Network shares: add, modify, test (stored, given, failing at once and in the job).
    share = {"address": "nas", "share": "video", "username": "nasuser"}
    await call("add_network_share", nice_name="Office", share_id="office", **share,
               password=ADD_PASSWORD)  # fmt: skip
    await call("modify_network_share", share_id="office", password=MODIFY_PASSWORD)
    await call("test_network_share", share_id="office", wait=True)
    await call("test_network_share", **share, password=TEST_PASSWORD, wait=True)
    await call("test_network_share", **share, password=COMMA_PASSWORD, wait=True)
    await call("test_network_share", share_id="nas1", password=TEST_PASSWORD)
    await call("add_network_share", nice_name="Office", **share, password=REFUSED_PASSWORD)
    sim.faults.add("device_error", path="disks/networkshare/modify.cgi", code=10, count=1)
    await call("modify_network_share", share_id="office", password=REFUSED_PASSWORD)
    await call("add_network_share", nice_name="Bad", address="a b", share="x",
               password=REFUSED_PASSWORD)  # fmt: skip
    await hass.async_block_till_done()
    jobs = entry.runtime_data.jobs
    for job in jobs.running:
        await jobs.async_wait(job, 10)

    # Disk encryption: refused while mounted, enabled, formatted, changed, refused changes.
    target = {"disk_id": SD}
    await call("enable_disk_encryption", **target, passphrase=PASSPHRASE, confirm=True)
    await call("unmount_disk", **target, wait=True)
    await call("enable_disk_encryption", **target, passphrase=LONG_PASSPHRASE, confirm=True)
    await call("enable_disk_encryption", **target, passphrase=PASSPHRASE, confirm=True)
    await call("format_disk", **target, confirm=True, wait=True)
    await call("change_disk_passphrase", **target, old_passphrase=WRONG_PASSPHRASE,
               new_passphrase=NEW_PASSPHRASE)  # fmt: skip
    await call("change_disk_passphrase", **target, old_passphrase=PASSPHRASE,
               new_passphrase=NEW_PASSPHRASE)  # fmt: skip
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()

    # The secrets did reach the camera: the checks below look at a run that used them.
    assert sim.state.shares["office"].password == MODIFY_PASSWORD
    assert sim.state.disks[SD].passphrase == NEW_PASSPHRASE
    assert sim.state.disks[SD].encrypted
    assert {e.translation_key for e in errors} == {
        "encryption_needs_unmounted",
        "invalid_passphrase",
        "wrong_old_passphrase",
        "share_name_in_use",
        "device_refused",
        "invalid_share_address",
    }
    test_results = [r for r in responses if r and r.get("kind") == "share_test"]
    assert sorted(str(r["error_code"]) for r in test_results) == ["710", "710", "720", "None"]

    # Response data and the errors raised.
    assert not _leaks(json.dumps(responses, default=str))
    for err in errors:
        text = f"{err} {err!r} {err.translation_placeholders} {err.__cause__!r}"
        assert not _leaks(text), (err.translation_key, _leaks(text))

    # Events: Home Assistant core's call_service event carries the action data of every
    # action, for every integration; it is the only event that holds a secret.
    carriers = {event.event_type for event in events if _leaks(json.dumps(event.data, default=str))}
    assert carriers == {EVENT_CALL_SERVICE}
    finished = [e for e in events if e.event_type == f"{DOMAIN}_job_finished"]
    assert len(finished) == len(test_results) + 2  # + unmount and format

    # States and attributes.
    for state in hass.states.async_all():
        assert not _leaks(json.dumps(state.as_dict(), default=str)), state.entity_id

    # Diagnostics.
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert not _leaks(json.dumps(diagnostics))

    # What Home Assistant stores (the followed jobs among it).
    assert not _leaks(json.dumps(hass_storage, default=str))

    # The log, every logger at DEBUG: the simulator's request lines are there, with the
    # secrets masked, and no line holds a secret.
    assert "pass=***" in caplog.text
    assert "passphrase=***" in caplog.text
    assert "oldpassphrase=***" in caplog.text
    leaking = [(r.name, r.getMessage()[:200]) for r in caplog.records if _leaks(r.getMessage())]
    assert not leaking
    ours = "\n".join(
        r.getMessage()
        for r in caplog.records
        if r.name.startswith(("custom_components.axis_edge_storage", "simulator"))
    )
    assert ours
    assert not _leaks(ours)

    assert await hass.config_entries.async_unload(entry.entry_id)
