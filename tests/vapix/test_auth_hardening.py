"""Authentication rules against the simulator: no Basic over plain HTTP, no downgrade from
Digest, the strongest Digest algorithm, and a pinned certificate for HTTPS without
verification."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import aiohttp
import pytest

from custom_components.axis_edge_storage.vapix import (
    AxisEdgeStorage,
    VapixAuthDowngradeError,
    VapixCertificateMismatchError,
    VapixConnectionError,
    VapixInsecureAuthError,
    VapixTimeoutError,
    VapixUnauthorizedError,
    async_fetch_certificate_fingerprint,
    normalize_fingerprint,
)
from custom_components.axis_edge_storage.vapix.auth import Challenge, strongest_digest
from simulator import Simulator

from .conftest import make_device


def _presented(sim: Simulator) -> list[str | None]:
    return [entry.auth for entry in sim.request_log]


async def test_basic_only_over_http_sends_nothing(
    start_sim: Any, session: aiohttp.ClientSession
) -> None:
    async with start_sim(auth="basic") as sim:
        device = make_device(session, sim)
        with pytest.raises(VapixInsecureAuthError) as info:
            await device.disks.list()
        assert isinstance(info.value, VapixUnauthorizedError)  # Home Assistant: reauth
        assert "HTTPS" in str(info.value) and "Digest" in str(info.value)
        with pytest.raises(VapixInsecureAuthError):
            await device.disks.list()
        assert [entry.status for entry in sim.request_log] == [401, 401]
        assert _presented(sim) == [None, None]  # no Authorization header was ever sent
        assert not device.used_digest


async def test_basic_only_over_https_is_answered(
    start_sim: Any, session: aiohttp.ClientSession
) -> None:
    async with start_sim(auth="basic", tls=True) as sim:
        device = make_device(session, sim, protocol="https", verify_ssl=False)
        assert await device.disks.list()
        assert "basic" in _presented(sim)
        assert not device.used_digest


@pytest.mark.parametrize("tls", [False, True])
async def test_no_downgrade_once_digest_was_used(
    start_sim: Any, session: aiohttp.ClientSession, tls: bool
) -> None:
    async with start_sim(tls=tls) as sim:
        protocol = "https" if tls else "http"
        device = make_device(session, sim, protocol=protocol, verify_ssl=False)
        assert not device.used_digest
        await device.disks.list()
        assert device.used_digest
        # Something now answers in the camera's name with a Basic-only challenge.
        sim.config.auth = "basic"
        sim.request_log.clear()
        with pytest.raises(VapixAuthDowngradeError) as info:
            await device.disks.list()
        assert isinstance(info.value, VapixUnauthorizedError)
        assert "basic" not in _presented(sim)
        # The camera is itself again: Digest works as before.
        sim.config.auth = "digest"
        assert await device.disks.list()


async def test_require_digest_refuses_basic_from_the_start(
    start_sim: Any, session: aiohttp.ClientSession
) -> None:
    async with start_sim(auth="basic", tls=True) as sim:
        device = make_device(session, sim, protocol="https", verify_ssl=False, require_digest=True)
        with pytest.raises(VapixAuthDowngradeError):
            await device.disks.list()
        assert "basic" not in _presented(sim)
    async with start_sim() as sim:
        device = make_device(session, sim, require_digest=True)
        assert await device.disks.list()
        assert device.used_digest


async def test_both_offered_digest_is_chosen(
    start_sim: Any, session: aiohttp.ClientSession
) -> None:
    async with start_sim(auth="both") as sim:
        device = make_device(session, sim)
        await device.disks.list()
        assert _presented(sim) == [None, "digest MD5"]
        assert device.used_digest


@pytest.mark.parametrize(
    ("offered", "chosen"),
    [
        (("MD5", "SHA-256"), "digest SHA-256"),
        (("SHA-256", "MD5"), "digest SHA-256"),
        (("MD5-sess", "SHA-256-sess"), "digest SHA-256-SESS"),
        (("MD5",), "digest MD5"),
    ],
)
async def test_the_strongest_digest_algorithm_is_answered(
    start_sim: Any,
    session: aiohttp.ClientSession,
    offered: tuple[str, ...],
    chosen: str,
) -> None:
    async with start_sim(digest_algorithms=offered) as sim:
        device = make_device(session, sim)
        await device.disks.list()
        await device.disks.health()
        assert _presented(sim) == [None, chosen, chosen]


def test_strongest_digest_unit() -> None:
    md5 = Challenge("digest", {"nonce": "n", "algorithm": "MD5", "qop": "auth"})
    sha = Challenge("digest", {"nonce": "n", "algorithm": "SHA-256", "qop": "auth"})
    odd = Challenge("digest", {"nonce": "n", "algorithm": "SHA-512-256", "qop": "auth"})
    basic = Challenge("basic", {"realm": "r"})
    assert strongest_digest([md5, sha]) is sha
    assert strongest_digest([basic, sha, md5]) is sha
    assert strongest_digest([odd, md5]) is md5
    assert strongest_digest([odd, basic]) is None


# --------------------------------------------------------------------------- TLS pinning


async def test_fetch_certificate_fingerprint(start_sim: Any) -> None:
    async with start_sim(tls=True) as sim:
        fingerprint = await async_fetch_certificate_fingerprint("127.0.0.1", sim.port)
        assert fingerprint == sim.certificate_fingerprint
        assert len(fingerprint) == 64 and fingerprint == fingerprint.lower()
        assert not sim.request_log  # nothing but a handshake


async def test_a_pinned_certificate_is_accepted(
    start_sim: Any, session: aiohttp.ClientSession
) -> None:
    async with start_sim(tls=True) as sim:
        fingerprint = sim.certificate_fingerprint
        assert fingerprint is not None
        shown = ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()
        device = make_device(
            session, sim, protocol="https", verify_ssl=False, ssl_fingerprint=shown
        )
        assert device.client.ssl_fingerprint == fingerprint
        assert await device.disks.list()


async def test_a_changed_certificate_is_refused_before_anything_is_sent(
    start_sim: Any, session: aiohttp.ClientSession
) -> None:
    async with start_sim(tls=True) as sim:
        pinned = "ab" * 32
        device = make_device(
            session, sim, protocol="https", verify_ssl=False, ssl_fingerprint=pinned
        )
        with pytest.raises(VapixCertificateMismatchError) as info:
            await device.disks.list()
        err = info.value
        assert isinstance(err, VapixUnauthorizedError)  # Home Assistant: reauth
        assert err.fingerprint == sim.certificate_fingerprint
        assert err.expected == pinned
        assert str(err) == (
            f"the camera's TLS certificate changed: SHA-256 {err.fingerprint}, expected {pinned}"
        )
        assert err.__cause__ is None and err.__context__ is None
        assert not sim.request_log  # no request, no credentials


async def test_pinning_applies_only_to_unverified_https(
    start_sim: Any, session: aiohttp.ClientSession
) -> None:
    async with start_sim() as sim:
        device = make_device(session, sim, ssl_fingerprint="ab" * 32)
        assert device.client.ssl_fingerprint is None
        assert await device.disks.list()  # plain HTTP: nothing to pin
    async with start_sim(tls=True) as sim:
        device = make_device(
            session, sim, protocol="https", verify_ssl=True, ssl_fingerprint="ab" * 32
        )
        assert device.client.ssl_fingerprint is None  # verification instead
        with pytest.raises(VapixConnectionError):
            await device.disks.list()  # the self-signed certificate does not verify


@pytest.mark.parametrize("value", ["", "ab", "zz" * 32, "ab" * 33])
def test_fingerprint_is_checked(value: str) -> None:
    with pytest.raises(ValueError, match="fingerprint"):
        normalize_fingerprint(value)
    if value:
        with pytest.raises(ValueError, match="fingerprint"):
            AxisEdgeStorage(
                None,  # type: ignore[arg-type]
                "h",
                username="u",
                password="p",
                protocol="https",
                verify_ssl=False,
                ssl_fingerprint=value,
            )


def test_fingerprint_normalized() -> None:
    assert normalize_fingerprint(" AB:cd " + "00" * 30) == "abcd" + "00" * 30


async def test_fetch_fingerprint_failures(start_sim: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    with pytest.raises(VapixConnectionError) as refused:
        await async_fetch_certificate_fingerprint("127.0.0.1", free)
    assert refused.value.__cause__ is None and refused.value.__context__ is None
    async with start_sim() as sim:  # plain HTTP: no TLS handshake
        with pytest.raises(VapixConnectionError):
            await async_fetch_certificate_fingerprint("127.0.0.1", sim.port, timeout=2)
    writers: list[asyncio.StreamWriter] = []
    server = await asyncio.start_server(
        lambda _r, w: writers.append(w), "127.0.0.1", 0
    )  # accepts, never answers
    try:
        port = server.sockets[0].getsockname()[1]
        with pytest.raises(VapixTimeoutError):
            await async_fetch_certificate_fingerprint("127.0.0.1", port, timeout=0.3)
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await server.wait_closed()
