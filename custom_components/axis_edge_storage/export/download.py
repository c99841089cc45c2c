"""One file of an export: the camera's stream to a verified file, read, written and hashed at once.

The event loop reads. It checks the Content-Type, the leading bytes and the byte cap, and
copies the chunks into page-aligned blocks of `BLOCK_BYTES` (a `Pipe`). Each full block goes to
a hash thread, which adds it to the SHA-256 in one update, then to a write thread, which
appends it to the ``.part`` file in one write (``O_DIRECT`` on a local disk, straight from the
block: see `files`); then the block is free again. At most `DEPTH` blocks exist, so the network
read, the hash and the write overlap while the file is never held in memory: when the disk or
the hash falls behind, the loop waits for a free block and TCP slows the camera down. The
threads wake the loop only when it waits, and each takes the GIL back twice per block (not
once per network chunk). The blocks a thread has not taken yet are skipped after a failure or
a cancellation. Then the file is fsynced (short: the data is already on the disk) and renamed.

The part must arrive within its deadline and stay under its byte cap (`limits`).
"""

from __future__ import annotations

import asyncio
import contextlib
import mmap
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from homeassistant.core import HomeAssistant

from ..vapix import AxisEdgeStorage, ExportStream
from ..vapix.export import MATROSKA, MP4
from .errors import ExportError
from .files import PartFile
from .limits import ExportLimits
from .models import ExportedFile, ExportFormat, Planned

BLOCK_BYTES: Final = 1 << 20
DEPTH: Final = 8
REPORT_BYTES: Final = 1 << 20
_OCTETS = "application/octet-stream"
#: What each kind of body may be sent as, and the bytes at an offset it must start with.
_EXPECTED: Final[dict[ExportFormat, tuple[frozenset[str], int, bytes]]] = {
    ExportFormat.MKV: (
        frozenset({"video/x-matroska", "video/matroska", _OCTETS}),
        0,
        b"\x1a\x45\xdf\xa3",
    ),
    ExportFormat.ZIP: (
        frozenset({"application/zip", "application/x-zip-compressed", _OCTETS}),
        0,
        b"PK\x03\x04",
    ),
    ExportFormat.MP4: (frozenset({"video/mp4", _OCTETS}), 4, b"ftyp"),  # a box: size, type
}
_HEAD_LEN = 8
_MB = 1_000_000

Report = Callable[[float, str | None], None]


class _Block:
    """A page-aligned buffer of `BLOCK_BYTES` that the loop fills and the threads take."""

    def __init__(self, size: int) -> None:
        self.view = memoryview(mmap.mmap(-1, size))
        self.filled = 0

    def take(self, data: memoryview) -> int:
        """Copy what fits of `data`; return the bytes taken."""
        size = min(len(data), len(self.view) - self.filled)
        self.view[self.filled : self.filled + size] = data[:size]
        self.filled += size
        return size


class Pipe:
    """The loop's data through a hash thread to a write thread, in at most `depth` blocks.

    The loop copies the data into a page-aligned block (`BLOCK_BYTES`) and hands each full
    block to the hash thread, which adds it to the SHA-256 and passes it on to the write
    thread; once written, the block is free again. One SHA-256 update and one write per block,
    each releasing the GIL once (a thread waits for the GIL each time it takes it back). At
    most `depth` blocks exist: when none is free the loop waits, and only then does a thread
    wake it. A thread's failure is raised in the loop at the next `put` or at `finish`; after
    it, or after `abort`, the blocks not yet taken are skipped.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        part_file: PartFile,
        depth: int = DEPTH,
        block_bytes: int = BLOCK_BYTES,
    ) -> None:
        """Start the two threads (executor jobs that last until `finish` or `abort`)."""
        self._loop = hass.loop
        self._part_file = part_file
        self._depth = depth
        self._block_bytes = block_bytes
        self._lock = threading.Lock()
        self._free: list[_Block] = []  # under the lock
        self._made = 0
        self._room: asyncio.Future[None] | None = None  # the loop waits (under the lock)
        self._block: _Block | None = None  # the one the loop fills
        self._to_hash: queue.SimpleQueue[_Block | None] = queue.SimpleQueue()
        self._to_write: queue.SimpleQueue[_Block | None] = queue.SimpleQueue()
        self.error: Exception | None = None
        self.aborted = False
        self._closed = False
        self._done = [
            hass.async_add_executor_job(self._hash_run),
            hass.async_add_executor_job(self._write_run),
        ]

    def _raise_error(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    async def add(self, data: bytes) -> None:
        """Copy data in; each block that fills goes to the threads."""
        self._raise_error()
        view = memoryview(data)
        while view:
            if (block := self._block) is None:
                block = self._block = await self._free_block()
            view = view[block.take(view) :]
            if block.filled == len(block.view):
                self._send()

    async def put(self, batch: Sequence[bytes]) -> None:
        """Hand a batch to the threads now (in one block when it fits), after waiting for room."""
        for data in batch:
            await self.add(data)
        if self._block is not None and self._block.filled:
            self._send()

    async def _free_block(self) -> _Block:
        while True:
            with self._lock:
                if self._free:
                    return self._free.pop()
                if self._made < self._depth:
                    self._made += 1
                    break
                self._room = room = self._loop.create_future()
            await room
            self._raise_error()
        return _Block(self._block_bytes)

    def _send(self) -> None:
        block, self._block = self._block, None
        self._to_hash.put(block)

    async def finish(self) -> None:
        """Hand over the last block, wait for the threads; a thread's failure is raised here."""
        self._raise_error()
        if self._block is not None and self._block.filled:
            self._send()
        self._close()
        for done in self._done:
            await done
        self._raise_error()

    def abort(self) -> None:
        """Stop both threads without waiting; the blocks not yet taken are skipped.

        The write thread is told to end too, not only through the hash thread: Home Assistant
        stopping cancels an executor job that has not started yet, and a write thread waiting
        for a hash thread that never ran would hold its executor thread for ever.
        """
        self.aborted = True
        self._close()
        self._to_write.put(None)

    async def ended(self) -> None:
        """Wait until both threads have ended (or were cancelled before they started)."""
        await asyncio.gather(*self._done, return_exceptions=True)

    def _close(self) -> None:
        if not self._closed:
            self._closed = True
            self._to_hash.put(None)

    def _skip(self) -> bool:
        return self.aborted or self.error is not None

    def _stage(
        self,
        source: queue.SimpleQueue[_Block | None],
        work: Callable[[Sequence[memoryview]], object],
        then: Callable[[_Block], None],
    ) -> None:
        """One thread of the pipeline (BLOCKING: a thread's job).

        `work` on each block unless the download failed, then `then`, until the end.
        """
        while (block := source.get()) is not None:
            if not self._skip():
                try:
                    work([block.view[: block.filled]])
                except Exception as err:  # noqa: BLE001 (handed to the event loop)
                    self.error = err
            then(block)

    def _hash_run(self) -> None:
        """Hash each block, then pass it to the write thread."""
        self._stage(self._to_hash, self._part_file.hash, self._to_write.put)
        self._to_write.put(None)

    def _write_run(self) -> None:
        """Write each block, then free it."""
        self._stage(self._to_write, self._part_file.write, self._release)

    def _release(self, block: _Block) -> None:
        block.filled = 0
        with self._lock:
            self._free.append(block)
            room, self._room = self._room, None
        if room is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                self._loop.call_soon_threadsafe(_wake, room)


