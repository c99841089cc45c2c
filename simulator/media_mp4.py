"""MP4 exports of the simulated camera: its Matroska export remuxed with PyAV (no re-encoding).

A camera whose export capabilities list ``mp4`` answers ``exportformat=mp4`` with an MP4 file
of the same range: the H.264 packets of the Matroska export (``media.py``) copied into an MP4
with ``ftyp`` first and the ``moov`` index before ``mdat`` (``movflags=+faststart``), an
``avc1`` sample entry, timestamps from 0 at the proper start, and that start as the
container's ``creation_time`` (like the Matroska; the MP4 ``mvhd`` keeps whole seconds, and
proper starts are whole seconds: recordings start on a second and key frames are whole seconds
apart).

Each MP4 is written once into the media cache (``<cache>/mp4/``, named after its Matroska, so
cached per range like it), under a temporary name then ``os.replace``, and served as a file.
"""

from __future__ import annotations

import logging
import os
import threading
from fractions import Fraction
from pathlib import Path

import av

_LOGGER = logging.getLogger(__name__)

_locks_guard = threading.Lock()
_locks: dict[str, threading.Lock] = {}
_stats_lock = threading.Lock()
#: MP4 files actually written by this process (not served from the cache).
builds = 0


def mp4_path(mkv: Path) -> Path:
    """Where the MP4 of the Matroska export ``mkv`` is (or will be) cached."""
    return mkv.parent.parent / "mp4" / f"{mkv.stem}.mp4"


def _lock_for(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(str(path), threading.Lock())


def build_mp4(mkv: Path, *, fps: int) -> Path:
    """Return the MP4 of the Matroska export ``mkv``, remuxing it once (BLOCKING, cached).

    Args:
        mkv: A Matroska export made by ``MediaLibrary.build_export`` (its ``creation_time`` is
            the proper start).
        fps: The frame rate of the video: the MP4's time base is ``1/fps``.
    """
    global builds  # noqa: PLW0603 - a process-wide count, like the GOP cache of media.py
    path = mp4_path(mkv)
    if path.is_file():
        return path
    with _lock_for(path):
        if path.is_file():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            _remux(mkv, tmp, fps=fps)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        with _stats_lock:
            builds += 1
        _LOGGER.debug("Built MP4 export %s", path.name)
    return path


def _remux(source_path: Path, target: Path, *, fps: int) -> None:
    """Copy the video packets of ``source_path`` into ``target`` as a faststart MP4."""
    with (
        av.open(str(source_path), "r") as source,
        av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        creation_time = source.metadata.get("creation_time")
        if creation_time:
            out.metadata["creation_time"] = creation_time
        video = source.streams.video[0]
        # PyAV 14+: add_stream_from_template, whose time base is ours to set; PyAV 13 (Home
        # Assistant 2025.4) takes the template as a keyword and the muxer picks its time base
        # (1/90000; packets are rescaled from the Matroska's 1/1000).
        if hasattr(out, "add_stream_from_template"):
            stream = out.add_stream_from_template(video)
            stream.time_base = Fraction(1, fps)
        else:  # PyAV 13
            stream = out.add_stream(template=video)
        for packet in source.demux(video):
            if packet.dts is None:  # the demuxer's final flush packet
                continue
            packet.stream = stream
            out.mux(packet)
