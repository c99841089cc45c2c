"""Matroska (or anything PyAV reads) to MP4 without re-encoding, with the index at the front."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import av

from .errors import MediaError, MediaProblem
from .packets import add_copy, demuxed
from .probe import open_input, origin_of
from .reader import MATROSKA, HashingReader, Readable, is_cut, sniff

_LOGGER = logging.getLogger(__name__)
PROGRESS_BYTES = 4 << 20
Progress = Callable[[int], None] | None

# The MP4 sample entries Safari and iOS play progressively (hev1 is refused by Apple players).
_SAMPLE_ENTRIES = {"h264": "avc1", "hevc": "hvc1"}
# Room reserved for the index (moov) per packet: stsz 4, stts 8, ctts 8, stco/co64 8, stsc 12,
# stss 4 bytes at worst (a chunk per packet), plus a fixed part for the headers and metadata.
_MOOV_BYTES_PER_PACKET = 48
_MOOV_FIXED_BYTES = 64 * 1024
# `estimate_packets`: rates and durations in headers are rounded; a frame or two more per stream.
_ESTIMATE_MARGIN = 1.05
_ESTIMATE_SLACK = 16


class Faststart(StrEnum):
    """How the index (``moov``) gets in front of the media data (``mdat``)."""

    RESERVE = "reserve"  # count the packets first, reserve the index's room (moov_size)
    REWRITE = "rewrite"  # movflags=+faststart: the muxer moves the data once at the end


def remux_to_mp4(
    source: Path,
    target: Path,
    *,
    origin: datetime | None = None,
    faststart: Faststart | None = None,
    packets: int | None = None,
) -> None:
    """Copy the video (and a supported audio track) of ``source`` into an MP4 at ``target``.

    BLOCKING: run it in an executor. Packets are copied one by one (no decoding, never the
    whole file in memory). The MP4 starts with ``ftyp`` and has its ``moov`` before its
    ``mdat``; H.264 gets the ``avc1`` sample entry, H.265 ``hvc1``. Timestamps are those of the
    source, and the MP4's ``creation_time`` is the absolute time of pts 0 (the source's
    ``creation_time``, else ``origin``), so that :func:`probe` reads the same span from both.
    The file is written under a temporary name and renamed to ``target`` when complete.

    Args:
        source: The file to remux.
        target: Where the MP4 goes (replaced if it exists).
        origin: Absolute time of pts 0 when the source has no ``creation_time``.
        faststart: How the index gets to the front. ``REWRITE``: the muxer moves the data once
            at the end. ``RESERVE``: room for the index is reserved from a count of the
            source's packets (``packets``, else a quick demux pass), falling back to
            ``REWRITE`` when the muxer refuses. By default ``RESERVE`` when ``packets`` is
            given, else ``REWRITE`` (a counting pass costs about what the rewrite does).
        packets: The number of packets (all streams) of ``source``, when the caller knows it.

    Raises:
        MediaError: as :func:`probe` for a source that is unreadable, cut or without video.
        OSError: the target cannot be written.
    """
    temporary = _temporary(target)
    if faststart is None:
        faststart = Faststart.REWRITE if packets is None else Faststart.RESERVE
    try:
        if faststart is Faststart.RESERVE:
            if packets is None:
                packets = _count_packets(source)
            try:
                _remux(source, temporary, origin, {"moov_size": str(_moov_size(packets))})
            except _MuxerRefusedError:
                _LOGGER.debug("The muxer refused the reserved index; moving the data instead")
            else:
                temporary.replace(target)
                return
        try:
            _remux(source, temporary, origin, {"movflags": "+faststart"})
        except _MuxerRefusedError as refused:
            raise _muxer_error(refused.error) from None
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


class _MuxerRefusedError(Exception):
    """The MP4 muxer failed when writing its index (not because of the source)."""

    def __init__(self, error: av.FFmpegError) -> None:
        super().__init__("the mp4 muxer failed at its end")
        self.error = error


def estimate_packets(source: Path) -> int | None:
    """An upper estimate of the packets of ``source`` from its header alone, or None.

    BLOCKING, but cheap: the container is opened (its header read), no packet is demuxed.
    See `_estimate`. A count that turns out too low only costs time: the muxer refuses the
    reserved index and `remux_to_mp4` moves the data instead.
    """
    try:
        with HashingReader(source) as reader, open_input(reader, None, cut=False) as container:
            return _estimate(container)
    except (MediaError, av.FFmpegError):
        return None


def _estimate(container: Any) -> int | None:
    """An upper estimate of the packets the remux copies, from an opened container's header.

    Per stream: its duration times its frame rate (video) or its packet rate (audio: sample
    rate / samples per frame), with a margin. None when the header lacks a duration or a rate.
    """
    seconds = (container.duration or 0) / 1_000_000
    if seconds <= 0 or not container.streams.video:
        return None
    video = container.streams.video[0]
    rate = video.average_rate or video.guessed_rate
    if not rate:
        return None
    packets = float(rate) * seconds
    if container.streams.audio:
        context = container.streams.audio[0].codec_context
        if not context.sample_rate or not context.frame_size:
            return None
        packets += context.sample_rate / context.frame_size * seconds
    return int(packets * _ESTIMATE_MARGIN) + _ESTIMATE_SLACK


def _moov_size(packets: int) -> int:
    return _MOOV_FIXED_BYTES + _MOOV_BYTES_PER_PACKET * packets


def _count_packets(source: Path) -> int:
    """Count the packets of ``source`` (a quick demux pass); 0 when it cannot be read."""
    try:
        with HashingReader(source) as reader, open_input(reader, None, cut=False) as container:
            return sum(1 for packet in container.demux() if packet.size)
    except (MediaError, av.FFmpegError):
        return 0  # the remux itself says what is wrong


def _creation_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _remux(source: Path, target: Path, origin: datetime | None, options: dict[str, str]) -> None:
    with HashingReader(source) as reader:
        kind = sniff(reader)
        if is_cut(reader, kind):
            raise MediaError(MediaProblem.TRUNCATED, {"reason": "cut container"})
        _remux_from(reader, kind, target, origin, options)


def _remux_from(
    reader: Readable,
    kind: str | None,
    target: Path,
    origin: datetime | None,
    options: dict[str, str] | None,
    *,
    reserved: Callable[[], None] | None = None,
    progress: Progress = None,
) -> None:
    """Remux what `reader` reads into `target`.

    Without `options`, the index's room is reserved from the header's estimate
    (`_NoEstimateError` when it has none), and `reserved` is called before the first packet.
    `progress` gets the bytes of the packets muxed so far, every `PROGRESS_BYTES` or so.
    """
    with open_input(reader, kind, False) as container:
        if not container.streams.video:
            raise MediaError(MediaProblem.NO_VIDEO)
        zero = origin_of(container, origin)
        if options is None:
            packets = _estimate(container)
            if packets is None:
                raise _NoEstimateError
            options = {"moov_size": str(_moov_size(packets))}
            if reserved is not None:
                reserved()
        if zero.microsecond:
            # mvhd holds whole seconds; an mdta tag keeps the rest (FFmpeg reads it back).
            options["movflags"] = options.get("movflags", "") + "+use_metadata_tags"
        told = () if progress is None else (progress,)  # the whole-file remux: none
        _copy(container, target, _creation_time(zero), options, *told)


def remux_stream_to_mp4(
    reader: Readable,
    target: Path,
    *,
    origin: datetime | None = None,
    reserved: Callable[[], None] | None = None,
    progress: Progress = None,
) -> bool:
    """Remux a Matroska read in order from `reader` (never seeking) into an MP4 at `target`.

    BLOCKING. For a Matroska still being downloaded (`handoff.Handoff`): the index's room is
    reserved from the header's estimate (duration and rates), so the MP4 is whole when the
    last packet is read; `reserved` is called then, before the first packet, and `progress`
    as the MP4 grows (the bytes of the packets muxed so far), so that its write-back can
    start. `target` is written in place: it is the caller's own file (no temporary and no
    rename, which on ext4 would flush the whole file at once), removed by the caller on a
    failure. Returns False when the MP4 cannot be made so (the header has no estimate:
    `target` untouched; or the muxer refuses the room as too small at the end: `target`
    holds no usable MP4): the caller then remuxes the whole file with `remux_to_mp4`.
    Whether the Matroska ended where its own structure says is for the caller to check
    (`reader.is_cut`).

    Raises:
        MediaError: the source is unreadable, damaged or without video.
        OSError: the target cannot be written, or the reader failed.
    """
    try:
        _remux_from(reader, MATROSKA, target, origin, None, reserved=reserved, progress=progress)
    except (_NoEstimateError, _MuxerRefusedError):
        _LOGGER.debug("No index room from the header's estimate; the file is remuxed after")
        return False
    return True


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")


class _NoEstimateError(Exception):
    """The source's header gives no estimate of its packets."""


