"""The faults written on the raw connection (invalid header, bad chunk, huge body), Digest
with several algorithms, the presented scheme in the request log and the certificate
fingerprint (raw HTTP, no client)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import ssl
import time
from pathlib import Path

import aiohttp
import pytest
import xmltodict
from aiohttp.http_exceptions import TransferEncodingError

from simulator import Simulator, SimulatorConfig
from simulator.__main__ import config_from_args, parse_args
from simulator.auth import parse_digest

from .helpers import ADMIN, make_sim

LIST = "/axis-cgi/disks/list.cgi?diskid=all"
EXPORT = "/axis-cgi/record/export/exportrecording.cgi"
MIB = 1024 * 1024


def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


async def _drain(resp: aiohttp.ClientResponse) -> None:
    while await resp.content.readany():
        pass


async def test_invalid_header(sim: Simulator, session: aiohttp.ClientSession) -> None:
    fault = sim.faults.add("invalid_header", path="disks/list.cgi", count=1)
    assert fault.as_dict()["kind"] == "invalid_header"
    with pytest.raises(aiohttp.ClientResponseError) as info:
        async with session.get(sim.url + LIST, auth=ADMIN) as resp:
            await resp.read()
    assert "colon" in str(info.value)
    assert len(sim.faults) == 0  # count consumed
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        assert resp.status == 200


async def test_faults_apply_to_their_path_and_to_authenticated_requests(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    sim.faults.add("invalid_header", path="disks/gethealth.cgi")
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        assert resp.status == 200
    async with session.get(sim.url + "/axis-cgi/disks/gethealth.cgi") as resp:
        assert resp.status == 401  # the challenge comes first, unbroken
    for _ in range(2):
        with pytest.raises(aiohttp.ClientResponseError):
            async with session.get(sim.url + "/axis-cgi/disks/gethealth.cgi", auth=ADMIN):
                pass
    sim.faults.clear("invalid_header")
    async with session.get(sim.url + "/axis-cgi/disks/gethealth.cgi", auth=ADMIN) as resp:
        assert resp.status == 200


async def test_bad_chunk_sent_at_once(sim: Simulator, session: aiohttp.ClientSession) -> None:
    sim.faults.add("bad_chunk", path="disks/list.cgi", count=1)
    # aiohttp's C parser fails on the response, its Python parser on the body.
    with pytest.raises((aiohttp.ClientResponseError, aiohttp.ClientPayloadError)):
        async with session.get(sim.url + LIST, auth=ADMIN) as resp:
            await resp.read()


async def test_bad_chunk_after_a_pause_breaks_an_export_mid_way(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    sim.faults.add("bad_chunk", path=EXPORT, count=1, pause=0.05)
    async with session.get(sim.url + EXPORT, auth=ADMIN) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "video/x-matroska"
        assert resp.headers["Transfer-Encoding"] == "chunked"
        first = await resp.content.readany()
        assert first.startswith(b"\x1a\x45\xdf\xa3")
        # The C parser never reports the bad chunk (the read waits), the Python one raises.
        with pytest.raises((TimeoutError, aiohttp.ClientPayloadError, TransferEncodingError)):
            await asyncio.wait_for(_drain(resp), 1)


async def test_huge_body_is_well_formed_xml(sim: Simulator, session: aiohttp.ClientSession) -> None:
    fault = sim.faults.add("huge_body", path="disks/list.cgi", count=1, mib=2)
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/xml")
        assert resp.headers["Transfer-Encoding"] == "chunked"
        body = await resp.read()
    assert 2 * MIB - 1024 < len(body) <= 2 * MIB
    assert fault.sent == len(body)
    disks = xmltodict.parse(body)["root"]["disks"]["disk"]
    assert len(disks) > 5000 and disks[0]["@diskid"] == "SD_DISK"


async def test_huge_body_with_content_length(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    sim.faults.add("huge_body", count=1, mib=1, content_length=True)
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        assert "Transfer-Encoding" not in resp.headers
        body = await resp.read()
        assert resp.content_length == len(body)
    assert xmltodict.parse(body)["root"]["disks"]["disk"]


async def test_300_mib_are_made_on_the_fly_and_stop_when_the_client_hangs_up(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    baseline = _rss()
    fault = sim.faults.add("huge_body", path="disks/list.cgi", count=1)  # 300 MiB
    started = time.perf_counter()
    received = 0
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        while chunk := await resp.content.readany():
            received += len(chunk)
            # Meanwhile the simulator answers others at once.
            if received > 100 * MIB and received - len(chunk) <= 100 * MIB:
                probe = time.perf_counter()
                async with (
                    aiohttp.ClientSession() as other,
                    other.get(sim.url + LIST, auth=ADMIN) as quick,
                ):
                    assert quick.status == 200
                assert time.perf_counter() - probe < 0.5
    elapsed = time.perf_counter() - started
    assert received == fault.sent
    assert 300 * MIB - 1024 < received <= 300 * MIB
    assert _rss() - baseline < 64 * MIB  # never held in memory
    assert elapsed < 30
    # A client that hangs up after 1 MiB: the simulator stops writing.
    fault = sim.faults.add("huge_body", path="disks/list.cgi", count=1)
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        await resp.content.readexactly(MIB)
        resp.close()
    await asyncio.sleep(0.3)
    assert fault.sent < 64 * MIB


async def test_raw_faults_through_the_control_surface(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    fault = {"kind": "huge_body", "path": "disks/", "count": 2, "mib": 0.5, "content_length": True}
    async with session.post(sim.url + "/sim/faults", json=fault) as resp:
        assert resp.status == 201
        added = await resp.json()
    assert added["mib"] == 0.5 and added["content_length"] is True and added["sent"] == 0
    async with session.post(
        sim.url + "/sim/faults", json={"kind": "bad_chunk", "pause": 0.1}
    ) as resp:
        assert (await resp.json())["pause"] == 0.1
    async with session.post(sim.url + "/sim/faults", json={"kind": "huge_body", "sent": 1}) as resp:
        assert resp.status == 400
    async with session.post(sim.url + "/sim/faults", json={"kind": "huge_body", "mib": 0}) as resp:
        assert resp.status == 400
    async with session.delete(sim.url + "/sim/faults?kind=bad_chunk") as resp:
        assert resp.status == 200
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        assert resp.content_length is not None and resp.content_length > 500_000


# --------------------------------------------------------------------- Digest algorithms


def _digest(challenge: dict[str, str], uri: str, algorithm: str) -> str:
    hash_name = "sha256" if algorithm.upper().startswith("SHA-256") else "md5"

    def h(text: str) -> str:
        return hashlib.new(hash_name, text.encode()).hexdigest()

    cnonce = os.urandom(8).hex()
    ha1 = h(f"root:{challenge['realm']}:pass")
    if algorithm.upper().endswith("-SESS"):
        ha1 = h(f"{ha1}:{challenge['nonce']}:{cnonce}")
    ha2 = h(f"GET:{uri}")
    response = h(f"{ha1}:{challenge['nonce']}:00000001:{cnonce}:auth:{ha2}")
    return (
        f'Digest username="root", realm="{challenge["realm"]}", nonce="{challenge["nonce"]}", '
        f'uri="{uri}", algorithm={algorithm}, qop=auth, nc=00000001, cnonce="{cnonce}", '
        f'response="{response}", opaque="{challenge["opaque"]}"'
    )


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256", "SHA-256-sess", "MD5-sess"])
async def test_several_digest_algorithms(
    sim_media_cache: Path, session: aiohttp.ClientSession, algorithm: str
) -> None:
    offered = ("MD5", "SHA-256", "MD5-sess", "SHA-256-sess")
    sim = make_sim(sim_media_cache, auth="digest", digest_algorithms=offered)
    async with sim.serve("127.0.0.1", 0):
        async with session.get(sim.url + LIST) as resp:
            values = resp.headers.getall("WWW-Authenticate")
        challenges = [parse_digest(v[len("Digest ") :]) for v in values]
        assert [c["algorithm"] for c in challenges] == list(offered)
        assert len({c["nonce"] for c in challenges}) == 1
        chosen = next(c for c in challenges if c["algorithm"] == algorithm)
        headers = {"Authorization": _digest(chosen, LIST, algorithm)}
        async with session.get(sim.url + LIST, headers=headers) as resp:
            assert resp.status == 200
        assert sim.request_log[-1].auth == f"digest {algorithm.upper()}"
        assert sim.request_log[-1].as_dict()["auth"] == f"digest {algorithm.upper()}"
        assert sim.request_log[0].auth is None


async def test_an_algorithm_not_offered_is_refused(
    sim_media_cache: Path, session: aiohttp.ClientSession
) -> None:
    sim = make_sim(sim_media_cache, auth="digest", digest_algorithms=("SHA-256",))
    async with sim.serve("127.0.0.1", 0):
        async with session.get(sim.url + LIST) as resp:
            challenge = parse_digest(resp.headers["WWW-Authenticate"][len("Digest ") :])
        headers = {"Authorization": _digest(challenge, LIST, "MD5")}
        async with session.get(sim.url + LIST, headers=headers) as resp:
            assert resp.status == 401


def test_unknown_digest_algorithms_are_refused() -> None:
    with pytest.raises(ValueError, match="digest algorithms"):
        Simulator(SimulatorConfig(digest_algorithms=("SHA-512",)))
    with pytest.raises(ValueError, match="digest algorithms"):
        Simulator(SimulatorConfig(digest_algorithms=()))


def test_digest_algorithms_on_the_command_line() -> None:
    config = config_from_args(parse_args(["--digest-algorithms", "SHA-256, MD5"]))
    assert config.digest_algorithms == ("SHA-256", "MD5")
    assert config_from_args(parse_args([])).digest_algorithms == ("MD5",)


async def test_basic_is_logged_as_presented(sim: Simulator, session: aiohttp.ClientSession) -> None:
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        assert resp.status == 200
    assert sim.request_log[-1].auth == "basic"


async def test_auth_mode_can_change_while_serving(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    sim.config.auth = "basic"
    async with session.get(sim.url + LIST) as resp:
        assert resp.headers.getall("WWW-Authenticate") == ['Basic realm="AXIS_ACCC8E012345"']


async def test_certificate_fingerprint(sim_media_cache: Path) -> None:
    sim = make_sim(sim_media_cache, tls=True)
    with pytest.raises(RuntimeError):
        _ = sim.certificate_fingerprint
    async with sim.serve("127.0.0.1", 0):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        _reader, writer = await asyncio.open_connection("127.0.0.1", sim.port, ssl=context)
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
        writer.close()
        assert sim.certificate_fingerprint == hashlib.sha256(der).hexdigest()
    plain = make_sim(sim_media_cache)
    async with plain.serve("127.0.0.1", 0):
        assert plain.certificate_fingerprint is None
