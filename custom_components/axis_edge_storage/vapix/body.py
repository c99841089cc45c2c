"""Bounded answers: read a body up to a cap, and parse large documents off the event loop.

Anything that comes from the camera is bounded. An XML, JSON or text answer larger than
`MAX_RESPONSE_BYTES` is refused (announced too large: at once, without reading; otherwise as
soon as the cap is passed) and its connection closed, so a broken camera answering hundreds of
MiB costs a few MiB of memory and no time on the event loop. Every parse of a document larger
than `INLINE_PARSE_BYTES` runs in the default executor (`parse_off_loop`), small ones inline.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import aiohttp

from .errors import VapixError, VapixResponseTooLargeError
from .transport_errors import TRANSPORT_ERRORS, read_error

#: The most bytes of a non-streamed answer (XML, JSON, text) the client reads.
MAX_RESPONSE_BYTES = 1024 * 1024

#: Documents up to this size are parsed on the event loop; larger ones in the executor.
INLINE_PARSE_BYTES = 64 * 1024


async def read_capped(response: aiohttp.ClientResponse, limit: int, base_url: str) -> bytes:
    """Read a whole body of at most `limit` bytes.

    A body announced (Content-Length) or found larger raises `VapixResponseTooLargeError`
    and closes the connection (it does not go back to the pool). At most ``limit + 1`` bytes
    are ever held; transport failures raise the client's errors, without the request's URL.
    """
    announced = response.content_length
    if announced is not None and announced > limit:
        response.close()
        raise VapixResponseTooLargeError(limit, announced)
    buffer = bytearray()
    error: VapixError | None = None
    try:
        while len(buffer) <= limit:  # read() returns what has arrived, not necessarily all
            chunk = await response.content.read(limit + 1 - len(buffer))
            if not chunk:
                break
            buffer += chunk
    except TRANSPORT_ERRORS as err:
        error = read_error(err, base_url, len(buffer))
    if error is not None:
        response.close()
        raise error from None
    if len(buffer) > limit:
        response.close()
        raise VapixResponseTooLargeError(limit)
    return bytes(buffer)


async def parse_off_loop[D: (str, bytes), T](document: D, parse: Callable[[D], T]) -> T:
    """Return ``parse(document)``, run in the executor when the document is large.

    Every API module parses its answers through here, so that no large document (XML,
    JSON, parameter lines) is parsed on the event loop.
    """
    if len(document) <= INLINE_PARSE_BYTES:
        return parse(document)
    return await asyncio.get_running_loop().run_in_executor(None, parse, document)
