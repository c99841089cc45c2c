"""estimate_packets: an upper count of a file's packets from its header, or None."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from custom_components.axis_edge_storage.media.remux import estimate_packets

from .makers import make_video


def _packets(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for packet in container.demux() if packet.size)


@pytest.mark.parametrize("fixture", ["mkv", "mkv_aac", "mp4_front"])
def test_the_estimate_is_a_little_above_the_count(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    path: Path = request.getfixturevalue(fixture)
    estimate = estimate_packets(path)
    assert estimate is not None
    actual = _packets(path)
    assert actual <= estimate <= actual * 1.2 + 20


def test_no_estimate_without_video_or_from_garbage(tmp_path: Path) -> None:
    sound = make_video(tmp_path / "sound.mkv", video=False, audio="aac")
    assert estimate_packets(sound) is None
    garbage = tmp_path / "garbage.mkv"
    garbage.write_bytes(b"\x1a\x45\xdf\xa3 not a matroska at all")
    assert estimate_packets(garbage) is None


def test_no_estimate_without_a_rate(mkv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A header without a frame rate gives no estimate (the remux then moves the data)."""
    original = av.open

    class _NoRate:
        def __init__(self, container: object) -> None:
            self._container = container

        def __getattr__(self, name: str) -> object:
            return getattr(self._container, name)

        def __enter__(self) -> _NoRate:
            return self

        def __exit__(self, *_exc: object) -> None:
            self._container.close()  # type: ignore[attr-defined]

        @property
        def streams(self) -> object:
            streams = self._container.streams  # type: ignore[attr-defined]

            class _Video:
                average_rate = None
                guessed_rate = None

            class _Streams:
                video = (_Video(),)
                audio = streams.audio

            return _Streams()

    monkeypatch.setattr(av, "open", lambda *a, **k: _NoRate(original(*a, **k)))
    assert estimate_packets(mkv) is None
