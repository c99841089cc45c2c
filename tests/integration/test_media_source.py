"""The media browser through Home Assistant's websocket API, as the frontend calls it, against
the simulator over real HTTP: browse down to an hour of a continuous recording and to an event
recording, thumbnails, resolve, the recordings index and its invalidation, malformed ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator

from custom_components.axis_edge_storage.browse import tree
from custom_components.axis_edge_storage.browse.index import async_invalidate
from custom_components.axis_edge_storage.browse.thumbnails import DATA_THUMBNAILS, Thumbnails
from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import SERIAL, TITLE

ROOT = f"media-source://{DOMAIN}"
D = tree.DASH


def _zone_name(now: datetime) -> str:
    """An Etc/GMT zone where it is now between 03:00 and 04:00: midnight fell 3 to 4 h ago,
    inside the simulator's first continuous recording (T-5h..T-3h)."""
    offset = (3 - now.hour) % 24
    if offset > 14:
        offset -= 24
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


@pytest.fixture
async def browser(
    hass: HomeAssistant, init_integration: MockConfigEntry, tmp_path: Path
) -> MockConfigEntry:
    """Media source set up, in a zone where a day boundary falls inside the timeline."""
    await hass.config.async_set_time_zone(_zone_name(dt_util.utcnow()))
    hass.data[DATA_THUMBNAILS] = Thumbnails(hass, tmp_path / "thumbnails")
    assert await async_setup_component(hass, "media_source", {})
    return init_integration


async def _browse(ws: Any, content_id: str) -> dict[str, Any]:
    await ws.send_json_auto_id(
        {"type": "media_source/browse_media", "media_content_id": content_id}
    )
    msg = await ws.receive_json()
    assert msg["success"], msg
    return msg["result"]  # type: ignore[no-any-return]


async def _error(ws: Any, kind: str, content_id: str) -> dict[str, Any]:
    await ws.send_json_auto_id(
        {"type": f"media_source/{kind}_media", "media_content_id": content_id}
    )
    msg = await ws.receive_json()
    assert not msg["success"], msg
    return msg["error"]  # type: ignore[no-any-return]


def _camera_device_id(hass: HomeAssistant) -> str:
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SERIAL)})
    assert device is not None
    return device.id


def _index_reads(sim: Simulator) -> int:
    """record/list.cgi requests of the index: by disk, without a time window.

    (The coordinator's read of the oldest recording, one result sorted ascending, is not one.)
    """
    return sum(
        1
        for r in sim.request_log
        if r.path.endswith("record/list.cgi")
        and r.query.get("diskid") == "SD_DISK"
        and "starttime" not in r.query
        and r.query.get("maxnumberofresults") != "1"
    )


def _local(moment: datetime, zone: tzinfo) -> datetime:
    return moment.astimezone(zone)


def _sim_recordings(sim: Simulator) -> list[Any]:
    return sorted(sim.state.recordings.values(), key=lambda r: r.start)


