"""One JPEG of a video's first key frame: one frame decoded, encoded by FFmpeg's mjpeg."""

from __future__ import annotations

import os
import threading
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from .errors import MediaError, MediaProblem
from .probe import open_input
from .reader import HashingReader, is_cut, sniff

# mjpeg's quantiser scale (2 best .. 31 worst), as ffmpeg's -q:v; FF_QP2LAMBDA is 118.
_QUALITY = 3
_QP2LAMBDA = 118


def write_thumbnail(source: Path, target: Path) -> tuple[int, int]:
    """Write a JPEG of the first key frame of ``source`` to ``target`` (BLOCKING).

    Only that frame is decoded, at the video's own size. The JPEG is written under a temporary
    name and renamed to ``target``. Returns its (width, height).

    Raises:
        MediaError: ``UNREADABLE``, ``NO_VIDEO`` or ``TRUNCATED`` as :func:`probe`, and
            ``UNREADABLE`` when no key frame decodes.
    """
    with HashingReader(source) as reader:
        kind = sniff(reader)
        with open_input(reader, kind, is_cut(reader, kind)) as container:
            if not container.streams.video:
                raise MediaError(MediaProblem.NO_VIDEO)
            frame = _first_key_frame(container, container.streams.video[0])
    jpeg = _encode_jpeg(frame)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        temporary.write_bytes(jpeg)
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)
    return frame.width, frame.height


def _first_key_frame(container: Any, stream: Any) -> Any:
    """Decode the first key frame of ``stream`` (other packets are skipped, not decoded)."""
    context = stream.codec_context
    context.thread_count = 1  # frame threads would hold the frame back for more packets
    context.skip_frame = "NONKEY"
    try:
        for packet in container.demux(stream):
            if packet.size and not packet.is_keyframe:
                continue
            frames = context.decode(packet if packet.size else None)
            if frames:
                return frames[0]
    except av.FFmpegError:
        pass  # a damaged or cut file: no key frame to show
    raise MediaError(MediaProblem.UNREADABLE, {"reason": "no key frame decodes"})


def _encode_jpeg(frame: Any) -> bytes:
    """Encode ``frame`` as one baseline JPEG (full-range 4:2:0)."""
    encoder: Any = av.CodecContext.create("mjpeg", "w")
    encoder.width = frame.width
    encoder.height = frame.height
    encoder.pix_fmt = "yuvj420p"
    encoder.time_base = Fraction(1, 25)
    encoder.options = {"flags": "+qscale", "global_quality": str(_QUALITY * _QP2LAMBDA)}
    image = frame.reformat(format="yuvj420p")
    image.pts = 0
    image.time_base = encoder.time_base
    packets = list(encoder.encode(image))
    packets += encoder.encode(None)
    return b"".join(bytes(packet) for packet in packets)
