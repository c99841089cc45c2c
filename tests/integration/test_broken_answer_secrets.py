"""A camera (or proxy) answering garbage never puts a secret into Home Assistant's log.

The secrets go to the camera in the request's query; aiohttp's errors about a malformed
status line, header or chunk quote the whole URL. Home Assistant logs a failing action with
its exception chain, so no error the integration raises may carry or chain such a URL. The
actions are called over the websocket API (as the frontend does) and the chain of each error
is formatted as a logger's `exc_info` would print it.
"""

from __future__ import annotations

import logging
import traceback
from datetime import timedelta
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import setup_camera

PASSPHRASE = "Dsk-broken-7Kq2-Vor"
SHARE_PASSWORD = "Shr-broken-4Pm8-Tal"
EXPORT_PASSWORD = "Exp-broken-9Wd3-Hen"

CALLS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "disks/properties/enablediskencryption.cgi",
        "enable_disk_encryption",
        {"disk_id": "SD_DISK", "passphrase": PASSPHRASE, "confirm": True},
    ),
    (
        "disks/networkshare/add.cgi",
        "add_network_share",
        {"nice_name": "Nas", "address": "nas", "share": "v", "password": SHARE_PASSWORD},
    ),
    ("record/export/exportrecording.cgi", "export_clip", {"password": EXPORT_PASSWORD}),
]


@pytest.mark.parametrize("fault", [{"kind": "invalid_header"}, {"kind": "bad_chunk"}])
@pytest.mark.parametrize(("path", "action", "data"), CALLS, ids=[c[1] for c in CALLS])
async def test_no_secret_when_the_answer_is_broken(  # noqa: PLR0917
    hass: HomeAssistant,
    sim: Simulator,
    hass_ws_client: WebSocketGenerator,
    caplog: pytest.LogCaptureFixture,
    fault: dict[str, Any],
    path: str,
    action: str,
    data: dict[str, Any],
) -> None:
    """The call fails with a translated error; neither it, its chain nor the log has a secret."""
    caplog.set_level(logging.DEBUG)
    secret = next(value for key, value in data.items() if "pass" in key)
    camera = await setup_camera(hass, sim)
    if action == "export_clip":
        data = {**data, "at": (dt_util.now() - timedelta(minutes=10)).isoformat()}
    sim.faults.add(fault["kind"], path=path)
    errors: list[str] = []

    with pytest.raises(HomeAssistantError) as info:
        await hass.services.async_call(
            DOMAIN, action, {"device_id": camera, **data}, blocking=True, return_response=True
        )
    assert info.value.translation_key
    errors.append("".join(traceback.format_exception(info.value)))

    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "call_service",
            "domain": DOMAIN,
            "service": action,
            "service_data": {"device_id": camera, **data},
            "return_response": True,
        }
    )
    answer = await client.receive_json()
    assert not answer["success"]
    errors.append(str(answer["error"]))

    logged = [
        record.getMessage() + "".join(traceback.format_exception(*record.exc_info))
        if record.exc_info
        else record.getMessage()
        for record in caplog.records
        if not record.name.startswith("simulator")  # the camera's own access log
        # Home Assistant's websocket API logs every message it receives at debug (README).
        and not (
            record.name.startswith("homeassistant.components.websocket_api")
            and record.levelno == logging.DEBUG
        )
    ]
    assert logged
    for text in (*errors, *logged):
        assert secret not in text
        assert ".cgi?" not in text  # no request URL with its query
