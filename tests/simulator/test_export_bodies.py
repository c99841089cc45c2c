"""Export bodies that end with the connection: ``close_delimited`` (HTTP/1.0, no length, whole
or cut) and ``cut_chunked`` (chunked, no 0-chunk), through aiohttp's client and curl."""

from __future__ import annotations

import asyncio
import shutil
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp.http_exceptions import TransferEncodingError

from simulator import Simulator

from .helpers import VIEWER, error_code, get_xml, make_sim
from .test_export import continuous

EXPORT = "/axis-cgi/record/export/exportrecording.cgi"


def _params(sim: Simulator, seconds: int = 600, **extra: str) -> dict[str, str]:
    rec = continuous(sim)
    return {
        "schemaversion": "1",
        "recordingid": rec.recordingid,
        "diskid": "SD_DISK",
        "exportformat": "matroska",
        "starttime": f"{rec.start:%Y-%m-%dT%H:%M:%SZ}",
        "stoptime": f"{rec.start + timedelta(seconds=seconds):%Y-%m-%dT%H:%M:%SZ}",
        **extra,
    }


async def _normal_body(session: aiohttp.ClientSession, sim: Simulator) -> bytes:
    async with session.get(sim.url + EXPORT, params=_params(sim), auth=VIEWER) as resp:
        assert resp.status == 200 and resp.version == aiohttp.HttpVersion11
        assert resp.content_length is not None
        return await resp.read()


async def _read_into(resp: aiohttp.ClientResponse, received: bytearray) -> None:
    while chunk := await resp.content.readany():
        received += chunk