async def test_browse_down_to_hours_and_items(  # noqa: PLR0917
    hass: HomeAssistant,
    sim: Simulator,
    browser: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    zone = dt_util.get_default_time_zone()
    ws = await hass_ws_client(hass)
    root = await _browse(ws, ROOT)
    assert root["title"] == "Axis Edge Storage"
    assert [c["title"] for c in root["children"]] == [TITLE]
    camera = await _browse(ws, root["children"][0]["media_content_id"])
    assert [c["title"] for c in camera["children"]] == ["SD card"]  # the unbound share is not
    disk_id = camera["children"][0]["media_content_id"]

    recordings = _sim_recordings(sim)
    now = dt_util.utcnow()
    today = _local(now, zone).date()
    disk = await _browse(ws, disk_id)
    days = [c["title"] for c in disk["children"]]
    assert days == [tree.day_title(today), tree.day_title(today - timedelta(days=1))]
    assert all(c["media_class"] == "directory" and c["can_expand"] for c in disk["children"])

    day = await _browse(ws, disk["children"][0]["media_content_id"])
    hour_titles = [c["title"] for c in day["children"]]
    assert hour_titles == [f"{h:02d}:00{D}{h + 1:02d}:00" for h in range(3, -1, -1)]
    assert all(c["thumbnail"].startswith(f"/api/{DOMAIN}/thumbnail/") for c in day["children"])

    # The event recording "motion" that started 2 h 15 min 12 s ago, in the hour it started.
    event = next(
        r for r in recordings if r.eventid == "motion" and now - r.start < timedelta(hours=3)
    )
    start = _local(event.start, zone)
    hour = await _browse(ws, day["children"][3 - start.hour]["media_content_id"])
    assert hour["children_media_class"] == "video"
    titles = [c["title"] for c in hour["children"]]
    assert f"{start:%H:%M:%S} · 1 min 10 s · motion" in titles
    # The continuous recordings: each hour they cover is an item (a part hour at each end).
    hour_start = start.replace(minute=0, second=0, microsecond=0)
    pieces = []
    for rec in recordings:
        if rec.recordingtype != "continuous":
            continue
        begin = max(rec.start, hour_start.astimezone(UTC))
        end = min(rec.stop or now, (hour_start + timedelta(hours=1)).astimezone(UTC))
        if end - begin >= timedelta(seconds=1):
            pieces.append(f"{_local(begin, zone):%H:%M}{D}{tree.hour_title(begin, end, zone)[6:]}")
    assert [t for t in titles if "·" not in t] == pieces
    for child in hour["children"]:
        assert child["media_class"] == "video"
        assert child["can_play"] and not child["can_expand"]
        assert child["thumbnail"].startswith(f"/api/{DOMAIN}/thumbnail/")

    # A whole hour of the continuous recording from T-3h to T-1h0m20s.
    full = _local(now - timedelta(hours=2), zone).replace(minute=0, second=0, microsecond=0)
    if full.astimezone(UTC) >= now - timedelta(hours=3) and full + timedelta(
        hours=1
    ) <= now - timedelta(hours=1, seconds=20):
        whole = await _browse(ws, day["children"][3 - full.hour]["media_content_id"])
        assert f"{full:%H:00}{D}{full.hour + 1:02d}:00" in [c["title"] for c in whole["children"]]

    # Thumbnails: a JPEG for a signed-in user, 401 without.
    thumbnail = hour["children"][0]["thumbnail"]
    client = await hass_client()
    response = await client.get(thumbnail)
    assert response.status == 200
    assert response.content_type == "image/jpeg"
    assert (await response.read())[:2] == b"\xff\xd8"
    assert (await (await hass_client_no_auth()).get(thumbnail)).status == 401
    # The second time from the folder: no export.
    exports = sum(1 for r in sim.request_log if r.path.endswith("exportrecording.cgi"))
    assert (await client.get(thumbnail)).status == 200
    assert sum(1 for r in sim.request_log if r.path.endswith("exportrecording.cgi")) == exports
    assert (await client.get(thumbnail.replace(".jpg", ".png"))).status == 404

    # The MJPEG "audio detection" recording: listed, not playable, no thumbnail.
    audio = next(r for r in recordings if r.eventid == "audio detection")
    audio_start = _local(audio.start, zone)
    audio_day = disk["children"][0 if audio_start.date() == today else 1]
    hours = await _browse(ws, audio_day["media_content_id"])
    audio_hour = next(c for c in hours["children"] if c["title"].startswith(f"{audio_start:%H}:00"))
    listed = await _browse(ws, audio_hour["media_content_id"])
    found = next(c for c in listed["children"] if c["title"].endswith("audio detection"))
    assert not found["can_play"]
    assert found["thumbnail"] is None


async def test_resolve_gives_the_playlist(
    hass: HomeAssistant,
    sim: Simulator,
    browser: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    ws = await hass_ws_client(hass)
    disk = await _browse(ws, f"{ROOT}/{browser.entry_id}/SD_DISK")
    day = await _browse(ws, disk["children"][0]["media_content_id"])
    hour = await _browse(ws, day["children"][-1]["media_content_id"])
    item = hour["children"][0]
    await ws.send_json_auto_id(
        {"type": "media_source/resolve_media", "media_content_id": item["media_content_id"]}
    )
    msg = await ws.receive_json()
    assert msg["success"], msg
    assert msg["result"]["mime_type"] == "application/vnd.apple.mpegurl"
    assert msg["result"]["url"].split("?")[0].startswith(f"/api/{DOMAIN}/hls/{browser.entry_id}/")
    assert msg["result"]["url"].split("?")[0].endswith("/playlist.m3u8")
    # A range outside the recording does not resolve.
    node = tree.parse(item["media_content_id"].removeprefix(f"{ROOT}/"), UTC)
    assert node.item is not None
    late = tree.Item(
        node.item.recording_id,
        node.item.start + timedelta(hours=20),
        node.item.end + timedelta(hours=20),
        False,
        None,
        False,
        True,
    )
    error = await _error(ws, "resolve", f"{ROOT}/{tree.item_id(browser.entry_id, 'SD_DISK', late)}")
    assert error["code"] == "resolve_media_failed"
    assert "covers" in error["message"]


async def test_the_index_is_read_once_and_invalidated(
    hass: HomeAssistant,
    sim: Simulator,
    browser: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    ws = await hass_ws_client(hass)
    disk_id = f"{ROOT}/{browser.entry_id}/SD_DISK"
    first = await _browse(ws, disk_id)
    assert _index_reads(sim) == 1
    assert await _browse(ws, disk_id) == first
    assert _index_reads(sim) == 1  # the second browse lists nothing again

    # A recording starts: the coordinator's next poll sees it, the index is read again.
    coordinator = browser.runtime_data.coordinator
    new_id = sim.start_recording("SD_DISK", eventid="doorbell", recordingtype="triggered")
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    await _browse(ws, disk_id)
    assert _index_reads(sim) == 2
    hour = await _browse(
        ws,
        (await _browse(ws, first["children"][0]["media_content_id"]))["children"][0][
            "media_content_id"
        ],
    )
    assert any(c["title"].endswith("· recording · doorbell") for c in hour["children"]), new_id

    # A poll that changes nothing keeps the index; the remove_recording hook drops it.
    await coordinator.async_refresh()
    await _browse(ws, disk_id)
    assert _index_reads(sim) == 2
    async_invalidate(hass, browser.entry_id)
    await _browse(ws, disk_id)
    assert _index_reads(sim) == 3

    # remove_recording drops it too: the removed recording is gone from the next browse.
    motion = next(r for r in sim.state.recordings.values() if r.eventid == "motion" and r.stop)
    await hass.services.async_call(
        DOMAIN,
        "remove_recording",
        {
            "device_id": _camera_device_id(hass),
            "recording_id": [motion.recordingid],
            "confirm": True,
        },
        blocking=True,
        return_response=True,
    )
    await _browse(ws, disk_id)
    assert _index_reads(sim) == 4


@pytest.mark.parametrize(
    ("kind", "identifier", "message"),
    [
        ("browse", "{entry}/SD_DISK/2025-13-01", "not a valid day"),
        ("browse", "{entry}/SD_DISK/2025-03-01/99", "not an hour"),
        ("browse", "{entry}/SD_DISK/x/y/z/w", "6 parts"),
        ("browse", "nope", "No loaded Axis Edge Storage camera"),
        ("browse", "{entry}/SD_DISK_9", "has no disk"),
        ("resolve", "{entry}/SD_DISK", "a folder"),
        ("resolve", "{entry}/SD_DISK/r/20250301T130000Z/garbage", "not a time"),
        ("resolve", "{entry}/SD_DISK/nope/20250301T130000Z/20250301T140000Z", "covers"),
    ],
)
async def test_malformed_identifiers_give_a_clean_error(  # noqa: PLR0917
    hass: HomeAssistant,
    browser: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    kind: str,
    identifier: str,
    message: str,
) -> None:
    ws = await hass_ws_client(hass)
    error = await _error(ws, kind, f"{ROOT}/{identifier.format(entry=browser.entry_id)}")
    assert error["code"] == f"{kind}_media_failed"
    assert message in error["message"]
