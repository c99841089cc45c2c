"""The export_clip action: response data, events, progress, queue, downloads, retention."""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import SERIAL

CAMERA = "axis_p3265_lve_accc8e012345"
FOLDER_NAME = CAMERA  # the camera's export folder is named after the entry title


def camera_id(hass: HomeAssistant, disk: str | None = None) -> str:
    """The device id of the camera, or of one of its disks."""
    ident = SERIAL if disk is None else f"{SERIAL}_{disk}"
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, ident)})
    assert device is not None
    return device.id


def capture(hass: HomeAssistant, kind: str) -> list[Event]:
    """Collect the export events of one kind."""
    events: list[Event] = []

    @callback
    def _append(event: Event) -> None:
        events.append(event)

    hass.bus.async_listen(f"{DOMAIN}_export_{kind}", _append)
    return events


async def export(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    """Call the action and return its response."""
    response = await hass.services.async_call(
        DOMAIN, "export_clip", data, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


async def test_export_around_a_moment(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    media: Path,
    sim: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """`at` with seconds before and after: a verified file, events, progress and a link."""
    started, completed = capture(hass, "started"), capture(hass, "completed")
    at = dt_util.now() - timedelta(minutes=5)
    response = await export(hass, device_id=camera_id(hass), at=at, before=10, after=20)

    [item] = response["files"]
    path = Path(item["path"])
    assert path.parent == media / "axis_edge_storage" / FOLDER_NAME
    assert path.suffix == ".mp4"  # the default format
    assert response["format"] == item["format"] == "mp4"
    content = path.read_bytes()
    assert item["size"] == len(content) == response["total_bytes"]
    assert item["sha256"] == hashlib.sha256(content).hexdigest()
    assert item["disk_id"] == "SD_DISK"
    assert dt_util.parse_datetime(response["proper_start"]) <= at - timedelta(seconds=10)
    assert not list(path.parent.glob(".*.part"))

    assert [e.data["device_id"] for e in started] == [camera_id(hass)]
    assert completed[0].data["files"] == response["files"]
    assert "password" not in str(completed[0].data)
    progress = hass.states.get(f"sensor.{CAMERA}_export_progress")
    assert progress is not None
    assert progress.state == "100.0"
    assert progress.attributes["current_file"] is None

    # The signed link works without a login, supports ranges, and nothing else is served.
    client = await hass_client_no_auth()
    download = await client.get(item["url"])
    assert download.status == HTTPStatus.OK
    assert await download.read() == content
    partial = await client.get(item["url"], headers={"Range": "bytes=4-7"})
    assert partial.status == HTTPStatus.PARTIAL_CONTENT
    assert await partial.read() == b"ftyp"
    unsigned = await client.get(item["url"].split("?")[0])
    assert unsigned.status == HTTPStatus.UNAUTHORIZED


async def test_download_refuses_what_is_not_an_export(
    hass: HomeAssistant, loaded: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    """The view serves only plain export files of a loaded camera."""
    client = await hass_client()
    base = f"/api/{DOMAIN}/exports"
    folder = loaded.runtime_data.exports.folder
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("x")
    (folder / ".hidden.mkv").write_text("x")
    for url in (
        f"{base}/{loaded.entry_id}/notes.txt",
        f"{base}/{loaded.entry_id}/.hidden.mkv",
        f"{base}/{loaded.entry_id}/missing.mkv",
        f"{base}/{loaded.entry_id}/..%2Fsecrets.mkv",
        f"{base}/not-an-entry/x.mkv",
    ):
        response = await client.get(url)
        # HA's own filter answers 400 to an encoded path traversal; the view answers 404.
        assert response.status in (HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND), url


async def test_start_end_from_a_disk_device(
    hass: HomeAssistant, loaded: MockConfigEntry, sim: Simulator
) -> None:
    """A disk's device as target exports from that disk; local times without zone work."""
    end = dt_util.now().replace(tzinfo=None) - timedelta(minutes=2)
    response = await export(
        hass,
        device_id=camera_id(hass, "SD_DISK"),
        start=end - timedelta(seconds=20),
        end=end,
        name="front_door",
    )
    [item] = response["files"]
    assert Path(item["path"]).name.startswith("front_door_")
    assert item["disk_id"] == "SD_DISK"


async def test_two_exports_on_one_camera_run_in_order(
    hass: HomeAssistant, loaded: MockConfigEntry, sim: Simulator
) -> None:
    """Two exports asked for at once both complete, one after the other, in order."""
    started, completed = capture(hass, "started"), capture(hass, "completed")
    now = dt_util.now()
    first = now - timedelta(minutes=30)
    second = now - timedelta(minutes=20)
    results = await asyncio.gather(
        export(hass, device_id=camera_id(hass), at=first, before=5, after=5),
        export(hass, device_id=camera_id(hass), at=second, before=5, after=5),
    )
    assert all(len(r["files"]) == 1 for r in results)
    assert [e.data["start"] for e in started] == [
        (first - timedelta(seconds=5)).isoformat(),
        (second - timedelta(seconds=5)).isoformat(),
    ]
    assert [e.data["files"] for e in completed] == [r["files"] for r in results]
    # The second started only after the first completed.
    assert started[1].time_fired >= completed[0].time_fired


async def test_failure_is_translated_and_announced(
    hass: HomeAssistant, loaded: MockConfigEntry, media: Path
) -> None:
    """No recording in the range: a translated error, a failed event, no file."""
    failed = capture(hass, "failed")
    long_ago = dt_util.now() - timedelta(days=30)
    with pytest.raises(ServiceValidationError) as info:
        await export(hass, device_id=camera_id(hass), at=long_ago)
    assert info.value.translation_key == "no_recording"
    assert "No recording covers" in str(info.value)
    assert [e.data["error"] for e in failed] == ["no_recording"]
    assert failed[0].data["message"].startswith("No recording covers")  # from strings.json
    assert not [p for p in media.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({}, "range_required"),
        ({"start": "2026-01-01T10:00:00"}, "range_required"),
        (
            {
                "start": "2026-01-01T10:00:00",
                "end": "2026-01-01T10:01:00",
                "at": "2026-01-01T10:00:00",
            },
            "range_required",
        ),
    ],
)
async def test_range_must_be_one_form(
    hass: HomeAssistant, loaded: MockConfigEntry, data: dict[str, Any], key: str
) -> None:
    """Either start and end, or at with before and after."""
    with pytest.raises(ServiceValidationError) as info:
        await export(hass, device_id=camera_id(hass), **data)
    assert info.value.translation_key == key


async def test_target_must_be_a_loaded_camera(hass: HomeAssistant, loaded: MockConfigEntry) -> None:
    """An unknown device, another integration's device, or an unloaded camera is refused."""
    at = dt_util.now().isoformat()
    with pytest.raises(ServiceValidationError) as info:
        await export(hass, device_id="nope", at=at)
    assert info.value.translation_key == "unknown_device"

    other_entry = MockConfigEntry(domain="demo")
    other_entry.add_to_hass(hass)
    other = dr.async_get(hass).async_get_or_create(
        config_entry_id=other_entry.entry_id, identifiers={("demo", "x")}, name="Lamp"
    )
    with pytest.raises(ServiceValidationError) as info:
        await export(hass, device_id=other.id, at=at)
    assert info.value.translation_key == "not_a_camera"

    device_id = camera_id(hass)
    assert await hass.config_entries.async_unload(loaded.entry_id)
    with pytest.raises(ServiceValidationError) as info:
        await export(hass, device_id=device_id, at=at)
    assert info.value.translation_key == "camera_not_loaded"


async def test_retention_removes_old_exports_of_this_integration(
    hass: HomeAssistant, media: Path, config_entry: MockConfigEntry, tmp_path: Path
) -> None:
    """At start, exports older than the kept days go; new ones and other files stay."""
    folder = media / "axis_edge_storage" / FOLDER_NAME
    folder.mkdir(parents=True)
    old, new = folder / "old.mkv", folder / "new.mkv"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    foreign = elsewhere / "old.mkv"
    for path in (old, new, foreign):
        path.write_bytes(b"x")
    month_ago = time.time() - 30 * 86400
    os.utime(old, (month_ago, month_ago))
    os.utime(foreign, (month_ago, month_ago))

    assert await async_setup_component(hass, "http", {})
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert not old.exists()
    assert new.exists()
    assert foreign.exists()
