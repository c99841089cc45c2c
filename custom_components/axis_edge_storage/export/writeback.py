"""Write-back while downloading: a file's data goes to the disk as it is written (BLOCKING).

Without it a large download fills the page cache with dirty pages, the final ``fsync`` waits
for all of them (seconds for a GiB), and Home Assistant's own pages are pushed out of the
cache. `WriteBack` asks Linux to start writing every `WINDOW` bytes as soon as they are
written (``sync_file_range(SYNC_FILE_RANGE_WRITE)``), waits for the data `LAG` bytes behind to
be on the disk, and drops that from the cache (``posix_fadvise(POSIX_FADV_DONTNEED)``). The
writer then runs at the disk's speed with at most about `LAG` bytes dirty, and the final fsync
is short. Python has no ``os.sync_file_range``: it is called from the C library. Elsewhere
(or when the file system refuses) nothing is done and the final fsync writes everything.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable
from typing import Final

WINDOW: Final = 8 << 20
LAG: Final = 32 << 20
_WAIT_BEFORE, _WRITE, _WAIT_AFTER = 1, 2, 4  # SYNC_FILE_RANGE_* of <fcntl.h>

_SyncFileRange = Callable[[int, int, int, int], int]


def _sync_file_range() -> _SyncFileRange | None:
    """The C library's ``sync_file_range`` (Linux, glibc or musl), if there is one."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (AttributeError, OSError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


SYNC_FILE_RANGE: Final = _sync_file_range()


def _call(function: _SyncFileRange, fd: int, offset: int, length: int, flags: int) -> None:
    if function(fd, offset, length, flags) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))


class WriteBack:
    """The write-back of one file being appended to (see the module docstring)."""

    def __init__(self, keep_cache: bool = False) -> None:
        """Nothing started yet.

        With `keep_cache`, what is on the disk stays in the cache too: for a file read back
        at once (an MP4, for its hash).
        """
        self._keep_cache = keep_cache
        self._function = SYNC_FILE_RANGE  # None: do nothing
        self._started = 0  # bytes whose write-back was started
        self._done = 0  # bytes on the disk and dropped from the cache

    def written(self, fd: int, size: int) -> None:
        """The file `fd` now holds `size` bytes: start and wait for write-back as due."""
        function = self._function
        if function is None or size - self._started < WINDOW:
            return
        try:
            _call(function, fd, self._started, size - self._started, _WRITE)
            self._started = size
            behind = size - LAG
            if behind > self._done:
                _call(
                    function,
                    fd,
                    self._done,
                    behind - self._done,
                    _WAIT_BEFORE | _WRITE | _WAIT_AFTER,
                )
                if not self._keep_cache:
                    os.posix_fadvise(fd, self._done, behind - self._done, os.POSIX_FADV_DONTNEED)
                self._done = behind
        except OSError:  # not on this file system: the final fsync writes everything
            self._function = None
