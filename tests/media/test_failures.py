"""Failures in the middle: a demuxer that stops, a muxer that refuses, odd packets."""

from __future__ import annotations

import errno
import importlib
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace, TracebackType
from typing import Any

import av
import pytest

from custom_components.axis_edge_storage.media import (
    MediaError,
    MediaProblem,
    probe,
    remux_to_mp4,
    write_thumbnail,
)

from .makers import START, cut

probe_module = importlib.import_module("custom_components.axis_edge_storage.media.probe")
remux_module = importlib.import_module("custom_components.axis_edge_storage.media.remux")
thumbnail_module = importlib.import_module("custom_components.axis_edge_storage.media.thumbnail")


class _Doctored:
    """A PyAV input container whose demux stops with an error after ``after`` packets, or
    yields its packets through ``change``."""

    def __init__(self, container: Any, after: int | None, change: Any = None) -> None:
        self._container = container
        self._after = after
        self._change = change

    def __getattr__(self, name: str) -> Any:
        return getattr(self._container, name)

    def __enter__(self) -> _Doctored:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._container.close()

    def demux(self, *args: Any) -> Iterator[Any]:
        for index, packet in enumerate(self._container.demux(*args)):
            if index == self._after:
                raise av.error.InvalidDataError(errno.EIO, "Invalid data")
            yield self._change(index, packet) if self._change else packet


def _doctor(
    monkeypatch: pytest.MonkeyPatch, module: Any, after: int | None, change: Any = None
) -> None:
    real = probe_module.open_input
    monkeypatch.setattr(module, "open_input", lambda *args: _Doctored(real(*args), after, change))


@pytest.mark.parametrize(("after", "problem"), [(0, "unreadable"), (5, "truncated")])
def test_probe_demux_error(
    mkv: Path, monkeypatch: pytest.MonkeyPatch, after: int, problem: str
) -> None:
    _doctor(monkeypatch, probe_module, after)
    with pytest.raises(MediaError) as caught:
        probe(mkv)
    assert caught.value.problem == problem


@pytest.mark.parametrize(("after", "problem"), [(0, "unreadable"), (5, "truncated")])
def test_remux_demux_error(
    mkv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: int, problem: str
) -> None:
    _doctor(monkeypatch, remux_module, after)
    with pytest.raises(MediaError) as caught:
        remux_to_mp4(mkv, tmp_path / "clip.mp4")
    assert caught.value.problem == problem
    assert list(tmp_path.iterdir()) == []


def test_thumbnail_demux_error(mkv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _doctor(monkeypatch, thumbnail_module, 0)
    with pytest.raises(MediaError) as caught:
        write_thumbnail(mkv, tmp_path / "clip.jpg")
    assert caught.value.problem is MediaProblem.UNREADABLE
    assert list(tmp_path.iterdir()) == []


def test_no_video_packet_at_all(mkv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A video stream without a single packet is unreadable (probe, remux, thumbnail)."""
    for module in (probe_module, remux_module, thumbnail_module):
        _doctor(monkeypatch, module, None, lambda index, packet: av.Packet())
    for call in (
        lambda: probe(mkv),
        lambda: remux_to_mp4(mkv, tmp_path / "clip.mp4"),
        lambda: write_thumbnail(mkv, tmp_path / "clip.jpg"),
    ):
        with pytest.raises(MediaError) as caught:
            call()
        assert caught.value.problem is MediaProblem.UNREADABLE
    assert list(tmp_path.iterdir()) == []


def test_packets_without_pts_use_dts(mkv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def drop_pts(index: int, packet: Any) -> Any:
        packet.pts = None
        return packet

    _doctor(monkeypatch, probe_module, None, drop_pts)
    span = probe(mkv)
    assert span.first == START
    assert span.frames == 40


def test_muxer_refusing_a_packet(
    mkv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timestamps going backwards: the mp4 muxer refuses; nothing is left."""

    def backwards(index: int, packet: Any) -> Any:
        if index == 3:
            packet.pts = packet.dts = 0
        return packet

    _doctor(monkeypatch, remux_module, None, backwards)
    with pytest.raises(MediaError) as caught:
        remux_to_mp4(mkv, tmp_path / "clip.mp4")
    assert caught.value.problem is MediaProblem.UNREADABLE
    assert list(tmp_path.iterdir()) == []


def test_muxer_errors() -> None:
    disk_full = av.error.OSError(errno.ENOSPC, "No space left on device")
    assert remux_module._muxer_error(disk_full) is disk_full
    refused = remux_module._muxer_error(av.error.ValueError(errno.EINVAL, "Invalid argument"))
    assert isinstance(refused, MediaError)
    assert refused.problem is MediaProblem.UNREADABLE


def test_muxer_failing_at_its_end(
    mkv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed trailer with the rewrite method (nothing to fall back to) is an error."""
    real = remux_module._copy

    def failing(container: Any, target: Path, creation_time: str, options: Any) -> None:
        real(container, target, creation_time, options)
        raise remux_module._MuxerRefusedError(av.error.ValueError(errno.EINVAL, "Invalid"))

    monkeypatch.setattr(remux_module, "_copy", failing)
    with pytest.raises(MediaError):
        remux_to_mp4(mkv, tmp_path / "clip.mp4")
    assert list(tmp_path.iterdir()) == []


def test_damaged_packet_in_remux(
    mp4_front: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FFmpeg's flag on a packet read short (a cut MP4 whose structure was not checked)."""
    source = cut(mp4_front, tmp_path / "cut.mp4")
    monkeypatch.setattr(remux_module, "is_cut", lambda reader, kind: False)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(MediaError) as caught:
        remux_to_mp4(source, out / "clip.mp4")
    assert caught.value.problem is MediaProblem.TRUNCATED
    assert list(out.iterdir()) == []


def test_count_packets_of_a_broken_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mkv"
    junk.write_bytes(b"junk" * 100)
    assert remux_module._count_packets(junk) == 0


def test_frame_ticks() -> None:
    stream = SimpleNamespace(
        average_rate=None, guessed_rate=None, base_rate=None, time_base=Fraction(1, 1000)
    )
    assert probe_module._frame_ticks(stream) == 0
    stream.guessed_rate = Fraction(25)
    assert probe_module._frame_ticks(stream) == 40
