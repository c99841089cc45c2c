"""Faults of a broken camera that aiohttp's server would never produce by itself.

- ``invalid_header``: the connection is taken over (``request.transport``) and answered with a
  header block holding a line without a colon, then closed. aiohttp's client raises
  ``ClientResponseError`` (a ``BadHttpMessage``) on it.
- ``bad_chunk``: taken over too: the header block (``Transfer-Encoding: chunked``), a first
  good chunk of XML, then a chunk size that is not hexadecimal; then closed. Sent at once,
  aiohttp's client raises ``ClientResponseError`` (its C parser) before the response is
  returned. With ``pause`` seconds between the good chunk and the bad one, the client has the
  headers and fails reading the body: its pure Python parser raises ``TransferEncodingError``;
  its C parser (aiohttp 3.11 to 3.13) never reports it and the read runs into its timeout.
  On ``exportrecording.cgi`` the answer is ``video/x-matroska`` (an export breaking mid-way).
- ``huge_body``: a ``200 text/xml`` answer of ``mib`` MiB (default 300) of well-formed XML, a
  ``disks/list.cgi`` document with very many ``<disk/>`` elements, sent chunked (or with its
  Content-Length when ``content_length`` is set). It is made on the fly from one block, never
  held in memory, and written with back-pressure; it stops when the client hangs up.
  ``Fault.sent`` counts the bytes sent.
- ``close_delimited`` and ``cut_chunked`` (taken by ``exportrecording.cgi`` once its file is
  made, see ``export_body.py``): the export is written on the taken-over connection.
  ``close_delimited`` answers like the VAPIX examples, ``HTTP/1.0 200 OK`` with neither a
  Content-Length nor chunks: the body ends when the connection closes. ``cut_chunked`` answers
  ``HTTP/1.1`` with ``Transfer-Encoding: chunked`` and never sends the terminating 0-chunk. Both
  send the fault's ``cut`` (0 < cut <= 1) of the file, with sendfile (or paced like the link),
  then close cleanly: the client sees an ordinary end of file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from email.utils import formatdate
from pathlib import Path

from aiohttp import web

from .faults import Fault, Faults
from .pacing import TokenBucket

#: The faults applied here, in the order they are looked up.
RAW_KINDS = ("invalid_header", "bad_chunk", "huge_body")
#: The faults that send an export's file themselves (``exportrecording.cgi``, in this order).
EXPORT_KINDS = ("close_delimited", "cut_chunked")

_MIB = 1024 * 1024
_BLOCK = 256 * 1024  # bytes per write of a huge body
_CHUNK = 1024 * 1024  # bytes per chunk of a cut chunked export

_XML_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<root xmlns="http://www.axis.com/vapix/http_cgi/disk/list1" version="1.00">'
    b'<disks numberofdisks="1">\n'
)
_XML_TAIL = b"</disks></root>\n"
_DISK = (
    b'<disk diskid="SD_DISK" name="" totalsize="116109036" freesize="60000000" '
    b'cleanuplevel="90" cleanupmaxage="7" cleanuppolicy="fifo" locked="no" full="no" '
    b'readonly="no" status="OK" filesystem="ext4" group="S0" requiredfilesystem="none" '
    b'encryptionenabled="false" diskencrypted="false"/>\n'
)

_INVALID_HEADER = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/xml\r\n"
    b"Content-Length: 8\r\n"
    b"This header line has no colon\r\n"
    b"\r\n"
    b"<root/>\n"
)


_BAD_CHUNK_END = b"not-a-chunk-size\r\n" + _DISK + b"\r\n"


def _bad_chunk_start(path: str) -> bytes:
    if path.endswith("/exportrecording.cgi"):
        content_type, first = b"video/x-matroska", b"\x1a\x45\xdf\xa3" + bytes(4092)
    else:
        content_type, first = b"text/xml; charset=utf-8", _XML_HEAD + _DISK
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type + b"\r\n"
        b"Transfer-Encoding: chunked\r\n"
        b"\r\n" + f"{len(first):x}\r\n".encode("ascii") + first + b"\r\n"
    )


async def _take_over(request: web.Request, *parts: bytes, pause: float = 0.0) -> web.StreamResponse:
    """Write raw bytes on the connection (``pause`` seconds between parts) and close it.

    aiohttp then fails to send the returned response on the closed connection, which it
    treats as a client that went away (quietly).
    """
    transport = request.transport
    for index, part in enumerate(parts):
        if transport is None or transport.is_closing():
            break
        if index and pause > 0:
            await asyncio.sleep(pause)
        transport.write(part)
    if transport is not None:
        transport.close()  # after the buffered bytes are sent
    return web.Response(status=200)


async def _invalid_header(request: web.Request, fault: Fault) -> web.StreamResponse:
    del fault
    return await _take_over(request, _INVALID_HEADER)


async def _bad_chunk_answer(request: web.Request, fault: Fault) -> web.StreamResponse:
    start = _bad_chunk_start(request.path)
    return await _take_over(request, start, _BAD_CHUNK_END, pause=fault.pause)


async def _huge_body(request: web.Request, fault: Fault) -> web.StreamResponse:
    target = int(fault.mib * _MIB)
    count = max(1, (target - len(_XML_HEAD) - len(_XML_TAIL)) // len(_DISK))
    per_block = max(1, _BLOCK // len(_DISK))
    block = _DISK * per_block
    response = web.StreamResponse(status=200, headers={"Content-Type": "text/xml; charset=utf-8"})
    if fault.content_length:
        response.content_length = len(_XML_HEAD) + count * len(_DISK) + len(_XML_TAIL)
    else:
        response.enable_chunked_encoding()
    try:
        await response.prepare(request)
        await response.write(_XML_HEAD)
        fault.sent += len(_XML_HEAD)
        remaining = count
        while remaining > 0:
            n = min(per_block, remaining)
            data = block if n == per_block else _DISK * n
            await response.write(data)
            fault.sent += len(data)
            remaining -= n
        await response.write(_XML_TAIL)
        fault.sent += len(_XML_TAIL)
        await response.write_eof()
    except ConnectionError:  # the client hung up, as it should past its limit
        if request.transport is not None:
            request.transport.close()
    return response


_HANDLERS: dict[str, Callable[[web.Request, Fault], Awaitable[web.StreamResponse]]] = {
    "invalid_header": _invalid_header,
    "bad_chunk": _bad_chunk_answer,
    "huge_body": _huge_body,
}


async def apply_raw_fault(faults: Faults, request: web.Request) -> web.StreamResponse | None:
    """Answer with the first raw fault matching the request (consuming one count), if any."""
    for kind in RAW_KINDS:
        fault = faults.take(kind, request.path)
        if fault is not None:
            return await _HANDLERS[kind](request, fault)
    return None


def _cut_end(size: int, cut: float) -> int:
    """Bytes of a file of ``size`` sent by a fault cutting at ``cut`` (fewer than all if < 1)."""
    if cut >= 1:
        return size
    return max(0, min(size - 1, int(size * cut)))


def _export_head(fault: Fault, headers: dict[str, str]) -> bytes:
    chunked = fault.kind == "cut_chunked"
    lines = ["HTTP/1.1 200 OK" if chunked else "HTTP/1.0 200 OK"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Date: {formatdate(usegmt=True)}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def send_raw_export(
    request: web.Request,
    path: Path,
    headers: dict[str, str],
    fault: Fault,
    *,
    link: TokenBucket | None = None,
) -> web.StreamResponse:
    """Send the export ``path`` as ``fault`` says (see the module), then close the connection.

    The body goes with the event loop's sendfile (a fallback copy on TLS), piece by piece when
    paced by ``link`` (and per chunk when chunked). ``fault.sent`` counts the body's bytes.
    """
    loop = asyncio.get_running_loop()
    transport = request.transport
    if transport is None or transport.is_closing():
        return web.Response(status=200)
    size = (await loop.run_in_executor(None, path.stat)).st_size
    end = _cut_end(size, fault.cut)
    chunked = fault.kind == "cut_chunked"
    piece = int(link.burst) if link is not None else (_CHUNK if chunked else max(1, end))
    transport.write(_export_head(fault, headers))
    handle = await loop.run_in_executor(None, path.open, "rb")
    try:
        offset = 0
        while offset < end and not transport.is_closing():
            count = min(piece, end - offset)
            if link is not None:
                await link.take(count)
            if chunked:
                transport.write(f"{count:x}\r\n".encode("ascii"))
            await loop.sendfile(transport, handle, offset, count)
            if chunked:
                transport.write(b"\r\n")
            offset += count
            fault.sent = offset
    except (ConnectionError, RuntimeError):  # the client went away (a closing transport)
        pass
    finally:
        handle.close()
        transport.close()  # after the buffered bytes: a clean end of file
    return web.Response(status=200)
