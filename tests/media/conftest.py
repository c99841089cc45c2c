"""Test inputs, made once per run with PyAV."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import av
import pytest

from custom_components.axis_edge_storage.media.packets import add_copy

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


LONG = 60


@pytest.fixture(scope="session")
def long_mkv(media_dir: Path) -> Path:
    return make_video(media_dir / "long.mkv", seconds=LONG)


@pytest.fixture(scope="session")
def long_mp4(media_dir: Path) -> Path:
    return make_video(media_dir / "long.mp4", container="mp4", seconds=LONG, faststart=True)


class _Pipe(io.RawIOBase):
    """A write-only output that cannot seek, like a camera streaming its Matroska."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, data: Any) -> int:
        self.data += data
        return len(data)


@pytest.fixture(scope="session")
def live_mkv(long_mkv: Path, media_dir: Path) -> Path:
    """The long Matroska as a live muxer writes it: no Segment size, no duration, no cues."""
    pipe = _Pipe()
    with av.open(str(long_mkv)) as source, av.open(pipe, "w", format="matroska") as output:
        output.metadata["creation_time"] = "2026-11-20T10:00:02.000000Z"
        stream = add_copy(output, source.streams.video[0])
        for packet in source.demux(source.streams.video[0]):
            if packet.dts is not None:
                packet.stream = stream
                output.mux(packet)
    path = media_dir / "live.mkv"
    path.write_bytes(bytes(pipe.data))
    return path
