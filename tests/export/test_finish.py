"""finish.py on its own: the zip check, the thumbnail's name, the errors a user reads."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from custom_components.axis_edge_storage.export.finish import (
    media_error,
    verify_zip,
    write_thumbnail,
)
from custom_components.axis_edge_storage.media import MediaError, MediaProblem

from ..media.makers import make_video


def _zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("clip.mkv", b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 64)
    return path


def test_a_whole_zip_passes_and_a_cut_one_does_not(tmp_path: Path) -> None:
    whole = _zip(tmp_path / "whole.zip")
    verify_zip(whole)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[: int(whole.stat().st_size * 0.6)])
    with pytest.raises(MediaError) as info:
        verify_zip(cut)
    assert info.value.problem is MediaProblem.TRUNCATED
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w"):
        pass
    with pytest.raises(MediaError):
        verify_zip(empty)


def test_a_thumbnail_never_replaces_a_file(tmp_path: Path) -> None:
    video = make_video(tmp_path / "clip.mkv")
    mine = tmp_path / "clip.jpg"
    mine.write_bytes(b"the user's own picture")
    assert write_thumbnail(video) is None
    assert mine.read_bytes() == b"the user's own picture"
    mine.unlink()
    made = write_thumbnail(video)
    assert made == mine
    assert made.read_bytes()[:2] == b"\xff\xd8"


def test_a_broken_video_leaves_no_thumbnail(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mkv"
    broken.write_bytes(b"\x1a\x45\xdf\xa3 nothing else")
    with pytest.raises(MediaError):
        write_thumbnail(broken)
    assert not (tmp_path / "broken.jpg").exists()


def test_the_errors_a_user_reads() -> None:
    covered = MediaError(
        MediaProblem.NOT_COVERED,
        {
            "first": "2026-11-20T10:00:02.000+00:00",
            "last": "2026-11-20T10:00:30.500+00:00",
            "start": "2026-11-20T10:00:00+00:00",
            "end": "not a time",
        },
    )
    err = media_error(covered, "cam.mp4")
    assert err.translation_key == "export_incomplete"
    assert err.placeholders == {
        "file": "cam.mp4",
        "first": "2026-11-20T10:00:02+00:00",
        "last": "2026-11-20T10:00:30+00:00",
        "start": "2026-11-20T10:00:00+00:00",
        "end": "?",
    }
    truncated = media_error(MediaError(MediaProblem.TRUNCATED), "cam.mkv")
    assert (truncated.translation_key, truncated.placeholders) == (
        "export_truncated",
        {"file": "cam.mkv"},
    )
    for problem in (MediaProblem.UNREADABLE, MediaProblem.NO_VIDEO):
        assert media_error(MediaError(problem), "x.mp4").translation_key == "export_unreadable"
    assert media_error(MediaError(MediaProblem.NOT_COVERED), "x.mp4").placeholders["first"] == "?"
