"""Clips that play on every phone: MP4 exports, verified by their content, with a thumbnail.

Through Home Assistant's action and download view, against the simulator over real HTTP. The
files are read back with PyAV directly (not with the integration's own media code).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from fractions import Fraction
from http import HTTPStatus
from pathlib import Path
from typing import Any

import av
import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.axis_edge_storage.const import DOMAIN
from custom_components.axis_edge_storage.export import finish
from custom_components.axis_edge_storage.media import remux as remux_module
from simulator import Simulator

from ..conftest import StartSim
from ..export.conftest import make_device, timeline
from ..media.makers import jpeg_size, top_level_boxes
from .conftest import SERIAL, TITLE, entry_data
from .test_export_clip import camera_id, capture, export

GOP = timedelta(seconds=2)  # the simulator's light profile: a key frame every 2 s
EXPORT_CGI = "/axis-cgi/record/export/exportrecording.cgi"


@pytest.fixture
def media(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Home Assistant's media folder, in a temporary folder."""
    folder = tmp_path / "media"
    folder.mkdir()
    hass.config.media_dirs = {"local": str(folder)}
    return folder


async def _load(hass: HomeAssistant, simulator: Simulator) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(simulator), version=1
    )
    entry.add_to_hass(hass)
    assert await async_setup_component(hass, "http", {})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _video(path: Path) -> dict[str, Any]:
    """What PyAV reads of a file's video: sample entry, size, absolute first and last times."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        created = container.metadata.get("creation_time") or container.metadata.get(
            "com.apple.quicktime.creationdate"
        )
        base: Fraction = stream.time_base
        first = last = None
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            begin = packet.pts * base
            end = begin + (packet.duration or 0) * base
            first = begin if first is None else min(first, begin)
            last = end if last is None else max(last, end)
        assert first is not None and last is not None
        origin = dt_util.parse_datetime(created)
        assert origin is not None
        return {
            "tag": stream.codec_context.codec_tag,
            "codec": stream.codec_context.name,
            "size": (stream.codec_context.width, stream.codec_context.height),
            "first": origin + timedelta(seconds=float(first)),
            "last": origin + timedelta(seconds=float(last)),
        }


def _check_mp4(item: dict[str, Any], start: datetime, end: datetime) -> None:
    """A playable MP4: ftyp first, moov before mdat, avc1, the range, the hash."""
    path = Path(item["path"])
    assert path.suffix == ".mp4"
    assert item["format"] == "mp4"
    content = path.read_bytes()
    assert item["size"] == len(content)
    assert item["sha256"] == hashlib.sha256(content).hexdigest()
    boxes = top_level_boxes(path)
    assert boxes[0] == "ftyp"
    assert boxes.index("moov") < boxes.index("mdat")
    video = _video(path)
    assert video["tag"] == "avc1"
    # The first frame is the key frame at or before the asked start (the proper start), the
    # last within one GOP of the asked end.
    assert video["first"] == dt_util.parse_datetime(item["start"])
    assert start - GOP <= video["first"] <= start
    assert end - GOP <= video["last"] <= end + GOP


async def test_a_minute_as_mp4(
    hass: HomeAssistant, sim: Simulator, media: Path, hass_client_no_auth: ClientSessionGenerator
) -> None:
    """The default format: an MP4 that plays progressively, its thumbnail, inline links."""
    await _load(hass, sim)
    completed = capture(hass, "completed")
    at = dt_util.now() - timedelta(minutes=10)
    response = await export(hass, device_id=camera_id(hass), at=at, before=30, after=30)
    assert response["format"] == "mp4"
    [item] = response["files"]
    _check_mp4(item, at - timedelta(seconds=30), at + timedelta(seconds=30))
    assert completed[0].data["format"] == "mp4"
    assert completed[0].data["files"] == response["files"]
    path, thumbnail = Path(item["path"]), Path(item["thumbnail"])
    assert thumbnail == path.with_suffix(".jpg")
    assert _files(media) == [thumbnail, path]  # no .part, no Matroska left

    client = await hass_client_no_auth()
    # The clip plays where it is opened, and seeks: a range answers 206.
    partial = await client.get(item["url"], headers={"Range": "bytes=0-1"})
    assert partial.status == HTTPStatus.PARTIAL_CONTENT
    assert partial.headers["Content-Range"] == f"bytes 0-1/{item['size']}"
    assert partial.headers["Content-Type"] == "video/mp4"
    assert partial.headers["Content-Disposition"].startswith("inline;")
    assert await partial.read() == path.read_bytes()[:2]
    download = await client.get(item["url"] + "&download=1")
    assert download.status == HTTPStatus.OK
    assert download.headers["Content-Disposition"].startswith("attachment;")
    # The thumbnail: a JPEG of the video's own size, behind its own signed link.
    picture = await client.get(item["thumbnail_url"])
    assert picture.status == HTTPStatus.OK
    assert picture.headers["Content-Type"] == "image/jpeg"
    assert picture.headers["Content-Disposition"].startswith("inline;")
    jpeg = await picture.read()
    assert jpeg[:2] == b"\xff\xd8"
    assert jpeg[-2:] == b"\xff\xd9"
    assert jpeg_size(jpeg) == _video(path)["size"]


async def test_a_range_across_two_recordings_gives_two_mp4_files(
    hass: HomeAssistant, sim: Simulator, media: Path
) -> None:
    await _load(hass, sim)
    boundary = timeline(sim).first.stop
    start, end = boundary - timedelta(seconds=20), boundary + timedelta(seconds=20)
    response = await export(hass, device_id=camera_id(hass), start=start, end=end)
    first, second = response["files"]
    _check_mp4(first, start, boundary)
    _check_mp4(second, boundary, end)
    assert first["recording_id"] != second["recording_id"]
    assert len(_files(media)) == 4  # two clips, two thumbnails


async def test_mkv_is_the_cameras_file_byte_for_byte(
    hass: HomeAssistant, sim: Simulator, media: Path
) -> None:
    await _load(hass, sim)
    at = dt_util.now() - timedelta(minutes=10)
    response = await export(
        hass, device_id=camera_id(hass), at=at, before=10, after=10, format="mkv"
    )
    assert response["format"] == "mkv"
    [item] = response["files"]
    path = Path(item["path"])
    assert path.suffix == ".mkv"
    assert item["thumbnail"] == str(path.with_suffix(".jpg"))
    client = make_device(hass, sim)
    async with client.exports.export(
        item["recording_id"],
        item["disk_id"],
        start=dt_util.parse_datetime(item["start"]),
        stop=dt_util.parse_datetime(item["stop"]),
    ) as stream:
        body = b"".join([chunk async for chunk in stream.iter_chunks()])
    assert path.read_bytes() == body
    assert item["sha256"] == hashlib.sha256(body).hexdigest()


async def test_a_camera_that_offers_mp4_is_asked_for_it(
    hass: HomeAssistant, start_sim: StartSim, media: Path
) -> None:
    async with start_sim(export_formats=("matroska", "mp4")) as camera:
        await _load(hass, camera)
        at = dt_util.now() - timedelta(minutes=10)
        response = await export(hass, device_id=camera_id(hass), at=at, before=10, after=10)
        [item] = response["files"]
        _check_mp4(item, at - timedelta(seconds=10), at + timedelta(seconds=10))
        asked = [r.query.get("exportformat") for r in camera.request_log if r.path == EXPORT_CGI]
        assert asked == ["mp4"]


@pytest.mark.parametrize("file_format", ["mp4", "mkv"])
async def test_a_body_ended_by_the_close_is_verified(
    hass: HomeAssistant, sim: Simulator, media: Path, file_format: str
) -> None:
    """HTTP/1.0 without a length, whole: saved; the same body cut at 60 %: an error, nothing kept."""
    await _load(hass, sim)
    at = dt_util.now() - timedelta(minutes=10)
    sim.faults.add("close_delimited", path="record/export/exportrecording.cgi", count=1)
    whole = await export(
        hass, device_id=camera_id(hass), at=at, before=10, after=10, format=file_format
    )
    [item] = whole["files"]
    assert Path(item["path"]).suffix == f".{file_format}"
    kept = _files(media)
    assert len(kept) == 2

    failed = capture(hass, "failed")
    sim.faults.add("close_delimited", path="record/export/exportrecording.cgi", count=1, cut=0.6)
    with pytest.raises(HomeAssistantError) as info:
        await export(
            hass, device_id=camera_id(hass), at=at, before=20, after=20, format=file_format
        )
    assert info.value.translation_key in ("export_truncated", "export_incomplete")
    assert "cut" in str(info.value)
    assert [event.data["error"] for event in failed] == [info.value.translation_key]
    assert _files(media) == kept  # no file, no .part, no thumbnail of the cut export


async def test_a_cut_chunked_body_leaves_nothing(
    hass: HomeAssistant, sim: Simulator, media: Path
) -> None:
    await _load(hass, sim)
    at = dt_util.now() - timedelta(minutes=10)
    sim.faults.add("cut_chunked", path="record/export/exportrecording.cgi", count=1, cut=0.6)
    with pytest.raises(HomeAssistantError) as info:
        await export(hass, device_id=camera_id(hass), at=at, before=20, after=20)
    assert info.value.translation_key == "connection_lost"
    assert _files(media) == []


async def test_the_mp4_is_made_while_downloading(
    hass: HomeAssistant, sim: Simulator, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The remux reads the Matroska behind the download: no remux of the whole file after."""
    after: list[Path] = []
    monkeypatch.setattr(finish, "remux_to_mp4", lambda source, *args, **kw: after.append(source))
    await _load(hass, sim)
    at = dt_util.now() - timedelta(minutes=10)
    response = await export(hass, device_id=camera_id(hass), at=at, before=30, after=30)
    [item] = response["files"]
    _check_mp4(item, at - timedelta(seconds=30), at + timedelta(seconds=30))
    assert after == []
    assert _files(media) == [Path(item["thumbnail"]), Path(item["path"])]


