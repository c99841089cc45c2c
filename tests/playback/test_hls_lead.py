"""The playlist opens with short segments when the camera's key frames fit them, not otherwise."""

from __future__ import annotations

import io
import itertools
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import av
import pytest
from homeassistant.core import HomeAssistant

from simulator import Simulator
from simulator.media_profiles import PROFILES, MediaProfile

from ..conftest import StartSim
from .conftest import FRAME, GOP, Hour, fetch_playlist, set_up

PROPERTIES = "/axis-cgi/record/export/properties.cgi"
EXPORT = "/axis-cgi/record/export/exportrecording.cgi"
#: A camera with a key frame every 5 s (longer than the 2 s and 4 s lead, within 6 s).
LONG_GOP = MediaProfile("long-gop", 320, 180, 10, gop_seconds=5.0)

ClientMaker = Any


@pytest.fixture
async def long_gop(
    start_sim: StartSim, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Simulator]:
    """A camera whose GOP is 5 s."""
    monkeypatch.setitem(PROFILES, LONG_GOP.name, LONG_GOP)
    async with start_sim(media_profile=LONG_GOP.name) as simulator:
        yield simulator


async def _playlist(hass: HomeAssistant, hour: Hour, client: Any) -> tuple[list[float], list[str]]:
    """The playlist's nominal durations and its segments' URLs."""
    text, urls = await fetch_playlist(hass, hour, client)
    lines = text.splitlines()
    return [float(line[8:].rstrip(",")) for line in lines if line.startswith("#EXTINF:")], urls


async def _video(client: Any, url: str) -> list[tuple[int, bool]]:
    """A segment's video packets: (pts, key frame)."""
    response = await client.get(url)
    assert response.status == 200
    with av.open(io.BytesIO(await response.read())) as container:
        stream = container.streams.video[0]
        return sorted((p.pts, p.is_keyframe) for p in container.demux(stream) if p.pts is not None)


def _continuous(segments: list[list[tuple[int, bool]]]) -> bool:
    pts = [p for segment in segments for p, _ in segment]
    tick = FRAME.total_seconds() * 90_000
    return all(0 < b - a <= tick + 1 for a, b in itertools.pairwise(pts))


async def test_the_first_segment_is_one_gop(
    hass: HomeAssistant, hour: Hour, sim: Simulator, hass_client_no_auth: ClientMaker
) -> None:
    client = await hass_client_no_auth()
    durations, urls = await _playlist(hass, hour, client)
    assert durations[:3] == [2.0, 4.0, 6.0]
    assert sum(durations) == pytest.approx(3600)
    # The playlist asked the key frames of the lead's bounds; its segments ask nothing more.
    assert sim.request_log.paths() == [PROPERTIES] * 3
    segments = [await _video(client, url) for url in urls[:3]]
    assert sim.request_log.paths().count(PROPERTIES) == 4  # segment 2's end
    first = segments[0]
    # One GOP: a key frame, then its P frames; the next segment starts at the next key frame.
    assert [key for _, key in first] == [True] + [False] * (round(GOP / FRAME) - 1)
    assert all(segment[0][1] for segment in segments)
    assert _continuous(segments)


async def test_a_gop_longer_than_the_lead_keeps_6_s_segments(
    hass: HomeAssistant, long_gop: Simulator, hass_client_no_auth: ClientMaker
) -> None:
    hour = await set_up(hass, long_gop)
    client = await hass_client_no_auth()
    durations, urls = await _playlist(hass, hour, client)
    assert set(durations) == {6.0}
    assert len(urls) == 600
    segments = [await _video(client, url) for url in urls[:4]]
    assert all(segment and segment[0][1] for segment in segments)
    assert _continuous(segments)
    assert long_gop.request_log.paths().count(EXPORT) == 4


async def test_a_short_range_has_no_lead(
    hass: HomeAssistant, hour: Hour, sim: Simulator, hass_client_no_auth: ClientMaker
) -> None:
    hour.end = hour.start + timedelta(seconds=10)
    client = await hass_client_no_auth()
    durations, urls = await _playlist(hass, hour, client)
    assert durations == [6.0, 4.0]
    assert sim.request_log.paths() == []
    assert _continuous([await _video(client, url) for url in urls])
