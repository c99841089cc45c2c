"""remux_to_mp4: an MP4 that plays progressively, on the recording's clock; nothing on error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import pytest

from custom_components.axis_edge_storage.media import (
    Faststart,
    MediaError,
    MediaProblem,
    VideoSpan,
    probe,
    remux,
    remux_to_mp4,
)

from .makers import START, make_video, top_level_boxes


def _same_clock(a: VideoSpan, b: VideoSpan) -> None:
    assert abs(a.first - b.first) < timedelta(milliseconds=1)
    assert abs(a.last - b.last) < timedelta(milliseconds=1)
    assert (a.frames, a.keyframes, a.gop, a.width, a.height) == (
        b.frames,
        b.keyframes,
        b.gop,
        b.width,
        b.height,
    )


def _sample_entries(path: Path) -> set[bytes]:
    data = path.read_bytes()
    return {tag for tag in (b"avc1", b"hvc1", b"hev1", b"mp4a", b"Opus") if tag in data}


@pytest.mark.parametrize(
    ("faststart", "packets"),
    [(None, None), (Faststart.REWRITE, None), (Faststart.RESERVE, None), (None, 40)],
)
def test_mp4_index_first(
    mkv: Path, tmp_path: Path, faststart: Faststart | None, packets: int | None
) -> None:
    target = tmp_path / "clip.mp4"
    remux_to_mp4(mkv, target, faststart=faststart, packets=packets)
    assert target.read_bytes()[4:8] == b"ftyp"
    boxes = top_level_boxes(target)
    assert boxes[0] == "ftyp"
    assert boxes.index("moov") < boxes.index("mdat")
    assert _sample_entries(target) == {b"avc1"}
    span = probe(target)
    assert span.container == "mp4"
    assert span.first == START
    _same_clock(span, probe(mkv))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4"]


def test_reserve_too_small_falls_back_to_rewrite(
    mkv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remux, "_moov_size", lambda packets: 64)
    target = tmp_path / "clip.mp4"
    remux_to_mp4(mkv, target, faststart=Faststart.RESERVE, packets=40)
    boxes = top_level_boxes(target)
    assert boxes.index("moov") < boxes.index("mdat")
    _same_clock(probe(target), probe(mkv))


def test_hevc_gets_hvc1(mkv_hevc: Path, tmp_path: Path) -> None:
    target = tmp_path / "clip.mp4"
    remux_to_mp4(mkv_hevc, target)
    assert _sample_entries(target) == {b"hvc1"}
    assert probe(target).codec == "hevc"
    _same_clock(probe(target), probe(mkv_hevc))


def test_aac_is_kept(mkv_aac: Path, tmp_path: Path) -> None:
    target = tmp_path / "clip.mp4"
    remux_to_mp4(mkv_aac, target)
    assert _sample_entries(target) == {b"avc1", b"mp4a"}
    assert probe(target).audio == "aac"
    _same_clock(probe(target), probe(mkv_aac))


def test_audio_the_mp4_muxer_refuses_is_dropped(tmp_path: Path) -> None:
    source = make_video(tmp_path / "mulaw.mkv", audio="pcm_u8", seconds=2)
    assert probe(source).audio == "pcm_u8"
    target = tmp_path / "clip.mp4"
    remux_to_mp4(source, target)
    assert probe(target).audio is None


def test_sub_second_origin_survives(tmp_path: Path) -> None:
    source = make_video(
        tmp_path / "frac.mkv", creation_time="2026-11-20T10:00:02.345678Z", seconds=2
    )
    target = tmp_path / "clip.mp4"
    remux_to_mp4(source, target)
    assert probe(target).first == datetime(2026, 11, 20, 10, 0, 2, 345678, tzinfo=UTC)
    _same_clock(probe(target), probe(source))


def test_origin_given_when_the_source_has_none(tmp_path: Path) -> None:
    source = make_video(tmp_path / "bare.mkv", creation_time=None, seconds=2)
    target = tmp_path / "clip.mp4"
    origin = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)
    remux_to_mp4(source, target, origin=origin)
    with av.open(str(target)) as container:
        assert container.metadata["creation_time"] == "2030-05-06T07:08:09.000000Z"
    span = probe(target)
    assert (span.first, span.last) == (origin, origin + timedelta(seconds=2))


@pytest.mark.parametrize("faststart", list(Faststart))
def test_broken_sources_leave_nothing(mkv_cut: Path, tmp_path: Path, faststart: Faststart) -> None:
    junk = tmp_path / "junk.mkv"
    junk.write_bytes(b"\x00" * 5000)
    sound = make_video(tmp_path / "sound.mkv", video=False, audio="aac", seconds=1)
    bare = make_video(tmp_path / "bare.mkv", creation_time=None, seconds=1)
    out = tmp_path / "out"
    out.mkdir()
    for source, problem in (
        (mkv_cut, MediaProblem.TRUNCATED),
        (junk, MediaProblem.UNREADABLE),
        (sound, MediaProblem.NO_VIDEO),
        (bare, MediaProblem.UNREADABLE),
    ):
        with pytest.raises(MediaError) as caught:
            remux_to_mp4(source, out / "clip.mp4", faststart=faststart)
        assert caught.value.problem is problem
        assert list(out.iterdir()) == []
