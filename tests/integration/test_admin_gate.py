"""The admin gate, driven through Home Assistant's websocket API as real users.

Every action and setting entity that can delete, stop or redirect recordings, or send
credentials elsewhere, is refused to a Home Assistant user who is not an administrator, with a
translated `Unauthorized`, and the camera is not asked anything. The same call by an
administrator, or without a user (an automation), runs. Exports, the other actions and the
settings that do none of this stay open to every user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import PropertyMock, patch

import pytest
from homeassistant.auth.const import GROUP_ID_USER
from homeassistant.auth.models import User
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError, Unauthorized
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import CLIENT_ID, MockUser
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    MockHAClientWebSocket,
    WebSocketGenerator,
)

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import setup_camera

pytestmark = pytest.mark.usefixtures("fast_job_polling")

SD = "SD_DISK"
SHARE_DISK = "NetworkShare"
DEVICE = "axis_p3265_lve_accc8e012345_sd_card"
ENTITY_PREFIX = f"{DEVICE}_"
MAX_AGE = f"number.{DEVICE}_maximum_recording_age"
STORAGE_LIMIT = f"number.{DEVICE}_recording_storage_limit"
WEAR_ALERT = f"number.{DEVICE}_wear_alert_level"
TEMPERATURE_ALERT = f"number.{DEVICE}_temperature_alert_level"
CLEANUP_POLICY = f"select.{DEVICE}_recording_cleanup"
REQUIRED_FS = f"select.{DEVICE}_required_file_system"


@pytest.fixture(autouse=True)
def _all_entities_enabled() -> Iterator[None]:
    """Create the entities disabled by default too (the required file system)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


@pytest.fixture
async def user_token(hass: HomeAssistant, local_auth: Any) -> tuple[User, str]:
    """A Home Assistant user who is not an administrator (group Users), and a token."""
    group = await hass.auth.async_get_group(GROUP_ID_USER)
    user = MockUser(name="Family", groups=[group]).add_to_hass(hass)
    assert not user.is_admin
    refresh_token = await hass.auth.async_create_refresh_token(user, CLIENT_ID)
    return user, hass.auth.async_create_access_token(refresh_token)


# ------------------------------------------------------------------------------ the cases
def _ongoing(sim: Simulator) -> str:
    return next(r.recordingid for r in sim.state.recordings.values() if r.stop is None)


def _finished(sim: Simulator) -> str:
    return next(r.recordingid for r in sim.state.recordings.values() if r.stop is not None)


def _unmounted(sim: Simulator) -> None:
    sim.patch_disk(SD, status="connected")


def _encrypted(sim: Simulator) -> None:
    sim.patch_disk(
        SD, encryption_enabled=True, encrypted=True, passphrase="old", disk_passphrase="old"
    )


def _encryption_unmounted(sim: Simulator) -> None:
    _encrypted(sim)
    _unmounted(sim)


def _share_bound(sim: Simulator) -> None:
    sim.state.shares["nas1"].diskid = SHARE_DISK


@dataclass(frozen=True)
class Call:
    """One call of an action (or an entity's service), and the camera request it makes."""

    service: str
    data: Callable[[Simulator], dict[str, Any]] = lambda _sim: {}
    # What the call asks the camera when it runs (the end of the request path).
    cgi: str = ""
    # How the simulated camera is set up first so that the call succeeds.
    prepare: Callable[[Simulator], object] = lambda _sim: None
    domain: str = DOMAIN
    # The camera (and disk) as target; an entity service names its entity instead.
    target: dict[str, str] = field(default_factory=lambda: {"disk_id": SD})
    entity_id: str = ""

    def __str__(self) -> str:
        if self.domain == DOMAIN:
            return self.service
        name = self.entity_id.split(".")[1].removeprefix(ENTITY_PREFIX)
        return f"{self.domain}.{self.service}:{name}"


def _entity(domain: str, entity_id: str, cgi: str, **data: Any) -> Call:
    service = "set_value" if domain == "number" else "select_option"
    return Call(
        service,
        lambda _sim: data,
        cgi=cgi,
        domain=domain,
        target={"entity_id": entity_id},
        entity_id=entity_id,
    )


