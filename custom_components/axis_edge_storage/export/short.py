"""A short export written to a file: an HLS segment's or a thumbnail's few seconds.

Unlike a clip (`download`: verified, hashed, renamed), these are working files that are read
once and removed. The camera is not trusted: at most `max_bytes` (an announced length over it
fails at once), written through a bounded buffer in the executor (never whole in memory).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Final

from homeassistant.core import HomeAssistant

from ..vapix import AxisEdgeStorage

BUFFER_BYTES: Final = 1 << 20


class ShortExportTooLargeError(Exception):
    """The camera sent (or announced) more than the cap."""


async def async_export_to_file(
    hass: HomeAssistant,
    client: AxisEdgeStorage,
    *,
    recording_id: str,
    disk_id: str,
    start: datetime,
    stop: datetime,
    path: Path,
    max_bytes: int,
) -> int:
    """Write the camera's export of [start, stop) to `path`; answer the bytes written.

    Raises `ShortExportTooLargeError` past `max_bytes`, and the client's errors as they are. The
    caller removes `path` when it is done with it, or after an error.
    """
    run = hass.async_add_executor_job
    handle = await run(path.open, "wb")
    received = 0
    try:
        async with client.exports.export(recording_id, disk_id, start=start, stop=stop) as stream:
            if (stream.content_length or 0) > max_bytes:
                raise ShortExportTooLargeError
            buffer = bytearray()
            async for chunk in stream.iter_chunks():
                received += len(chunk)
                if received > max_bytes:
                    raise ShortExportTooLargeError
                buffer += chunk
                if len(buffer) >= BUFFER_BYTES:
                    await run(handle.write, bytes(buffer))
                    buffer.clear()
            if buffer:
                await run(handle.write, bytes(buffer))
    finally:
        await run(handle.close)
    return received
