"""The transport against the simulator: auth schemes, nonce reuse and staleness, HTTP errors,
timeouts, broken bodies, TLS, and that no secret reaches an exception or a log line."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import pytest

from custom_components.axis_edge_storage.vapix import (
    AxisEdgeStorage,
    VapixConnectionError,
    VapixError,
    VapixForbiddenError,
    VapixHttpError,
    VapixNotSupportedError,
    VapixResponseError,
    VapixTimeoutError,
    VapixUnauthorizedError,
)
from simulator import Simulator

from .conftest import make_device


def _vapix_requests(sim: Simulator) -> list[Any]:
    return list(sim.request_log)


async def test_digest_answers_the_challenge_then_reuses_the_nonce(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    sim.request_log.clear()
    disks = await device.disks.list()
    assert [disk.disk_id for disk in disks] == ["SD_DISK", "NetworkShare"]
    first = [entry.status for entry in _vapix_requests(sim)]
    assert first == [401, 200]  # one challenge, one answer

    sim.request_log.clear()
    await device.disks.list()
    await device.disks.health()
    assert [entry.status for entry in _vapix_requests(sim)] == [200, 200]  # no new challenge


async def test_a_stale_nonce_is_answered_again_transparently(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    await device.disks.list()
    sim.expire_nonces()
    sim.request_log.clear()
    assert await device.disks.list()
    assert [entry.status for entry in _vapix_requests(sim)] == [401, 200]


@pytest.mark.parametrize("auth", ["basic", "both"])
async def test_basic_and_mixed_challenges(
    start_sim: Any, session: aiohttp.ClientSession, auth: str
) -> None:
    # Basic only over HTTPS (over plain HTTP it is refused: test_auth_hardening.py).
    async with start_sim(auth=auth, tls=True) as sim:
        device = make_device(session, sim, protocol="https", verify_ssl=False)
        assert (await device.params.capabilities()).local_storage
        sim.request_log.clear()
        await device.disks.list()
        assert [entry.status for entry in _vapix_requests(sim)] == [200]


async def test_wrong_password_is_unauthorized_and_says_nothing_secret(
    sim: Simulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    device = make_device(session, sim, password="not-the-password-123")
    with pytest.raises(VapixUnauthorizedError) as info:
        await device.disks.list()
    assert "not-the-password-123" not in str(info.value)
    assert "not-the-password-123" not in caplog.text
    # It recovers once the password is right again (a new client, as after reauth).
    assert await make_device(session, sim).disks.list()


async def test_secrets_in_queries_never_reach_exceptions_or_logs(
    sim: Simulator, device: AxisEdgeStorage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sim.faults.add("status", status=500, path="disks/properties/", count=1)
    with pytest.raises(VapixHttpError) as info:
        await device.disk_properties.enable_encryption("SD_DISK", "passphrase-secret-42")
    assert info.value.status == 500
    assert "passphrase-secret-42" not in str(info.value)
    assert "passphrase-secret-42" not in caplog.text


async def test_viewer_is_forbidden_where_the_device_says_so(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    viewer = make_device(session, sim, username="viewer", password="viewer")
    with pytest.raises(VapixForbiddenError):
        await viewer.disks.list()
    with pytest.raises(VapixForbiddenError):
        await viewer.disks.format("SD_DISK")
    # A viewer may list recordings and read export capabilities.
    assert await viewer.recordings.list(limit=5)
    assert (await viewer.exports.capabilities()).formats == ("matroska",)


async def test_operator_may_check_but_not_format(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    operator = make_device(session, sim, username="operator", password="operator")
    assert await operator.disks.list()
    with pytest.raises(VapixForbiddenError):
        await operator.disks.format("SD_DISK")
    with pytest.raises(VapixForbiddenError):
        await operator.disks.lock("SD_DISK")


async def test_no_local_storage_is_reported_not_failed(
    start_sim: Any, session: aiohttp.ClientSession
) -> None:
    async with start_sim(local_storage=False) as sim:
        device = make_device(session, sim)
        capabilities = await device.params.capabilities()
        assert capabilities.local_storage is False
        with pytest.raises(VapixNotSupportedError):
            await device.disks.list()


@pytest.mark.parametrize(
    ("status", "error"),
    [(500, VapixHttpError), (503, VapixHttpError), (404, VapixNotSupportedError)],
)
async def test_http_errors(
    sim: Simulator, device: AxisEdgeStorage, status: int, error: type[VapixError]
) -> None:
    sim.faults.add("status", status=status, path="disks/list.cgi", count=1)
    with pytest.raises(error):
        await device.disks.list()
    assert await device.disks.list()  # recovers


async def test_injected_401_after_success_re_challenges_then_fails_cleanly(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    await device.disks.list()
    sim.faults.add("status", status=401, path="disks/list.cgi")
    with pytest.raises(VapixUnauthorizedError):
        await device.disks.list()
    sim.faults.clear()
    assert await device.disks.list()


async def test_timeout(start_sim: Any, session: aiohttp.ClientSession) -> None:
    async with start_sim() as sim:
        device = make_device(session, sim, request_timeout=0.3)
        await device.disks.list()
        sim.faults.add("latency", seconds=0.6, path="disks/list.cgi", count=1)
        with pytest.raises(VapixTimeoutError):
            await device.disks.list()
        assert await device.disks.list()
        await asyncio.sleep(0.5)  # let the delayed handler finish before the server stops


@pytest.mark.parametrize("kind", ["malformed_xml", "truncated_xml"])
async def test_broken_xml_is_an_error_never_an_empty_list(
    sim: Simulator, device: AxisEdgeStorage, kind: str
) -> None:
    sim.faults.add(kind, path="disks/list.cgi", count=1)
    with pytest.raises(VapixResponseError):
        await device.disks.list()


async def test_unreachable_device(session: aiohttp.ClientSession) -> None:
    device = AxisEdgeStorage(session, "127.0.0.1", port=1, username="root", password="pass")
    with pytest.raises(VapixConnectionError):
        await device.disks.list()


async def test_https_with_and_without_certificate_verification(
    start_sim: Any, session: aiohttp.ClientSession
) -> None:
    async with start_sim(tls=True) as sim:
        unverified = make_device(session, sim, protocol="https", verify_ssl=False)
        assert unverified.client.base_url.startswith("https://")
        assert await unverified.disks.list()
        verified = make_device(session, sim, protocol="https", verify_ssl=True)
        with pytest.raises(VapixConnectionError):
            await verified.disks.list()


def test_protocol_is_checked() -> None:
    with pytest.raises(ValueError, match="protocol"):
        AxisEdgeStorage(None, "h", username="u", password="p", protocol="ftp")  # type: ignore[arg-type]
