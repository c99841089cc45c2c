"""One HLS segment: part of an export remuxed, without re-encoding, to MPEG-TS on a shared clock.

An export of ``[k_i, k_(i+1))`` (``k`` a key frame) starts at its own pts 0, its absolute time
in the container's ``creation_time``. Every segment of a playlist is written on one clock:
the output timestamp of a packet is its absolute time minus ``epoch`` (the same for every
segment of a playlist), in MPEG-TS's 90 kHz. So the frames of segment ``i + 1`` follow those
of segment ``i`` with no gap and no overlap, whatever each export's own pts. Packets at or
after ``stop`` (the next segment's key frame, which a camera may send as the frame in which
the stop falls) are left out.

The first video stream is copied (H.264 and H.265: the muxer puts them in Annex B itself), with
the first AAC or MP3 audio stream when there is one. BLOCKING: run it in an executor.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import av

from .errors import MediaError, MediaProblem
from .packets import add_copy, demuxed
from .probe import open_input, origin_of
from .reader import HashingReader, is_cut, sniff

_LOGGER = logging.getLogger(__name__)

#: MPEG-TS's clock.
TS_TIME_BASE: Final = Fraction(1, 90_000)
_AUDIO_CODECS = frozenset({"aac", "mp3"})
_VIDEO_CODECS = frozenset({"h264", "hevc"})


@dataclass(frozen=True, slots=True)
class SegmentSpan:
    """What a segment holds: its video's first frame and the end of its last, packets copied."""

    first: datetime
    end: datetime
    video_packets: int


def remux_to_ts(
    source: Path,
    target: Path,
    *,
    epoch: datetime,
    stop: datetime | None = None,
    origin: datetime | None = None,
) -> SegmentSpan:
    """Write the packets of ``source`` before ``stop`` to an MPEG-TS at ``target``.

    Args:
        source: The export (Matroska, or anything PyAV reads) with a ``creation_time``.
        target: Where the segment goes; written under a temporary name, then renamed.
        epoch: The absolute time of output timestamp 0, the same for every segment of a
            playlist; no packet may be before it.
        stop: Packets at or after this absolute time are left out (None: none are).
        origin: Absolute time of the source's pts 0 when it has no ``creation_time``.

    Raises:
        MediaError: the source is unreadable or cut, has no H.264/H.265 video, no video packet
            before ``stop``, or a packet before ``epoch``.
        OSError: the target cannot be written.
    """
    if epoch.tzinfo is None or (stop is not None and stop.tzinfo is None):
        raise ValueError("epoch and stop must be timezone-aware")
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with HashingReader(source) as reader:
            kind = sniff(reader)
            if is_cut(reader, kind):
                raise MediaError(MediaProblem.TRUNCATED, {"reason": "cut container"})
            with open_input(reader, kind, cut=False) as container:
                span = _write(container, temporary, epoch, stop, origin)
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)
    return span


def _write(
    container: Any, target: Path, epoch: datetime, stop: datetime | None, origin: datetime | None
) -> SegmentSpan:
    if not container.streams.video:
        raise MediaError(MediaProblem.NO_VIDEO)
    video = container.streams.video[0]
    if video.codec_context.name not in _VIDEO_CODECS:
        raise MediaError(MediaProblem.UNREADABLE, {"reason": "not H.264 or H.265 video"})
    zero = origin_of(container, origin)
    # The ticks of the source's pts 0 on the output clock.
    shift = _ticks(zero - epoch.astimezone(UTC))
    limit = None if stop is None else _ticks(stop.astimezone(UTC) - epoch.astimezone(UTC))
    output: Any = av.open(os.fspath(target.absolute()), "w", format="mpegts")
    try:
        streams = {video.index: add_copy(output, video)}
        if container.streams.audio:
            audio = container.streams.audio[0]
            if audio.codec_context.name in _AUDIO_CODECS:
                streams[audio.index] = add_copy(output, audio)
        span = _copy(container, output, streams, video.index, shift=shift, limit=limit)
    except BaseException:
        with contextlib.suppress(av.FFmpegError):
            output.close()
        raise
    try:
        output.close()
    except av.FFmpegError as err:
        _LOGGER.debug("The MPEG-TS muxer failed at its end: %s", type(err).__name__)
        raise MediaError(MediaProblem.UNREADABLE, {"reason": "the muxer refused"}) from None
    return SegmentSpan(
        first=epoch + _delta(span[0]), end=epoch + _delta(span[1]), video_packets=span[2]
    )


def _copy(
    container: Any,
    output: Any,
    streams: dict[int, Any],
    video_index: int,
    *,
    shift: int,
    limit: int | None,
) -> tuple[int, int, int]:
    """Copy packets on the output clock; answer the video's first tick, end tick and count."""
    first: int | None = None
    end = 0
    count = 0
    for packet in demuxed(container, streams):
        base = packet.time_base
        pts = shift + _rescale(packet.pts if packet.pts is not None else packet.dts, base)
        if limit is not None and pts >= limit:
            continue
        is_video = packet.stream_index == video_index
        if pts < 0:
            if not is_video:
                continue  # audio priming before the first frame
            raise MediaError(MediaProblem.UNREADABLE, {"reason": "a packet before the epoch"})
        dts = None if packet.dts is None else shift + _rescale(packet.dts, base)
        duration = _rescale(packet.duration, base) if packet.duration else 0
        packet.stream = streams[packet.stream_index]
        packet.time_base = TS_TIME_BASE
        packet.pts, packet.dts = pts, dts
        packet.duration = duration
        output.mux_one(packet)
        if is_video:
            first = pts if first is None else min(first, pts)
            end = max(end, pts + duration)
            count += 1
    if first is None:
        raise MediaError(MediaProblem.UNREADABLE, {"reason": "no video packet"})
    return first, end, count


def _ticks(delta: timedelta) -> int:
    """A duration in 90 kHz ticks."""
    return (delta // timedelta(microseconds=1)) * 9 // 100


def _delta(ticks: int) -> timedelta:
    return timedelta(microseconds=ticks * 100 / 9)


def _rescale(value: int, time_base: Fraction | None) -> int:
    base = time_base or Fraction(1, 1000)
    return round(Fraction(value) * base / TS_TIME_BASE)