def _wake(room: asyncio.Future[None]) -> None:
    if not room.done():
        room.set_result(None)


def _shown_type(stream: ExportStream) -> str:
    """The device's Content-Type, safe to show: printable and short."""
    shown = "".join(ch for ch in stream.content_type if ch.isprintable())[:80]
    return shown or "no content type"


def _check_type(stream: ExportStream, kind: ExportFormat) -> Callable[[bytes], bool]:
    """Check the Content-Type; return the check of the body's first bytes."""
    allowed, offset, magic = _EXPECTED[kind]
    if stream.content_type not in allowed:
        raise ExportError("unexpected_content", {"content_type": _shown_type(stream)})
    return lambda head: head[offset : offset + len(magic)] == magic


@dataclass(frozen=True, slots=True)
class Fetch:
    """One part to fetch: from which camera and disk, into which part file, within what limits."""

    hass: HomeAssistant
    client: AxisEdgeStorage
    disk_id: str
    item: Planned
    part_file: PartFile
    password: str | None
    kind: ExportFormat  # what the camera sends
    limits: ExportLimits
    report: Report


async def async_download(fetch: Fetch) -> ExportedFile:
    """Stream one part to its ``.part`` file, fsync and rename it."""
    await async_fetch(fetch)
    part_file, item = fetch.part_file, fetch.item
    final = await fetch.hass.async_add_executor_job(part_file.commit)
    return ExportedFile(
        path=final,
        size=part_file.size,
        sha256=part_file.sha256,
        start=item.start,
        stop=item.stop,
        recording_id=item.part.recording.recording_id,
        disk_id=fetch.disk_id,
        format=fetch.kind,
    )


async def async_fetch(fetch: Fetch) -> None:
    """Stream one part into its ``.part`` file, which stays open."""
    item, limits, part_file = fetch.item, fetch.limits, fetch.part_file
    duration = (item.stop - item.start).total_seconds()
    deadline = asyncio.timeout(limits.deadline(duration))
    await fetch.hass.async_add_executor_job(part_file.open, True)  # O_DIRECT where it helps
    name = part_file.name()
    fetch.report(0.0, name)
    pipe = Pipe(fetch.hass, part_file)
    try:
        try:
            async with deadline:
                await _async_receive(
                    fetch, pipe, name, limits.byte_cap(duration, item.estimated_bytes)
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


async def _async_receive(fetch: Fetch, pipe: Pipe, name: str, cap: int) -> None:
    """Receive a part into `pipe`, at most `cap` bytes (an announced length over it: at once)."""
    item, kind = fetch.item, fetch.kind
    async with fetch.client.exports.export(
        item.part.recording.recording_id,
        fetch.disk_id,
        start=item.start,
        stop=item.stop,
        export_format=MP4 if kind is ExportFormat.MP4 else MATROSKA,
        password=fetch.password,
    ) as stream:
        head_ok = _check_type(stream, kind)
        too_large = ExportError("export_too_large", {"file": name, "limit": f"{cap / _MB:.1f}"})
        if stream.content_length is not None and stream.content_length > cap:
            raise too_large
        expected = stream.content_length or item.estimated_bytes
        head = b""
        received = 0
        next_report = REPORT_BYTES
        async for chunk in stream.iter_chunks():
            if len(head) < _HEAD_LEN:
                head += chunk[: _HEAD_LEN - len(head)]
                if len(head) == _HEAD_LEN and not head_ok(head):
                    raise ExportError("unexpected_content", {"content_type": _shown_type(stream)})
            received += len(chunk)
            if received > cap:
                raise too_large
            await pipe.add(chunk)
            if received >= next_report:
                next_report = received + REPORT_BYTES
                fetch.report(received / expected if expected else 0.0, name)
        if len(head) < _HEAD_LEN and not head_ok(head):  # a body shorter than the head
            raise ExportError("unexpected_content", {"content_type": _shown_type(stream)})
