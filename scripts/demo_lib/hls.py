"""The media browser through the websocket API, as the frontend calls it: hours to play (HLS).

Shared by `scripts/hls-playback` (`hls_playback`) and `scripts/bench hls` (`benchmarks.bench_hls`):
the demo's configuration gets ``media_source:`` (as `screenshot` does), the camera's SD card is
browsed down to whole hours of continuous recordings (``media_source/browse_media``), and an
item is resolved (``media_source/resolve_media``) to the URL and MIME type the frontend plays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from . import demo as demo_module
from .demo import Demo
from .processes import DemoError

MEDIA_ROOT = "media-source://axis_edge_storage"
HOUR = timedelta(hours=1)


def enable_media_source() -> None:
    """Load media_source in the demo's Home Assistant (its configuration does not)."""
    if "media_source:" not in demo_module.CONFIGURATION_YAML:
        demo_module.CONFIGURATION_YAML = demo_module.CONFIGURATION_YAML.replace(
            "frontend:\n", "frontend:\nmedia_source:\n"
        )


@dataclass(frozen=True)
class Item:
    """A playable item of the media browser (one hour of a continuous recording)."""

    media_content_id: str
    title: str
    path: str  # day > hour, as the browser shows it
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Resolved:
    """What ``media_source/resolve_media`` answered: the URL the frontend plays, absolute."""

    url: str
    mime_type: str
    relative: str


def _times(content_id: str) -> tuple[datetime, datetime] | None:
    """An item identifier's start and end (``.../<recording>/<start>/<end>``)."""
    parts = content_id.removeprefix(MEDIA_ROOT + "/").split("/")
    if len(parts) != 5:
        return None
    try:
        found = [
            datetime.strptime(unquote(text)[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
            for text in parts[3:]
        ]
    except ValueError:
        return None
    return found[0], found[1]


async def browse(demo: Demo, content_id: str) -> dict[str, Any]:
    """One ``media_source/browse_media`` call."""
    result: dict[str, Any] = await demo.hass.ws(
        "media_source/browse_media", media_content_id=content_id
    )
    return result


async def continuous_hours(demo: Demo, wanted: int) -> list[Item]:
    """Up to `wanted` whole hours of continuous recordings on the SD card, past days first."""
    root = await browse(demo, MEDIA_ROOT)
    camera = next((c for c in root["children"] if demo.entry_id in c["media_content_id"]), None)
    if camera is None:
        raise DemoError("the media browser does not show the demo's camera")
    disks = (await browse(demo, camera["media_content_id"]))["children"]
    disk = next((d for d in disks if d["title"].startswith("SD card")), None)
    if disk is None:
        raise DemoError(f"no SD card among {[d['title'] for d in disks]}")
    days = (await browse(demo, disk["media_content_id"]))["children"]
    found: list[Item] = []
    # Past days first (the newest day's recordings may still be going on).
    for day in days[1:] + days[:1]:
        for hour in (await browse(demo, day["media_content_id"]))["children"]:
            for child in (await browse(demo, hour["media_content_id"]))["children"]:
                times = _times(child["media_content_id"])
                if not child.get("can_play") or times is None or times[1] - times[0] != HOUR:
                    continue  # an event, a part hour or not playable
                found.append(
                    Item(
                        media_content_id=child["media_content_id"],
                        title=child["title"],
                        path=f"{day['title']} > {hour['title']}",
                        start=times[0],
                        end=times[1],
                    )
                )
                if len(found) >= wanted:
                    return found
    if not found:
        raise DemoError("the media browser shows no whole hour of a continuous recording")
    return found


async def resolve(demo: Demo, item: Item) -> Resolved:
    """``media_source/resolve_media``, as the frontend calls it before it plays an item."""
    result = await demo.hass.ws(
        "media_source/resolve_media", media_content_id=item.media_content_id
    )
    url = str(result["url"])
    absolute = url if url.startswith(("http://", "https://")) else f"{demo.url}{url}"
    return Resolved(url=absolute, mime_type=str(result.get("mime_type")), relative=url)
