"""A Matroska remuxed as it is handed over: in order, bounded, the same MP4 as from the file."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from custom_components.axis_edge_storage.media import MediaError, probe, remux_to_mp4
from custom_components.axis_edge_storage.media import remux as remux_module
from custom_components.axis_edge_storage.media.handoff import Handoff
from custom_components.axis_edge_storage.media.reader import is_cut, sniff
from custom_components.axis_edge_storage.media.remux import remux_stream_to_mp4

from .makers import top_level_boxes


def _push_slowly(source: Path, handoff: Handoff, *, fail_at: int | None = None) -> None:
    """Hand ``source`` over in small pieces, as a download does (a thread's job)."""
    data = source.read_bytes()
    for offset in range(0, len(data), 5000):
        if fail_at is not None and offset >= fail_at:
            handoff.fail()
            return
        handoff.push(memoryview(data)[offset : offset + 5000])
        time.sleep(0.0005)
    handoff.finish()


def _remux_while_handed(
    source: Path, tmp_path: Path, fail_at: int | None = None
) -> tuple[bool, Path, Handoff, list[str]]:
    handoff = Handoff(limit=20_000)
    writer = threading.Thread(
        target=_push_slowly, args=(source, handoff), kwargs={"fail_at": fail_at}
    )
    writer.start()
    target = tmp_path / "clip.mp4"
    calls: list[str] = []
    try:
        made = remux_stream_to_mp4(handoff, target, reserved=lambda: calls.append("reserved"))
    except MediaError:  # a cut file may be refused
        made = False
    finally:
        handoff.close()
        writer.join()
    return made, target, handoff, calls


def test_the_mp4_made_as_it_arrives_is_the_mp4_of_the_file(long_mkv: Path, tmp_path: Path) -> None:
    made, streamed, handoff, calls = _remux_while_handed(long_mkv, tmp_path)
    assert made
    assert calls == ["reserved"]
    assert not handoff.abandoned
    whole = tmp_path / "whole.mp4"
    remux_to_mp4(long_mkv, whole)
    assert top_level_boxes(streamed)[:2] == ["ftyp", "moov"]
    assert probe(streamed) == probe(whole)
    received = handoff.received()
    assert received.size == long_mkv.stat().st_size
    assert not is_cut(received, sniff(received))


def test_the_mp4_is_written_in_place_and_its_growth_told(
    long_mkv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No temporary and no rename (ext4 would flush the whole file at the rename)."""
    monkeypatch.setattr(remux_module, "PROGRESS_BYTES", 20_000)
    target = tmp_path / "clip.mp4"
    target.touch()  # the caller's own part file
    inode = target.stat().st_ino
    handoff = Handoff()
    handoff.push(long_mkv.read_bytes())
    handoff.finish()
    told: list[int] = []
    assert remux_stream_to_mp4(handoff, target, progress=told.append)
    assert target.stat().st_ino == inode
    assert [path.name for path in tmp_path.iterdir()] == ["clip.mp4"]
    assert len(told) >= 3
    assert told == sorted(told)
    assert told[-1] < target.stat().st_size


def test_no_duration_in_the_header_leaves_it_to_the_whole_file(
    live_mkv: Path, tmp_path: Path
) -> None:
    made, target, _, calls = _remux_while_handed(live_mkv, tmp_path)
    assert not made
    assert calls == []  # the download keeps the whole file
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_cut_body_is_cut_by_what_arrived(long_mkv: Path, tmp_path: Path) -> None:
    """A close-delimited body cut short: the MP4 may be made, but the Matroska says cut."""
    handoff = Handoff()
    data = long_mkv.read_bytes()
    handoff.push(data[: len(data) * 6 // 10])
    handoff.finish()
    remux_stream_to_mp4(handoff, tmp_path / "clip.mp4")
    received = handoff.received()
    assert is_cut(received, sniff(received))


def test_an_abandoned_download_ends_the_remux(long_mkv: Path, tmp_path: Path) -> None:
    """The reader ends the stream at once (no endless wait) and says it was abandoned."""
    _, _, handoff, _ = _remux_while_handed(long_mkv, tmp_path, fail_at=60_000)
    assert handoff.abandoned


def test_the_reader_waits_and_the_writer_waits_for_room() -> None:
    handoff = Handoff(limit=4)
    handoff.push(b"abc")
    assert handoff.read(2) == b"ab"  # no more than asked
    threading.Timer(0.05, handoff.push, args=(b"def",)).start()
    assert handoff.read(-1) == b"c"  # what waits
    assert handoff.read(10) == b"def"  # waited for the writer
    handoff.push(b"ghij")  # the limit is reached: the next push waits for a read
    pushed = threading.Thread(target=handoff.push, args=(b"kl",))
    pushed.start()
    time.sleep(0.05)
    assert pushed.is_alive()
    assert handoff.read(10) == b"ghij"
    pushed.join(1)
    assert not pushed.is_alive()
    handoff.finish()
    assert handoff.read(10) == b"kl"
    assert handoff.read(10) == b""  # the end, once finished
    received = handoff.received()
    assert (received.size, received.pread(3, 1)) == (12, b"bcd")


def test_a_closed_handoff_drops_what_is_pushed() -> None:
    handoff = Handoff(limit=2)
    handoff.push(b"ab")
    blocked = threading.Thread(target=handoff.push, args=(b"cd",))
    blocked.start()
    handoff.close()  # the reader stopped: a waiting writer goes on
    blocked.join(1)
    assert not blocked.is_alive()
    handoff.push(b"ef")
    assert handoff.received().size == 6
    handoff.finish()
    assert handoff.read(10) == b""


@pytest.mark.parametrize("size", [-1, 3])
def test_a_failed_writer_ends_the_reader(size: int) -> None:
    handoff = Handoff()
    handoff.push(b"abc")
    handoff.fail()
    assert handoff.read(size) == b""
    assert handoff.abandoned
