"""One file of an export: the camera's stream to a verified file, read, written and hashed at once.

The event loop only reads. It checks the Content-Type, the leading bytes and the byte cap,
gathers the chunks into batches of about `BATCH_BYTES`, and hands each batch to two threads
at once: one appends it to the ``.part`` file (starting its write-back to the disk as it goes,
see `files`), the other adds it to the SHA-256. At most `DEPTH` batches wait for each thread
(a semaphore per thread, released by the thread through the loop), so the network read, the
write and the hash overlap while the file is never held in memory: when the disk or the hash
falls behind, the loop stops reading and TCP slows the camera down. The batches a thread has
not taken yet are skipped after a failure or a cancellation. Then the file is fsynced (short:
most of it is already on the disk) and renamed.

The part must arrive within its deadline and stay under its byte cap (`limits`).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
from collections.abc import Callable, Sequence
from typing import Final

from homeassistant.core import HomeAssistant

from ..vapix import AxisEdgeStorage, ExportStream
from .errors import ExportError
from .files import PartFile
from .limits import ExportLimits
from .models import ExportedFile, Planned

BATCH_BYTES: Final = 1 << 20
DEPTH: Final = 8
_MKV_TYPES = frozenset({"video/x-matroska", "video/matroska", "application/octet-stream"})
_ZIP_TYPES = frozenset(
    {"application/zip", "application/x-zip-compressed", "application/octet-stream"}
)
_MKV_MAGIC = b"\x1a\x45\xdf\xa3"  # EBML header
_ZIP_MAGIC = b"PK\x03\x04"
_MAGIC_LEN = 4
_MB = 1_000_000

Report = Callable[[float, str | None], None]


class Lane:
    """One thread working through batches in order; at most `depth` batches wait for it."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, work: Callable[[Sequence[bytes]], None], depth: int
    ) -> None:
        """Prepare; `run` is the thread's job."""
        self._loop = loop
        self._work = work
        self._items: queue.SimpleQueue[Sequence[bytes] | None] = queue.SimpleQueue()
        self._credits = asyncio.Semaphore(depth)
        self.error: Exception | None = None
        self.aborted = False

    async def put(self, batch: Sequence[bytes]) -> None:
        """Hand a batch to the thread, after waiting for room (event loop)."""
        await self._credits.acquire()
        self._items.put(batch)

    def close(self) -> None:
        """No more batches: the thread ends after the ones it has (event loop)."""
        self._items.put(None)

    def run(self) -> None:
        """Work through the batches until `close` (the thread's job; BLOCKING)."""
        while (batch := self._items.get()) is not None:
            if self.error is None and not self.aborted:
                try:
                    self._work(batch)
                except Exception as err:  # noqa: BLE001 (handed to the event loop)
                    self.error = err
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                self._loop.call_soon_threadsafe(self._credits.release)


class Pipe:
    """Batches from the event loop to a write thread and a hash thread."""

    def __init__(self, hass: HomeAssistant, part_file: PartFile, depth: int = DEPTH) -> None:
        """Start the two threads (executor jobs that last until `finish` or `abort`)."""
        self._lanes = (
            Lane(hass.loop, part_file.write, depth),
            Lane(hass.loop, part_file.hash, depth),
        )
        self._done = [hass.async_add_executor_job(lane.run) for lane in self._lanes]
        self._closed = False

    def _raise_error(self) -> None:
        for lane in self._lanes:
            if lane.error is not None:
                error, lane.error = lane.error, None
                raise error

    async def put(self, batch: Sequence[bytes]) -> None:
        """Hand a batch to both threads; a thread's failure is raised here."""
        self._raise_error()
        for lane in self._lanes:
            await lane.put(batch)

    async def finish(self) -> None:
        """Wait for both threads to take every batch; a thread's failure is raised here."""
        self._close()
        for done in self._done:
            await done
        self._raise_error()

    def abort(self) -> None:
        """Stop both threads without waiting; the batches not yet taken are skipped."""
        for lane in self._lanes:
            lane.aborted = True
        self._close()

    def _close(self) -> None:
        if not self._closed:
            self._closed = True
            for lane in self._lanes:
                lane.close()


