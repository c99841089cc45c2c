"""Verify a video file from its two ends: a few megabytes read, not the whole file.

A download can only be cut at its end, and what a file covers is decided by its first and its
last frames. So `probe_ends` demuxes (no decoding) the head of the file up to its second key
frame, then seeks near its end with the container's own index (Matroska cues, the MP4 sample
table) and demuxes from the key frame found there to the end. The checks are those of a whole
demux (`probe.probe`) on every packet that can be cut: the container's top-level structure
must fit in the file (`reader.is_cut`: the Matroska Segment's size, the MP4 boxes), and no
packet of the tail may be damaged or reach past the end of the file. The GOP is the longest
key-frame interval seen in the head and in the tail (never across the part not read).

A file PyAV cannot seek in is demuxed whole instead (`probe`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from .errors import MediaError, MediaProblem
from .probe import Tally, open_input, origin_of, probe, video_of
from .reader import HashingReader, is_cut, sniff
from .span import VideoSpan, iso

_LOGGER = logging.getLogger(__name__)
# The seek lands on the key frame before `end - TAIL_GOPS * gop`: the tail holds the last whole
# GOP and the one after it, so that an interval between two key frames is measured there too.
TAIL_GOPS = 1.5
_HEAD_KEYFRAMES = 2
_UNKNOWN_END = 1 << 62


def probe_ends(path: Path, *, origin: datetime | None = None) -> VideoSpan:
    """Demux the head and the tail of ``path`` (BLOCKING, no decoding): what its video covers.

    Returns the span as :func:`probe` would, but for ``frames`` and ``keyframes``, which count
    the packets read (the head and the tail; every packet when the file is short or cannot be
    seeked in).

    Args:
        path: The file (Matroska, MP4 or anything PyAV reads).
        origin: Absolute time of pts 0 when the container has no ``creation_time``.

    Raises:
        MediaError: ``UNREADABLE`` (not a video PyAV can read, or no time origin), ``NO_VIDEO``,
            ``TRUNCATED`` (the file ends inside its own structure, or its last packet does).
    """
    with HashingReader(path) as reader:
        kind = sniff(reader)
        cut = is_cut(reader, kind)
        with open_input(reader, kind, cut) as container:
            stream = video_of(container)
            zero = origin_of(container, origin)
            tally = Tally(stream, reader.size)
            if not _read_ends(container, stream, tally):
                return probe(path, origin=origin)
            span = tally.span(container, zero)
    if cut or tally.damaged:
        raise MediaError(MediaProblem.TRUNCATED, {"first": iso(span.first), "last": iso(span.last)})
    return span


def _read_ends(container: Any, stream: Any, tally: Tally) -> bool:
    """Add the head's packets, then the tail's; False when the seek to the tail failed."""
    packets = container.demux(stream)
    try:
        for packet in packets:
            tally.add(packet)
            if tally.keyframes >= _HEAD_KEYFRAMES:
                break
        else:
            return True  # the whole file was read
        target = _tail_target(container, stream, tally)
        if target > tally.end:
            try:
                container.seek(target, stream=stream, backward=True)
            except (av.FFmpegError, OSError) as err:
                _LOGGER.debug("No seek to the tail: %s", type(err).__name__)
                return False
            tally.skip()
            packets = container.demux(stream)
        for packet in packets:
            tally.add(packet)
    except (av.FFmpegError, OSError) as err:
        _LOGGER.debug("Demuxing stopped early: %s", type(err).__name__)
        tally.stopped()
    return True


def _tail_target(container: Any, stream: Any, tally: Tally) -> int:
    """Where the tail starts, in ``stream``'s time base.

    Beyond the end when the end is not known: the seek lands on the index's last key frame.
    """
    time_base = Fraction(stream.time_base)
    end: int | None = None
    if stream.duration:
        end = (stream.start_time or 0) + stream.duration
    elif container.duration:
        seconds = Fraction(container.duration, av.time_base)
        start = Fraction(container.start_time or 0, av.time_base)
        end = round((start + seconds) / time_base)
    if end is None:
        return _UNKNOWN_END
    return end - round(TAIL_GOPS * max(tally.gop, 1))
