"""Media for the simulated camera: real, playable Matroska exports of recordings.

An Axis camera exports (part of) a recording as a Matroska file holding H.264 video that starts
at the key frame at or before the requested start time (the "proper start time") and lasts until
the requested stop time. With a password the file comes inside an AES-256 ZIP archive.

Building an export must cost next to nothing, so that the simulator is never the bottleneck of a
throughput benchmark. So one GOP (``gop_seconds`` of frames, a key frame then P frames, no B
frames) is encoded once per profile and process with libx264, and every export is made by
*remuxing* the packets of that GOP, repeated, with rewritten timestamps: no re-encoding. The
final, partial GOP is cut at the frame in which the stop time falls. The result is written once
to a cache directory (temporary name, then ``os.replace``) and then served as a plain file.

Timestamps in the MKV are relative: the first packet has pts 0 and is a key frame. The absolute
proper start time is carried by the container's ``creation_time`` (Matroska ``DateUTC``), which
PyAV reads back as ``container.metadata["creation_time"]``, e.g.
``"2026-11-20T10:00:02.000000Z"``. The container duration (``container.duration / 1e6``) is the
exported length: ``stop - start`` rounded up to a whole frame.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np
import pyzipper

from .media_profiles import DEFAULT_PROFILE, US_PER_S, MediaProfile, get_profile

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy.typing as npt
    from av.stream import Stream

_LOGGER = logging.getLogger(__name__)

# Bytes a Matroska file needs besides the frames: header, per-block overhead is counted apart.
_MKV_HEADER_BYTES = 1_024
_MKV_BYTES_PER_FRAME = 12  # SimpleBlock header plus a share of the cluster and cue overhead


@dataclass(frozen=True)
class _Gop:
    """One encoded GOP: a tiny MKV (the stream template) and its packets' payloads."""

    template_mkv: bytes
    payloads: tuple[bytes, ...]
    keyframes: tuple[bool, ...]

    @property
    def size(self) -> int:
        return sum(len(payload) for payload in self.payloads)


_gop_lock = threading.Lock()
_gops: dict[MediaProfile, _Gop] = {}
# One lock per cached file (by path), shared by every MediaLibrary of the process.
_file_locks_guard = threading.Lock()
_file_locks: dict[str, threading.Lock] = {}


