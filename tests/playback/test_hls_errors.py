"""Bad URLs learn nothing; a failing camera is an error status and leaves nothing kept."""

from __future__ import annotations

import asyncio
import time
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant
from yarl import URL

from custom_components.axis_edge_storage.playback import urls
from custom_components.axis_edge_storage.playback.cache import SegmentCache
from custom_components.axis_edge_storage.playback.urls import async_playlist_url
from simulator import Simulator

from .conftest import Hour

ClientMaker = Any


async def _names(hass: HomeAssistant, hour: Hour, client: Any) -> tuple[str, list[str]]:
    url = await async_playlist_url(
        hass, hour.entry_id, hour.disk_id, hour.recording_id, hour.start, hour.end
    )
    text = await (await client.get(url)).text()
    return url, [line for line in text.splitlines() if line and not line.startswith("#")]


def _flip(text: str) -> str:
    return ("B" if text[0] == "A" else "A") + text[1:]


async def test_tampered_urls_are_not_found(
    hass: HomeAssistant, hour: Hour, sim: Simulator, hass_client_no_auth: ClientMaker
) -> None:
    client = await hass_client_no_auth()
    url, names = await _names(hass, hour, client)
    sim.request_log.clear()  # the playlist's key frames
    base, claims, signature, name = url.rsplit("/", 3)
    index, flag, segment_signature, _ = names[1].split(".")
    assert flag == "1"
    bad = [
        f"{base}/{claims}/{_flip(signature)}/{name}",
        f"{base}/{_flip(claims)}/{signature}/{name}",
        f"{base.replace(hour.entry_id, 'other')}/{claims}/{signature}/{name}",
        f"{base}/{claims}/{signature}/{index}.{flag}.{_flip(segment_signature)}.ts",
        f"{base}/{claims}/{signature}/{index}.0.{segment_signature}.ts",  # another layout
        f"{base}/{claims}/{signature}/2.{flag}.{segment_signature}.ts",  # another segment's
        f"{base}/{claims}/{signature}/601.{flag}.{segment_signature}.ts",
        f"{base}/{claims}/{signature}/{names[0]}".replace(claims, claims[:-2]),
    ]
    for link in bad:
        response = await client.get(link)
        assert response.status in (401, 403, 404), link
        assert await response.text() == ""
    assert sim.request_log.paths() == []


async def test_an_expired_url_is_not_found(
    hass: HomeAssistant, hour: Hour, sim: Simulator, hass_client_no_auth: ClientMaker
) -> None:
    client = await hass_client_no_auth()
    with patch.object(urls.time, "time", return_value=time.time() - 86_401):
        url, _ = await _names(hass, hour, client)
    sim.request_log.clear()  # the playlist's key frames, while the URL was valid
    assert (await client.get(url)).status == 404
    assert sim.request_log.paths() == []


@pytest.mark.parametrize(
    ("kind", "options", "status"),
    [
        ("status", {"status": 500}, 502),
        ("device_error", {"code": 10}, 502),
        ("drop_export", {"bytes": 200}, 502),
        ("close_delimited", {"cut": 0.5}, 502),
    ],
)
async def test_a_camera_failure_is_an_error_and_nothing_is_kept(  # noqa: PLR0917
    hass: HomeAssistant,
    hour: Hour,
    sim: Simulator,
    cache: SegmentCache,
    hass_client_no_auth: ClientMaker,
    kind: str,
    options: dict[str, Any],
    status: int,
) -> None:
    client = await hass_client_no_auth()
    url, names = await _names(hass, hour, client)
    sim.faults.add(kind, path="record/export/exportrecording.cgi", **options)
    response = await client.get(str(URL(url).join(URL(names[5]))))
    assert response.status == status
    assert await response.text() == ""
    assert cache.total_bytes == 0
    assert [p.name for p in cache.folder.iterdir()] == []
    sim.faults.clear()
    assert (await client.get(str(URL(url).join(URL(names[5]))))).status == 200


async def test_a_slow_camera_is_a_timeout(
    hass: HomeAssistant,
    hour: Hour,
    sim: Simulator,
    cache: SegmentCache,
    hass_client_no_auth: ClientMaker,
) -> None:
    client = await hass_client_no_auth()
    url, names = await _names(hass, hour, client)
    sim.faults.add("latency", path="record/export/exportrecording.cgi", seconds=1, count=1)
    with patch("custom_components.axis_edge_storage.playback.segments.DEADLINE", 0.3):
        response = await client.get(str(URL(url).join(URL(names[5]))))
    assert response.status == 504
    assert [p.name for p in cache.folder.iterdir()] == []
    await asyncio.sleep(1.2)  # the camera's delayed answer ends


async def test_the_cache_cap_holds(
    hass: HomeAssistant,
    hour: Hour,
    sim: Simulator,
    cache: SegmentCache,
    hass_client_no_auth: ClientMaker,
) -> None:
    client = await hass_client_no_auth()
    url, names = await _names(hass, hour, client)
    # A nominal 6 s segment (0 and 1 are the short lead).
    first = await (await client.get(str(URL(url).join(URL(names[2]))))).read()
    cache.max_bytes = 3 * len(first)
    for name in names[3:12]:
        assert (await client.get(str(URL(url).join(URL(name))))).status == 200
        on_disk = sum(p.stat().st_size for p in cache.folder.iterdir())
        assert on_disk <= cache.max_bytes
        assert on_disk == cache.total_bytes
    exports = sim.request_log.paths().count("/axis-cgi/record/export/exportrecording.cgi")
    # The newest segments are kept; the oldest was evicted and is made again.
    assert (await client.get(str(URL(url).join(URL(names[11]))))).status == 200
    assert (await client.get(str(URL(url).join(URL(names[2]))))).status == 200
    assert (
        sim.request_log.paths().count("/axis-cgi/record/export/exportrecording.cgi") == exports + 1
    )
