"""Test inputs made with PyAV: a few seconds of tiny H.264/H.265 video, Matroska or MP4."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

START = datetime(2026, 11, 20, 10, 0, 2, tzinfo=UTC)
WIDTH, HEIGHT, FPS = 160, 120, 10


def make_video(
    path: Path,
    *,
    container: str = "matroska",
    codec: str = "libx264",
    seconds: int = 4,
    audio: str | None = None,
    video: bool = True,
    creation_time: str | None = "2026-11-20T10:00:02.000000Z",
    faststart: bool = False,
) -> Path:
    """Encode ``seconds`` of video (GOP 1 s, no B frames) and optional audio into ``path``."""
    options = {"movflags": "+faststart"} if faststart else {}
    output: Any
    with av.open(str(path), "w", format=container, options=options) as output:
        if creation_time:
            output.metadata["creation_time"] = creation_time
        streams: list[tuple[Any, Any]] = []
        if video:
            stream = output.add_stream(codec, rate=FPS)
            stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
            if codec == "libx265":
                params = f"keyint={FPS}:min-keyint={FPS}:bframes=0:scenecut=0:log-level=error"
                stream.options = {"x265-params": params, "preset": "ultrafast"}
            else:
                stream.options = {"g": str(FPS), "keyint_min": str(FPS), "sc_threshold": "0"}
                stream.options |= {"bf": "0", "preset": "ultrafast"}
            streams.append((stream, _video_frames(seconds)))
        if audio:
            sound = output.add_stream(audio, rate=8000 if audio.startswith("pcm") else 48000)
            streams.append((sound, _audio_frames(sound, seconds)))
        for stream, frames in streams:
            for frame in frames:
                output.mux(stream.encode(frame))
            output.mux(stream.encode(None))
    return path


def _video_frames(seconds: int) -> list[Any]:
    frames = []
    for index in range(seconds * FPS):
        image = np.full((HEIGHT * 3 // 2, WIDTH), 16 + index * 5 % 200, dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(image, format="yuv420p")
        frame.pts, frame.time_base = index, Fraction(1, FPS)
        frames.append(frame)
    return frames


def _audio_frames(stream: Any, seconds: int) -> list[Any]:
    rate = stream.codec_context.sample_rate
    size = stream.codec_context.frame_size or 1024
    sample_format = stream.codec_context.format.name
    frames = []
    for index in range(seconds * rate // size):
        dtype = {"s16": np.int16, "u8": np.uint8}.get(sample_format, np.float32)
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, size), dtype=dtype), format=sample_format, layout="mono"
        )
        frame.sample_rate, frame.pts, frame.time_base = rate, index * size, Fraction(1, rate)
        frames.append(frame)
    return frames


def cut(path: Path, target: Path, fraction: float = 0.6) -> Path:
    """Copy the first ``fraction`` of ``path``'s bytes to ``target``."""
    data = path.read_bytes()
    target.write_bytes(data[: int(len(data) * fraction)])
    return target


def top_level_boxes(path: Path) -> list[str]:
    """The types of an MP4's top-level boxes, in file order."""
    data = path.read_bytes()
    boxes, offset = [], 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8].decode("latin-1")
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16])
        elif size == 0:
            size = len(data) - offset
        boxes.append(kind)
        offset += size
    return boxes


def jpeg_size(data: bytes) -> tuple[int, int]:
    """Width and height from a JPEG's start-of-frame marker."""
    offset = 2
    while offset < len(data):
        marker, length = data[offset + 1], int.from_bytes(data[offset + 2 : offset + 4])
        if marker in (0xC0, 0xC1, 0xC2):
            height = int.from_bytes(data[offset + 5 : offset + 7])
            width = int.from_bytes(data[offset + 7 : offset + 9])
            return width, height
        offset += 2 + length
    raise AssertionError("no start of frame in the JPEG")