def _copy(
    container: Any,
    target: Path,
    creation_time: str,
    options: dict[str, str],
    progress: Progress = None,
) -> None:
    """Mux the packets of the first video and first supported audio stream into ``target``."""
    output: Any = av.open(os.fspath(target.absolute()), "w", format="mp4", options=options)
    try:
        output.metadata["creation_time"] = creation_time
        _copy_packets(container, output, _add_streams(container, output), progress)
    except BaseException as err:
        with contextlib.suppress(av.FFmpegError):
            output.close()
        if isinstance(err, av.FFmpegError):
            raise _muxer_error(err) from None
        raise
    try:
        output.close()
    except av.FFmpegError as err:
        _LOGGER.debug("The MP4 muxer failed at its end: %s", type(err).__name__)
        raise _MuxerRefusedError(err) from None


def _copy_packets(
    container: Any, output: Any, streams: dict[int, Any], progress: Progress = None
) -> None:
    """Copy the packets of the ``streams`` (input index -> output stream) one by one."""
    written = muxed = told = 0
    for packet in demuxed(container, streams):
        packet.stream = streams[packet.stream_index]
        muxed += packet.size  # before the muxer takes the packet
        output.mux_one(packet)
        written += 1
        if progress is not None and muxed - told >= PROGRESS_BYTES:
            told = muxed
            progress(muxed)
    if not written:
        raise MediaError(MediaProblem.UNREADABLE, {"reason": "no video packet"})


