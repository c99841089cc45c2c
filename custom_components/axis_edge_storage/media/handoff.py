"""Bytes handed from a download to a remux in another thread: in order, in bounded memory.

The writer (a download's write thread) `push`es copies of what it receives and says when the
body ended (`finish`) or was abandoned (`fail`). The reader (the remux, through PyAV) `read`s
them in order: a read waits for bytes, and ends the stream once the writer finished, or at once
when it gave up (then `abandoned` is set: an exception raised in a read would not reach the
caller through PyAV 13, which retries the read forever). There is no ``seek``, so PyAV reads a
stream. At most `limit` bytes wait: a push waits for room, so a slow reader slows the writer
(and TCP the camera). A reader that stops early `close`s it: later pushes are dropped.

The first bytes and the count of all are kept (`received`), so that the container's own
structure can be checked against what arrived (`reader.is_cut`) without keeping the file.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Buffer
from typing import Final

HANDOFF_BYTES: Final = 16 << 20
HEAD_BYTES: Final = 4096  # what `reader.is_cut` reads of a file's start


class Received:
    """What arrived, for `reader.is_cut`: its first bytes, and its size."""

    def __init__(self, head: bytes, size: int) -> None:
        """The first `HEAD_BYTES` (or fewer) of `size` bytes."""
        self._head = head
        self.size = size

    def pread(self, size: int, offset: int) -> bytes:
        """The bytes at `offset` among the first ones kept."""
        return self._head[offset : offset + size]


class Handoff:
    """A bounded, ordered hand-off of bytes from one thread to another (see the module)."""

    def __init__(self, limit: int = HANDOFF_BYTES) -> None:
        """Nothing pushed yet."""
        self._changed = threading.Condition()
        self._chunks: deque[memoryview] = deque()
        self._waiting = 0  # bytes pushed, not read yet
        self._limit = limit
        self._head = bytearray()
        self._size = 0
        self._finished = False
        self._failed = False
        self._closed = False
        self.abandoned = False  # the reader met the writer's failure

    # -- the writer --------------------------------------------------------------------------

    def push(self, data: Buffer) -> None:
        """Hand over a copy of `data`, after waiting for room (dropped once closed)."""
        chunk = bytes(data)
        with self._changed:
            if len(self._head) < HEAD_BYTES:
                self._head += chunk[: HEAD_BYTES - len(self._head)]
            self._size += len(chunk)
            self._changed.wait_for(lambda: self._waiting < self._limit or self._closed)
            if self._closed:
                return
            self._chunks.append(memoryview(chunk))
            self._waiting += len(chunk)
            self._changed.notify_all()

    def finish(self) -> None:
        """The body is complete: the reader reads to its end."""
        with self._changed:
            self._finished = True
            self._changed.notify_all()

    def fail(self) -> None:
        """The body will never be complete: the reader ends at once (`abandoned`)."""
        with self._changed:
            self._failed = True
            self._changed.notify_all()

    def received(self) -> Received:
        """What was pushed so far: its first bytes and its size."""
        with self._changed:
            return Received(bytes(self._head), self._size)

    # -- the reader --------------------------------------------------------------------------

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (all waiting when negative), in order; ``b""`` at the end."""
        with self._changed:
            self._changed.wait_for(lambda: self._chunks or self._finished or self._failed)
            if self._failed:
                self.abandoned = True
                return b""
            if not self._chunks:
                return b""
            parts: list[memoryview] = []
            wanted = self._waiting if size < 0 else size
            while self._chunks and wanted > 0:
                chunk = self._chunks.popleft()
                if len(chunk) > wanted:
                    self._chunks.appendleft(chunk[wanted:])
                    chunk = chunk[:wanted]
                parts.append(chunk)
                wanted -= len(chunk)
            data = b"".join(parts)  # the one copy PyAV needs (bytes)
            self._waiting -= len(data)
            self._changed.notify_all()
            return data

    def close(self) -> None:
        """The reader stops: what waits is dropped, and so is every later push."""
        with self._changed:
            self._closed = True
            self._chunks.clear()
            self._waiting = 0
            self._changed.notify_all()
