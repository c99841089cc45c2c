"""The download pipeline without a camera: threads, bounds, failures, write-back."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant

from custom_components.axis_edge_storage.export import download, files, writeback
from custom_components.axis_edge_storage.export.download import Pipe
from custom_components.axis_edge_storage.export.files import LowSpaceError, PartFile

MIB = 1 << 20


class _Slow(PartFile):
    """A part file whose writes wait for `go` (and record what they wrote)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, "clip", ".mkv")
        self.go = threading.Event()
        self.batches: list[Sequence[bytes]] = []

    def write(self, chunks: Sequence[bytes]) -> None:
        self.go.wait(10)
        self.batches.append(chunks)
        super().write(chunks)


async def test_read_write_and_hash_overlap_and_keep_the_order(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    part_file = PartFile(tmp_path, "clip", ".mkv")
    part_file.open()
    pipe = Pipe(hass, part_file)
    batches = [[os.urandom(1000), os.urandom(24)] for _ in range(50)]
    for batch in batches:
        await pipe.put(batch)
    await pipe.finish()
    body = b"".join(b"".join(batch) for batch in batches)
    final = part_file.commit()
    assert final.read_bytes() == body
    assert part_file.sha256 == hashlib.sha256(body).hexdigest()


async def test_at_most_depth_batches_wait_for_a_thread(hass: HomeAssistant, tmp_path: Path) -> None:
    """A slow disk stops the reading: the file is never held in memory."""
    part_file = _Slow(tmp_path)
    part_file.open()
    pipe = Pipe(hass, part_file, depth=3)
    for _ in range(3):
        await asyncio.wait_for(pipe.put([b"x" * 10]), 1)
    blocked = asyncio.ensure_future(pipe.put([b"y" * 10]))
    await asyncio.sleep(0.2)
    assert not blocked.done()  # the 4th waits while 3 are with the writer
    part_file.go.set()
    await asyncio.wait_for(blocked, 5)
    await pipe.finish()
    assert len(part_file.batches) == 4


async def test_a_failed_write_is_raised_in_the_loop_and_the_rest_skipped(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    part_file = PartFile(tmp_path, "clip", ".mkv", reserve=1 << 62)  # always below the reserve
    part_file.open()
    pipe = Pipe(hass, part_file, depth=2)

    async def feed() -> None:
        for _ in range(100):
            await pipe.put([b"x" * 100])
        await pipe.finish()

    with pytest.raises(LowSpaceError):
        await feed()
    pipe.abort()
    await asyncio.wait_for(pipe.ended(), 5)
    assert part_file.size == 100  # only the first batch was written
    part_file.discard()
    assert list(tmp_path.iterdir()) == []


async def test_abort_skips_what_the_threads_have_not_taken(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    part_file = _Slow(tmp_path)
    part_file.open()
    pipe = Pipe(hass, part_file, depth=8)
    for _ in range(5):
        await pipe.put([b"x" * 10])
    pipe.abort()
    part_file.go.set()
    await asyncio.wait_for(pipe.ended(), 5)
    assert len(part_file.batches) <= 1  # at most the write already running
    part_file.discard()


async def test_abort_ends_the_write_thread_when_the_hash_thread_never_ran(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """Home Assistant stopping cancels executor jobs not yet started: no thread is left waiting.

    Before, the write thread waited for the end the hash thread passes on, for ever.
    """
    part_file = PartFile(tmp_path, "clip", ".mkv")
    part_file.open()
    run = hass.async_add_executor_job

    def never_the_hash(target: Any, *args: Any) -> asyncio.Future[Any]:
        if getattr(target, "__name__", "") != "_hash_run":
            return run(target, *args)
        cancelled: asyncio.Future[Any] = hass.loop.create_future()
        cancelled.cancel()
        return cancelled

    with patch.object(hass, "async_add_executor_job", never_the_hash):
        pipe = Pipe(hass, part_file)
    await pipe.put([b"x" * 10])
    pipe.abort()
    try:
        await asyncio.wait_for(pipe.ended(), 5)
    finally:
        pipe._to_write.put(None)  # frees the thread if the test fails
    assert part_file.size == 0
    part_file.discard()


def test_write_back_while_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every window is sent to the disk as written; the data a lag behind is waited for."""
    real = writeback.SYNC_FILE_RANGE
    calls: list[tuple[int, int, int]] = []
    advised: list[tuple[int, int]] = []

    def sync_file_range(fd: int, offset: int, length: int, flags: int) -> int:
        calls.append((offset, length, flags))
        return real(fd, offset, length, flags) if real is not None else 0

    def fadvise(_fd: int, offset: int, length: int, _advice: int) -> None:
        advised.append((offset, length))

    monkeypatch.setattr(writeback, "SYNC_FILE_RANGE", sync_file_range)
    monkeypatch.setattr(writeback, "WINDOW", 4 * MIB)
    monkeypatch.setattr(writeback, "LAG", 8 * MIB)
    monkeypatch.setattr(os, "posix_fadvise", fadvise)
    part_file = PartFile(tmp_path, "clip", ".mkv")
    part_file.open()
    block = os.urandom(MIB)
    for _ in range(20):
        part_file.write([block])
        part_file.hash([block])
    part_file.commit()
    assert [c for c in calls if c[2] == 2] == [(n * 4 * MIB, 4 * MIB, 2) for n in range(5)]
    assert [c for c in calls if c[2] == 7] == [
        (0, 4 * MIB, 7),
        (4 * MIB, 4 * MIB, 7),
        (8 * MIB, 4 * MIB, 7),
    ]
    assert advised == [(0, 4 * MIB), (4 * MIB, 4 * MIB), (8 * MIB, 4 * MIB)]
    assert part_file.sha256 == hashlib.sha256(block * 20).hexdigest()


def test_write_back_of_a_file_another_writer_grows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The MP4 the remux writes: sent to the disk as it grows, and kept in the cache."""
    calls: list[tuple[int, int, int]] = []
    advised: list[tuple[int, int]] = []

    def sync_file_range(_fd: int, offset: int, length: int, flags: int) -> int:
        calls.append((offset, length, flags))
        return 0

    monkeypatch.setattr(writeback, "SYNC_FILE_RANGE", sync_file_range)
    monkeypatch.setattr(writeback, "WINDOW", 4 * MIB)
    monkeypatch.setattr(writeback, "LAG", 8 * MIB)
    monkeypatch.setattr(os, "posix_fadvise", lambda _fd, o, n, _a: advised.append((o, n)))
    part_file = PartFile(tmp_path, "clip", ".mp4", writeback=writeback.WriteBack(keep_cache=True))
    part_file.open()
    assert part_file.part is not None
    with part_file.part.open("r+b") as other:  # the remux's own handle on the same file
        for size in range(MIB, 21 * MIB, MIB):
            other.write(b"m" * MIB)
            other.flush()
            part_file.advanced(size)
    part_file.adopt()
    part_file.advanced(30 * MIB)  # closed: nothing more
    final = part_file.commit()
    assert [c for c in calls if c[2] == 2] == [(n * 4 * MIB, 4 * MIB, 2) for n in range(5)]
    assert [c[2] for c in calls].count(7) == 3  # waited for, a lag behind
    assert advised == []  # still in the cache, for the hash
    assert final.stat().st_size == 20 * MIB


def test_a_file_system_without_write_back_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0

    def refuse(_fd: int, _offset: int, _length: int, _flags: int) -> int:
        nonlocal calls
        calls += 1
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(writeback, "SYNC_FILE_RANGE", refuse)
    monkeypatch.setattr(writeback, "WINDOW", MIB)
    part_file = PartFile(tmp_path, "clip", ".mkv")
    part_file.open()
    for _ in range(5):
        part_file.write([b"x" * MIB])
    final = part_file.commit()
    assert calls == 1  # tried once, then left to the final fsync
    assert final.stat().st_size == 5 * MIB


def _direct_part_file(folder: Path) -> PartFile:
    part_file = PartFile(folder, "clip", ".mkv")
    part_file.open(direct=True)
    if not part_file.direct:
        part_file.discard()
        pytest.skip("no O_DIRECT on the file system of the temporary folder")
    return part_file


async def test_direct_io_keeps_the_bytes_and_the_hash(
    hass: HomeAssistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whole aligned blocks go as they are, odd chunks through the staging, the tail at commit."""
    part_file = _direct_part_file(tmp_path)
    monkeypatch.setattr(files, "DIRECT_BLOCK", 64 * 1024)
    pipe = Pipe(hass, part_file, depth=3, block_bytes=16 * 1024)
    body = os.urandom(1_000_003)
    for start in range(0, len(body), 7777):  # as the network delivers: whole blocks go out
        await pipe.add(body[start : start + 7777])
    await pipe.put([os.urandom(5), os.urandom(4096)])  # odd batches: gathered in the staging
    tail = [os.urandom(70_001)]
    await pipe.put(tail)
    await pipe.finish()
    assert part_file.direct  # never refused
    final = part_file.commit()
    written = final.read_bytes()
    assert written[: len(body)] == body
    assert len(written) == len(body) + 5 + 4096 + 70_001
    assert written.endswith(tail[0])
    assert part_file.size == len(written)
    assert part_file.sha256 == hashlib.sha256(written).hexdigest()


async def test_the_pipe_reuses_at_most_depth_blocks(hass: HomeAssistant, tmp_path: Path) -> None:
    part_file = PartFile(tmp_path, "clip", ".mkv")
    part_file.open(direct=True)
    made: list[int] = []
    real_block = download._Block

    def block(size: int) -> download._Block:
        made.append(size)
        return real_block(size)

    pipe = Pipe(hass, part_file, depth=2, block_bytes=8192)
    with pytest.MonkeyPatch.context() as patcher:
        patcher.setattr(download, "_Block", block)
        body = os.urandom(300_000)
        for start in range(0, len(body), 1000):
            await pipe.add(body[start : start + 1000])
        await pipe.finish()
    assert made == [8192, 8192]
    assert part_file.commit().read_bytes() == body


def test_a_refused_direct_write_goes_on_through_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system that takes O_DIRECT at open but refuses a write: nothing is lost."""
    part_file = _direct_part_file(tmp_path)
    real_write = os.write
    refused: list[int] = []

    def write(fd: int, data: Any) -> int:
        if part_file.direct and not refused:
            refused.append(fd)
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_write(fd, data)

    monkeypatch.setattr(files.os, "write", write)
    monkeypatch.setattr(files, "DIRECT_BLOCK", 8192)
    chunks = [os.urandom(3000) for _ in range(10)]
    part_file.write(chunks)
    part_file.hash(chunks)
    assert refused
    assert not part_file.direct
    part_file.write([b"end"])
    part_file.hash([b"end"])
    final = part_file.commit()
    assert final.read_bytes() == b"".join(chunks) + b"end"
    assert part_file.sha256 == hashlib.sha256(final.read_bytes()).hexdigest()


def test_no_direct_io_off_a_local_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A network, FUSE or memory file system (anonymous device): written through the cache."""
    monkeypatch.setattr(files, "_on_local_disk", lambda _fd: False)
    part_file = PartFile(tmp_path, "clip", ".mkv")
    part_file.open(direct=True)
    assert not part_file.direct
    part_file.write([b"abc"])
    assert part_file.commit().read_bytes() == b"abc"


async def test_abort_of_a_direct_download_leaves_nothing(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    part_file = PartFile(tmp_path, "clip", ".mkv")
    part_file.open(direct=True)
    pipe = Pipe(hass, part_file, depth=2, block_bytes=4096)
    for _ in range(20):
        await pipe.add(os.urandom(3000))
    pipe.abort()
    await hass.async_block_till_done()
    part_file.discard()
    assert list(tmp_path.iterdir()) == []
