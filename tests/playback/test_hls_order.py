"""The camera's exports follow the player: an aborted request, a seek, the segment waited for.

Against a simulator whose exports answer after `LATENCY` (a camera finding the recording) and
are paced like a link (streamed, not sent with sendfile), so that an export lasts seconds; what
the camera sent is read from its request log (an export whose client went away fails when it
writes: not 200).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant

from custom_components.axis_edge_storage.playback import segments
from custom_components.axis_edge_storage.playback.cache import SegmentCache
from custom_components.axis_edge_storage.playback.exports import CameraExports
from custom_components.axis_edge_storage.playback.playlist import Layout
from custom_components.axis_edge_storage.playback.urls import PlaybackClaims
from simulator import RequestRecord, Simulator

from ..conftest import StartSim
from .conftest import GOP, Hour, fetch_playlist, set_up

EXPORT = "/axis-cgi/record/export/exportrecording.cgi"
LATENCY = 2.0
real_remux = segments._remux

ClientMaker = Any


@pytest.fixture
async def slow(start_sim: StartSim) -> AsyncIterator[Simulator]:
    """A camera whose exports answer after `LATENCY`, their bodies paced like a 1 Mbit/s link."""
    async with start_sim(bandwidth_mbit=1) as simulator:
        simulator.faults.add("latency", path=EXPORT, seconds=LATENCY)
        yield simulator


async def _until(test: Callable[[], bool], seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not test():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


@dataclass
class Playing:
    """A player's hour of the slow camera: its client, segment URLs and the camera's exports."""

    hour: Hour
    client: Any
    urls: list[str]
    exports: CameraExports


@pytest.fixture
async def playing(
    hass: HomeAssistant, slow: Simulator, cache: SegmentCache, hass_client_no_auth: ClientMaker
) -> Playing:
    """The integration on the slow camera, an hour's playlist fetched (its requests forgotten)."""
    hour = await set_up(hass, slow)
    client = await hass_client_no_auth()
    _, urls = await fetch_playlist(hass, hour, client)
    slow.request_log.clear()
    return Playing(hour, client, urls, cache.exports(hour.entry_id))


def _exports(sim: Simulator) -> list[RequestRecord]:
    return [r for r in sim.request_log if r.path == EXPORT]


def _segment_of(hour: Hour, record: RequestRecord) -> int:
    """The index of the segment an export was for (its start is that segment's key frame)."""
    layout = Layout(
        PlaybackClaims(hour.entry_id, hour.disk_id, hour.recording_id, hour.start, hour.end, 0),
        lead=True,
    )
    start = datetime.fromisoformat(record.query["starttime"].replace("Z", "+00:00"))
    return next(
        index
        for index in range(layout.count())
        if layout.nominal_start(index) - GOP < start <= layout.nominal_start(index)
    )


async def test_an_aborted_request_stops_its_export(
    slow: Simulator, cache: SegmentCache, playing: Playing
) -> None:
    hour, client, urls, exports = playing.hour, playing.client, playing.urls, playing.exports
    request = asyncio.create_task(client.get(urls[20]))
    await _until(lambda: any(job.index == 20 for job in exports.running))
    await asyncio.sleep(0.5)  # the export asked, its answer delayed
    assert not _exports(slow)  # not finished
    request.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await request
    await _until(lambda: not exports.running)
    # The camera's export ended when its connection closed: not sent whole.
    await _until(lambda: bool(_exports(slow)))
    (record,) = _exports(slow)
    assert record.status != 200
    assert _segment_of(hour, record) == 20
    await asyncio.sleep(0.5)
    assert list(cache.folder.iterdir()) == []  # nothing kept, no working file left
    assert len(_exports(slow)) == 1


async def test_a_seek_drops_the_prefetches_it_made_stale(
    hass: HomeAssistant, slow: Simulator, cache: SegmentCache, playing: Playing
) -> None:
    hour, client, urls, exports = playing.hour, playing.client, playing.urls, playing.exports
    cache.prefetch = 3
    assert (await client.get(urls[10])).status == 200
    # 11 is being prefetched, 12 and 13 wait.
    await _until(lambda: [job.index for job in exports.running] == [11])
    assert exports.queued == [12, 13]
    await asyncio.sleep(0.5)
    cache.prefetch = 0  # no prefetch after the seek's segment: only what was queued counts
    assert (await client.get(urls[371])).status == 200
    assert exports.queued == []
    await hass.async_block_till_done(wait_background_tasks=True)
    made = {_segment_of(hour, r): r.status for r in _exports(slow)}
    # 11 was cut off by the seek, 12 and 13 never asked of the camera.
    assert made == {10: 200, 11: made[11], 371: 200}
    assert made[11] != 200


async def test_the_segment_a_player_waits_for_goes_before_prefetches(
    hass: HomeAssistant, slow: Simulator, cache: SegmentCache, playing: Playing
) -> None:
    """Another player's prefetches of the same camera wait while this player's export runs."""
    hour, client, first, exports = playing.hour, playing.client, playing.urls, playing.exports
    other = Hour(
        hour.entry_id,
        hour.disk_id,
        hour.recording_id,
        hour.start + timedelta(minutes=20),
        hour.end + timedelta(minutes=20),
    )
    _, second = await fetch_playlist(hass, other, client)
    slow.request_log.clear()
    cache.prefetch = 3
    assert (await client.get(first[10])).status == 200
    await _until(lambda: [job.index for job in exports.running] == [11])
    cache.prefetch = 0
    request = asyncio.create_task(client.get(second[100]))
    # The player's export starts at once, beside the running prefetch, before the queued ones.
    await _until(lambda: any(job.index == 100 for job in exports.running), seconds=1.0)
    assert exports.queued == [12, 13]
    assert (await request).status == 200
    await hass.async_block_till_done(wait_background_tasks=True)
    # In the first hour's terms the other's segment 100 is 300 (20 min = 200 segments later).
    made = {_segment_of(hour, r): r for r in _exports(slow)}
    assert sorted(made) == [10, 11, 12, 13, 300]
    assert {r.status for r in made.values()} == {200}
    # The queued prefetches started once the player's export was done.
    done = made[300].time
    for index in (12, 13):
        assert made[index].time - timedelta(seconds=made[index].duration) >= done


async def test_an_export_downloaded_is_kept_when_its_request_goes(
    slow: Simulator, cache: SegmentCache, playing: Playing
) -> None:
    """Nearly done (only the remux left): the segment is finished and kept, not cut off."""
    remuxing = threading.Event()

    def slow_remux(*args: Any) -> bool:
        remuxing.set()
        time.sleep(1.0)
        return real_remux(*args)

    request = asyncio.create_task(playing.client.get(playing.urls[30]))
    with patch.object(segments, "_remux", slow_remux):
        await _until(remuxing.is_set)
        request.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await request
        await _until(lambda: not playing.exports.running)
    files = [path.name for path in cache.folder.iterdir()]
    assert len(files) == 1
    assert files[0].endswith(".ts")
    # Asked again, it comes from the cache: the camera exported it once, whole.
    assert (await playing.client.get(playing.urls[30])).status == 200
    assert [r.status for r in _exports(slow)] == [200]
