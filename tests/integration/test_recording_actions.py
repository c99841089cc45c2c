"""Recording actions against the simulated camera: record, stop, remove, continuous profiles.

The Recording API has no error codes: each refusal the simulator's rules produce comes back as
the camera's description in a translated `device_refused_reason`, and the CGIs' own "error
while processing" through `device_error` faults.
"""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError, Unauthorized

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import call_action as _call
from .conftest import setup_camera as _setup

pytestmark = pytest.mark.usefixtures("fast_job_polling")

SD = "SD_DISK"
SD_RECORDING = "binary_sensor.axis_p3265_lve_accc8e012345_sd_card_recording"


async def _camera_refused(hass: HomeAssistant, action: str, **data: Any) -> HomeAssistantError:
    """The camera's refusal, with its description, in a translated message."""
    with pytest.raises(HomeAssistantError) as info:
        await _call(hass, action, **data)
    assert info.value.translation_key == "device_refused_reason"
    assert not isinstance(info.value, ServiceValidationError)
    assert str(info.value).startswith(f"The camera refused {action}: ")
    return info.value


async def _refresh(hass: HomeAssistant) -> None:
    await hass.config_entries.async_entries(DOMAIN)[0].runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()


def _ids(sim: Simulator, **match: Any) -> list[str]:
    return sorted(
        rec.recordingid
        for rec in sim.state.recordings.values()
        if all(getattr(rec, key) == value for key, value in match.items())
    )


# ------------------------------------------------------------------------ record and stop
async def test_start_and_stop(hass: HomeAssistant, sim: Simulator) -> None:
    """record.cgi starts a recording on the disk; stop.cgi ends it."""
    camera = await _setup(hass, sim)
    sim.stop_recording(None)  # nothing records: the disk's recording sensor is off
    await _refresh(hass)
    assert hass.states.get(SD_RECORDING).state == "off"

    started = await _call(
        hass, "start_recording", device_id=camera, disk_id=SD, options="resolution=640x480"
    )
    recording_id = started["recording_id"]
    assert started == {"device_id": camera, "disk_id": SD, "recording_id": recording_id}
    recording = sim.state.recordings[recording_id]
    assert recording.ongoing
    assert recording.diskid == SD
    [request] = [r for r in sim.request_log if r.path.endswith("record/record.cgi")]
    assert request.query == {"diskid": SD, "options": "resolution=640x480"}
    assert hass.states.get(SD_RECORDING).state == "on"

    stopped = await _call(hass, "stop_recording", device_id=camera, recording_id=recording_id)
    assert stopped == {"device_id": camera, "recording_id": recording_id, "stopped": True}
    assert not recording.ongoing
    await _refresh(hass)
    assert hass.states.get(SD_RECORDING).state == "off"

    err = await _camera_refused(hass, "stop_recording", device_id=camera, recording_id=recording_id)
    assert str(err) == "The camera refused stop_recording: The recording is not active."
    err = await _camera_refused(hass, "stop_recording", device_id=camera, recording_id="nope")
    assert str(err) == "The camera refused stop_recording: Recording not found."


async def test_start_refused(hass: HomeAssistant, fast_sim: Simulator) -> None:
    """The camera says why it cannot record: locked, not mounted."""
    sim = fast_sim
    camera = await _setup(hass, sim)
    target = {"device_id": camera, "disk_id": SD}
    await _call(hass, "lock_disk", **target)
    err = await _camera_refused(hass, "start_recording", **target)
    assert "The disk is locked." in str(err)
    await _call(hass, "unlock_disk", **target)
    await _call(hass, "unmount_disk", **target, wait=True)
    err = await _camera_refused(hass, "start_recording", **target)
    assert "The disk is not mounted" in str(err)


# -------------------------------------------------------------------------------- remove
async def test_remove_recordings(hass: HomeAssistant, sim: Simulator) -> None:
    """Recordings are removed by id (a list or comma separated); the answer lists them."""
    camera = await _setup(hass, sim)
    motion = _ids(sim, eventid="motion")
    assert len(motion) == 2
    [audio] = _ids(sim, eventid="audio detection")

    removed = await _call(
        hass, "remove_recording", device_id=camera, recording_id=motion, confirm=True
    )
    assert removed == {
        "device_id": camera,
        "removed": [{"recording_id": rid, "disk_id": SD} for rid in motion],
    }
    assert not _ids(sim, eventid="motion")

    ongoing = sim.start_recording(SD, eventid="manual")
    removed = await _call(
        hass,
        "remove_recording",
        device_id=camera,
        recording_id=f"{audio}, {ongoing}",
        confirm=True,
    )
    assert [r["recording_id"] for r in removed["removed"]] == [audio, ongoing]
    assert audio not in sim.state.recordings
    assert ongoing not in sim.state.recordings


