"""The ``.part`` file of a clip export, and the free space it must leave.

Every function and method here blocks: the exporter runs them in the
executor. A download goes to ``<folder>/.<name>.part`` (created exclusively); a write thread
appends blocks to it while a hash thread computes its SHA-256 (`PartFile.write`,
`PartFile.hash`), then it is fsynced and renamed to a final name that no other file has (never
replacing one). After each write the free space of the file system is read (``fstatvfs``,
cheap); below the reserve the write raises `LowSpaceError`.

While it is written, its data goes to the disk, so the final fsync is short: with
``O_DIRECT`` on a local disk's file system (`PartFile.open`), which also leaves the page cache
alone, and elsewhere through the cache with the write-back started as it goes (`writeback`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import mmap
import os
import threading
from collections.abc import Buffer, Sequence
from pathlib import Path
from typing import Final

from .writeback import WriteBack

_MAX_SUFFIX = 1000
_IOV_MAX = 1024  # IOV_MAX on Linux and macOS
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
_O_DIRECT: Final = getattr(os, "O_DIRECT", 0)
DIRECT_BLOCK: Final = 4 << 20
"""Bytes per direct write of gathered chunks (a multiple of every block size)."""
_ALIGN: Final = 4096  # of the memory, offsets and lengths of direct writes


# -- free space (BLOCKING) ----------------------------------------------------------------------


class LowSpaceError(Exception):
    """Writing went below the free-space reserve; `free` bytes were left."""

    def __init__(self, free: int, reserve: int) -> None:
        """Remember the free bytes and the reserve."""
        super().__init__(f"{free} bytes free, {reserve} kept in reserve")
        self.free = free
        self.reserve = reserve


def free_bytes_of(fd: int) -> int:
    """Free bytes (for an unprivileged user) of the file system holding the open file `fd`."""
    info = os.fstatvfs(fd)
    return info.f_bavail * info.f_frsize


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_all(fd: int, chunks: Sequence[Buffer]) -> int:
    """Write every chunk (one ``writev`` when the kernel takes it all); return the bytes."""
    sizes = [memoryview(chunk).nbytes for chunk in chunks]
    total = sum(sizes)
    done = os.writev(fd, chunks) if len(chunks) <= _IOV_MAX else 0
    if done == total:
        return total
    skip = done
    for chunk, size in zip(chunks, sizes, strict=True):
        if skip >= size:
            skip -= size
            continue
        view = memoryview(chunk).cast("B")[skip:]
        skip = 0
        while view:
            view = view[os.write(fd, view) :]
    return total


class _Staging:
    """A page-aligned buffer that gathers chunks into whole blocks for direct writes."""

    def __init__(self, size: int) -> None:
        self.filled = 0
        self.view = memoryview(mmap.mmap(-1, size))

    def add(self, chunk: Buffer, start: int) -> int:
        """Copy what fits of `chunk` from `start` on; return the bytes taken."""
        data = memoryview(chunk).cast("B")[start:]
        take = min(len(data), len(self.view) - self.filled)
        self.view[self.filled : self.filled + take] = data[:take]
        self.filled += take
        return take


def _whole_blocks(chunk: Buffer) -> bool:
    """Whether `chunk` can go to the disk as it is with ``O_DIRECT``: aligned, whole blocks."""
    if not isinstance(chunk, memoryview) or chunk.readonly or not chunk.c_contiguous:
        return False
    if not chunk.nbytes or chunk.nbytes % _ALIGN:
        return False
    return ctypes.addressof(ctypes.c_char.from_buffer(chunk)) % _ALIGN == 0


def _set_direct(fd: int, on: bool) -> None:
    """Set or clear ``O_DIRECT`` on an open file (OSError: the file system refuses it)."""
    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    fcntl.fcntl(fd, fcntl.F_SETFL, (flags | _O_DIRECT) if on else (flags & ~_O_DIRECT))


def _on_local_disk(fd: int) -> bool:
    """Whether the file's file system is on a disk (not a network, FUSE or memory one).

    Those have anonymous devices (major 0), where direct I/O is absent, ignored or slower.
    """
    return os.major(os.fstat(fd).st_dev) != 0


class PartFile:
    """One download: written to ``.<name>.part``, then fsynced and renamed (BLOCKING methods).

    A lock serialises the methods that touch the file, so `discard` (from a failure or a
    cancellation) waits for a write still running in another thread, and nothing touches the
    file after it. `reserve` is the free space (bytes) each `write` leaves on the file system,
    or raises `LowSpaceError`.
    """

    def __init__(
        self,
        folder: Path,
        stem: str,
        ext: str,
        reserve: int = 0,
        writeback: WriteBack | None = None,
    ) -> None:
        self.folder = folder
        self.reserve = reserve
        self.stem = stem
        self.ext = ext
        self.size = 0
        self.part: Path | None = None
        self.final: Path | None = None
        self._suffix = 1
        self._fd: int | None = None
        self._sha = hashlib.sha256()
        self._lock = threading.Lock()
        self._hash_lock = threading.Lock()
        self._discarded = False
        self._writeback = writeback or WriteBack()
        self._direct = False  # written with O_DIRECT (see `open`)
        self._staging: _Staging | None = None  # chunks gathered for it
        self._written = 0  # bytes in the file (`size` less what is staged)
        self._adopted = False  # written by another writer (see `adopt`)

    def name(self, suffix: int | None = None) -> str:
        """The final file name with a suffix (``_2``...) when the plain one is taken."""
        number = self._suffix if suffix is None else suffix
        return f"{self.stem}{'' if number == 1 else f'_{number}'}{self.ext}"

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of what was written."""
        return self._sha.hexdigest()

    @property
    def direct(self) -> bool:
        """Whether the file is being written with ``O_DIRECT``."""
        return self._direct

    def open(self, direct: bool = False) -> None:
        """Create ``.<name>.part`` exclusively, with the first name neither file uses.

        With `direct`, where the file system is on a local disk and takes ``O_DIRECT``, the
        data goes from memory straight to the disk: no copy into the page cache, no
        write-back later, nothing of Home Assistant's cache pushed out, and the final fsync
        has only the tail to write. Page-aligned whole blocks (the pipe's) are written as
        they are; other chunks are gathered into blocks of `DIRECT_BLOCK` bytes first.
        Elsewhere, or once the file system refuses a direct write, the file is written
        through the cache, with `writeback`.
        """
        with self._lock:
            if self._discarded:
                return
            for suffix in range(1, _MAX_SUFFIX):
                name = self.name(suffix)
                if os.path.lexists(self.folder / name):
                    continue
                part = self.folder / f".{name}.part"
                try:
                    self._fd = os.open(part, _OPEN_FLAGS, 0o644)
                except FileExistsError:
                    continue
                self._suffix = suffix
                self.part = part
                if direct and _O_DIRECT and _on_local_disk(self._fd):
                    with contextlib.suppress(OSError):  # not taken: through the cache
                        _set_direct(self._fd, True)
                        self._direct = True
                return
            raise FileExistsError(f"no free file name for {self.stem}{self.ext}")

    def write(self, chunks: Sequence[Buffer]) -> None:
        """Append chunks, write them back to the disk as due (`writeback`), check the space.

        With ``O_DIRECT`` (see `open`), whole aligned blocks are written as they are, other
        chunks gathered into blocks, each written as it fills; the rest waits for the next
        chunks or for `commit`. The hash is computed apart, in parallel: see `hash`.
        """
        with self._lock:
            fd = self._fd
            if fd is None:
                if self._discarded:
                    return
                raise RuntimeError("write to a part file that is not open")
            if self._direct:
                for chunk in chunks:
                    self._write_direct(fd, chunk)
            else:
                if (staging := self._staging) is not None and staging.filled:
                    self._write_out(fd, staging.view[: staging.filled])  # direct I/O refused
                    staging.filled = 0
                self.size += _write_all(fd, chunks)
                self._written = self.size
                self._writeback.written(fd, self.size)
            if self.reserve > 0 and (free := free_bytes_of(fd)) < self.reserve:
                raise LowSpaceError(free, self.reserve)

    def _write_direct(self, fd: int, chunk: Buffer) -> None:
        staging = self._staging
        if (staging is None or not staging.filled) and _whole_blocks(chunk):
            self.size += memoryview(chunk).nbytes
            self._write_out(fd, memoryview(chunk))
            return
        if staging is None:
            staging = self._staging = _Staging(DIRECT_BLOCK)
        start, end = 0, memoryview(chunk).nbytes
        while start < end:
            taken = staging.add(chunk, start)
            start += taken
            self.size += taken
            if staging.filled == len(staging.view):
                staging.filled = 0
                self._write_out(fd, staging.view)

    def _write_out(self, fd: int, view: memoryview) -> None:
        """Write `view` at the end: directly while the file system takes it, else cached."""
        if self._direct:
            try:
                done = os.write(fd, view)
            except OSError as err:
                if err.errno != errno.EINVAL:
                    raise
                done = 0  # refused (alignment): through the cache from here on
            self._written += done
            if done == len(view):
                return
            self._direct = False  # also after a short write: the rest is not aligned
            _set_direct(fd, False)
            view = view[done:]
        self._written += _write_all(fd, [view])
        self._writeback.written(fd, self._written)

    def hash(self, chunks: Sequence[Buffer]) -> None:
        """Add chunks to the SHA-256, in the order they are written.

        Kept apart from `write` so that hashing (CPU bound, slower than the disk on CPUs
        without SHA instructions) and writing run in two threads at once; hashlib and file
        writes release the GIL.
        """
        with self._hash_lock:
            for chunk in chunks:
                self._sha.update(chunk)

    def _write_tail(self, fd: int) -> None:
        """Write what waits in the staging block (not a whole block: through the cache)."""
        if (staging := self._staging) is not None and staging.filled:
            if self._direct:
                self._direct = False
                _set_direct(fd, False)
            self._write_out(fd, staging.view[: staging.filled])
            staging.filled = 0

    def close_part(self) -> Path:
        """Write the tail and close; the ``.part`` stays for a reader (no fsync, no rename)."""
        with self._lock:
            fd, part = self._fd, self.part
            if fd is None or part is None or self._discarded:
                raise RuntimeError("close of a part file that is not open")
            self._write_tail(fd)
            self._fd = None
            os.close(fd)
            return part

    def advanced(self, size: int) -> None:
        """Another writer wrote the ``.part`` up to about `size` bytes: start its write-back."""
        with self._lock:
            if self._fd is not None:
                self._writeback.written(self._fd, size)

    def adopt(self) -> Path:
        """Close the ``.part`` for another writer, which replaces it; `commit` then takes it."""
        with self._lock:
            fd, part = self._fd, self.part
            if fd is None or part is None or self._discarded:
                raise RuntimeError("adoption of a part file that is not open")
            self._fd = None
            os.close(fd)
            self._adopted = True
            return part

    def commit(self) -> Path:
        """Write the tail, fsync, close and rename to the final name (never replacing a file).

        An adopted part (see `adopt`) is opened again to be fsynced as the other writer left it.
        """
        with self._lock:
            fd, part = self._fd, self.part
            if self._adopted and fd is None and part is not None and not self._discarded:
                fd = os.open(part, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
                self.size = os.fstat(fd).st_size
            if fd is None or part is None or self._discarded:
                raise RuntimeError("commit of a part file that is not open")
            self._write_tail(fd)
            os.fsync(fd)
            self._fd = None
            os.close(fd)
            for suffix in range(self._suffix, _MAX_SUFFIX):
                final = self.folder / self.name(suffix)
                try:  # reserve the name: O_EXCL never follows or replaces anything
                    os.close(os.open(final, _OPEN_FLAGS, 0o644))
                except FileExistsError:
                    continue
                self.final = final
                part.replace(final)
                self.part = None
                _fsync_dir(self.folder)
                return final
            raise FileExistsError(f"no free file name for {self.stem}{self.ext}")

    def discard(self) -> None:
        """Close and remove the part and the final file (if this request made it)."""
        with self._lock:
            self._discarded = True
            self._staging = None
            self._direct = False
            if self._fd is not None:
                with contextlib.suppress(OSError):
                    os.close(self._fd)
                self._fd = None
            for path in (self.part, self.final):
                if path is not None:
                    with contextlib.suppress(OSError):
                        path.unlink(missing_ok=True)
            self.part = self.final = None


def discard_all(files: Sequence[PartFile]) -> None:
    """Discard every part file (each waits for its running write)."""
    for part_file in files:
        part_file.discard()
