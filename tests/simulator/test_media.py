"""Tests of the simulator's media: exports are real Matroska files, cached and built fast."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import av
import pytest
import pyzipper

from simulator.media import MediaLibrary
from simulator.media_profiles import MediaProfile, get_profile

if TYPE_CHECKING:
    from collections.abc import Callable

_LOGGER = logging.getLogger(__name__)

RECORDING_START = datetime(2026, 11, 20, 10, 0, 0, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return RECORDING_START + timedelta(seconds=seconds)


def _creation_time(container: av.container.InputContainer) -> datetime:
    return datetime.strptime(container.metadata["creation_time"], "%Y-%m-%dT%H:%M:%S.%f%z")


@pytest.fixture
def library(tmp_path: Path) -> MediaLibrary:
    return MediaLibrary(tmp_path / "media")


def test_profiles() -> None:
    light = get_profile("light")
    heavy = get_profile("heavy")
    assert (light.gop_seconds, heavy.gop_seconds) == (2.0, 2.0)
    assert light.width * light.height < heavy.width * heavy.height
    assert heavy.nominal_bytes_per_second * 8 >= 20_000_000
    assert MediaLibrary(Path("unused")).profile == light
    with pytest.raises(ValueError, match="unknown media profile"):
        get_profile("nope")
    with pytest.raises(ValueError, match="whole number"):
        MediaProfile(name="bad", width=320, height=180, fps=10, gop_seconds=0.25)


def test_align_to_keyframe(library: MediaLibrary) -> None:
    align = library.align_to_keyframe
    assert align(RECORDING_START, _at(3.3)) == _at(2)
    assert align(RECORDING_START, _at(4)) == _at(4)
    assert align(RECORDING_START, _at(5.999999)) == _at(4)
    assert align(RECORDING_START, _at(0)) == RECORDING_START
    assert align(RECORDING_START, _at(-10)) == RECORDING_START
    # The grid is counted from the recording's start, not from the epoch.
    odd_start = RECORDING_START + timedelta(seconds=1, microseconds=250_000)
    assert align(odd_start, odd_start + timedelta(seconds=7)) == odd_start + timedelta(seconds=6)
    # Other time zones are accepted, the result is UTC.
    cet = datetime(2026, 11, 20, 11, 0, 3, tzinfo=UTC).astimezone()
    assert align(RECORDING_START, cet) == _at(3600 + 2)
    assert align(RECORDING_START, cet).tzinfo == UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        align(RECORDING_START, datetime(2026, 11, 20, 10, 0, 3))


def test_export_is_playable_matroska(library: MediaLibrary) -> None:
    start = library.align_to_keyframe(RECORDING_START, _at(3.3))
    stop = _at(9.05)  # falls inside a frame of the fourth GOP
    path = library.build_export(key="rec-1", start=start, stop=stop)
    assert path.suffix == ".mkv"
    profile = library.profile
    with av.open(str(path)) as container:
        assert container.format.name.startswith("matroska")
        assert _creation_time(container) == start == _at(2)
        assert container.metadata["creation_time"] == "2026-11-20T10:00:02.000000Z"
        expected = (stop - start).total_seconds()
        assert container.duration is not None
        assert abs(container.duration / 1e6 - expected) <= 1 / profile.fps
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.width, stream.height) == (profile.width, profile.height)
        packets = [packet for packet in container.demux(stream) if packet.size]
        assert packets[0].pts == 0
        assert packets[0].is_keyframe
        assert packets[0].time_base is not None
        step = 1 / profile.fps / packets[0].time_base  # ticks per frame
        gop_ticks = round(profile.gop_seconds / packets[0].time_base)
        assert all(p.pts == round(i * step) and p.dts == p.pts for i, p in enumerate(packets))
        assert [p.pts for p in packets if p.is_keyframe] == [k * gop_ticks for k in range(4)]
        assert len(packets) == 71  # 7.05 s at 10 fps, the last frame holding the stop time
        container.seek(0)
        frames = list(container.decode(stream))
    assert len(frames) == len(packets)
    assert frames[0].key_frame
    # Frames differ over time (a moving bar) and the GOP repeats.
    first, second, third = (frames[i].to_ndarray() for i in (0, 1, profile.gop_frames))
    assert (first != second).any()
    assert (abs(first.astype(int) - third.astype(int)) <= 8).all()


def test_start_is_aligned_defensively(library: MediaLibrary) -> None:
    path = library.build_export(
        key="rec-1", start=_at(5.5), stop=_at(8), recording_start=RECORDING_START
    )
    assert path == library.build_export(key="rec-1", start=_at(4), stop=_at(8))
    assert library.builds == 1
    with av.open(str(path)) as container:
        assert _creation_time(container) == _at(4)
        assert container.duration is not None
        assert container.duration / 1e6 == pytest.approx(4.0)


def test_microsecond_start_and_short_exports(library: MediaLibrary) -> None:
    start = RECORDING_START + timedelta(microseconds=123_456)
    path = library.build_export(key="rec-2", start=start, stop=start)
    with av.open(str(path)) as container:
        assert container.metadata["creation_time"] == "2026-11-20T10:00:00.123456Z"
        packets = [packet for packet in container.demux(video=0) if packet.size]
    assert len(packets) == 1
    assert packets[0].is_keyframe
    with pytest.raises(ValueError, match="before start"):
        library.build_export(key="rec-2", start=_at(4), stop=_at(3))
    with pytest.raises(ValueError, match="timezone-aware"):
        library.build_export(key="rec-2", start=datetime(2026, 1, 1), stop=_at(3))


def test_ten_minute_export_is_fast_and_cached(
    library: MediaLibrary, record_property: Callable[[str, object], None]
) -> None:
    library.warm_up()
    start, stop = _at(0), _at(600)
    began = time.perf_counter()
    path = library.build_export(key="long", start=start, stop=stop)
    elapsed = time.perf_counter() - began
    size = path.stat().st_size
    record_property("ten_minute_export_seconds", round(elapsed, 4))
    _LOGGER.warning("10-minute %s export: %d bytes in %.3f s", library.profile.name, size, elapsed)
    with av.open(str(path)) as container:
        assert container.duration is not None
        assert container.duration / 1e6 == pytest.approx(600.0)
        keyframes = [p.pts for p in container.demux(video=0) if p.size and p.is_keyframe]
    assert keyframes == [i * 2000 for i in range(300)]
    # The estimate is close to the real size.
    assert abs(library.estimated_size_kb(600) * 1024 - size) < 0.02 * size
    # A second call is a cache hit: same file, not rewritten.
    mtime = path.stat().st_mtime_ns
    again = MediaLibrary(library.cache_dir, library.profile)
    assert again.build_export(key="long", start=start, stop=stop) == path
    assert library.build_export(key="long", start=start, stop=stop) == path
    assert (library.builds, again.builds) == (1, 0)
    assert path.stat().st_mtime_ns == mtime
    # Other keys, ranges and profiles are other files.
    assert library.build_export(key="other", start=start, stop=stop) != path
    assert library.build_export(key="long", start=start, stop=_at(10)) != path
    assert library.builds == 3


def test_estimated_size_before_encoding(tmp_path: Path) -> None:
    profile = MediaProfile(
        name="fresh", width=64, height=36, fps=5, nominal_bytes_per_second=10_240
    )
    library = MediaLibrary(tmp_path, profile)
    assert library.estimated_size_kb(100) == pytest.approx(1000, rel=0.05)
    assert library.estimated_size_kb(0) >= 1


def test_concurrent_builds_build_once(library: MediaLibrary) -> None:
    barrier = threading.Barrier(8)

    def build(_: int) -> Path:
        barrier.wait()
        return library.build_export(key="shared", start=_at(0), stop=_at(30))

    with ThreadPoolExecutor(max_workers=8) as pool:
        paths = set(pool.map(build, range(8)))
    assert len(paths) == 1
    assert library.builds == 1
    leftovers = [p.name for p in paths.pop().parent.iterdir() if p.suffix == ".tmp"]
    assert leftovers == []


def test_zip_is_aes_256_and_cached(library: MediaLibrary) -> None:
    mkv = library.build_export(key="rec-3", start=_at(0), stop=_at(5))
    archive = library.build_zip(mkv, password="s3cret", inner_name="20261120_100000.mkv")
    assert archive.suffix == ".zip"
    with pyzipper.AESZipFile(archive) as zipped:
        info = zipped.getinfo("20261120_100000.mkv")
        assert info.flag_bits & 0x1  # encrypted
        assert info.wz_aes_strength == 3  # 256-bit
        zipped.setpassword(b"wrong")
        with pytest.raises(RuntimeError, match="Bad password"):
            zipped.read("20261120_100000.mkv")
        zipped.setpassword(b"s3cret")
        assert zipped.read("20261120_100000.mkv") == mkv.read_bytes()
    assert b"s3cret" not in archive.read_bytes()
    assert library.build_zip(mkv, password="s3cret", inner_name="20261120_100000.mkv") == archive
    assert library.zip_builds == 1
    other = library.build_zip(mkv, password="other", inner_name="20261120_100000.mkv")
    assert other != archive
    assert library.zip_builds == 2


def test_heavy_profile_rate() -> None:
    """The benchmark profile must be >= 20 Mbit/s (a 1 GiB export from <= ~7 min)."""
    library = MediaLibrary(Path("unused"), get_profile("heavy"))
    library.warm_up()  # encodes one GOP, about a second
    per_second = library.estimated_size_kb(60) * 1024 / 60
    _LOGGER.warning("heavy profile: %.1f Mbit/s", per_second * 8 / 1e6)
    assert per_second * 8 >= 20_000_000
    assert 2**30 / per_second <= 7 * 60