async def test_close_delimited_whole_is_the_normal_body(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    normal = await _normal_body(session, sim)
    fault = sim.faults.add("close_delimited", path=EXPORT, count=1)
    assert fault.cut == 1.0
    async with session.get(sim.url + EXPORT, params=_params(sim), auth=VIEWER) as resp:
        assert resp.status == 200
        assert resp.version == aiohttp.HttpVersion10
        assert resp.content_type == "video/x-matroska"
        assert resp.headers["Content-Disposition"].startswith('attachment; filename="')
        assert "Content-Length" not in resp.headers
        assert "Transfer-Encoding" not in resp.headers
        body = await resp.read()
    assert body == normal
    assert fault.sent == len(normal)
    assert len(sim.faults) == 0
    assert sim.request_log[-1].status == 200


@pytest.mark.parametrize("cut", [0.6, 0.25])
async def test_close_delimited_cut_ends_with_a_clean_eof(
    sim: Simulator, session: aiohttp.ClientSession, cut: float
) -> None:
    normal = await _normal_body(session, sim)
    fault = sim.faults.add("close_delimited", count=1, cut=cut)
    async with session.get(sim.url + EXPORT, params=_params(sim), auth=VIEWER) as resp:
        assert resp.version == aiohttp.HttpVersion10
        assert resp.content_length is None
        body = await resp.read()  # no error: the close is the end of the body
    assert body == normal[: len(body)]
    assert len(body) == int(len(normal) * cut) == fault.sent
    assert len(body) < len(normal)
    # The next export is whole again, with its length.
    assert await _normal_body(session, sim) == normal


async def test_cut_chunked_raises_the_payload_error(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    normal = await _normal_body(session, sim)
    fault = sim.faults.add("cut_chunked", path="record/export/", count=1, cut=0.6)
    received = bytearray()
    async with session.get(sim.url + EXPORT, params=_params(sim), auth=VIEWER) as resp:
        assert resp.status == 200 and resp.version == aiohttp.HttpVersion11
        assert resp.headers["Transfer-Encoding"] == "chunked"
        assert resp.content_type == "video/x-matroska"
        with pytest.raises(aiohttp.ClientPayloadError) as info:
            await _read_into(resp, received)
    # "Response payload is not completed: <TransferEncodingError: 400, message='Not enough
    # data to satisfy transfer length header.'>", from the C and the Python parser alike.
    assert TransferEncodingError.__name__ in str(info.value)
    assert fault.sent == int(len(normal) * 0.6)
    assert bytes(received) == normal[: len(received)] and len(received) <= fault.sent


async def test_cut_chunked_whole_still_lacks_its_last_chunk(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    normal = await _normal_body(session, sim)
    fault = sim.faults.add("cut_chunked", count=1)
    async with session.get(sim.url + EXPORT, params=_params(sim), auth=VIEWER) as resp:
        with pytest.raises(aiohttp.ClientPayloadError):
            await resp.read()
    assert fault.sent == len(normal)


async def test_errors_and_other_paths_keep_the_fault(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    fault = sim.faults.add("close_delimited", count=1, cut=0.5)
    tree = await get_xml(session, sim, EXPORT, auth=VIEWER, **_params(sim, exportformat="avi"))
    assert error_code(tree) == 170  # an error answers as usual
    async with session.get(sim.url + "/axis-cgi/disks/list.cgi", auth=VIEWER) as resp:
        assert resp.status in (200, 403) and resp.version == aiohttp.HttpVersion11
    assert sim.faults.active() == [fault]


async def test_close_delimited_over_tls_and_paced(
    sim_media_cache: Path, session: aiohttp.ClientSession
) -> None:
    """TLS has no sendfile (the loop's fallback copies); a paced link goes piece by piece."""
    for overrides in ({"tls": True}, {"bandwidth_mbit": 200.0}):
        sim = make_sim(sim_media_cache, **overrides)
        async with sim.serve("127.0.0.1", 0):
            async with session.get(
                sim.url + EXPORT, params=_params(sim), auth=VIEWER, ssl=False
            ) as resp:
                normal = await resp.read()
            sim.faults.add("close_delimited", count=1)
            sim.faults.add("close_delimited", count=1, cut=0.5)
            for expected in (normal, normal[: len(normal) // 2]):
                async with session.get(
                    sim.url + EXPORT, params=_params(sim), auth=VIEWER, ssl=False
                ) as resp:
                    assert resp.version == aiohttp.HttpVersion10
                    assert await resp.read() == expected


async def test_faults_through_the_control_surface(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    for body, status in [
        ({"kind": "close_delimited", "cut": 0.6}, 201),
        ({"kind": "cut_chunked", "path": "record/export/"}, 201),
        ({"kind": "close_delimited", "cut": 0}, 400),
        ({"kind": "cut_chunked", "cut": 1.5}, 400),
    ]:
        async with session.post(sim.url + "/sim/faults", json=body) as resp:
            assert resp.status == status, body
            if status == 201:
                added = await resp.json()
                assert added["cut"] == body.get("cut", 1.0) and added["sent"] == 0


@pytest.mark.skipif(shutil.which("curl") is None, reason="no curl")
async def test_curl_sees_a_cut_close_delimited_body_as_complete(
    sim: Simulator, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    normal = await _normal_body(session, sim)
    query = "&".join(f"{key}={value}" for key, value in _params(sim).items())
    results = []
    for kind, cut in [("close_delimited", 1.0), ("close_delimited", 0.6), ("cut_chunked", 0.6)]:
        sim.faults.add(kind, count=1, cut=cut)
        target = tmp_path / f"{kind}-{cut}.mkv"
        process = await asyncio.create_subprocess_exec(
            "curl", "-sS", "-u", "viewer:viewer", "-o", str(target), f"{sim.url}{EXPORT}?{query}",
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _out, err = await process.communicate()
        results.append((process.returncode, target.read_bytes(), err))
    assert results[0][:2] == (0, normal)
    assert results[1][:2] == (0, normal[: int(len(normal) * 0.6)])  # curl cannot tell
    assert results[2][0] == 18, results[2][2]  # "transfer closed with outstanding read data"
    assert results[2][1] == normal[: len(results[2][1])]
