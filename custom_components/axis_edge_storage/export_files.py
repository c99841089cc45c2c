"""The files of a clip export: the ``.part`` file, the folder checks, the free space (BLOCKING).

Every function and method here blocks: the exporter runs them in the executor.
A download goes to ``<folder>/.<name>.part`` (created exclusively), is written in batches
while its SHA-256 is computed in parallel, then fsynced and renamed to a final name that no
other file has (never replacing one). After each batch the free space of the file system is
read (``fstatvfs``, cheap); below the reserve the write raises `LowSpaceError`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

_MAX_SUFFIX = 1000
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


class LowSpaceError(Exception):
    """Writing went below the free-space reserve; `free` bytes were left."""

    def __init__(self, free: int, reserve: int) -> None:
        """Remember the free bytes and the reserve."""
        super().__init__(f"{free} bytes free, {reserve} kept in reserve")
        self.free = free
        self.reserve = reserve


def disk_space(folder: Path) -> tuple[int, int]:
    """Free and total bytes of the file system of `folder` or its nearest existing parent."""
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    usage = shutil.disk_usage(probe)
    return usage.free, usage.total


def free_bytes_of(fd: int) -> int:
    """Free bytes (for an unprivileged user) of the file system holding the open file `fd`."""
    info = os.fstatvfs(fd)
    return info.f_bavail * info.f_frsize


def may_write_in(is_allowed_path: Callable[[str], bool], folder: Path) -> bool:
    """Whether Home Assistant allows files in `folder` (which need not exist yet).

    ``is_allowed_path`` checks a path that does not exist by its parent; asking about a file
    in `folder` checks `folder` itself, so an allowed folder not yet made is allowed.
    """
    return is_allowed_path(str(folder / "_"))


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, symlinks resolved, is `root` or below it."""
    return path.resolve().is_relative_to(root.resolve())


def prepare_folder(folder: Path) -> Path:
    """Create the folder and return it resolved."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve(strict=True)


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class PartFile:
    """One download: written to ``.<name>.part``, then fsynced and renamed (BLOCKING methods).

    A lock serialises the methods, so `discard` (from a failure or a cancellation) waits for a
    write still running in another executor thread, and nothing runs after it. `reserve` is
    the free space (bytes) each `write` leaves on the file system, or raises `LowSpaceError`.
    """

    def __init__(self, folder: Path, stem: str, ext: str, reserve: int = 0) -> None:
        self.folder = folder
        self.reserve = reserve
        self.stem = stem
        self.ext = ext
        self.size = 0
        self.part: Path | None = None
        self.final: Path | None = None
        self._suffix = 1
        self._file: io.FileIO | None = None
        self._sha = hashlib.sha256()
        self._lock = threading.Lock()
        self._hash_lock = threading.Lock()
        self._discarded = False

    def name(self, suffix: int | None = None) -> str:
        """The final file name with a suffix (``_2``...) when the plain one is taken."""
        number = self._suffix if suffix is None else suffix
        return f"{self.stem}{'' if number == 1 else f'_{number}'}{self.ext}"

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of what was written."""
        return self._sha.hexdigest()

    def open(self) -> None:
        """Create ``.<name>.part`` exclusively, with the first name neither file uses."""
        with self._lock:
            if self._discarded:
                return
            for suffix in range(1, _MAX_SUFFIX):
                name = self.name(suffix)
                if os.path.lexists(self.folder / name):
                    continue
                part = self.folder / f".{name}.part"
                try:
                    fd = os.open(part, _OPEN_FLAGS, 0o644)
                except FileExistsError:
                    continue
                self._suffix = suffix
                self.part = part
                self._file = io.FileIO(fd, "wb", closefd=True)
                return
            raise FileExistsError(f"no free file name for {self.stem}{self.ext}")

    def write(self, chunks: Sequence[bytes]) -> None:
        """Append chunks (the hash is computed apart, in parallel: see `hash`)."""
        with self._lock:
            file = self._file
            if file is None:
                if self._discarded:
                    return
                raise RuntimeError("write to a part file that is not open")
            for chunk in chunks:
                view = memoryview(chunk)
                while view:
                    view = view[file.write(view) :]
                self.size += len(chunk)
            if self.reserve > 0 and (free := free_bytes_of(file.fileno())) < self.reserve:
                raise LowSpaceError(free, self.reserve)

    def hash(self, chunks: Sequence[bytes]) -> None:
        """Add chunks to the SHA-256, in the order they are written.

        Kept apart from `write` so that hashing (CPU bound, slower than the disk on CPUs
        without SHA instructions) and writing run in two executor threads at once; hashlib
        and file writes release the GIL.
        """
        with self._hash_lock:
            for chunk in chunks:
                self._sha.update(chunk)

    def commit(self) -> Path:
        """Fsync, close and rename to the final name without ever replacing another file."""
        with self._lock:
            file, part = self._file, self.part
            if file is None or part is None or self._discarded:
                raise RuntimeError("commit of a part file that is not open")
            os.fsync(file.fileno())
            file.close()
            self._file = None
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
            if self._file is not None:
                with contextlib.suppress(OSError):
                    self._file.close()
                self._file = None
            for path in (self.part, self.final):
                if path is not None:
                    with contextlib.suppress(OSError):
                        path.unlink(missing_ok=True)
            self.part = self.final = None


def discard_all(files: Sequence[PartFile]) -> None:
    """Discard every part file (each waits for its running write)."""
    for part_file in files:
        part_file.discard()
