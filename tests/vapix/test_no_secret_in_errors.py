"""No error the client raises carries or chains anything holding a request's query.

aiohttp's exceptions carry the request URL with its query (`ClientResponseError` on a
malformed header or chunk, `ConnectionTimeoutError` on a connect), and the query is where
passphrases, share passwords and export passwords travel. Home Assistant logs a failing action
with its exception chain, so the whole formatted traceback must be free of them.
"""

from __future__ import annotations

import asyncio
import socket
import traceback
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta

import aiohttp
import pytest
from aiohttp.http_exceptions import TransferEncodingError
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from custom_components.axis_edge_storage.vapix import (
    AxisEdgeStorage,
    VapixConnectionError,
    VapixTimeoutError,
)
from custom_components.axis_edge_storage.vapix.transport_errors import connect_error, read_error
from simulator import Simulator

from .conftest import make_device

PASSPHRASE = "passphrase-secret-4711"
SHARE_PASSWORD = "share-secret-0815"
EXPORT_PASSWORD = "export-secret-1234"


def _chain(err: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    stack = [err]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack += [e for e in (current.__cause__, current.__context__) if e is not None]


def assert_no_secret(err: BaseException, secret: str) -> None:
    """Neither the error, nor anything it chains, nor its traceback holds the secret."""
    assert secret not in str(err)
    assert secret not in repr(err)
    assert secret not in "".join(traceback.format_exception(err))
    assert err.__cause__ is None
    assert err.__context__ is None or err.__suppress_context__
    for linked in _chain(err):
        assert not isinstance(linked, aiohttp.ClientError | TransferEncodingError), linked
        assert secret not in str(linked)
        assert secret not in repr(linked)
    # The cause's type is still named for the log, the base URL may be, the query never.
    assert "?" not in str(err)


async def _export_with_password(device: AxisEdgeStorage) -> None:
    start = (await device.recordings.list(limit=1))[0]
    async with device.exports.export(
        start.recording_id,
        start.disk_id,
        start=start.start,
        stop=start.start + timedelta(seconds=2),
        password=EXPORT_PASSWORD,
    ) as export:
        async for _chunk in export.iter_chunks():
            pass


@pytest.mark.parametrize("kind", ["invalid_header", "bad_chunk"])
async def test_passphrase_of_enable_encryption(
    sim: Simulator, device: AxisEdgeStorage, kind: str
) -> None:
    sim.faults.add(kind, path="disks/properties/enablediskencryption.cgi", count=1)
    with pytest.raises(VapixConnectionError) as info:
        await device.disk_properties.enable_encryption("SD_DISK", PASSPHRASE)
    assert_no_secret(info.value, PASSPHRASE)
    assert type(info.value).__name__ == "VapixConnectionError"
    # The cause's type, for the log (which one depends on aiohttp's parser, C or Python).
    assert str(info.value).rsplit(": ", 1)[1] in {"ClientResponseError", "ClientPayloadError"}
    assert sim.url in str(info.value)  # the base URL is fine


@pytest.mark.parametrize("kind", ["invalid_header", "bad_chunk"])
async def test_password_of_add_network_share(
    sim: Simulator, device: AxisEdgeStorage, kind: str
) -> None:
    sim.faults.add(kind, path="disks/networkshare/add.cgi", count=1)
    with pytest.raises(VapixConnectionError) as info:
        await device.network_shares.add(
            nice_name="Other", address="192.0.2.20", share="video", password=SHARE_PASSWORD
        )
    assert_no_secret(info.value, SHARE_PASSWORD)


@pytest.mark.parametrize("kind", ["invalid_header", "bad_chunk"])
async def test_password_of_an_export_stream(
    sim: Simulator, device: AxisEdgeStorage, kind: str
) -> None:
    sim.faults.add(kind, path="record/export/exportrecording.cgi", count=1)
    with pytest.raises(VapixConnectionError) as info:
        await _export_with_password(device)
    assert_no_secret(info.value, EXPORT_PASSWORD)


async def test_a_bad_chunk_in_the_middle_of_a_read(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    # The headers arrive, the body breaks later: aiohttp's C parser then never reports the
    # error (the read would wait forever: the client's own deadline ends it); its pure Python
    # parser raises its own TransferEncodingError. Either way: a client error, no secret.
    device = make_device(session, sim, request_timeout=0.5)
    await device.disks.list()
    sim.faults.add("bad_chunk", pause=0.1, path="disks/properties/", count=1)
    with pytest.raises(VapixConnectionError) as info:
        await device.disk_properties.enable_encryption("SD_DISK", PASSPHRASE)
    assert_no_secret(info.value, PASSPHRASE)
    sim.faults.add("bad_chunk", pause=0.1, path="record/export/", count=1)
    with pytest.raises(VapixConnectionError) as info:
        await _export_with_password(device)
    assert_no_secret(info.value, EXPORT_PASSWORD)


@asynccontextmanager
async def _silent_server() -> AsyncIterator[int]:
    """A TCP server that accepts and never says a word (a TLS handshake never ends)."""
    writers: list[asyncio.StreamWriter] = []

    def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await server.wait_closed()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def _export_to(session: aiohttp.ClientSession, port: int, protocol: str) -> None:
    device = AxisEdgeStorage(
        session,
        "127.0.0.1",
        port=port,
        protocol=protocol,
        verify_ssl=False,
        username="root",
        password="pass",
        request_timeout=0.3,
    )
    async with device.exports.export("REC", "SD_DISK", password=EXPORT_PASSWORD) as export:
        async for _chunk in export.iter_chunks():
            pass


async def test_connect_timeout_of_an_export(session: aiohttp.ClientSession) -> None:
    async with _silent_server() as port:
        with pytest.raises(VapixTimeoutError) as info:
            await _export_to(session, port, "https")
    assert_no_secret(info.value, EXPORT_PASSWORD)
    assert "Timeout" in str(info.value)


async def test_refused_connection_of_an_export(session: aiohttp.ClientSession) -> None:
    with pytest.raises(VapixConnectionError) as info:
        await _export_to(session, _free_port(), "http")
    assert_no_secret(info.value, EXPORT_PASSWORD)
    assert "ClientConnectorError" in str(info.value)


def _request_info() -> aiohttp.RequestInfo:
    url = URL(f"http://camera.local/axis-cgi/x.cgi?passphrase={PASSPHRASE}")
    return aiohttp.RequestInfo(url, "GET", CIMultiDictProxy(CIMultiDict()), url)


def test_mapping_keeps_only_the_base_url_and_the_type() -> None:
    response_error = aiohttp.ClientResponseError(_request_info(), (), status=400, message="x")
    assert PASSPHRASE in str(response_error)  # what aiohttp itself would have shown
    mapped = connect_error(response_error, "http://camera.local:80")
    assert str(mapped) == "malformed HTTP answer from http://camera.local:80: ClientResponseError"
    timeout = aiohttp.ConnectionTimeoutError(f"Connection timeout to host {_request_info().url}")
    assert isinstance(connect_error(timeout, "http://camera.local:80"), VapixTimeoutError)
    payload = read_error(TransferEncodingError(PASSPHRASE), "http://camera.local:80", 10)
    assert str(payload) == (
        "connection to http://camera.local:80 broke after 10 bytes: TransferEncodingError"
    )
