"""Test inputs, made once per run with PyAV."""

from __future__ import annotations

from pathlib import Path

import pytest

from .makers import cut, make_video


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media-inputs")


@pytest.fixture(scope="session")
def mkv(media_dir: Path) -> Path:
    """Four seconds of H.264 at 10 fps, GOP 1 s, creation_time 10:00:02."""
    return make_video(media_dir / "clip.mkv")


@pytest.fixture(scope="session")
def mkv_aac(media_dir: Path) -> Path:
    return make_video(media_dir / "clip-aac.mkv", audio="aac")


@pytest.fixture(scope="session")
def mkv_hevc(media_dir: Path) -> Path:
    return make_video(media_dir / "clip-hevc.mkv", codec="libx265")


@pytest.fixture(scope="session")
def mp4_end(media_dir: Path) -> Path:
    """An MP4 with its index at the end (the demuxer seeks to it and back)."""
    return make_video(media_dir / "clip-end.mp4", container="mp4")


@pytest.fixture(scope="session")
def mp4_front(media_dir: Path) -> Path:
    return make_video(media_dir / "clip-front.mp4", container="mp4", faststart=True)


@pytest.fixture(scope="session")
def mkv_cut(mkv: Path, media_dir: Path) -> Path:
    return cut(mkv, media_dir / "cut.mkv")
