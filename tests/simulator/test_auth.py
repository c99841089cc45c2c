"""Authentication and access control of the simulator (raw HTTP)."""

from __future__ import annotations

import hashlib
import os

import aiohttp
import pytest

from simulator import Simulator
from simulator.auth import parse_digest

from .helpers import ADMIN, OPERATOR, VIEWER, make_sim

LIST = "/axis-cgi/disks/list.cgi?diskid=all"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - HTTP digest is MD5


def digest_header(
    challenge: dict[str, str],
    method: str,
    uri: str,
    nc: int,
    *,
    user: str = "root",
    pw: str = "pass",
) -> str:
    cnonce = os.urandom(8).hex()
    ha1 = _md5(f"{user}:{challenge['realm']}:{pw}")
    ha2 = _md5(f"{method}:{uri}")
    ncs = f"{nc:08x}"
    response = _md5(f"{ha1}:{challenge['nonce']}:{ncs}:{cnonce}:auth:{ha2}")
    return (
        f'Digest username="{user}", realm="{challenge["realm"]}", nonce="{challenge["nonce"]}", '
        f'uri="{uri}", algorithm=MD5, qop=auth, nc={ncs}, cnonce="{cnonce}", '
        f'response="{response}", opaque="{challenge["opaque"]}"'
    )


async def challenge(session: aiohttp.ClientSession, sim: Simulator) -> dict[str, str]:
    async with session.get(sim.url + LIST) as resp:
        assert resp.status == 401
        values = resp.headers.getall("WWW-Authenticate")
    digest = next(v for v in values if v.startswith("Digest "))
    return parse_digest(digest[len("Digest ") :])


async def test_challenge_offers_both_schemes(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    async with session.get(sim.url + LIST) as resp:
        assert resp.status == 401
        values = resp.headers.getall("WWW-Authenticate")
    assert values[0].startswith("Digest ")
    assert 'qop="auth"' in values[0]
    assert "opaque=" in values[0]
    assert values[1] == 'Basic realm="AXIS_ACCC8E012345"'
    assert sim.request_log[-1].status == 401
    assert sim.request_log[-1].user is None


async def test_digest_exchange_stale_and_replay(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    chal = await challenge(session, sim)
    assert chal["realm"] == "AXIS_ACCC8E012345"
    headers = {"Authorization": digest_header(chal, "GET", LIST, 1)}
    async with session.get(sim.url + LIST, headers=headers) as resp:
        assert resp.status == 200
    assert sim.request_log[-1].user == "root"
    # Replaying the same nc is refused (not stale).
    async with session.get(sim.url + LIST, headers=headers) as resp:
        assert resp.status == 401
        assert "stale=true" not in resp.headers["WWW-Authenticate"]
    # The next nc works.
    headers = {"Authorization": digest_header(chal, "GET", LIST, 2)}
    async with session.get(sim.url + LIST, headers=headers) as resp:
        assert resp.status == 200
    # Wrong password: 401 without stale.
    headers = {"Authorization": digest_header(chal, "GET", LIST, 3, pw="nope")}
    async with session.get(sim.url + LIST, headers=headers) as resp:
        assert resp.status == 401
        assert "stale=true" not in resp.headers["WWW-Authenticate"]
    # An old nonce is stale.
    sim.clock.advance(sim.config.nonce_lifetime + 1)
    headers = {"Authorization": digest_header(chal, "GET", LIST, 4)}
    async with session.get(sim.url + LIST, headers=headers) as resp:
        assert resp.status == 401
        assert "stale=true" in resp.headers.getall("WWW-Authenticate")[0]


async def test_expire_nonces_and_reboot_make_nonces_stale(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    chal = await challenge(session, sim)
    sim.expire_nonces()
    headers = {"Authorization": digest_header(chal, "GET", LIST, 1)}
    async with session.get(sim.url + LIST, headers=headers) as resp:
        assert resp.status == 401
        assert "stale=true" in resp.headers["WWW-Authenticate"]
    chal = await challenge(session, sim)
    sim.reboot()
    headers = {"Authorization": digest_header(chal, "GET", LIST, 1)}
    async with session.get(sim.url + LIST, headers=headers) as resp:
        assert resp.status == 401
        assert "stale=true" in resp.headers["WWW-Authenticate"]


async def test_digest_uri_mismatch_is_bad_request(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    chal = await challenge(session, sim)
    headers = {"Authorization": digest_header(chal, "GET", "/axis-cgi/other.cgi", 1)}
    async with session.get(sim.url + LIST, headers=headers) as resp:
        assert resp.status == 400


async def test_aiohttp_digest_free_basic(sim: Simulator, session: aiohttp.ClientSession) -> None:
    async with session.get(sim.url + LIST, auth=aiohttp.BasicAuth("root", "wrong")) as resp:
        assert resp.status == 401
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        assert resp.status == 200


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/axis-cgi/disks/format.cgi?diskid=NONE", {"root"}),
        ("/axis-cgi/disks/lock.cgi?diskid=NONE&action=lock", {"root"}),
        ("/axis-cgi/disks/mount.cgi?diskid=NONE&action=mount", {"root"}),
        ("/axis-cgi/disks/repair.cgi?diskid=NONE", {"root"}),
        ("/axis-cgi/disks/checkdisk.cgi?diskid=NONE", {"root", "operator"}),
        ("/axis-cgi/disks/gethealth.cgi", {"root", "operator"}),
        ("/axis-cgi/disks/list.cgi", {"root", "operator"}),
        ("/axis-cgi/disks/networkshare/bind.cgi?schemaversion=1", {"root", "operator"}),
        ("/axis-cgi/disks/networkshare/add.cgi?schemaversion=1", {"root"}),
        ("/axis-cgi/record/storage/setlimit.cgi?schemaversion=1", {"root", "operator"}),
        ("/axis-cgi/record/record.cgi", {"root", "operator"}),
        ("/axis-cgi/record/list.cgi?maxnumberofresults=1", {"root", "operator", "viewer"}),
        (
            "/axis-cgi/record/export/getjobstatus.cgi?schemaversion=1&jobid=9",
            {"root", "operator", "viewer"},
        ),
        ("/axis-cgi/disks/properties/setcleanuppolicy.cgi?schemaversion=1", {"root"}),
    ],
)
async def test_roles(
    sim: Simulator, session: aiohttp.ClientSession, path: str, allowed: set[str]
) -> None:
    for auth in (ADMIN, OPERATOR, VIEWER):
        async with session.get(sim.url + path, auth=auth) as resp:
            expected = 200 if auth.login in allowed else 403
            assert resp.status == expected, (auth.login, path, await resp.text())


async def test_digest_only_refuses_basic(
    sim_media_cache: object, session: aiohttp.ClientSession
) -> None:
    sim = make_sim(sim_media_cache, auth="digest")  # type: ignore[arg-type]
    async with sim.serve() as url, session.get(url + LIST, auth=ADMIN) as resp:
        assert resp.status == 401
        assert [v.split()[0] for v in resp.headers.getall("WWW-Authenticate")] == ["Digest"]
