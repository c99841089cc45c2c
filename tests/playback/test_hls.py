"""HLS playback against the simulator, fetched as a player does: no session, URLs as given."""

from __future__ import annotations

import io
import itertools
import time
from datetime import timedelta
from typing import Any

import av
from homeassistant.core import HomeAssistant
from yarl import URL

from custom_components.axis_edge_storage.playback.cache import SegmentCache
from custom_components.axis_edge_storage.playback.playlist import EPOCH_LEAD
from custom_components.axis_edge_storage.playback.urls import (
    MIME_TYPE,
    SEGMENT_MIME_TYPE,
    async_playlist_url,
)
from simulator import Simulator

from .conftest import FRAME, GOP, Hour, set_up

EXPORT = "/axis-cgi/record/export/exportrecording.cgi"
PROPERTIES = "/axis-cgi/record/export/properties.cgi"

ClientMaker = Any


async def _playlist(hass: HomeAssistant, hour: Hour, client: Any) -> tuple[str, list[str]]:
    url = await async_playlist_url(
        hass, hour.entry_id, hour.disk_id, hour.recording_id, hour.start, hour.end
    )
    response = await client.get(url)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith(MIME_TYPE)
    text = await response.text()
    segments = [line for line in text.splitlines() if line and not line.startswith("#")]
    return url, segments


def _segment_url(playlist: str, name: str) -> str:
    return str(URL(playlist).join(URL(name)))


def _video(data: bytes) -> list[int]:
    with av.open(io.BytesIO(data)) as container:
        assert container.format.name == "mpegts"
        stream = container.streams.video[0]
        return [p.pts for p in container.demux(stream) if p.pts is not None]


async def test_an_hour_plays_on_without_gaps(
    hass: HomeAssistant,
    hour: Hour,
    sim: Simulator,
    cache: SegmentCache,
    hass_client_no_auth: ClientMaker,
) -> None:
    client = await hass_client_no_auth()
    url, names = await _playlist(hass, hour, client)
    # The short lead (2 s, then 4 s) stands for the first nominal 6 s segment: 2 + 599 = 601.
    assert len(names) == 601
    pts: list[int] = []
    for name in names:
        response = await client.get(_segment_url(url, name))
        assert response.status == 200, name
        assert response.headers["Content-Type"] == SEGMENT_MIME_TYPE
        found = _video(await response.read())
        assert found, name
        pts += found
    # Camera requests: one export and one properties.cgi per segment (10 of each a minute);
    # the playlist asked the lead's three key frames, which its two segments used again.
    assert sim.request_log.paths().count(EXPORT) == len(names)
    assert sim.request_log.paths().count(PROPERTIES) == len(names)
    tick = FRAME.total_seconds() * 90_000
    steps = {b - a for a, b in itertools.pairwise(pts)}
    assert all(0 < step <= tick + 1 for step in steps), steps
    first = timedelta(seconds=pts[0] / 90_000) - EPOCH_LEAD  # from the hour's start
    last = timedelta(seconds=pts[-1] / 90_000) - EPOCH_LEAD
    assert -GOP <= first <= timedelta(0)
    assert hour.end - hour.start - GOP <= last <= hour.end - hour.start


async def test_seeking_costs_that_segment_only(
    hass: HomeAssistant,
    hour: Hour,
    sim: Simulator,
    cache: SegmentCache,
    hass_client_no_auth: ClientMaker,
) -> None:
    """Prefetch off: the segment at minute 37 costs its own requests only."""
    client = await hass_client_no_auth()
    url, names = await _playlist(hass, hour, client)
    # The playlist asks the key frames of its lead (2 s and 4 s segments) and nothing else.
    assert sim.request_log.paths() == [PROPERTIES] * 3
    sim.request_log.clear()
    index = 37 * 60 // 6 + 1  # the lead's two segments cover the first 6 s
    response = await client.get(_segment_url(url, names[index]))
    assert response.status == 200
    paths = sim.request_log.paths()
    assert sorted(paths) == [EXPORT, PROPERTIES, PROPERTIES]
    export = next(r for r in sim.request_log if r.path == EXPORT)
    first = _video(await response.read())[0] / 90_000 - EPOCH_LEAD.total_seconds()
    assert abs(first - 37 * 60) <= GOP.total_seconds()
    assert export.query["starttime"] <= export.query["stoptime"]


async def test_a_segment_fetched_again_comes_from_the_cache(
    hass: HomeAssistant,
    hour: Hour,
    sim: Simulator,
    cache: SegmentCache,
    hass_client_no_auth: ClientMaker,
) -> None:
    client = await hass_client_no_auth()
    url, names = await _playlist(hass, hour, client)
    first = await (await client.get(_segment_url(url, names[3]))).read()
    count = len(sim.request_log)
    # A playlist resolved again (a new expiry) finds the same segments.
    url, names = await _playlist(hass, hour, client)
    again = await (await client.get(_segment_url(url, names[3]))).read()
    assert again == first
    assert len(sim.request_log) == count


async def test_prefetch_makes_the_next_segments(
    hass: HomeAssistant,
    hour: Hour,
    sim: Simulator,
    cache: SegmentCache,
    hass_client_no_auth: ClientMaker,
) -> None:
    cache.prefetch = 2
    client = await hass_client_no_auth()
    url, names = await _playlist(hass, hour, client)
    assert (await client.get(_segment_url(url, names[10]))).status == 200
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sim.request_log.paths().count(EXPORT) == 3
    for name in names[11:13]:
        assert (await client.get(_segment_url(url, name))).status == 200
    await hass.async_block_till_done(wait_background_tasks=True)
    # 11 and 12 came from the cache; serving them prefetched 13 and 14.
    assert sim.request_log.paths().count(EXPORT) == 5


async def test_first_segment_time_at_100_mbit(
    hass: HomeAssistant, paced: Simulator, hass_client_no_auth: ClientMaker
) -> None:
    """Measured (printed), bounded loosely: a playlist's request to its first segment's bytes.

    The first is the simulator's first export too (it encodes its GOP once per process).
    """
    hour = await set_up(hass, paced)
    client = await hass_client_no_auth()
    for attempt in range(3):
        hour.start += timedelta(minutes=attempt)
        began = time.perf_counter()
        url, names = await _playlist(hass, hour, client)
        response = await client.get(_segment_url(url, names[0]))
        await response.content.readexactly(188)
        elapsed = time.perf_counter() - began
        print(f"playlist to first segment bytes at 100 Mbit/s: {elapsed * 1000:.0f} ms")  # noqa: T201
        assert elapsed < 5
        await response.read()
