"""Network share actions against the simulated camera: add, test, bind, unbind, modify, remove.

Every code the Network share API documents for add/bind/unbind/modify/remove/test/job is
reached: the specific ones through the simulator's own rules, the generic 10/20/40 through
`device_error` faults (610 too: see `test_modify_new_share_id_in_use`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from homeassistant.core import Context, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError, Unauthorized
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import SERIAL, TITLE, StartSim
from .conftest import call_action as _call
from .conftest import setup_camera as _setup

pytestmark = pytest.mark.usefixtures("fast_job_polling")

SHARE_DISK = "NetworkShare"
SHARE_DEVICE = f"{SERIAL}_{SHARE_DISK}"
SHARE_STATUS = "sensor.axis_p3265_lve_accc8e012345_network_share_nas_status"


async def _settle(hass: HomeAssistant) -> None:
    """Let the coordinator's debounced refresh (10 s cooldown) run."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done()


def _share_device(hass: HomeAssistant) -> dr.DeviceEntry | None:
    return dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SHARE_DEVICE)})


async def _bind_mounted(hass: HomeAssistant, sim: Simulator, camera: str) -> None:
    """Bind nas1 and let the camera's mount job finish."""
    await _call(hass, "bind_network_share", device_id=camera, share_id="nas1")
    sim.advance(5)
    assert sim.state.disks[SHARE_DISK].mounted