GUARDED: tuple[Call, ...] = (
    Call("format_disk", lambda _s: {"confirm": True}, "disks/format.cgi"),
    Call("repair_disk", lambda _s: {"confirm": True}, "disks/repair.cgi", _unmounted),
    Call("mount_disk", cgi="disks/mount.cgi", prepare=_unmounted),
    Call("unmount_disk", cgi="disks/mount.cgi"),
    Call("lock_disk", cgi="disks/lock.cgi"),
    Call("unlock_disk", cgi="disks/lock.cgi", prepare=lambda sim: sim.patch_disk(SD, locked=True)),
    Call(
        "enable_disk_encryption",
        lambda _s: {"passphrase": "new-pass", "confirm": True},
        "enablediskencryption.cgi",
        _unmounted,
    ),
    Call(
        "disable_disk_encryption",
        lambda _s: {"confirm": True},
        "disablediskencryption.cgi",
        _encryption_unmounted,
    ),
    Call(
        "change_disk_passphrase",
        lambda _s: {"old_passphrase": "old", "new_passphrase": "new"},
        "changediskpassphrase.cgi",
        _encrypted,
    ),
    Call(
        "add_network_share",
        lambda _s: {
            "nice_name": "Elsewhere",
            "address": "192.0.2.99",
            "share": "recordings",
            "username": "camera",
            "password": "nas-secret",
        },
        "networkshare/add.cgi",
        target={},
    ),
    Call(
        "test_network_share",
        lambda _s: {"share_id": "nas1", "address": "192.0.2.99"},
        "networkshare/test.cgi",
        target={},
    ),
    Call(
        "bind_network_share",
        lambda _s: {"share_id": "nas1", "automount": False},
        "networkshare/bind.cgi",
        target={},
    ),
    Call(
        "unbind_network_share",
        lambda _s: {"share_id": "nas1"},
        "networkshare/unbind.cgi",
        _share_bound,
        target={},
    ),
    Call(
        "modify_network_share",
        lambda _s: {"share_id": "nas1", "address": "192.0.2.99"},
        "networkshare/modify.cgi",
        target={},
    ),
    Call(
        "remove_network_share",
        lambda _s: {"share_id": "nas1", "confirm": True},
        "networkshare/remove.cgi",
        target={},
    ),
    Call(
        "stop_recording",
        lambda sim: {"recording_id": _ongoing(sim)},
        "record/stop.cgi",
        target={},
    ),
    Call(
        "remove_recording",
        lambda sim: {"recording_id": _finished(sim), "confirm": True},
        "record/remove.cgi",
        target={},
    ),
    Call(
        "add_continuous_recording",
        lambda _s: {"options": "resolution=640x360"},
        "continuous/addconfiguration.cgi",
    ),
    Call(
        "remove_continuous_recording",
        lambda _s: {"profile": 1},
        "continuous/removeconfiguration.cgi",
        target={},
    ),
    _entity("number", MAX_AGE, "setcleanupmaxage.cgi", value=1),
    _entity("number", STORAGE_LIMIT, "storage/setlimit.cgi", value=1),
    _entity("select", CLEANUP_POLICY, "setcleanuppolicy.cgi", option="none"),
    _entity("select", REQUIRED_FS, "setrequiredfs.cgi", option="ext4"),
)

OPEN: tuple[Call, ...] = (
    Call("check_disk", cgi="disks/checkdisk.cgi", prepare=_unmounted),
    Call("start_recording", cgi="record/record.cgi"),
    _entity("number", WEAR_ALERT, "setdiskalertlevels.cgi", value=80),
    _entity("number", TEMPERATURE_ALERT, "setdiskalertlevels.cgi", value=70),
)


def camera_state(sim: Simulator) -> dict[str, Any]:
    """Everything a call could change on the simulated camera."""
    state = sim.state
    return {
        "disks": {i: asdict(d) for i, d in state.disks.items()},
        "shares": {i: asdict(s) for i, s in state.shares.items()},
        "recordings": {i: r.stop for i, r in state.recordings.items()},
        "profiles": {i: asdict(p) for i, p in state.profiles.items()},
        "jobs": (len(state.disk_jobs), len(state.share_jobs), len(state.usb_jobs)),
    }


