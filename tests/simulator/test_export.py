"""Export recording API of the simulator: properties, real Matroska exports, USB jobs."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from pathlib import Path

import aiohttp
import av
import pytest
import pyzipper

from simulator import Simulator
from simulator.__main__ import config_from_args, parse_args
from simulator.clock import format_time, parse_time
from simulator.model import Recording

from .helpers import VIEWER, error_code, find, get_xml, make_sim

E = "/axis-cgi/record/export"


def continuous(sim: Simulator, ongoing: bool = False) -> Recording:
    recs = sorted(
        (r for r in sim.state.recordings.values() if r.eventid == "continuous"),
        key=lambda r: r.start,
    )
    return next(r for r in recs if r.ongoing == ongoing)


def mjpeg(sim: Simulator) -> Recording:
    return next(r for r in sim.state.recordings.values() if r.mimetype == "image/jpeg")


async def props(session: aiohttp.ClientSession, sim: Simulator, **params: str) -> dict[str, object]:
    return await get_xml(
        session, sim, f"{E}/properties.cgi", auth=VIEWER, schemaversion="1", **params
    )


async def test_schema_and_capabilities(sim: Simulator, session: aiohttp.ClientSession) -> None:
    tree = await get_xml(session, sim, f"{E}/schemaversions.cgi", auth=VIEWER)
    assert find(tree, "VersionNumber") == ["1.0", "1.1", "1.2"]
    tree = await get_xml(session, sim, f"{E}/capabilities.cgi", auth=VIEWER, schemaversion="1")
    cap = find(tree, "ExportCapabilities")[0]
    assert cap["@ExportFormat"] == "matroska"
    assert cap["ExportEncryption"]["@EncryptionFormat"] == "zip-aes256"
    assert error_code(await get_xml(session, sim, f"{E}/capabilities.cgi")) == 20
    tree = await get_xml(session, sim, f"{E}/capabilities.cgi", schemaversion="2")
    assert error_code(tree) == 40


async def test_properties_align_to_key_frame(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    rec = continuous(sim)
    start = rec.start + timedelta(seconds=601, milliseconds=300)
    stop = rec.start + timedelta(seconds=660)
    tree = await props(
        session,
        sim,
        recordingid=rec.recordingid,
        diskid="SD_DISK",
        starttime=format_time(start),
        stoptime=format_time(stop),
    )
    ep = find(tree, "ExportProperties")[0]
    assert parse_time(ep["@Starttime"]) == rec.start + timedelta(seconds=600)
    assert parse_time(ep["@Stoptime"]) == stop
    assert int(ep["@EstimatedFileSize"]) > 0
    tree = await props(session, sim, recordingid=rec.recordingid, diskid="SD_DISK")
    ep = find(tree, "ExportProperties")[0]
    assert parse_time(ep["@Starttime"]) == rec.start
    assert parse_time(ep["@Stoptime"]) == rec.stop
    ongoing = continuous(sim, ongoing=True)
    tree = await props(session, sim, recordingid=ongoing.recordingid, diskid="SD_DISK")
    stop_at = parse_time(find(tree, "ExportProperties")[0]["@Stoptime"])
    assert abs((stop_at - sim.clock.now()).total_seconds()) < 2


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"recordingid": "nope"}, 110),
        ({"diskid": "NetworkShare"}, 110),
        ({"starttime": "yesterday"}, 120),
        ({"stoptime": "2020-13-45T99:00:00Z"}, 130),
        ({"starttime": "+10m", "stoptime": "+5m"}, 140),
        ({"starttime": "+1d"}, 150),
        ({"stoptime": "-1d"}, 160),
        ({"exportformat": "mp4"}, 170),
        ({"mjpeg": "1"}, 180),
        ({"recordingid": ""}, 20),
    ],
)
async def test_properties_errors(
    sim: Simulator, session: aiohttp.ClientSession, params: dict[str, str], code: int
) -> None:
    rec = continuous(sim)
    args = {"recordingid": rec.recordingid, "diskid": "SD_DISK"}
    if params.pop("mjpeg", None):
        args["recordingid"] = mjpeg(sim).recordingid
    for key, raw in params.items():
        value = raw
        if raw and raw[0] in "+-" and raw[-1] in "md":
            unit = timedelta(minutes=1) if raw[-1] == "m" else timedelta(days=1)
            value = format_time(rec.start + int(raw[:-1]) * unit)
        args[key] = value
    assert error_code(await props(session, sim, **args)) == code


async def test_export_is_playable_matroska(sim: Simulator, session: aiohttp.ClientSession) -> None:
    rec = continuous(sim)
    start = rec.start + timedelta(seconds=61)
    stop = rec.start + timedelta(seconds=70)
    params = {
        "schemaversion": "1",
        "recordingid": rec.recordingid,
        "diskid": "SD_DISK",
        "exportformat": "matroska",
        "starttime": format_time(start),
        "stoptime": format_time(stop),
    }
    async with session.get(
        sim.url + f"{E}/exportrecording.cgi", params=params, auth=VIEWER
    ) as resp:
        assert resp.status == 200
        assert resp.content_type == "video/x-matroska"
        aligned = rec.start + timedelta(seconds=60)
        name = f"{aligned:%Y%m%d_%H%M%S}_{stop:%Y%m%d_%H%M%S}.mkv"
        assert resp.headers["Content-Disposition"] == f'attachment; filename="{name}"'
        data = await resp.read()
    with av.open(io.BytesIO(data), mode="r") as container:
        stream = container.streams.video[0]
        frames = len(list(container.decode(stream)))
    assert frames >= 9 * sim.media.profile.fps
    # With a password: an AES zip.
    params |= {"password": "secret", "encryptionformat": "zip-aes256", "filename": "clip"}
    async with session.get(
        sim.url + f"{E}/exportrecording.cgi", params=params, auth=VIEWER
    ) as resp:
        assert resp.content_type == "application/zip"
        assert resp.headers["Content-Disposition"] == 'attachment; filename="clip.zip"'
        data = await resp.read()
    with pyzipper.AESZipFile(io.BytesIO(data)) as archive:
        archive.setpassword(b"secret")
        assert archive.namelist() == ["clip.mkv"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"password": "x" * 513, "encryptionformat": "zip-aes256"}, 240),
        ({"password": "p", "encryptionformat": "rot13"}, 250),
        ({"encryptionformat": "zip-aes256"}, 260),
        ({"password": "p"}, 270),
        ({"password": "p", "encryptionformat": "zip-aes128"}, 280),
        ({"exportformat": ""}, 20),
    ],
)
async def test_export_errors_are_xml(
    sim: Simulator, session: aiohttp.ClientSession, params: dict[str, str], code: int
) -> None:
    rec = continuous(sim)
    args = {"recordingid": rec.recordingid, "diskid": "SD_DISK", "exportformat": "matroska"}
    tree = await get_xml(
        session, sim, f"{E}/exportrecording.cgi", schemaversion="1", **(args | params)
    )
    assert error_code(tree) == code


async def test_export_to_usb(sim: Simulator, session: aiohttp.ClientSession) -> None:
    rec = continuous(sim)
    base = {
        "schemaversion": "1",
        "recordingid": rec.recordingid,
        "diskid": "SD_DISK",
        "exportformat": "matroska",
        "externaldiskid": "USB_DISK",
    }
    url = f"{E}/exporttoexternal.cgi"
    assert (
        error_code(await get_xml(session, sim, url, **(base | {"externaldiskid": "SD_DISK"})))
        == 200
    )
    assert (
        error_code(await get_xml(session, sim, url, **(base | {"filepath": "../etc/x.mkv"}))) == 230
    )
    tree = await get_xml(session, sim, url, auth=VIEWER, **(base | {"filepath": "clips/a.mkv"}))
    job = find(tree, "ExportToExternal")[0]
    assert job["@FilePath"] == "clips/a.mkv"
    assert error_code(await get_xml(session, sim, url, **base)) == 220
    status = f"{E}/getjobstatus.cgi"
    tree = await get_xml(session, sim, status, auth=VIEWER, schemaversion="1", jobid=job["@JobId"])
    assert find(tree, "JobStatus")[0]["@Status"] == "In Progress"
    sim.clock.advance(11)
    tree = await get_xml(session, sim, status, schemaversion="1", jobid=job["@JobId"])
    assert find(tree, "JobStatus")[0] == {"@Status": "Done", "@Progress": "100"}
    assert error_code(await get_xml(session, sim, status, schemaversion="1", jobid="99")) == 190
    # A job failing because the USB disk is pulled out.
    tree = await get_xml(session, sim, url, **base)
    jobid = find(tree, "ExportToExternal")[0]["@JobId"]
    sim.set_usb(False)
    tree = await get_xml(session, sim, status, schemaversion="1", jobid=jobid)
    assert error_code(tree) == 210
    assert find(tree, "GetJobStatusSuccess")
    assert error_code(await get_xml(session, sim, url, **base)) == 210
    # Only the last five completed jobs are kept.
    sim.set_usb(True)
    for _ in range(5):
        await get_xml(session, sim, url, **base)
        sim.clock.advance(11)
        await get_xml(session, sim, status, schemaversion="1", jobid="1")
    assert error_code(await get_xml(session, sim, status, schemaversion="1", jobid="1")) == 190


async def test_drop_export_fault(
    sim: Simulator, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    rec = continuous(sim)
    params = {
        "schemaversion": "1",
        "recordingid": rec.recordingid,
        "diskid": "SD_DISK",
        "exportformat": "matroska",
        "starttime": format_time(rec.start),
        "stoptime": format_time(rec.start + timedelta(seconds=120)),
    }
    sim.faults.add("drop_export", count=1, bytes=1000)
    async with session.get(
        sim.url + f"{E}/exportrecording.cgi", params=params, auth=VIEWER
    ) as resp:
        assert resp.status == 200
        assert resp.content_length is not None and resp.content_length > 1000
        with pytest.raises(aiohttp.ClientPayloadError):
            await resp.read()
    async with session.get(
        sim.url + f"{E}/exportrecording.cgi", params=params, auth=VIEWER
    ) as resp:
        assert len(await resp.read()) == resp.content_length


@pytest.mark.parametrize("password", [None, "secret"], ids=["matroska", "zip"])
async def test_bandwidth_paces_export_bodies(
    sim_media_cache: Path, session: aiohttp.ClientSession, password: str | None
) -> None:
    """At 8 Mbit/s (1 MB/s) a body of about 0.6 MB takes about 0.6 s after its headers."""
    sim = make_sim(sim_media_cache, bandwidth_mbit=8.0)
    rate = 8.0 * 1_000_000 / 8
    async with sim.serve("127.0.0.1", 0):
        rec = continuous(sim)
        params = {
            "schemaversion": "1",
            "recordingid": rec.recordingid,
            "diskid": "SD_DISK",
            "exportformat": "matroska",
            "starttime": format_time(rec.start),
            "stoptime": format_time(rec.start + timedelta(seconds=180)),
        }
        if password is not None:
            params |= {"password": password, "encryptionformat": "zip-aes256"}
        async with session.get(
            sim.url + f"{E}/exportrecording.cgi", params=params, auth=VIEWER
        ) as resp:
            assert resp.status == 200
            started = time.perf_counter()
            data = await resp.read()
            elapsed = time.perf_counter() - started
    assert len(data) == resp.content_length
    link = sim.link()
    assert link is not None
    expected = (len(data) - link.burst) / rate  # the first piece goes at once
    assert 0.4 < expected < 1.0, expected
    assert 0.85 * expected <= elapsed <= 1.25 * expected + 0.15, (elapsed, expected)


def test_bandwidth_option() -> None:
    assert config_from_args(parse_args(["--bandwidth", "8"])).bandwidth_mbit == 8.0
    assert config_from_args(parse_args([])).bandwidth_mbit is None
    with pytest.raises(SystemExit):
        parse_args(["--bandwidth", "0"])
