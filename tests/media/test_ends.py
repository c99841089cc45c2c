"""probe_ends: the span from the head and the tail, as a whole demux says it, cuts refused."""

from __future__ import annotations

import importlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import av
import pytest

from custom_components.axis_edge_storage.media import (
    MediaError,
    MediaProblem,
    check_covers,
    probe,
    probe_ends,
)
from custom_components.axis_edge_storage.media.reader import HashingReader

from .conftest import LONG
from .makers import START, cut

ends_module = importlib.import_module("custom_components.axis_edge_storage.media.ends")
probe_module = importlib.import_module("custom_components.axis_edge_storage.media.probe")


def _same_span(path: Path) -> None:
    ends, whole = probe_ends(path), probe(path)
    assert (ends.container, ends.codec, ends.width, ends.height, ends.audio) == (
        whole.container,
        whole.codec,
        whole.width,
        whole.height,
        whole.audio,
    )
    assert (ends.first, ends.last, ends.gop) == (whole.first, whole.last, whole.gop)


@pytest.mark.parametrize(
    "fixture", ["mkv", "mkv_aac", "mkv_hevc", "mp4_end", "mp4_front", "long_mkv", "long_mp4"]
)
def test_the_ends_say_what_the_whole_says(fixture: str, request: pytest.FixtureRequest) -> None:
    _same_span(request.getfixturevalue(fixture))


@pytest.mark.parametrize("fixture", ["long_mkv", "long_mp4", "live_mkv"])
def test_only_the_ends_are_read(
    fixture: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A minute of video: the head's two key frames and the tail's last GOPs, not the rest."""
    path: Path = request.getfixturevalue(fixture)
    read = 0
    original = HashingReader.read

    def counted(self: HashingReader, size: int = -1) -> bytes:
        nonlocal read
        data = original(self, size)
        read += len(data)
        return data

    monkeypatch.setattr(HashingReader, "read", counted)
    monkeypatch.setattr(probe_module, "BUFFER_SIZE", 4096)  # the test files are small
    span = probe_ends(path)
    assert (span.first, span.last) == (START, START + timedelta(seconds=LONG))
    assert span.frames < 60  # of 600
    if fixture != "live_mkv":  # no cues: FFmpeg reads the clusters to find the last key frame
        assert read < path.stat().st_size // 2


def test_a_live_matroska_is_read_to_its_last_key_frame(live_mkv: Path) -> None:
    """No Segment size, no duration, no cues: whole passes, cut before its last GOP fails."""
    _same_span(live_mkv)
    check_covers(probe_ends(live_mkv), START, START + timedelta(seconds=LONG))


@pytest.mark.parametrize("fixture", ["long_mkv", "long_mp4", "live_mkv", "mkv_aac", "mp4_end"])
@pytest.mark.parametrize("fraction", [0.01, 0.3, 0.6, 0.9, 0.97])
def test_a_cut_file_never_passes(
    fixture: str, fraction: float, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    path: Path = request.getfixturevalue(fixture)
    seconds = LONG if fixture.startswith(("long", "live")) else 4
    short = cut(path, tmp_path / f"cut{path.suffix}", fraction)
    with pytest.raises(MediaError) as caught:
        check_covers(probe_ends(short), START, START + timedelta(seconds=seconds))
    assert caught.value.problem in (
        MediaProblem.TRUNCATED,
        MediaProblem.UNREADABLE,
        MediaProblem.NOT_COVERED,
    )
    if fixture != "live_mkv":  # a container with sizes: its structure says it is cut
        assert caught.value.problem is not MediaProblem.NOT_COVERED


class _NoSeek:
    """A PyAV container that cannot seek (PyAV's own attributes are read-only)."""

    def __init__(self, container: Any) -> None:
        self._container = container

    def __getattr__(self, name: str) -> Any:
        return getattr(self._container, name)

    def __enter__(self) -> _NoSeek:
        return self

    def __exit__(self, *exc: object) -> None:
        self._container.close()

    def seek(self, *args: Any, **kwargs: Any) -> None:
        raise av.error.InvalidDataError(22, "Invalid argument")


def test_a_failed_seek_reads_the_whole_file(
    long_mkv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = ends_module.open_input
    monkeypatch.setattr(ends_module, "open_input", lambda *args: _NoSeek(original(*args)))
    span = probe_ends(long_mkv)
    assert span == probe(long_mkv)
    assert span.frames == LONG * 10