def asked(sim: Simulator, cgi: str) -> int:
    """How often the camera was asked for one CGI."""
    return sum(1 for record in sim.request_log if record.path.endswith(cgi))


def ws_data(call: Call, camera: str, sim: Simulator) -> dict[str, Any]:
    """The data of a call; an action of the integration targets the camera."""
    data = {**call.target, **call.data(sim)}
    if call.domain == DOMAIN:
        data["device_id"] = camera
    return data


async def ws_call(
    client: MockHAClientWebSocket, call: Call, camera: str, sim: Simulator
) -> dict[str, Any]:
    """Call an action as the browser does (websocket `call_service`); the answer."""
    await client.send_json_auto_id(
        {
            "type": "call_service",
            "domain": call.domain,
            "service": call.service,
            "service_data": ws_data(call, camera, sim),
            "return_response": call.domain == DOMAIN,
        }
    )
    answer: dict[str, Any] = await client.receive_json()
    return answer


async def setup(hass: HomeAssistant, sim: Simulator, call: Call) -> str:
    """Prepare the camera for the call and set the integration up; the camera's device id."""
    call.prepare(sim)
    return await setup_camera(hass, sim)


def assert_refused(answer: dict[str, Any]) -> None:
    """The websocket answer to a refused call: Unauthorized, with its translation."""
    assert not answer["success"], answer
    error = answer["error"]
    # `call_service` reports a HomeAssistantError (Unauthorized is one) as
    # home_assistant_error; the translation says what it is.
    assert error["code"] == "home_assistant_error"
    assert error["translation_domain"] == DOMAIN
    assert error["translation_key"] == "admin_required"
    assert error["message"].startswith("Only a Home Assistant administrator may ")


# ------------------------------------------------------------------------------- the tests
@pytest.mark.parametrize("call", GUARDED, ids=str)
@pytest.mark.parametrize("caller", ["admin", "automation"])
async def test_guarded_refused_to_a_user(
    hass: HomeAssistant,
    fast_sim: Simulator,
    *,
    hass_ws_client: WebSocketGenerator,
    hass_access_token: str,
    user_token: tuple[User, str],
    call: Call,
    caller: str,
) -> None:
    """A non-admin user is refused and the camera is not asked; an admin, an automation may."""
    sim = fast_sim
    camera = await setup(hass, sim, call)
    before = camera_state(sim)
    requests = len(sim.request_log)

    user = await hass_ws_client(hass, user_token[1])
    assert_refused(await ws_call(user, call, camera, sim))
    await hass.async_block_till_done()
    assert camera_state(sim) == before
    assert len(sim.request_log) == requests  # nothing reached the camera

    if caller == "admin":
        admin = await hass_ws_client(hass, hass_access_token)
        answer = await ws_call(admin, call, camera, sim)
        assert answer["success"], answer
    else:  # no user in the context, as an automation's trigger
        await hass.services.async_call(
            call.domain,
            call.service,
            ws_data(call, camera, sim),
            blocking=True,
            return_response=call.domain == DOMAIN,
        )
    assert asked(sim, call.cgi) == 1


@pytest.mark.parametrize("call", OPEN, ids=str)
async def test_open_to_every_user(
    hass: HomeAssistant,
    fast_sim: Simulator,
    hass_ws_client: WebSocketGenerator,
    user_token: tuple[User, str],
    call: Call,
) -> None:
    """What neither deletes, stops nor redirects recordings runs for a user too."""
    sim = fast_sim
    camera = await setup(hass, sim, call)
    user = await hass_ws_client(hass, user_token[1])
    answer = await ws_call(user, call, camera, sim)
    assert answer["success"], answer
    assert asked(sim, call.cgi) == 1


