"""MP4 exports of the simulator (``export_formats``): capabilities, properties, the file, errors."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import av
import pytest

from simulator import Simulator, SimulatorConfig, media_mp4
from simulator.__main__ import config_from_args, parse_args
from simulator.clock import format_time, parse_time

from .helpers import VIEWER, error_code, find, get_xml, make_sim
from .test_export import continuous

E = "/axis-cgi/record/export"


def _boxes(data: bytes) -> list[bytes]:
    """The types of the top-level ISO BMFF boxes of ``data``."""
    found, offset = [], 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        elif size == 0:
            size = len(data) - offset
        found.append(data[offset + 4 : offset + 8])
        offset += size
    return found


def _params(sim: Simulator, fmt: str = "mp4", **extra: str) -> dict[str, str]:
    rec = continuous(sim)
    return {
        "schemaversion": "1",
        "recordingid": rec.recordingid,
        "diskid": "SD_DISK",
        "exportformat": fmt,
        "starttime": format_time(rec.start + timedelta(seconds=61)),
        "stoptime": format_time(rec.start + timedelta(seconds=121)),
        **extra,
    }


@pytest.fixture
async def mp4_sim(sim_media_cache: Path) -> AsyncIterator[Simulator]:
    simulator = make_sim(sim_media_cache, export_formats=("matroska", "mp4"))
    async with simulator.serve("127.0.0.1", 0):
        yield simulator


async def test_capabilities_list_each_format(
    sim: Simulator, mp4_sim: Simulator, session: aiohttp.ClientSession
) -> None:
    tree = await get_xml(session, sim, f"{E}/capabilities.cgi", auth=VIEWER, schemaversion="1")
    assert [c["@ExportFormat"] for c in find(tree, "ExportCapabilities")] == ["matroska"]
    tree = await get_xml(session, mp4_sim, f"{E}/capabilities.cgi", auth=VIEWER, schemaversion="1")
    caps = find(tree, "ExportCapabilities")
    assert [c["@ExportFormat"] for c in caps] == ["matroska", "mp4"]
    # The AES zip holds a Matroska file: listed under matroska only.
    assert caps[0]["ExportEncryption"]["@EncryptionFormat"] == "zip-aes256"
    assert caps[1] is None or "ExportEncryption" not in caps[1]


async def test_mp4_is_refused_when_not_listed(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    for cgi in ("properties.cgi", "exportrecording.cgi"):
        tree = await get_xml(session, sim, f"{E}/{cgi}", auth=VIEWER, **_params(sim))
        assert error_code(tree) == 170, cgi


async def test_mp4_export(mp4_sim: Simulator, session: aiohttp.ClientSession) -> None:
    sim = mp4_sim
    params = _params(sim)
    tree = await get_xml(session, sim, f"{E}/properties.cgi", auth=VIEWER, **params)
    (prop,) = find(tree, "ExportProperties")
    assert prop["@ExportFormat"] == "mp4"
    start = parse_time(prop["@Starttime"])  # the proper start, a key frame
    stop = parse_time(params["stoptime"])
    async with session.get(
        sim.url + f"{E}/exportrecording.cgi", params=params, auth=VIEWER
    ) as resp:
        assert resp.status == 200
        assert resp.content_type == "video/mp4"
        name = f"{start:%Y%m%d_%H%M%S}_{stop:%Y%m%d_%H%M%S}.mp4"
        assert resp.headers["Content-Disposition"] == f'attachment; filename="{name}"'
        assert resp.content_length is not None
        data = await resp.read()
    boxes = _boxes(data)
    assert boxes[0] == b"ftyp"
    assert boxes.index(b"moov") < boxes.index(b"mdat")
    with av.open(io.BytesIO(data), "r") as container:
        assert container.format.name.startswith("mov")
        assert container.metadata["creation_time"] == f"{start:%Y-%m-%dT%H:%M:%S}.000000Z"
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_tag == "avc1"
        packets = [p for p in container.demux(stream) if p.pts is not None]
        first, last = packets[0], packets[-1]
        assert first.pts == 0 and first.is_keyframe
        fps = sim.media.profile.fps
        assert len(packets) == sim.media.frame_count((stop - start).total_seconds())
        assert float(last.pts * stream.time_base) == pytest.approx((len(packets) - 1) / fps)
    with av.open(io.BytesIO(data), "r") as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == len(packets)
    # The same packets as the Matroska export of the range.
    async with session.get(
        sim.url + f"{E}/exportrecording.cgi", params=_params(sim, "matroska"), auth=VIEWER
    ) as resp:
        mkv = await resp.read()
    with av.open(io.BytesIO(mkv), "r") as container:
        assert [bytes(p) for p in container.demux(video=0) if p.size] == [bytes(p) for p in packets]
    # Cached per range: served again without a remux.
    builds = media_mp4.builds
    async with session.get(
        sim.url + f"{E}/exportrecording.cgi", params=params, auth=VIEWER
    ) as resp:
        assert await resp.read() == data
    assert media_mp4.builds == builds


async def test_mp4_body_with_the_close_delimited_fault(
    mp4_sim: Simulator, session: aiohttp.ClientSession
) -> None:
    url = mp4_sim.url + f"{E}/exportrecording.cgi"
    async with session.get(url, params=_params(mp4_sim), auth=VIEWER) as resp:
        whole = await resp.read()
    mp4_sim.faults.add("close_delimited", count=1)
    async with session.get(url, params=_params(mp4_sim), auth=VIEWER) as resp:
        assert resp.version == aiohttp.HttpVersion10 and resp.content_type == "video/mp4"
        assert await resp.read() == whole


@pytest.mark.parametrize(
    ("cgi", "extra"),
    [
        ("exportrecording.cgi", {"password": "secret", "encryptionformat": "zip-aes256"}),
        ("properties.cgi", {"encryptionformat": "zip-aes256"}),
        ("exporttoexternal.cgi", {"password": "s", "encryptionformat": "zip-aes256"}),
    ],
)
async def test_mp4_with_encryption_is_280(
    mp4_sim: Simulator, session: aiohttp.ClientSession, cgi: str, extra: dict[str, str]
) -> None:
    params = _params(mp4_sim, externaldiskid="USB_DISK", **extra)
    tree = await get_xml(session, mp4_sim, f"{E}/{cgi}", **params)
    assert error_code(tree) == 280


async def test_mp4_to_usb_names_an_mp4(mp4_sim: Simulator, session: aiohttp.ClientSession) -> None:
    params = _params(mp4_sim, externaldiskid="USB_DISK")
    tree = await get_xml(session, mp4_sim, f"{E}/exporttoexternal.cgi", **params)
    assert find(tree, "ExportToExternal")[0]["@FilePath"].endswith(".mp4")


def test_export_formats_option() -> None:
    assert config_from_args(parse_args([])).export_formats == ("matroska",)
    args = parse_args(["--export-formats", "matroska, mp4"])
    assert config_from_args(args).export_formats == ("matroska", "mp4")
    for bad in ("avi", "", "matroska,avi"):
        with pytest.raises(SystemExit):
            parse_args(["--export-formats", bad])
    with pytest.raises(ValueError, match="export_formats"):
        SimulatorConfig(export_formats=("matroska", "avi"))
