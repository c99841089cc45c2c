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
from .reader import BUFFER_SIZE, MATROSKA, MP4, HashingReader, Readable, is_cut, sniff
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


def open_input(reader: Readable, kind: str | None, cut: bool) -> Any:
    """Open ``reader`` with PyAV, mapping a refusal to ``MediaError``."""
    try:
        return av.open(reader, "r", buffer_size=BUFFER_SIZE)
    except (av.FFmpegError, OSError, ValueError) as err:
        problem = MediaProblem.TRUNCATED if cut else MediaProblem.UNREADABLE
        _LOGGER.debug("PyAV cannot open a %s file: %s", kind or "unknown", type(err).__name__)
        raise MediaError(problem, {"reason": "cannot open"}) from None


def video_of(container: Any) -> Any:
    """The first video stream of ``container``; ``MediaError(NO_VIDEO)`` without one."""
    if not container.streams.video:
        raise MediaError(MediaProblem.NO_VIDEO)
    return container.streams.video[0]


def _ticks_to_us(ticks: int, time_base: Fraction) -> int:
    """``ticks`` of ``time_base`` in whole microseconds."""
    return round(ticks * time_base.numerator * _US / time_base.denominator)


def _frame_ticks(stream: Any) -> int:
    """One frame interval in ``stream``'s time base (for packets without a duration)."""
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    if not rate:
        return 0
    return max(1, round(1 / (Fraction(rate) * Fraction(stream.time_base))))


class Tally:
    """The video packets of one stream, added as they are demuxed (no decoding).

    Keeps the lowest timestamp, the end of the last frame (its timestamp plus its duration,
    else one frame interval), the packets and key frames counted, the longest interval between
    two consecutive key frames, and whether a packet was damaged: flagged corrupt, or reaching
    past the end of the file (``size`` bytes). After a seek, `skip` forgets the last key frame,
    so that no interval is measured across the part not read.
    """

    def __init__(self, stream: Any, size: int) -> None:
        self.first: int | None = None
        self.end = 0
        self.frames = 0
        self.keyframes = 0
        self.gop = 0
        self.intervals = 0  # key frame intervals measured
        self.damaged = False
        self._previous_key: int | None = None
        self._step = _frame_ticks(stream)
        self._size = size

    def add(self, packet: Any) -> None:
        """Count one demuxed packet (the empty packet that ends a stream is ignored)."""
        pts = packet.pts
        if pts is None:
            pts = packet.dts
            if pts is None:
                return  # the empty packet that ends the stream
        self.frames += 1
        if self.first is None or pts < self.first:
            self.first = pts
        self.end = max(self.end, pts + (packet.duration or self._step))
        if packet.is_keyframe:
            self.keyframes += 1
            if self._previous_key is not None:
                self.intervals += 1
                self.gop = max(self.gop, pts - self._previous_key)
            self._previous_key = pts
        if packet.is_corrupt or (packet.pos is not None and packet.pos + packet.size > self._size):
            self.damaged = True

    def skip(self) -> None:
        """The next packets do not follow the last one (a seek): no interval across the gap."""
        self._previous_key = None

    def stopped(self) -> None:
        """Demuxing failed: damaged when packets came before, unreadable when none did."""
        if self.first is None:
            raise MediaError(MediaProblem.UNREADABLE, {"reason": "no packet"}) from None
        self.damaged = True

    def span(self, container: Any, zero: datetime) -> VideoSpan:
        """The span of the packets added, ``zero`` being the absolute time of pts 0."""
        if self.first is None:
            raise MediaError(MediaProblem.UNREADABLE, {"reason": "no video packet"})
        stream = container.streams.video[0]
        time_base = Fraction(stream.time_base)
        start = zero + timedelta(microseconds=_ticks_to_us(self.first, time_base))
        last = zero + timedelta(microseconds=_ticks_to_us(self.end, time_base))
        gop = timedelta(microseconds=_ticks_to_us(self.gop, time_base))
        context = stream.codec_context
        audio = container.streams.audio
        return VideoSpan(
            container=container_name(container.format.name),
            codec=context.name,
            width=context.width,
            height=context.height,
            first=start,
            last=last,
            gop=gop if self.intervals else last - start,
            frames=self.frames,
            keyframes=self.keyframes,
            audio=audio[0].codec_context.name if audio else None,
        )


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
    stream = video_of(container)
    zero = origin_of(container, origin)
    tally = Tally(stream, size)
    try:
        for packet in container.demux(stream):
            tally.add(packet)
    except (av.FFmpegError, OSError) as err:
        _LOGGER.debug("Demuxing stopped early: %s", type(err).__name__)
        tally.stopped()
    return tally.span(container, zero), tally.damaged
