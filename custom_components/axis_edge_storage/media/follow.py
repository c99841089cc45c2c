"""Reading a file while another thread still appends to it, as ``tail -f`` does (BLOCKING).

The writer tells a `Follow` where the file is (`opened`), how far it is written (`grew`), and
when it is complete (`finish`) or abandoned (`fail`). A `FollowingReader` reads it from the
start to its end for PyAV: a read waits until the bytes it asks for are written, and ends the
file once the writer finished, or at once when it gave up (then `abandoned` is set: an
exception raised in a read would not reach the caller through PyAV 13, which retries the read
forever). It has no ``seek``, so PyAV reads it as a stream, in order,
and never asks for bytes the writer has not reached (a Matroska's cues and tags at its end).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from .reader import FileReader


class FollowAbandonedError(OSError):
    """The writer gave up: the file will never be complete."""


class Follow:
    """How far a file being written is, shared by its writer and its reader (thread-safe)."""

    def __init__(self) -> None:
        """Nothing written yet."""
        self._changed = threading.Condition()
        self._path: Path | None = None
        self._written = 0
        self._finished = False
        self._failed = False

    def opened(self, path: Path) -> None:
        """The writer created the file at `path`."""
        with self._changed:
            self._path = path
            self._changed.notify_all()

    def grew(self, written: int) -> None:
        """The file now holds `written` bytes."""
        with self._changed:
            self._written = written
            self._changed.notify_all()

    def finish(self) -> None:
        """The file is complete: a reader at its end reads the end of the file."""
        with self._changed:
            self._finished = True
            self._changed.notify_all()

    def fail(self) -> None:
        """The writer gave up: a waiting reader raises `FollowAbandonedError`."""
        with self._changed:
            self._failed = True
            self._changed.notify_all()

    def wait_path(self) -> Path:
        """Wait until the file exists; return its path."""
        with self._changed:
            self._changed.wait_for(lambda: self._path is not None or self._failed)
            if self._path is None:
                raise FollowAbandonedError("the file was abandoned before it was made")
            return self._path

    def wait_beyond(self, position: int) -> int | None:
        """Wait until more than `position` bytes are written, or the end; return the size.

        None when the writer gave up.
        """
        with self._changed:
            self._changed.wait_for(
                lambda: self._written > position or self._finished or self._failed
            )
            return None if self._failed else self._written


class FollowingReader(FileReader):
    """A read-only file object over a file being written (see the module docstring)."""

    def __init__(self, follow: Follow) -> None:
        """Wait for the file to exist and open it."""
        super().__init__(follow.wait_path())
        self._follow = follow
        self.abandoned = False

    def read(self, size: int = -1) -> bytes:
        """Read up to `size` bytes, waiting for the writer; ``b""`` at the end, or abandoned."""
        written = self._follow.wait_beyond(self._position)
        if written is None:
            self.abandoned = True
            return b""
        if size < 0:
            size = written - self._position
        data = os.pread(self._fd, min(size, max(0, written - self._position)), self._position)
        self._position += len(data)
        return data