async def test_export_and_reading_open_to_every_user(
    hass: HomeAssistant,
    sim: Simulator,
    tmp_path: Path,
    hass_ws_client: WebSocketGenerator,
    user_token: tuple[User, str],
) -> None:
    """A user who is not an administrator exports a clip and reads the settings."""
    media = tmp_path / "media"
    media.mkdir()
    hass.config.media_dirs = {"local": str(media)}
    hass.config.allowlist_external_dirs = {str(media)}
    camera = await setup_camera(hass, sim)
    user = await hass_ws_client(hass, user_token[1])
    at = dt_util.now().replace(microsecond=0) - timedelta(minutes=5)
    await user.send_json_auto_id(
        {
            "type": "call_service",
            "domain": DOMAIN,
            "service": "export_clip",
            "service_data": {"device_id": camera, "at": at.isoformat(), "before": 2, "after": 2},
            "return_response": True,
        }
    )
    answer = await user.receive_json()
    assert answer["success"], answer
    [item] = answer["result"]["response"]["files"]
    assert Path(item["path"]).is_file()

    await user.send_json_auto_id({"type": "get_states"})
    states = {state["entity_id"]: state for state in (await user.receive_json())["result"]}
    assert states[MAX_AGE]["state"] == "7"
    assert states[CLEANUP_POLICY]["state"] == "fifo"


async def test_read_only_user_refused(
    hass: HomeAssistant,
    fast_sim: Simulator,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    """A read-only user is refused an action too (Home Assistant checks only entities)."""
    camera = await setup_camera(hass, fast_sim)
    user = await hass_ws_client(hass, hass_read_only_access_token)
    call = GUARDED[3]  # unmount_disk
    assert_refused(await ws_call(user, call, camera, fast_sim))
    assert fast_sim.state.disks[SD].mounted


async def test_the_error_is_unauthorized_and_translated(
    hass: HomeAssistant, sim: Simulator, user_token: tuple[User, str]
) -> None:
    """Called in Python, the refusal is an `Unauthorized` whose message is translated."""
    camera = await setup_camera(hass, sim)
    context = Context(user_id=user_token[0].id)
    with pytest.raises(Unauthorized) as info:
        await hass.services.async_call(
            DOMAIN,
            "unmount_disk",
            {"device_id": camera, "disk_id": SD},
            blocking=True,
            return_response=True,
            context=context,
        )
    assert type(info.value).__name__ == "AdminRequired"
    assert info.value.translation_key == "admin_required"
    assert info.value.context is context
    assert info.value.user_id == user_token[0].id
    assert str(info.value) == (
        "Only a Home Assistant administrator may unmount_disk: it can delete, stop or "
        "redirect recordings, or send credentials elsewhere. Ask an administrator, or let an "
        "automation do it"  # Home Assistant drops the final full stop
    )
    with pytest.raises(Unauthorized) as info:
        await hass.services.async_call(
            "number",
            "set_value",
            {"entity_id": MAX_AGE, "value": 1},
            blocking=True,
            context=context,
        )
    assert info.value.entity_id == MAX_AGE
    assert "may set_cleanup_max_age:" in str(info.value)
    assert sim.state.disks[SD].cleanupmaxage == 7


async def test_rest_api_answers_401(
    hass: HomeAssistant,
    sim: Simulator,
    hass_client: ClientSessionGenerator,
    user_token: tuple[User, str],
) -> None:
    """Through the REST API, the refusal is 401 Unauthorized."""
    assert await async_setup_component(hass, "api", {})
    camera = await setup_camera(hass, sim)
    client = await hass_client(user_token[1])
    response = await client.post(
        f"/api/services/{DOMAIN}/unmount_disk?return_response",
        json={"device_id": camera, "disk_id": SD},
    )
    assert response.status == 401
    assert sim.state.disks[SD].mounted


@pytest.mark.parametrize("share_id", [None, "nas1"])
async def test_share_test_checks_the_address(
    hass: HomeAssistant, sim: Simulator, share_id: str | None
) -> None:
    """test_network_share checks the address as add and modify do, before the camera."""
    camera = await setup_camera(hass, sim)
    data = {"device_id": camera, "address": "nas/../../etc", "share": "recordings"}
    if share_id is not None:
        data["share_id"] = share_id
    with pytest.raises(ServiceValidationError) as info:
        await hass.services.async_call(
            DOMAIN, "test_network_share", data, blocking=True, return_response=True
        )
    assert info.value.translation_key == "invalid_share_address"
    assert asked(sim, "networkshare/test.cgi") == 0
