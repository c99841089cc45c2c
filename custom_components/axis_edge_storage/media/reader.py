"""Reading a video file once, and a look at its container's own structure.

A file object for PyAV that feeds a digest as it reads, and the check that the file ends where
its container's header says it ends.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

MATROSKA = "matroska"
MP4 = "mp4"
# What PyAV reads through a Python file object per call: few calls, little Python per byte.
BUFFER_SIZE = 1 << 18
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_SEGMENT_ID = b"\x18\x53\x80\x67"
_MP4_FIRST_BOXES = {b"ftyp", b"styp", b"moov", b"mdat", b"free", b"skip", b"wide"}


class Readable(Protocol):
    """What PyAV reads a file through: at least ``read`` (a ``seek`` too when it may seek)."""

    def read(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes (all that is left when negative); ``b""`` at the end."""


class Structure(Protocol):
    """What `is_cut` reads: bytes at an offset, and the size of what arrived."""

    size: int

    def pread(self, size: int, offset: int) -> bytes:
        """Up to ``size`` bytes at ``offset``."""


class FileReader:
    """An open, read-only file at a position: a context manager that closes it."""

    def __init__(self, path: Path) -> None:
        """Open `path`; the position is at its start."""
        self._fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        self._position = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (twice is harmless)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def tell(self) -> int:
        """Return the position."""
        return self._position


class HashingReader(FileReader):
    """A read-only, seekable file object over ``path`` that PyAV reads through.

    With a ``digest``, every byte of the file goes into it exactly once and in order: the bytes
    read at the *frontier* (the end of what was hashed) are hashed as they are read; bytes read
    beyond it after a forward seek are not, and bytes read again behind it are not hashed twice.
    :meth:`finish` hashes what no read reached, from the frontier to the end of the file.
    """

    def __init__(self, path: Path, digest: hashlib._Hash | None = None) -> None:
        super().__init__(path)
        self.size = os.fstat(self._fd).st_size
        self._digest = digest
        self._frontier = 0

    def pread(self, size: int, offset: int) -> bytes:
        """Read without moving the position and without hashing (structure checks)."""
        return os.pread(self._fd, size, offset)

    def read(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes at the position (all that is left when negative)."""
        if size < 0:
            size = max(0, self.size - self._position)
        data = os.pread(self._fd, size, self._position)
        start = self._position
        self._position += len(data)
        digest = self._digest
        if digest is not None and start <= self._frontier < self._position:
            digest.update(memoryview(data)[self._frontier - start :])
            self._frontier = self._position
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move the position; the frontier stays where it is."""
        if whence == os.SEEK_CUR:
            offset += self._position
        elif whence == os.SEEK_END:
            offset += self.size
        if offset < 0:
            raise OSError("seek before the start of the file")
        self._position = offset
        return offset

    def seekable(self) -> bool:
        """PyAV may seek."""
        return True

    def readable(self) -> bool:
        """PyAV may read."""
        return True

    def finish(self) -> None:
        """Hash the bytes from the frontier to the end of the file (no-op without a digest)."""
        if self._digest is None:
            return
        while self._frontier < self.size:
            chunk = os.pread(
                self._fd, min(BUFFER_SIZE * 4, self.size - self._frontier), self._frontier
            )
            if not chunk:
                break  # the file shrank under us: nothing left to hash
            self._digest.update(chunk)
            self._frontier += len(chunk)


def sniff(reader: Structure) -> str | None:
    """Return ``MATROSKA`` or ``MP4`` from the first bytes of the file, None for anything else."""
    head = reader.pread(12, 0)
    if head.startswith(_EBML_MAGIC):
        return MATROSKA
    if len(head) >= 8 and head[4:8] in _MP4_FIRST_BOXES:
        return MP4
    return None


def is_cut(reader: Structure, kind: str | None) -> bool:
    """Tell whether the file ends before its container's top-level structure says it does."""
    if kind == MATROSKA:
        return _matroska_is_cut(reader)
    if kind == MP4:
        return _mp4_is_cut(reader)
    return False


def _vint(data: bytes, offset: int) -> tuple[int, int, bool] | None:
    """Decode an EBML variable-size integer: (value, length, all ones), None if cut or bad."""
    if offset >= len(data) or data[offset] == 0:
        return None
    first = data[offset]
    length = 9 - first.bit_length()
    if offset + length > len(data):
        return None
    value = first & ((1 << (8 - length)) - 1)
    for byte in data[offset + 1 : offset + length]:
        value = value << 8 | byte
    return value, length, value == (1 << (7 * length)) - 1


def _matroska_is_cut(reader: Structure) -> bool:
    """The Segment's size (when known) runs past the end of the file, or the header is cut."""
    head = reader.pread(4096, 0)
    header_size = _vint(head, 4)
    if header_size is None:
        return True
    segment = 4 + header_size[1] + header_size[0]
    if head[segment : segment + 4] != _SEGMENT_ID:
        return len(head) < segment + 4  # cut inside the EBML header; else not ours to judge
    segment_size = _vint(head, segment + 4)
    if segment_size is None:
        return True
    value, length, unknown = segment_size
    return not unknown and segment + 4 + length + value > reader.size


def _mp4_is_cut(reader: Structure) -> bool:
    """A top-level box runs past the end of the file, or there is no ``moov`` box at all."""
    offset, size, moov = 0, reader.size, False
    while offset < size:
        head = reader.pread(16, offset)
        if len(head) < 8:
            return True
        box_size = int.from_bytes(head[:4])
        if box_size == 1:
            if len(head) < 16:
                return True
            box_size = int.from_bytes(head[8:16])
        elif box_size == 0:
            box_size = size - offset  # the last box, up to the end of the file
        moov = moov or head[4:8] == b"moov"
        if box_size < 8 or offset + box_size > size:
            return True
        offset += box_size
    return not moov