def _shown_type(stream: ExportStream) -> str:
    """The device's Content-Type, safe to show: printable and short."""
    shown = "".join(ch for ch in stream.content_type if ch.isprintable())[:80]
    return shown or "no content type"


def _check_type(stream: ExportStream, encrypted: bool) -> bytes:
    """Check the Content-Type; return the magic number the body must start with."""
    allowed, magic = (_ZIP_TYPES, _ZIP_MAGIC) if encrypted else (_MKV_TYPES, _MKV_MAGIC)
    if stream.content_type not in allowed:
        raise ExportError("unexpected_content", {"content_type": _shown_type(stream)})
    return magic


async def async_download(
    hass: HomeAssistant,
    client: AxisEdgeStorage,
    *,
    disk_id: str,
    item: Planned,
    part_file: PartFile,
    password: str | None,
    limits: ExportLimits,
    report: Report,
) -> ExportedFile:
    """Stream one part to its ``.part`` file, verify, fsync and rename it."""
    duration = (item.stop - item.start).total_seconds()
    deadline = asyncio.timeout(limits.deadline(duration))
    await hass.async_add_executor_job(part_file.open)
    name = part_file.name()
    report(0.0, name)
    pipe = Pipe(hass, part_file)
    try:
        try:
            async with deadline:
                await _async_receive(
                    client,
                    pipe,
                    disk_id=disk_id,
                    item=item,
                    name=name,
                    password=password,
                    cap=limits.byte_cap(duration, item.estimated_bytes),
                    report=report,
                )
        except TimeoutError:
            if not deadline.expired():
                raise
            raise ExportError(
                "export_too_slow",
                {"file": name, "seconds": str(round(limits.deadline(duration)))},
            ) from None
        await pipe.finish()
    finally:
        pipe.abort()  # after `finish`, nothing left to stop; a running write finishes first
    final = await hass.async_add_executor_job(part_file.commit)
    return ExportedFile(
        path=final,
        size=part_file.size,
        sha256=part_file.sha256,
        start=item.start,
        stop=item.stop,
        recording_id=item.part.recording.recording_id,
        disk_id=disk_id,
    )


async def _async_receive(
    client: AxisEdgeStorage,
    pipe: Pipe,
    *,
    disk_id: str,
    item: Planned,
    name: str,
    password: str | None,
    cap: int,
    report: Report,
) -> None:
    """Receive a part into `pipe`, at most `cap` bytes (an announced length over it: at once)."""
    async with client.exports.export(
        item.part.recording.recording_id,
        disk_id,
        start=item.start,
        stop=item.stop,
        password=password,
    ) as stream:
        magic = _check_type(stream, password is not None)
        too_large = ExportError("export_too_large", {"file": name, "limit": f"{cap / _MB:.1f}"})
        if stream.content_length is not None and stream.content_length > cap:
            raise too_large
        expected = stream.content_length or item.estimated_bytes
        head = b""
        batch: list[bytes] = []
        batched = received = 0
        async for chunk in stream.iter_chunks():
            if len(head) < _MAGIC_LEN:
                head += chunk[: _MAGIC_LEN - len(head)]
                if len(head) == _MAGIC_LEN and head != magic:
                    raise ExportError("unexpected_content", {"content_type": _shown_type(stream)})
            received += len(chunk)
            if received > cap:
                raise too_large
            batch.append(chunk)
            batched += len(chunk)
            if batched >= BATCH_BYTES:
                await pipe.put(batch)
                batch = []
                batched = 0
                report(received / expected if expected else 0.0, name)
        if head != magic:  # fewer bytes than the magic number
            raise ExportError("unexpected_content", {"content_type": _shown_type(stream)})
        if batch:
            await pipe.put(batch)