# --------------------------------------------------------------------------- success paths
async def test_share_life_cycle(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """Add, bind (the share's disk appears), unmount, unbind (it goes), modify, remove."""
    sim = fast_sim
    camera = await _setup(hass, sim)
    assert _share_device(hass) is None

    added = await _call(
        hass,
        "add_network_share",
        device_id=camera,
        nice_name="Office",
        address="nas.local",
        share="video",
        username="nasuser",
        password="pass",
        share_id="office",
    )
    assert added == {"device_id": camera, "share_id": "office"}
    office = sim.state.shares["office"]
    assert (office.nicename, office.address, office.share, office.user, office.password) == (
        "Office",
        "nas.local",
        "video",
        "nasuser",
        "pass",
    )
    # The camera chooses the id when none is given.
    chosen = await _call(
        hass,
        "add_network_share",
        device_id=camera,
        nice_name="Spare",
        address="192.0.2.20",
        share="myshare",
    )
    assert chosen["share_id"] in sim.state.shares
    assert chosen["share_id"].isdigit()
    await _settle(hass)
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.coordinator
    assert {s.share_id for s in coordinator.data.settings.shares} == {
        "nas1",
        "office",
        chosen["share_id"],
    }

    # Bind: the camera mounts the share; its disk device and entities appear.
    bound = await _call(hass, "bind_network_share", device_id=camera, share_id="nas1")
    assert bound == {
        "device_id": camera,
        "share_id": "nas1",
        "disk_id": SHARE_DISK,
        "automount": True,
    }
    assert sim.state.shares["nas1"].diskid == SHARE_DISK
    sim.advance(5)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    device = _share_device(hass)
    assert device is not None
    assert device.name == f"{TITLE} Network share NAS"
    assert hass.states.get(SHARE_STATUS).state == "ok"

    # The name may change while bound.
    renamed = await _call(
        hass, "modify_network_share", device_id=camera, share_id="nas1", nice_name="NAS 1"
    )
    assert renamed == {"device_id": camera, "share_id": "nas1", "changed": ["nice_name"]}
    assert sim.state.shares["nas1"].nicename == "NAS 1"

    # Unmount, then unbind by targeting the share's disk device: no share_id needed.
    await _call(hass, "unmount_disk", device_id=device.id, wait=True)
    unbound = await _call(hass, "unbind_network_share", device_id=device.id)
    assert unbound == {"device_id": camera, "share_id": "nas1", "disk_id": SHARE_DISK}
    assert sim.state.shares["nas1"].diskid is None
    await _settle(hass)
    assert _share_device(hass) is None
    assert hass.states.get(SHARE_STATUS) is None or (
        hass.states.get(SHARE_STATUS).state == "unavailable"
    )

    # Unbound, every setting may change.
    modified = await _call(
        hass,
        "modify_network_share",
        device_id=camera,
        share_id="nas1",
        address="192.0.2.11",
        share="myshare",
        username="nasuser",
        password="pass",
    )
    assert modified["changed"] == ["address", "password", "share", "username"]
    nas1 = sim.state.shares["nas1"]
    assert (nas1.address, nas1.share, nas1.user, nas1.password) == (
        "192.0.2.11",
        "myshare",
        "nasuser",
        "pass",
    )

    removed = await _call(
        hass, "remove_network_share", device_id=camera, share_id="office", confirm=True
    )
    assert removed == {"device_id": camera, "share_id": "office", "removed": True}
    assert "office" not in sim.state.shares
    await _settle(hass)
    assert "office" not in {s.share_id for s in coordinator.data.settings.shares}


async def test_bind_without_automount(hass: HomeAssistant, sim: Simulator) -> None:
    """automount: false binds without mounting: the share's disk stays connected."""
    camera = await _setup(hass, sim)
    result = await _call(
        hass, "bind_network_share", device_id=camera, share_id="nas1", automount=False
    )
    assert result["automount"] is False
    assert sim.state.shares["nas1"].automaticmount is False
    sim.advance(60)
    assert sim.state.disks[SHARE_DISK].status == "connected"
    assert _share_device(hass) is not None


async def test_share_test_waits_for_the_result(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """wait: true answers the final result, ok or failed; one finished event per job."""
    # The user enabled the camera's job sensor (disabled by default).
    er.async_get(hass).async_get_or_create(
        "sensor",
        DOMAIN,
        f"{SERIAL}_job",
        suggested_object_id="axis_p3265_lve_accc8e012345_job",
        disabled_by=None,
    )
    events: list[Event] = []

    @callback
    def _record(event: Event) -> None:
        events.append(event)

    hass.bus.async_listen(f"{DOMAIN}_job_finished", _record)
    camera = await _setup(hass, fast_sim)

    ok = await _call(hass, "test_network_share", device_id=camera, share_id="nas1", wait=True)
    assert ok["result"] == "ok"
    assert ok["kind"] == "share_test"
    assert ok["action"] == "share_test"
    assert ok["share_id"] == "nas1"
    assert ok["disk_id"] is None  # nas1 is not bound
    assert ok["error_code"] is None
    assert ok["progress"] == 100

    failed = await _call(
        hass,
        "test_network_share",
        device_id=camera,
        address="192.0.2.10",
        share="readonly",
        username="camera",
        password="nas-secret",
        wait=True,
    )
    assert failed["result"] == "failed"
    assert failed["error_code"] == 740
    assert failed["description"] == "Problem writing to the share."
    assert "share_id" not in failed

    await hass.async_block_till_done()
    assert [event.data for event in events] == [ok, failed]
    # The camera-level job sensor shows the last test of an unbound share.
    state = hass.states.get("sensor.axis_p3265_lve_accc8e012345_job")
    assert state.attributes["result"] == "failed"


async def test_share_test_without_wait(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """Without wait the answer is the started job; the event tells its end, once."""
    events: list[Event] = []

    @callback
    def _record(event: Event) -> None:
        events.append(event)

    hass.bus.async_listen(f"{DOMAIN}_job_finished", _record)
    camera = await _setup(hass, fast_sim)
    started = await _call(
        hass, "test_network_share", device_id=camera, share_id="nas1", share="flaky"
    )
    assert started["result"] is None
    assert started["job_id"]
    jobs = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.jobs
    [job] = jobs.running
    await jobs.async_wait(job, 10)
    await hass.async_block_till_done()
    [event] = events
    assert event.data["job_id"] == started["job_id"]
    assert event.data["result"] == "failed"
    assert event.data["error_code"] == 750
    assert event.data["description"] == "Problem reading data written to the share."


async def test_share_test_of_a_bound_share(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """A bound share's test is the job of its disk, and targeting that disk names the share."""
    camera = await _setup(hass, fast_sim)
    await _bind_mounted(hass, fast_sim, camera)
    await _settle(hass)
    device = _share_device(hass)
    assert device is not None
    result = await _call(hass, "test_network_share", device_id=device.id, wait=True)
    assert result["result"] == "ok"
    assert result["disk_id"] == SHARE_DISK
    assert result["share_id"] == "nas1"
    state = hass.states.get("sensor.axis_p3265_lve_accc8e012345_network_share_nas_job")
    assert state.attributes["action"] == "share_test"
    assert state.attributes["result"] == "ok"


# ------------------------------------------------------------------- test codes (700-760)
@pytest.mark.parametrize(
    ("settings", "code", "key"),
    [
        ({"address": "unknown.example.com", "share": "recordings"}, 700, "share_host_unknown"),
        ({"share_id": "nas1", "password": "wrong"}, 710, "share_mount_failed"),
        ({"share_id": "nas1", "share": "nothere"}, 710, "share_mount_failed"),
        ({"share_id": "nas1", "password": "nas,secret"}, 720, "share_internal_error"),
        ({"share_id": "nas1", "share": "readonly"}, 740, "share_write_failed"),
        ({"share_id": "nas1", "share": "flaky"}, 750, "share_read_failed"),
        ({"share_id": "nas1", "address": "198.51.100.7"}, 760, "share_unreachable"),
    ],
)
async def test_share_test_failures_end_the_job(
    hass: HomeAssistant,
    fast_sim: Simulator,
    settings: dict[str, str],
    code: int,
    key: str,
) -> None:
    """What the camera finds during the test ends the job failed, with its code."""
    camera = await _setup(hass, fast_sim)
    result = await _call(hass, "test_network_share", device_id=camera, wait=True, **settings)
    assert result["result"] == "failed"
    assert result["error_code"] == code
    assert result["description"]


async def test_share_test_refused_at_once(hass: HomeAssistant, start_sim: StartSim) -> None:
    """A host name that cannot be one, 730 for a third concurrent test.

    The address is checked before the camera is asked, as add and modify do; the camera's own
    700 at the start is in test_share_test_codes_at_start.
    """
    async with start_sim(job_speed=0) as sim:
        camera = await _setup(hass, sim)
        with pytest.raises(ServiceValidationError) as info:
            await _call(
                hass, "test_network_share", device_id=camera, address="bad host!", share="x"
            )
        assert info.value.translation_key == "invalid_share_address"
        assert not [r for r in sim.request_log if r.path.endswith("networkshare/test.cgi")]

        await _call(hass, "test_network_share", device_id=camera, share_id="nas1")
        await _call(hass, "test_network_share", device_id=camera, share_id="nas1")
        with pytest.raises(ServiceValidationError) as info:
            await _call(hass, "test_network_share", device_id=camera, share_id="nas1")
        assert info.value.translation_key == "share_too_many_tests"
        assert "error 730" in str(info.value)
        assert "Wait for them to finish" in str(info.value)


@pytest.mark.parametrize(
    ("fault_code", "code", "key"),
    [
        (700, 700, "share_host_unknown"),
        (710, 710, "share_mount_failed"),
        (720, 720, "share_internal_error"),
        (740, 740, "share_write_failed"),
        (750, 750, "share_read_failed"),
        (760, 760, "share_unreachable"),
    ],
)
async def test_share_test_codes_at_start(
    hass: HomeAssistant, sim: Simulator, fault_code: int, code: int, key: str
) -> None:
    """The test codes are documented for test.cgi itself too: each is translated there."""
    camera = await _setup(hass, sim)
    sim.faults.add("device_error", path="disks/networkshare/test.cgi", code=fault_code, count=1)
    with pytest.raises(ServiceValidationError) as info:
        await _call(hass, "test_network_share", device_id=camera, share_id="nas1")
    assert info.value.translation_key == key
    assert f"error {code}" in str(info.value)


async def test_share_test_job_codes(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """job.cgi answering a documented error (not the job's result) ends the job failed."""
    camera = await _setup(hass, fast_sim)
    fast_sim.faults.add("device_error", path="disks/networkshare/job.cgi", code=730)
    result = await _call(hass, "test_network_share", device_id=camera, share_id="nas1", wait=True)
    assert result["result"] == "failed"
    assert result["error_code"] == 730


# ----------------------------------------------------------------------- add (200-230)
async def test_add_refusals(hass: HomeAssistant, sim: Simulator) -> None:
    """200 bad id, 210 id in use, 220 name in use, 230 no room for a fourth share."""
    camera = await _setup(hass, sim)
    base = {"device_id": camera, "address": "nas", "share": "video"}
    cases = [
        ({"nice_name": "A", "share_id": "no spaces"}, "invalid_share_id", "error 200"),
        ({"nice_name": "A", "share_id": "nas1"}, "share_id_in_use", "error 210"),
        ({"nice_name": "NAS"}, "share_name_in_use", "error 220"),
    ]
    for data, key, text in cases:
        with pytest.raises(ServiceValidationError) as info:
            await _call(hass, "add_network_share", **base, **data)
        assert info.value.translation_key == key
        assert text in str(info.value)
    assert str(info.value) == (
        "Another network share already has that name (error 220). Choose another name"
    )

    await _call(hass, "add_network_share", **base, nice_name="Two")
    await _call(hass, "add_network_share", **base, nice_name="Three")
    with pytest.raises(ServiceValidationError) as info:
        await _call(hass, "add_network_share", **base, nice_name="Four")
    assert info.value.translation_key == "too_many_shares"
    assert "error 230" in str(info.value)
    assert "remove_network_share" in str(info.value)
    assert len(sim.state.shares) == 3


async def test_add_checks_the_address(hass: HomeAssistant, sim: Simulator) -> None:
    """An address that is no IPv4 address or host name is refused before the camera."""
    camera = await _setup(hass, sim)
    sim.request_log.clear()
    with pytest.raises(ServiceValidationError) as info:
        await _call(
            hass,
            "add_network_share",
            device_id=camera,
            nice_name="X",
            address="//nas/share",
            share="video",
        )
    assert info.value.translation_key == "invalid_share_address"
    assert "//nas/share" in str(info.value)
    assert not [r for r in sim.request_log if "networkshare" in r.path]


# --------------------------------------------------------- order rules (300-620)
async def test_order_rules(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """Each order rule is an error that says what to do next."""
    sim = fast_sim
    camera = await _setup(hass, sim)
    await _call(
        hass,
        "add_network_share",
        device_id=camera,
        nice_name="Office",
        address="nas",
        share="video",
        share_id="office",
    )
    await _bind_mounted(hass, sim, camera)

    async def refused(action: str, **data: Any) -> ServiceValidationError:
        with pytest.raises(ServiceValidationError) as info:
            await _call(hass, action, device_id=camera, **data)
        return info.value

    err = await refused("bind_network_share", share_id="office")
    assert err.translation_key == "share_slot_taken"
    assert str(err) == (
        "Another network share is already bound, and the camera records to one share at a "
        "time (error 300). Unmount that share's disk (unmount_disk) and unbind it "
        '(unbind_network_share) first, then bind "office"'
    )

    err = await refused("bind_network_share", share_id="nas1")
    assert err.translation_key == "share_already_bound"
    assert "error 310" in str(err)

    err = await refused("unbind_network_share", share_id="nas1")
    assert err.translation_key == "share_mounted"
    assert str(err) == (
        'The network share "nas1" is still mounted (error 400). Unmount its disk first '
        "(unmount_disk), then unbind the share"
    )

    err = await refused("remove_network_share", share_id="nas1", confirm=True)
    assert err.translation_key == "share_bound_remove"
    assert str(err) == (
        'The network share "nas1" is bound (error 500). Unmount its disk (unmount_disk) and '
        "unbind the share (unbind_network_share) first, then remove it"
    )

    err = await refused("modify_network_share", share_id="nas1", address="192.0.2.99")
    assert err.translation_key == "share_bound_modify"
    assert str(err) == (
        'The network share "nas1" is bound (error 600): while it is bound, only its name can '
        "change. Unmount its disk (unmount_disk) and unbind the share (unbind_network_share) "
        "first, then modify it"
    )

    err = await refused("modify_network_share", share_id="nas1", nice_name="Office")
    assert err.translation_key == "share_name_in_use"
    assert "error 620" in str(err)

    # Following the advice works.
    await _call(hass, "unmount_disk", device_id=camera, disk_id=SHARE_DISK, wait=True)
    await _call(hass, "unbind_network_share", device_id=camera, share_id="nas1")
    await _call(hass, "modify_network_share", device_id=camera, share_id="nas1", share="video")
    await _call(hass, "bind_network_share", device_id=camera, share_id="office")
    assert sim.state.shares["office"].diskid == SHARE_DISK
    await _call(hass, "remove_network_share", device_id=camera, share_id="nas1", confirm=True)
    assert "nas1" not in sim.state.shares


async def test_modify_new_share_id_in_use(hass: HomeAssistant, sim: Simulator) -> None:
    """610 is translated.

    The seed documents 610 for a new share id in use, but modify.cgi's documented arguments
    have no new share id and neither has the client, so only a fault makes the camera say it.
    """
    camera = await _setup(hass, sim)
    sim.faults.add("device_error", path="disks/networkshare/modify.cgi", code=610, count=1)
    with pytest.raises(ServiceValidationError) as info:
        await _call(hass, "modify_network_share", device_id=camera, share_id="nas1", share="x")
    assert info.value.translation_key == "new_share_id_in_use"
    assert "error 610" in str(info.value)


# ------------------------------------------------------------ generic codes 10, 20, 40
ACTIONS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "add_network_share",
        "add.cgi",
        {"nice_name": "New", "address": "nas", "share": "video"},
    ),
    ("test_network_share", "test.cgi", {"share_id": "nas1"}),
    ("bind_network_share", "bind.cgi", {"share_id": "nas1"}),
    ("unbind_network_share", "unbind.cgi", {"share_id": "nas1"}),
    ("modify_network_share", "modify.cgi", {"share_id": "nas1", "nice_name": "N"}),
    ("remove_network_share", "remove.cgi", {"share_id": "nas1", "confirm": True}),
]


@pytest.mark.parametrize(("action", "cgi", "data"), ACTIONS)
async def test_generic_codes(
    hass: HomeAssistant, sim: Simulator, action: str, cgi: str, data: dict[str, Any]
) -> None:
    """10, 20 and 40 from any share CGI: the action, the code and its meaning."""
    camera = await _setup(hass, sim)
    meanings = {
        10: "Error while processing the request.",
        20: "Invalid request.",
        40: "Specified version is not supported.",
    }
    for code, meaning in meanings.items():
        sim.faults.add("device_error", path=f"disks/networkshare/{cgi}", code=code, count=1)
        with pytest.raises(HomeAssistantError) as info:
            await _call(hass, action, device_id=camera, **data)
        assert info.value.translation_key == "device_refused"
        assert info.value.translation_placeholders["code"] == str(code)
        assert str(info.value) == f"The camera refused {action} (error {code}: {meaning})"


# ----------------------------------------------------------- access control and guards
async def test_operator_account(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """An operator may bind, unbind and test; add, modify and remove need an administrator."""
    sim = fast_sim
    camera = await _setup(hass, sim, username="operator", password="operator")
    for action, data in (
        ("add_network_share", {"nice_name": "X", "address": "nas", "share": "video"}),
        ("modify_network_share", {"share_id": "nas1", "nice_name": "Y"}),
        ("remove_network_share", {"share_id": "nas1", "confirm": True}),
    ):
        with pytest.raises(HomeAssistantError) as info:
            await _call(hass, action, device_id=camera, **data)
        assert info.value.translation_key == "action_forbidden"
        assert action in str(info.value)
        assert "administrator account" in str(info.value)
    assert set(sim.state.shares) == {"nas1"}
    assert sim.state.shares["nas1"].nicename == "NAS"

    tested = await _call(hass, "test_network_share", device_id=camera, share_id="nas1", wait=True)
    assert tested["result"] == "ok"
    # Unmounting takes mount.cgi, which is for administrators: bind without mounting.
    bound = await _call(
        hass, "bind_network_share", device_id=camera, share_id="nas1", automount=False
    )
    assert bound["disk_id"] == SHARE_DISK
    await _call(hass, "unbind_network_share", device_id=camera, share_id="nas1")
    assert sim.state.shares["nas1"].diskid is None


async def test_remove_is_for_administrators(
    hass: HomeAssistant, sim: Simulator, hass_read_only_user: Any
) -> None:
    """A Home Assistant user who is not an administrator may not remove a share."""
    camera = await _setup(hass, sim)
    with pytest.raises(Unauthorized):
        await _call(
            hass,
            "remove_network_share",
            context=Context(user_id=hass_read_only_user.id),
            device_id=camera,
            share_id="nas1",
            confirm=True,
        )
    assert "nas1" in sim.state.shares


async def test_remove_needs_confirm(hass: HomeAssistant, sim: Simulator) -> None:
    """Without confirm: true nothing is removed."""
    camera = await _setup(hass, sim)
    sim.request_log.clear()
    for data in ({}, {"confirm": False}):
        with pytest.raises(ServiceValidationError) as info:
            await _call(hass, "remove_network_share", device_id=camera, share_id="nas1", **data)
        assert info.value.translation_key == "confirm_required"
        assert "Set confirm to true" in str(info.value)
    assert "nas1" in sim.state.shares
    assert not [r for r in sim.request_log if "networkshare" in r.path]


async def test_share_naming_errors(hass: HomeAssistant, sim: Simulator) -> None:
    """An unknown share, no share at all, nothing to test, nothing to change."""
    camera = await _setup(hass, sim)
    with pytest.raises(ServiceValidationError) as info:
        await _call(hass, "bind_network_share", device_id=camera, share_id="nope")
    assert info.value.translation_key == "unknown_share"
    assert str(info.value) == 'The camera has no network share "nope". Choose one of: nas1'

    with pytest.raises(ServiceValidationError) as info:
        await _call(hass, "unbind_network_share", device_id=camera)
    assert info.value.translation_key == "share_required"
    assert "one of: nas1" in str(info.value)

    with pytest.raises(ServiceValidationError) as info:
        await _call(hass, "test_network_share", device_id=camera, address="nas")
    assert info.value.translation_key == "share_test_target_required"

    with pytest.raises(ServiceValidationError) as info:
        await _call(hass, "modify_network_share", device_id=camera, share_id="nas1")
    assert info.value.translation_key == "nothing_to_modify"

    with pytest.raises(ServiceValidationError) as info:
        await _call(hass, "modify_network_share", device_id=camera, share_id="nas1", address="a b")
    assert info.value.translation_key == "invalid_share_address"


async def test_share_added_on_the_camera_is_found(hass: HomeAssistant, sim: Simulator) -> None:
    """A share added on the camera after the last read is looked up there, not refused."""
    camera = await _setup(hass, sim)
    device = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.client
    # Added behind Home Assistant's back (as the camera's web page would).
    await device.network_shares.add(
        nice_name="Late", address="nas", share="video", user="nasuser", share_id="late"
    )
    result = await _call(hass, "bind_network_share", device_id=camera, share_id="late")
    assert result["disk_id"] == SHARE_DISK
    assert sim.state.shares["late"].diskid == SHARE_DISK
