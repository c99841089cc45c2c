"""probe: the span of a file's video from its packets, cut files refused, the digest."""

from __future__ import annotations

import hashlib
import importlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from custom_components.axis_edge_storage.media import (
    MediaError,
    MediaProblem,
    VideoSpan,
    check_covers,
    probe,
)
from custom_components.axis_edge_storage.media.probe import container_name, parse_creation_time

from .makers import START, cut, make_video

END = START + timedelta(seconds=4)
# The package's ``probe`` is the function; the module is in sys.modules.
probe_module = importlib.import_module("custom_components.axis_edge_storage.media.probe")


def test_probe_matroska(mkv: Path) -> None:
    span = probe(mkv)
    assert span == VideoSpan(
        container="matroska",
        codec="h264",
        width=160,
        height=120,
        first=START,
        last=END,
        gop=timedelta(seconds=1),
        frames=40,
        keyframes=4,
        audio=None,
    )


def test_probe_mp4_and_audio(mp4_end: Path, mkv_aac: Path, mkv_hevc: Path) -> None:
    span = probe(mp4_end)
    assert (span.container, span.first, span.last, span.frames) == ("mp4", START, END, 40)
    assert probe(mkv_aac).audio == "aac"
    assert probe(mkv_hevc).codec == "hevc"


@pytest.mark.parametrize("fixture", ["mkv", "mp4_end", "mp4_front", "mkv_aac"])
def test_digest_is_the_files_sha256(fixture: str, request: pytest.FixtureRequest) -> None:
    path: Path = request.getfixturevalue(fixture)
    digest = hashlib.sha256()
    probe(path, digest=digest)
    assert digest.hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest()


def test_origin_when_no_creation_time(tmp_path: Path) -> None:
    path = make_video(tmp_path / "bare.mkv", creation_time=None, seconds=2)
    origin = datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    span = probe(path, origin=origin)
    assert (span.first, span.last) == (origin, origin + timedelta(seconds=2))
    with pytest.raises(MediaError) as caught:
        probe(path)
    assert caught.value.problem is MediaProblem.UNREADABLE
    with pytest.raises(ValueError, match="timezone-aware"):
        probe(path, origin=datetime(2030, 1, 2))


def test_single_key_frame_gop_is_the_span(tmp_path: Path) -> None:
    path = make_video(tmp_path / "one.mkv", seconds=1)
    span = probe(path)
    assert span.keyframes == 1
    assert span.gop == span.last - span.first == timedelta(seconds=1)


def test_not_a_video(tmp_path: Path) -> None:
    for name, data in (("text.mkv", b"secret=hunter2\n" * 100), ("empty.mp4", b"")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(MediaError) as caught:
            probe(path)
        assert caught.value.problem is MediaProblem.UNREADABLE
        assert str(tmp_path) not in str(caught.value)
        assert "hunter2" not in str(caught.value)


def test_no_video(tmp_path: Path) -> None:
    path = make_video(tmp_path / "sound.mkv", video=False, audio="aac")
    with pytest.raises(MediaError) as caught:
        probe(path)
    assert caught.value.problem is MediaProblem.NO_VIDEO


def _verdict(path: Path) -> MediaProblem | None:
    """What probe + check_covers say of ``path`` for the full range."""
    try:
        check_covers(probe(path), START, END)
    except MediaError as err:
        return err.problem
    return None


def test_cut_matroska_is_refused(mkv_cut: Path) -> None:
    """Cut at 60 %: the Segment's size runs past the end of the file."""
    assert _verdict(mkv_cut) is MediaProblem.TRUNCATED
    with pytest.raises(MediaError) as caught:
        probe(mkv_cut)
    assert caught.value.details["first"] == "2026-11-20T10:00:02.000+00:00"
    assert caught.value.details["last"] < "2026-11-20T10:00:06"


def test_cut_matroska_demuxes_fine_up_to_the_cut(
    mkv_cut: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What FFmpeg alone does (both av versions): no error, a short span; check_covers refuses."""
    monkeypatch.setattr(probe_module, "is_cut", lambda reader, kind: False)
    span = probe(mkv_cut)
    assert span.first == START
    assert span.last < END - span.gop
    assert _verdict(mkv_cut) is MediaProblem.NOT_COVERED


@pytest.mark.parametrize("fixture", ["mp4_end", "mp4_front"])
def test_cut_mp4_is_refused(fixture: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    path = cut(request.getfixturevalue(fixture), tmp_path / "cut.mp4")
    with pytest.raises(MediaError) as caught:
        probe(path, digest=hashlib.sha256())
    assert caught.value.problem is MediaProblem.TRUNCATED


@pytest.mark.parametrize("fraction", [0.01, 0.3, 0.9, 0.99])
def test_matroska_cut_anywhere_never_passes(mkv: Path, tmp_path: Path, fraction: float) -> None:
    path = cut(mkv, tmp_path / "cut.mkv", fraction)
    with pytest.raises(MediaError) as caught:
        check_covers(probe(path), START, END)
    assert caught.value.problem in (MediaProblem.TRUNCATED, MediaProblem.UNREADABLE)


def test_check_covers(mkv: Path) -> None:
    span = probe(mkv)
    check_covers(span, START, END)
    check_covers(span, START + timedelta(milliseconds=900), END + timedelta(milliseconds=900))
    check_covers(span, START - timedelta(seconds=1), END)
    for start, end in (
        (START, END + timedelta(seconds=2)),  # ends 2 GOPs after the file
        (START + timedelta(seconds=2), END),  # the file starts long before the asked start
        (START - timedelta(seconds=2), END),  # the file starts long after the asked start
    ):
        with pytest.raises(MediaError) as caught:
            check_covers(span, start, end)
        assert caught.value.problem is MediaProblem.NOT_COVERED
        assert set(caught.value.details) == {"first", "last", "start", "end"}
        assert caught.value.details["first"] == "2026-11-20T10:00:02.000+00:00"
    with pytest.raises(ValueError, match="timezone-aware"):
        check_covers(span, datetime(2026, 11, 20), END)


def test_names_and_times() -> None:
    assert container_name("matroska,webm") == "matroska"
    assert container_name("mov,mp4,m4a,3gp,3g2,mj2") == "mp4"
    assert container_name("avi") == "avi"
    assert parse_creation_time("2026-11-20 10:00:02") == datetime(
        2026, 11, 20, 10, 0, 2, tzinfo=UTC
    )
    assert parse_creation_time("yesterday") is None
    assert parse_creation_time(None) is None
    assert str(MediaError(MediaProblem.NO_VIDEO)) == "the file holds no video stream"