def _frame_planes(
    profile: MediaProfile, index: int, rng: np.random.Generator
) -> npt.NDArray[np.uint8]:
    """Return frame ``index`` of the GOP as a yuv420p array: gradient, moving bar, noise."""
    width, height = profile.width, profile.height
    image = np.full((height * 3 // 2, width), 128, dtype=np.int16)
    image[:height, :] = (np.arange(width, dtype=np.int16) * 200 // width + 16)[None, :]
    bar_width = max(2, width // 16)
    left = index * (width - bar_width) // max(1, profile.gop_frames - 1)
    image[:height, left : left + bar_width] = 235
    # A small block whose shade steps with the frame index, so frames differ in luma too.
    image[: height // 8, : width // 8] = 16 + (index * 219) // max(1, profile.gop_frames)
    if profile.content == "noise":
        amplitude = profile.noise_amplitude
        image += rng.integers(-amplitude, amplitude + 1, image.shape, dtype=np.int16)
    return np.clip(image, 0, 255).astype(np.uint8)


def _encode_gop(profile: MediaProfile) -> _Gop:
    """Encode one GOP of ``profile`` with libx264 into an in-memory MKV and split its packets."""
    frames = profile.gop_frames
    buffer = io.BytesIO()
    rng = np.random.default_rng(20261120)
    with av.open(buffer, "w", format="matroska") as out:
        stream = out.add_stream("libx264", rate=profile.fps)
        stream.width = profile.width
        stream.height = profile.height
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, profile.fps)
        stream.options = {
            "preset": "ultrafast",
            "g": str(frames),
            "keyint_min": str(frames),
            "sc_threshold": "0",
            "bf": "0",
            "qp": str(profile.qp),
        }
        for index in range(frames):
            frame = av.VideoFrame.from_ndarray(_frame_planes(profile, index, rng), format="yuv420p")
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    template = buffer.getvalue()
    payloads: list[bytes] = []
    keyframes: list[bool] = []
    with av.open(io.BytesIO(template), "r") as source:
        for packet in source.demux(video=0):
            if packet.size:
                payloads.append(bytes(packet))
                keyframes.append(bool(packet.is_keyframe))
    if len(payloads) != frames or not keyframes[0] or any(keyframes[1:]):
        raise RuntimeError(
            f"unexpected GOP from the encoder: {len(payloads)} packets, key frames {keyframes}"
        )
    return _Gop(template_mkv=template, payloads=tuple(payloads), keyframes=tuple(keyframes))


def _gop(profile: MediaProfile) -> _Gop:
    """Return the GOP of ``profile``, encoding it on first use (once per process)."""
    with _gop_lock:
        gop = _gops.get(profile)
        if gop is None:
            gop = _encode_gop(profile)
            _gops[profile] = gop
            _LOGGER.debug(
                "Encoded the %s GOP: %d frames, %d bytes", profile.name, len(gop.payloads), gop.size
            )
        return gop


def _require_aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got {value!r}")
    return value.astimezone(UTC)


def _microseconds(delta: timedelta) -> int:
    return delta // timedelta(microseconds=1)


def format_creation_time(value: datetime) -> str:
    """Format ``value`` as Matroska/FFmpeg's ``creation_time``: ``2026-11-20T10:00:02.000000Z``."""
    return _require_aware(value, "value").strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _stamp(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S%fZ")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text)[:40]


class MediaLibrary:
    """Build (once) and cache the export files of the simulated camera.

    ``build_export`` and ``build_zip`` block (encoding, disk writes): run them in an executor.
    Both are thread-safe and build each cached file once.
    """

    def __init__(self, cache_dir: Path, profile: MediaProfile | None = None) -> None:
        self.cache_dir = Path(cache_dir)
        self.profile: MediaProfile = (
            profile if profile is not None else get_profile(DEFAULT_PROFILE)
        )
        self._stats_lock = threading.Lock()
        self.builds = 0  # exports actually muxed (not served from the cache)
        self.zip_builds = 0  # archives actually written

    # -- timing ------------------------------------------------------------------------------

    def align_to_keyframe(self, recording_start: datetime, t: datetime) -> datetime:
        """Floor ``t`` to the key frame grid counted from ``recording_start``.

        Key frames fall every ``gop_seconds`` from the recording's start; the result is never
        before ``recording_start``. Both arguments must be timezone-aware; the result is UTC.
        """
        origin = _require_aware(recording_start, "recording_start")
        offset = _microseconds(_require_aware(t, "t") - origin)
        if offset <= 0:
            return origin
        gop_us = self.profile.gop_us
        return origin + timedelta(microseconds=offset // gop_us * gop_us)

    def frame_count(self, duration_s: float) -> int:
        """Frames of an export lasting ``duration_s``: up to the frame where the stop falls."""
        duration_us = max(0, round(duration_s * US_PER_S))
        return max(1, -(-duration_us * self.profile.fps // US_PER_S))

    def estimated_size_kb(self, duration_s: float) -> int:
        """Estimate the size in kilobytes (1024 bytes) of an export lasting ``duration_s``.

        Exact (to the Matroska overhead) once the GOP is encoded in this process (after a first
        export or :meth:`warm_up`), from the profile's nominal rate before that. Never blocks.
        """
        frames = self.frame_count(duration_s)
        gop = _gops.get(self.profile)
        if gop is None:
            payload = round(frames / self.profile.fps * self.profile.nominal_bytes_per_second)
        else:
            per_gop = len(gop.payloads)
            full, rest = divmod(frames, per_gop)
            payload = full * gop.size + sum(len(p) for p in gop.payloads[:rest])
        size = payload + _MKV_HEADER_BYTES + frames * _MKV_BYTES_PER_FRAME
        return max(1, -(-size // 1024))

    def warm_up(self) -> None:
        """Encode the profile's GOP now (BLOCKING), so that the first export is immediate."""
        _gop(self.profile)

    # -- exports -----------------------------------------------------------------------------

    def export_path(self, *, key: str, start: datetime, stop: datetime) -> Path:
        """Return where the export of ``key`` over ``[start, stop)`` is (or will be) cached."""
        start = _require_aware(start, "start")
        stop = _require_aware(stop, "stop")
        name = (
            f"{self.profile.name}_{_safe(key)}_{_stamp(start)}_{_stamp(stop)}_"
            f"{_digest(self.profile.cache_tag, key, start.isoformat(), stop.isoformat())}.mkv"
        )
        return self.cache_dir / "exports" / name

    def build_export(
        self,
        *,
        key: str,
        start: datetime,
        stop: datetime,
        recording_start: datetime | None = None,
    ) -> Path:
        """Return the path of an MKV covering ``[start, stop)``, building it if needed (BLOCKING).

        Args:
            key: Identifies the recording (e.g. its id); part of the cache key.
            start: The proper start time, a key frame. With ``recording_start`` it is floored to
                the key frame grid; without, the file's first key frame is ``start`` itself.
            stop: End of the export; the last frame is the one in which ``stop`` falls. A stop
                at the start gives a single frame.
            recording_start: Optional start of the recording, origin of the key frame grid.

        Raises:
            ValueError: Naive datetimes, or ``stop`` before ``start``.
        """
        start = _require_aware(start, "start")
        stop = _require_aware(stop, "stop")
        if recording_start is not None:
            start = self.align_to_keyframe(recording_start, start)
        if stop < start:
            raise ValueError(f"stop {stop.isoformat()} is before start {start.isoformat()}")
        path = self.export_path(key=key, start=start, stop=stop)
        if path.is_file():
            return path
        with self._lock_for(str(path)):
            if path.is_file():
                return path
            frames = self.frame_count((stop - start).total_seconds())
            self._write_atomically(path, lambda tmp: self._mux(tmp, start=start, frames=frames))
            with self._stats_lock:
                self.builds += 1
            _LOGGER.debug("Built export %s (%d frames)", path.name, frames)
        return path

    def _mux(self, target: Path, *, start: datetime, frames: int) -> None:
        """Write ``frames`` frames of the repeated GOP to ``target`` as Matroska."""
        gop = _gop(self.profile)
        time_base = Fraction(1, self.profile.fps)
        with (
            av.open(io.BytesIO(gop.template_mkv), "r") as template,
            av.open(str(target), "w", format="matroska") as out,
        ):
            out.metadata["creation_time"] = format_creation_time(start)
            source = template.streams.video[0]
            # PyAV 14+ names it add_stream_from_template; 13 (Home Assistant 2025.4) takes
            # the template as a keyword of add_stream, and its stream's time base is the
            # muxer's to choose (Matroska's 1/1000; packets are rescaled from theirs).
            if hasattr(out, "add_stream_from_template"):
                stream = out.add_stream_from_template(source)
                stream.time_base = time_base
            else:  # PyAV 13
                stream = out.add_stream(template=source)
            packets: list[av.Packet[Stream]] = []
            for payload, keyframe in zip(gop.payloads, gop.keyframes, strict=True):
                packet = av.Packet(payload)
                packet.is_keyframe = keyframe
                packet.stream = stream
                packets.append(packet)
            per_gop = len(packets)
            for index in range(frames):
                # The muxer only takes a new reference to the payload: reuse the packets.
                packet = packets[index % per_gop]
                packet.time_base = time_base
                packet.pts = index
                packet.dts = index
                packet.duration = 1
                out.mux_one(packet)

    # -- zip ---------------------------------------------------------------------------------

    def build_zip(self, mkv: Path, *, password: str, inner_name: str) -> Path:
        """Return an AES-256 ZIP archive holding ``mkv`` as ``inner_name`` (BLOCKING, cached).

        The cache key is the MKV (path, size and modification time), ``inner_name`` and a
        SHA-256 of the password (the password itself is never stored).
        """
        info = mkv.stat()
        password_sha = hashlib.sha256(password.encode()).hexdigest()
        digest = _digest(
            str(mkv.resolve()), str(info.st_size), str(info.st_mtime_ns), inner_name, password_sha
        )
        path = self.cache_dir / "zips" / f"{_safe(mkv.stem)}_{digest}.zip"
        if path.is_file():
            return path
        with self._lock_for(str(path)):
            if path.is_file():
                return path

            def write(tmp: Path) -> None:
                with pyzipper.AESZipFile(
                    tmp, "w", compression=pyzipper.ZIP_STORED, encryption=pyzipper.WZ_AES
                ) as archive:
                    archive.setpassword(password.encode())
                    archive.setencryption(pyzipper.WZ_AES, nbits=256)
                    archive.write(mkv, arcname=inner_name)

            self._write_atomically(path, write)
            with self._stats_lock:
                self.zip_builds += 1
        return path

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _lock_for(cache_key: str) -> threading.Lock:
        with _file_locks_guard:
            lock = _file_locks.get(cache_key)
            if lock is None:
                lock = _file_locks[cache_key] = threading.Lock()
            return lock

    @staticmethod
    def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            write(tmp)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