async def test_without_an_estimate_the_whole_file_is_remuxed_after(
    hass: HomeAssistant, sim: Simulator, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A header without a duration: no index room to reserve while downloading; same MP4."""
    estimated: list[object] = []

    def no_estimate(container: object) -> None:
        estimated.append(container)

    monkeypatch.setattr(remux_module, "_estimate", no_estimate)
    await _load(hass, sim)
    at = dt_util.now() - timedelta(minutes=10)
    response = await export(hass, device_id=camera_id(hass), at=at, before=30, after=30)
    [item] = response["files"]
    _check_mp4(item, at - timedelta(seconds=30), at + timedelta(seconds=30))
    assert len(estimated) == 2  # while downloading, then for the whole file
    assert _files(media) == [Path(item["thumbnail"]), Path(item["path"])]


async def test_a_late_failure_downloads_the_part_again(
    hass: HomeAssistant, sim: Simulator, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index's room turns out too small at the end, after the Matroska was let go: the
    part is downloaded again and remuxed whole (the muxer then moves the data); same MP4."""
    monkeypatch.setattr(remux_module, "_moov_size", lambda packets: 1024)
    await _load(hass, sim)
    at = dt_util.now() - timedelta(minutes=10)
    response = await export(hass, device_id=camera_id(hass), at=at, before=30, after=30)
    [item] = response["files"]
    _check_mp4(item, at - timedelta(seconds=30), at + timedelta(seconds=30))
    assert len([r for r in sim.request_log if r.path.endswith(EXPORT_CGI)]) == 2
    assert _files(media) == [Path(item["thumbnail"]), Path(item["path"])]