async def test_remove_refusals(
    hass: HomeAssistant, sim: Simulator, hass_read_only_user: Any
) -> None:
    """Nothing is removed for a non-admin, without confirm, for an unknown id, on a locked disk."""
    camera = await _setup(hass, sim)
    motion = _ids(sim, eventid="motion")
    sim.request_log.clear()

    with pytest.raises(Unauthorized):
        await _call(
            hass,
            "remove_recording",
            context=Context(user_id=hass_read_only_user.id),
            device_id=camera,
            recording_id=motion,
            confirm=True,
        )
    with pytest.raises(ServiceValidationError) as info:
        await _call(hass, "remove_recording", device_id=camera, recording_id=motion)
    assert info.value.translation_key == "confirm_required"

    with pytest.raises(ServiceValidationError) as info:
        await _call(
            hass,
            "remove_recording",
            device_id=camera,
            recording_id=[motion[0], "20200101_000000_0000_ACCC8E012345"],
            confirm=True,
        )
    assert info.value.translation_key == "unknown_recording"
    assert str(info.value) == (
        "The camera has no recording 20200101_000000_0000_ACCC8E012345. Nothing was removed: "
        "check the recording ids"
    )

    await _call(hass, "lock_disk", device_id=camera, disk_id=SD)
    await _refresh(hass)
    with pytest.raises(ServiceValidationError) as info:
        await _call(hass, "remove_recording", device_id=camera, recording_id=motion, confirm=True)
    assert info.value.translation_key == "recording_disk_locked"
    assert str(info.value) == (
        f"The recording {motion[0]} is on the locked disk SD_DISK. Nothing was removed: "
        "unlock the disk first (unlock_disk), or leave that recording out"
    )
    assert _ids(sim, eventid="motion") == motion
    assert not [r for r in sim.request_log if r.path.endswith("record/remove.cgi")]


async def test_remove_refused_by_the_camera(hass: HomeAssistant, sim: Simulator) -> None:
    """A disk locked on the camera after the last poll: the camera's own refusal."""
    camera = await _setup(hass, sim)
    motion = _ids(sim, eventid="motion")
    sim.patch_disk(SD, locked=True)
    err = await _camera_refused(
        hass, "remove_recording", device_id=camera, recording_id=motion[0], confirm=True
    )
    assert str(err) == "The camera refused remove_recording: The disk is locked."
    assert _ids(sim, eventid="motion") == motion


# --------------------------------------------------------------------- continuous profiles
async def test_continuous_profiles(hass: HomeAssistant, sim: Simulator) -> None:
    """Add a profile (it records at once), a third is refused, remove it (it stops)."""
    camera = await _setup(hass, sim)
    added = await _call(
        hass,
        "add_continuous_recording",
        device_id=camera,
        disk_id=SD,
        options="streamprofile=Quality",
        event_id="nightly",
    )
    assert added == {"device_id": camera, "disk_id": SD, "profile": 2}
    profile = sim.state.profiles[2]
    assert (profile.diskid, profile.options, profile.eventid) == (
        SD,
        "streamprofile=Quality",
        "nightly",
    )
    [recording] = _ids(sim, profile=2, stop=None)
    assert sim.state.recordings[recording].eventid == "nightly"

    err = await _camera_refused(hass, "add_continuous_recording", device_id=camera, disk_id=SD)
    assert "Maximum number of continuous recording profiles reached" in str(err)

    removed = await _call(hass, "remove_continuous_recording", device_id=camera, profile=2)
    assert removed == {"device_id": camera, "profile": 2, "removed": True}
    assert 2 not in sim.state.profiles
    assert not sim.state.recordings[recording].ongoing

    err = await _camera_refused(hass, "remove_continuous_recording", device_id=camera, profile=7)
    assert str(err) == "The camera refused remove_continuous_recording: No such recording profile."

    # Without options and event id: the camera's defaults.
    added = await _call(hass, "add_continuous_recording", device_id=camera, disk_id=SD)
    assert sim.state.profiles[added["profile"]].eventid == "continuous"


async def test_continuous_on_a_disk_gone(hass: HomeAssistant, sim: Simulator) -> None:
    """A disk Home Assistant still knows but the camera no longer has: the camera's reason."""
    camera = await _setup(hass, sim)
    sim.add_disk("SD_DISK_2")
    await _refresh(hass)
    sim.remove_disk("SD_DISK_2")
    err = await _camera_refused(
        hass, "add_continuous_recording", device_id=camera, disk_id="SD_DISK_2"
    )
    assert "Invalid disk ID: SD_DISK_2" in str(err)


CGIS = [
    ("start_recording", "record.cgi", {"disk_id": SD}),
    ("stop_recording", "stop.cgi", {"recording_id": "x"}),
    ("remove_recording", "remove.cgi", {"confirm": True}),
    ("add_continuous_recording", "continuous/addconfiguration.cgi", {"disk_id": SD}),
    ("remove_continuous_recording", "continuous/removeconfiguration.cgi", {"profile": 1}),
]


@pytest.mark.parametrize(("action", "cgi", "data"), CGIS)
async def test_processing_error(
    hass: HomeAssistant, sim: Simulator, action: str, cgi: str, data: dict[str, Any]
) -> None:
    """Each recording CGI's "error while processing" reaches the user with the action."""
    camera = await _setup(hass, sim)
    if action == "remove_recording":
        data = {**data, "recording_id": _ids(sim, eventid="motion")[0]}
    sim.faults.add("device_error", path=f"record/{cgi}", count=1)
    err = await _camera_refused(hass, action, device_id=camera, **data)
    assert str(err) == f"The camera refused {action}: Error while processing the request."
    assert 1 in sim.state.profiles


async def test_operator_account(hass: HomeAssistant, sim: Simulator) -> None:
    """An operator account may do all of it (the camera's access control says so)."""
    camera = await _setup(hass, sim, username="operator", password="operator")
    started = await _call(hass, "start_recording", device_id=camera, disk_id=SD)
    await _call(hass, "stop_recording", device_id=camera, recording_id=started["recording_id"])
    await _call(
        hass,
        "remove_recording",
        device_id=camera,
        recording_id=started["recording_id"],
        confirm=True,
    )
    assert started["recording_id"] not in sim.state.recordings
    added = await _call(hass, "add_continuous_recording", device_id=camera, disk_id=SD)
    await _call(hass, "remove_continuous_recording", device_id=camera, profile=added["profile"])
    assert set(sim.state.profiles) == {1}
