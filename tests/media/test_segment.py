"""remux_to_ts: HLS segments on one clock, cut at the next key frame, nothing left on error."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from pathlib import Path

import av
import pytest

from custom_components.axis_edge_storage.media import MediaError, MediaProblem, remux_to_ts

from .makers import FPS, START, make_video

TICKS_PER_FRAME = 90_000 // FPS


def _video_pts(path: Path) -> list[int]:
    with av.open(str(path)) as container:
        assert container.format.name == "mpegts"
        stream = container.streams.video[0]
        return [p.pts for p in container.demux(stream) if p.pts is not None]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_segments_of_one_playlist_follow_each_other(tmp_path: Path) -> None:
    epoch = START - timedelta(seconds=10)
    pts: list[int] = []
    for index in range(3):
        start = START + timedelta(seconds=4 * index)
        source = make_video(tmp_path / f"{index}.mkv", creation_time=_stamp(start))
        span = remux_to_ts(source, tmp_path / f"{index}.ts", epoch=epoch)
        assert span.first == start
        assert span.end == start + timedelta(seconds=4)
        assert span.video_packets == 4 * FPS
        found = _video_pts(tmp_path / f"{index}.ts")
        assert found[0] == round((start - epoch).total_seconds() * 90_000)
        pts += found
    assert {b - a for a, b in itertools.pairwise(pts)} == {TICKS_PER_FRAME}


def test_packets_at_or_after_stop_are_left_out(mkv: Path, tmp_path: Path) -> None:
    span = remux_to_ts(mkv, tmp_path / "s.ts", epoch=START, stop=START + timedelta(seconds=2))
    assert span.video_packets == 2 * FPS
    assert span.end == START + timedelta(seconds=2)
    assert len(_video_pts(tmp_path / "s.ts")) == 2 * FPS


def test_audio_and_hevc_are_copied(mkv_aac: Path, mkv_hevc: Path, tmp_path: Path) -> None:
    remux_to_ts(mkv_aac, tmp_path / "a.ts", epoch=START)
    with av.open(str(tmp_path / "a.ts")) as container:
        assert container.streams.audio[0].codec_context.name == "aac"
    remux_to_ts(mkv_hevc, tmp_path / "h.ts", epoch=START)
    with av.open(str(tmp_path / "h.ts")) as container:
        assert container.streams.video[0].codec_context.name == "hevc"


def test_origin_when_the_source_has_no_creation_time(tmp_path: Path) -> None:
    source = make_video(tmp_path / "bare.mkv", creation_time=None)
    with pytest.raises(MediaError):
        remux_to_ts(source, tmp_path / "x.ts", epoch=START)
    span = remux_to_ts(source, tmp_path / "x.ts", epoch=START, origin=START)
    assert span.first == START


@pytest.mark.parametrize(
    ("fixture", "problem"),
    [("mkv_cut", MediaProblem.TRUNCATED), ("not_video", MediaProblem.UNREADABLE)],
)
def test_a_bad_source_leaves_nothing(
    fixture: str, problem: MediaProblem, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if fixture == "not_video":
        source = tmp_path / "junk.mkv"
        source.write_bytes(b"not a video at all" * 100)
    else:
        source = request.getfixturevalue(fixture)
    target = tmp_path / "out" / "s.ts"
    target.parent.mkdir()
    with pytest.raises(MediaError) as caught:
        remux_to_ts(source, target, epoch=START)
    assert caught.value.problem is problem
    assert list(target.parent.iterdir()) == []


def test_a_packet_before_the_epoch_is_refused(mkv: Path, tmp_path: Path) -> None:
    with pytest.raises(MediaError):
        remux_to_ts(mkv, tmp_path / "s.ts", epoch=START + timedelta(seconds=1))
    assert not (tmp_path / "s.ts").exists()


def test_nothing_before_stop_is_an_error(mkv: Path, tmp_path: Path) -> None:
    with pytest.raises(MediaError):
        remux_to_ts(mkv, tmp_path / "s.ts", epoch=START - timedelta(seconds=5), stop=START)


def test_times_must_be_aware(mkv: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="aware"):
        remux_to_ts(mkv, tmp_path / "s.ts", epoch=datetime(2026, 1, 1))
