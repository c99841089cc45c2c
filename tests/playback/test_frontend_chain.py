"""What the frontend does: browse to an hour, resolve it, play the playlist with its URLs.

Through Home Assistant's websocket API (browse_media, resolve_media: the URL the frontend
gets, signed by media_source), then the playlist and every segment fetched without a session
as a player does, against the simulator over real HTTP.
"""

from __future__ import annotations

import io
import itertools
from datetime import timedelta
from typing import Any

import av
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from yarl import URL

from custom_components.axis_edge_storage.browse import tree
from custom_components.axis_edge_storage.const import DOMAIN
from custom_components.axis_edge_storage.playback.urls import MIME_TYPE
from simulator import Simulator

from ..export.conftest import timeline
from .conftest import FRAME, GOP, set_up

ROOT = f"media-source://{DOMAIN}"
EXPORT = "/axis-cgi/record/export/exportrecording.cgi"


async def _ws(ws: Any, kind: str, content_id: str) -> dict[str, Any]:
    await ws.send_json_auto_id(
        {"type": f"media_source/{kind}_media", "media_content_id": content_id}
    )
    msg = await ws.receive_json()
    assert msg["success"], msg
    return msg["result"]  # type: ignore[no-any-return]


def _video_pts(data: bytes) -> list[int]:
    """The video timestamps of an MPEG-TS segment (90 kHz), in presentation order."""
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        return sorted(p.pts for p in container.demux(stream) if p.pts is not None)


async def test_an_hour_from_the_browser_plays_through(
    hass: HomeAssistant, sim: Simulator, hass_ws_client: Any, hass_client_no_auth: Any
) -> None:
    await hass.config.async_set_time_zone("UTC")
    await set_up(hass, sim)
    assert await async_setup_component(hass, "http", {})
    assert await async_setup_component(hass, "media_source", {})
    ws = await hass_ws_client(hass)

    # Down the tree to an hour wholly inside the first continuous recording.
    first = timeline(sim).first
    hour_start = (first.start + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    node = await _ws(ws, "browse", ROOT)
    for title in (None, "SD card", hour_start.strftime("%Y-%m-%d"), hour_start.strftime("%H:00")):
        children = node["children"]
        child = children[0] if title is None else next(c for c in children if title in c["title"])
        node = await _ws(ws, "browse", child["media_content_id"])
    item = next(
        c
        for c in node["children"]
        if c["title"] == f"{hour_start:%H:00}{tree.DASH}{hour_start + timedelta(hours=1):%H:00}"
    )
    assert item["can_play"]
    assert item["thumbnail"]

    resolved = await _ws(ws, "resolve", item["media_content_id"])
    assert resolved["mime_type"] == MIME_TYPE
    client = await hass_client_no_auth()
    playlist = await client.get(resolved["url"])
    assert playlist.status == 200
    text = await playlist.text()
    assert "#EXT-X-ENDLIST" in text
    names = [line for line in text.splitlines() if line and not line.startswith("#")]

    sim.request_log.clear()
    pts: list[int] = []
    for name in names:
        segment = await client.get(str(URL(resolved["url"]).join(URL(name))))
        assert segment.status == 200, name
        found = _video_pts(await segment.read())
        assert found, name
        pts += found
    # Timestamps run on across segments: no gap and no overlap over one frame.
    tick = FRAME.total_seconds() * 90_000
    assert all(0 < b - a <= tick + 1 for a, b in itertools.pairwise(pts))
    # Together they cover the hour (within a GOP at each end).
    covered = timedelta(seconds=(pts[-1] - pts[0]) / 90_000) + FRAME
    assert timedelta(hours=1) - 2 * GOP <= covered <= timedelta(hours=1) + GOP
    assert sim.request_log.paths().count(EXPORT) == len(names)
