"""write_thumbnail: one JPEG of the first key frame, at the video's size."""

from __future__ import annotations

from pathlib import Path

import pytest

from custom_components.axis_edge_storage.media import MediaError, MediaProblem, write_thumbnail

from .makers import HEIGHT, WIDTH, jpeg_size, make_video


@pytest.mark.parametrize("fixture", ["mkv", "mkv_hevc", "mp4_end"])
def test_thumbnail_is_a_jpeg_of_the_video_size(
    fixture: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    target = tmp_path / "clip.jpg"
    assert write_thumbnail(request.getfixturevalue(fixture), target) == (WIDTH, HEIGHT)
    data = target.read_bytes()
    assert data[:2] == b"\xff\xd8"
    assert data[-2:] == b"\xff\xd9"
    assert jpeg_size(data) == (WIDTH, HEIGHT)
    assert [p.name for p in tmp_path.iterdir()] == ["clip.jpg"]


def test_no_thumbnail_without_video(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mkv"
    junk.write_bytes(b"\x1a\x45\xdf\xa3" + b"\x00" * 100)
    sound = make_video(tmp_path / "sound.mkv", video=False, audio="aac", seconds=1)
    for source, problem in (
        (junk, (MediaProblem.TRUNCATED, MediaProblem.UNREADABLE)),
        (sound, (MediaProblem.NO_VIDEO,)),
    ):
        with pytest.raises(MediaError) as caught:
            write_thumbnail(source, tmp_path / "clip.jpg")
        assert caught.value.problem in problem
    assert not (tmp_path / "clip.jpg").exists()