def _muxer_error(err: av.FFmpegError) -> BaseException:
    """An error of the mp4 muxer: OSError as it is (a full disk), else a refused source."""
    _LOGGER.debug("The MP4 muxer refused a packet: %s", type(err).__name__)
    error: BaseException = err
    if isinstance(error, OSError):
        return error
    return MediaError(MediaProblem.UNREADABLE, {"reason": "the mp4 muxer refused the video"})


def _add_streams(container: Any, output: Any) -> dict[int, Any]:
    """Add the output streams: the first video, and the first audio the mp4 muxer accepts."""
    video = container.streams.video[0]
    streams = {video.index: add_copy(output, video)}
    tag = _SAMPLE_ENTRIES.get(video.codec_context.name)
    if tag is not None:
        _set_tag(streams[video.index], tag)
    if container.streams.audio:
        audio = container.streams.audio[0]
        name = audio.codec_context.name
        if name in output.supported_codecs:
            streams[audio.index] = add_copy(output, audio)
        else:
            _LOGGER.debug("The MP4 has no audio: the mp4 muxer does not take %s", name)
    return streams


def _set_tag(stream: Any, tag: str) -> None:
    if stream.codec_context is not None and not hasattr(stream, "codec_tag"):
        stream.codec_context.codec_tag = tag  # PyAV 13: copied to the stream at the header
    else:
        stream.codec_tag = tag
