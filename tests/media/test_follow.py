"""A Matroska remuxed while it is written: the reader waits for the writer, the MP4 is the same."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from custom_components.axis_edge_storage.media import MediaError, probe, remux_to_mp4
from custom_components.axis_edge_storage.media.follow import (
    Follow,
    FollowAbandonedError,
    FollowingReader,
)
from custom_components.axis_edge_storage.media.remux import remux_stream_to_mp4

from .makers import top_level_boxes


def _write_slowly(
    source: Path, target: Path, follow: Follow, *, fail_at: int | None = None
) -> None:
    """Append ``source`` to ``target`` in small pieces, telling ``follow`` (a thread's job)."""
    data = source.read_bytes()
    with target.open("wb") as file:
        follow.opened(target)
        for offset in range(0, len(data), 5000):
            if fail_at is not None and offset >= fail_at:
                follow.fail()
                return
            file.write(data[offset : offset + 5000])
            file.flush()
            follow.grew(min(offset + 5000, len(data)))
            time.sleep(0.001)
    follow.finish()


def _remux_while_written(
    source: Path, tmp_path: Path, fail_at: int | None = None
) -> tuple[bool, Path, bool]:
    follow = Follow()
    part = tmp_path / "source.part"
    writer = threading.Thread(
        target=_write_slowly, args=(source, part, follow), kwargs={"fail_at": fail_at}
    )
    writer.start()
    target = tmp_path / "clip.mp4"
    try:
        with FollowingReader(follow) as reader:
            try:
                made = remux_stream_to_mp4(reader, target)
            except MediaError:  # a cut file may be refused
                made = False
    finally:
        writer.join()
    return made, target, reader.abandoned


def test_the_mp4_made_while_writing_is_the_mp4_of_the_file(long_mkv: Path, tmp_path: Path) -> None:
    made, streamed, abandoned = _remux_while_written(long_mkv, tmp_path)
    assert made
    assert not abandoned
    whole = tmp_path / "whole.mp4"
    remux_to_mp4(long_mkv, whole)
    assert top_level_boxes(streamed)[:2] == ["ftyp", "moov"]
    assert probe(streamed) == probe(whole)


def test_no_duration_in_the_header_leaves_it_to_the_whole_file(
    live_mkv: Path,
    tmp_path: Path,
) -> None:
    made, target, _ = _remux_while_written(live_mkv, tmp_path)
    assert not made
    assert not target.exists()
    assert [path.name for path in tmp_path.iterdir()] == ["source.part"]


def test_an_abandoned_download_ends_the_remux(long_mkv: Path, tmp_path: Path) -> None:
    """The reader ends the file at once (no endless wait) and says it was abandoned."""
    _, _, abandoned = _remux_while_written(long_mkv, tmp_path, fail_at=60_000)
    assert abandoned


def test_the_reader_waits_for_the_writer(tmp_path: Path) -> None:
    follow = Follow()
    part = tmp_path / "file.part"
    part.write_bytes(b"abcdef")
    follow.opened(part)
    follow.grew(3)
    with FollowingReader(follow) as reader:
        assert reader.read(10) == b"abc"  # only what is written
        threading.Timer(0.05, follow.grew, args=(6,)).start()
        assert reader.read(-1) == b"def"  # waited for it
        assert reader.tell() == 6
        threading.Timer(0.05, follow.finish).start()
        assert reader.read(10) == b""  # the end, once finished
    abandoned = Follow()
    abandoned.fail()
    with pytest.raises(FollowAbandonedError):
        FollowingReader(abandoned)
    abandoned = Follow()
    abandoned.opened(part)
    abandoned.fail()
    with FollowingReader(abandoned) as reader:
        assert reader.read(10) == b""
        assert reader.abandoned
