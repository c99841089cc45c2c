"""A streamed response body (an export), with transport errors mapped to the client's.

Every read has a deadline of its own. aiohttp's C parser (3.11 to 3.13) does not fail the body
when a chunk turns out malformed after the headers: it drops its read timer and the read
would wait forever. `_Watchdog` fails such a stalled read instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp

from .body import read_capped
from .errors import VapixConnectionError, VapixError, VapixTimeoutError
from .transport_errors import TRANSPORT_ERRORS, read_error


class _Watchdog:
    """Fails a read of `content` that waited `idle` to twice `idle` seconds for data.

    Costs nothing per chunk but two attribute writes: one timer checks every `idle` seconds
    whether the read pending now is the one pending at the last check.
    """

    def __init__(self, content: aiohttp.StreamReader, idle: float) -> None:
        self._content = content
        self._idle = idle
        self.reading = False
        self.reads = 0
        self._reads_seen = -1
        self._loop = asyncio.get_running_loop()
        self._handle = self._loop.call_later(idle, self._check)

    def _check(self) -> None:
        if self.reading and self.reads == self._reads_seen:
            self._content.set_exception(TimeoutError(f"no data for {self._idle:g} s"))
            return
        self._reads_seen = self.reads
        self._handle = self._loop.call_later(self._idle, self._check)

    def cancel(self) -> None:
        self._handle.cancel()


class Stream:
    """A response body read in chunks, with transport errors mapped to the client's.

    No error raised here holds (or chains) aiohttp's exception, whose text carries the
    request's URL with its query.
    """

    def __init__(
        self, response: aiohttp.ClientResponse, base_url: str, read_timeout: float | None = None
    ) -> None:
        """Wrap an open response; each read waits at most about `read_timeout` seconds."""
        self._response = response
        self._base_url = base_url
        self._read_timeout = read_timeout

    @property
    def content_type(self) -> str:
        """The media type, lower-case, without parameters."""
        header = self._response.headers.get("Content-Type", "")
        return header.split(";", 1)[0].strip().lower()

    @property
    def content_length(self) -> int | None:
        """The announced length, if any."""
        return self._response.content_length

    @property
    def content_disposition_filename(self) -> str | None:
        """The file name of Content-Disposition, if any."""
        disposition = self._response.content_disposition
        return disposition.filename if disposition is not None else None

    async def read_all(self, limit: int) -> bytes:
        """Read a small body (an error document) of at most `limit` bytes.

        A larger body raises `VapixResponseTooLargeError` (announced: without reading); the
        whole read has the read timeout as its deadline.
        """
        try:
            async with asyncio.timeout(self._read_timeout):
                return await read_capped(self._response, limit, self._base_url)
        except TimeoutError:
            error = VapixTimeoutError(f"timeout reading from {self._base_url}")
        raise error from None

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        """Yield the body as it arrives, in the chunks the connection delivered.

        No chunk is joined or copied here (the cheapest way through aiohttp); the read buffer
        bounds a chunk's size. A connection that breaks, or ends before the announced length,
        raises `VapixConnectionError`.
        """
        content = self._response.content
        watchdog = _Watchdog(content, self._read_timeout) if self._read_timeout else None
        received = 0
        error: VapixError | None = None
        try:
            while True:
                if watchdog is not None:
                    watchdog.reading = True
                    watchdog.reads += 1
                chunk = await content.readany()  # what iter_any() does, chunk by chunk
                if watchdog is not None:
                    watchdog.reading = False
                if not chunk:
                    break
                received += len(chunk)
                yield chunk
        except TRANSPORT_ERRORS as err:
            error = read_error(err, self._base_url, received)
        finally:
            if watchdog is not None:
                watchdog.cancel()
        if error is not None:
            raise error from None
        expected = self.content_length
        if expected is not None and received != expected:
            raise VapixConnectionError(
                f"connection to {self._base_url} ended after {received} of {expected} bytes"
            )
