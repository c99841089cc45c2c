"""Verify a video file by demuxing it (no decoding): what it covers, and is it whole."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from .errors import MediaError, MediaProblem
from .reader import BUFFER_SIZE, MATROSKA, MP4, HashingReader, is_cut, sniff
from .span import VideoSpan, iso

_LOGGER = logging.getLogger(__name__)
_US = 1_000_000


def container_name(format_name: str) -> str:
    """Normalise PyAV's format names: ``"matroska,webm"`` -> ``matroska``, ``"mov,mp4,..."`` -> ``mp4``."""
    names = format_name.split(",")
    if "matroska" in names:
        return MATROSKA
    if "mp4" in names or "mov" in names:
        return MP4
    return names[0]


def parse_creation_time(value: str | None) -> datetime | None:
    """Parse FFmpeg's ``creation_time`` (``2026-11-20T10:00:02.000000Z``) as UTC, None if bad."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # FFmpeg's times are UTC
    return parsed.astimezone(UTC)


def origin_of(container: Any, origin: datetime | None) -> datetime:
    """The absolute time of pts 0: the container's ``creation_time``, else ``origin``."""
    found = parse_creation_time(container.metadata.get("creation_time"))
    if found is not None:
        return found
    if origin is None:
        raise MediaError(MediaProblem.UNREADABLE, {"reason": "no creation time"})
    if origin.tzinfo is None:
        raise ValueError("origin must be timezone-aware")
    return origin.astimezone(UTC)


def open_input(reader: HashingReader, kind: str | None, cut: bool) -> Any:
    """Open ``reader`` with PyAV, mapping a refusal to ``MediaError``."""
    try:
        return av.open(reader, "r", buffer_size=BUFFER_SIZE)
    except (av.FFmpegError, OSError, ValueError) as err:
        problem = MediaProblem.TRUNCATED if cut else MediaProblem.UNREADABLE
        _LOGGER.debug("PyAV cannot open a %s file: %s", kind or "unknown", type(err).__name__)
        raise MediaError(problem, {"reason": "cannot open"}) from None


def _ticks_to_us(ticks: int, time_base: Fraction) -> int:
    return round(ticks * time_base.numerator * _US / time_base.denominator)


def probe(
    path: Path, *, origin: datetime | None = None, digest: hashlib._Hash | None = None
) -> VideoSpan:
    """Demux ``path`` (BLOCKING, no decoding) and return what its video covers.

    Args:
        path: The file (Matroska, MP4 or anything PyAV reads).
        origin: Absolute time of pts 0 when the container has no ``creation_time``.
        digest: When given, gets every byte of the file exactly once, in order, in this pass.

    Raises:
        MediaError: ``UNREADABLE`` (not a video PyAV can read, or no time origin), ``NO_VIDEO``,
            ``TRUNCATED`` (the file ends inside its own structure).
    """
    with HashingReader(path, digest) as reader:
        kind = sniff(reader)
        cut = is_cut(reader, kind)
        with open_input(reader, kind, cut) as container:
            span, damaged = _demux(container, reader.size, origin)
        if cut or damaged:
            raise MediaError(
                MediaProblem.TRUNCATED,
                {"first": iso(span.first), "last": iso(span.last)},
            )
        reader.finish()
    return span


def _demux(container: Any, size: int, origin: datetime | None) -> tuple[VideoSpan, bool]:
    """Read every video packet of ``container``: its span, and whether a packet was damaged."""
    if not container.streams.video:
        raise MediaError(MediaProblem.NO_VIDEO)
    stream = container.streams.video[0]
    zero = origin_of(container, origin)
    first: int | None = None
    end = 0
    frames = keyframes = 0
    previous_key: int | None = None
    gop = 0
    damaged = False
    step = _frame_ticks(stream)
    try:
        for packet in container.demux(stream):
            pts = packet.pts
            if pts is None:
                pts = packet.dts
                if pts is None:
                    continue  # the empty packet that ends the stream
            frames += 1
            if first is None or pts < first:
                first = pts
            stop = pts + (packet.duration or step)
            end = max(end, stop)
            if packet.is_keyframe:
                keyframes += 1
                if previous_key is not None and pts - previous_key > gop:
                    gop = pts - previous_key
                previous_key = pts
            if packet.is_corrupt or (packet.pos is not None and packet.pos + packet.size > size):
                damaged = True
    except (av.FFmpegError, OSError) as err:
        _LOGGER.debug("Demuxing stopped early: %s", type(err).__name__)
        if first is None:
            raise MediaError(MediaProblem.UNREADABLE, {"reason": "no packet"}) from None
        damaged = True
    if first is None:
        raise MediaError(MediaProblem.UNREADABLE, {"reason": "no video packet"})
    time_base = Fraction(stream.time_base)
    start = zero + timedelta(microseconds=_ticks_to_us(first, time_base))
    last = zero + timedelta(microseconds=_ticks_to_us(end, time_base))
    context = stream.codec_context
    audio = container.streams.audio
    span = VideoSpan(
        container=container_name(container.format.name),
        codec=context.name,
        width=context.width,
        height=context.height,
        first=start,
        last=last,
        gop=timedelta(microseconds=_ticks_to_us(gop, time_base)) if keyframes > 1 else last - start,
        frames=frames,
        keyframes=keyframes,
        audio=audio[0].codec_context.name if audio else None,
    )
    return span, damaged


def _frame_ticks(stream: Any) -> int:
    """One frame interval in ``stream``'s time base (for packets without a duration)."""
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    if not rate:
        return 0
    return max(1, round(1 / (Fraction(rate) * Fraction(stream.time_base))))
