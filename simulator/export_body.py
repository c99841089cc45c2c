"""How an export body leaves the camera: sendfile, paced like a link, or cut off mid-way.

Without a paced link and without a ``drop_export`` fault the file goes with sendfile
(aiohttp's ``FileResponse``), so the simulator is never a benchmark's bottleneck. Otherwise it
is read and written piece by piece: each piece waits for the link's tokens, and a dropped
export hangs up after the fault's bytes, its full length announced. A ``close_delimited`` or
``cut_chunked`` fault (``raw``) writes the answer on the connection itself: see
``raw_faults.py``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import BinaryIO

from aiohttp import web

from .faults import Fault
from .pacing import TokenBucket
from .raw_faults import send_raw_export

_PIECE = 1 << 16  # bytes per write when not paced


async def send_export(
    request: web.Request,
    path: Path,
    headers: dict[str, str],
    *,
    link: TokenBucket | None = None,
    drop_after: int | None = None,
    raw: Fault | None = None,
) -> web.StreamResponse:
    """Send ``path``: with sendfile, or paced by ``link``, or cut after ``drop_after`` bytes.

    With ``raw`` (a ``close_delimited`` or ``cut_chunked`` fault) the fault sends it.
    """
    if raw is not None:
        return await send_raw_export(request, path, headers, raw, link=link)
    if link is None and drop_after is None:
        return web.FileResponse(path, headers=headers)
    loop = asyncio.get_running_loop()
    size = (await loop.run_in_executor(None, path.stat)).st_size
    end = size if drop_after is None else min(drop_after, size)
    piece = int(link.burst) if link is not None else _PIECE
    response = web.StreamResponse(status=200, headers=headers)
    response.content_length = size
    await response.prepare(request)
    handle: BinaryIO = await loop.run_in_executor(None, path.open, "rb")
    try:
        sent = 0
        while sent < end:
            data = await loop.run_in_executor(None, handle.read, min(piece, end - sent))
            if not data:
                break
            if link is not None:
                await link.take(len(data))
            await response.write(data)
            sent += len(data)
    finally:
        handle.close()
    if drop_after is not None:
        if request.transport is not None:
            request.transport.close()
        return response
    await response.write_eof()
    return response
