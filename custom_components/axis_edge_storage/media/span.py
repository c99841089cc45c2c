"""What a video file covers, and whether that covers an asked range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .errors import MediaError, MediaProblem


@dataclass(frozen=True, slots=True)
class VideoSpan:
    """The video of one file, as its packets tell it (no decoding).

    Attributes:
        container: ``"matroska"`` or ``"mp4"`` (PyAV's format names normalised), else the
            first of PyAV's names for the format.
        codec: The video codec, ``"h264"``, ``"hevc"``, ...
        width: Frame width in pixels.
        height: Frame height in pixels.
        first: UTC time of the first video frame (the lowest presentation timestamp).
        last: UTC time of the end of the last video frame (its timestamp plus its duration).
        gop: The longest interval between two consecutive key frames (``last - first`` with a
            single key frame).
        frames: Video packets read.
        keyframes: Key frames among them.
        audio: The audio codec's name, or None without audio.
    """

    container: str
    codec: str
    width: int
    height: int
    first: datetime
    last: datetime
    gop: timedelta
    frames: int
    keyframes: int
    audio: str | None


def iso(value: datetime) -> str:
    """Format ``value`` in UTC to the millisecond, for errors and logs."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds")


def check_covers(span: VideoSpan, start: datetime, end: datetime) -> None:
    """Raise ``MediaError(NOT_COVERED)`` unless ``span`` covers ``[start, end]`` within a GOP.

    The first frame must lie within one GOP of ``start`` (on either side: a file must not start
    long before the asked start either), and the last frame must end at most one GOP before
    ``end``. Both bounds must be timezone-aware.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    gop = span.gop
    if start - gop <= span.first <= start + gop and span.last >= end - gop:
        return
    raise MediaError(
        MediaProblem.NOT_COVERED,
        {"first": iso(span.first), "last": iso(span.last), "start": iso(start), "end": iso(end)},
    )
