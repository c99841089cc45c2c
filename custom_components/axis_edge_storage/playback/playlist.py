"""The HLS VOD playlist of a range of a recording: nominal segments on one clock (pure).

The playlist is made without asking the camera anything: segment ``i`` nominally starts at
``start + i x SEGMENT``; its real bounds, the key frames at or before its nominal start and
the next one's, are found only when a player asks for it (`segments`). So a playlist of an
hour costs no camera request, and seeking to minute 37 costs that segment's requests only.
Every segment of a playlist writes its timestamps on the playlist's clock: absolute time minus
`epoch` (the playlist's start minus `EPOCH_LEAD`, so that the first segment's key frame, at or
before the start, is never before it).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Final

from ..export.links import ExportLinks
from .urls import PlaybackClaims

#: Nominal length of a segment (Apple's recommendation).
SEGMENT: Final = timedelta(seconds=6)
#: Room before the start for the first segment's key frame: the longest GOP supported.
EPOCH_LEAD: Final = timedelta(seconds=10)
#: A segment runs from a key frame to a key frame: up to a GOP longer than nominal.
TARGET_DURATION: Final = 10


def segment_count(claims: PlaybackClaims) -> int:
    """How many segments cover [start, end]."""
    return max(1, math.ceil((claims.end - claims.start) / SEGMENT))


def nominal_start(claims: PlaybackClaims, index: int) -> datetime:
    """Segment `index`'s nominal start; `segment_count` gives the end."""
    if index >= segment_count(claims):
        return claims.end
    return claims.start + index * SEGMENT


def epoch(claims: PlaybackClaims) -> datetime:
    """The absolute time of timestamp 0 of every segment of the playlist."""
    return claims.start - EPOCH_LEAD


def segment_name(claims: PlaybackClaims, links: ExportLinks, index: int) -> str:
    """Segment `index`'s URL, relative to the playlist."""
    return f"{index}.{claims.segment_signature(links, index)}.ts"


def render(claims: PlaybackClaims, links: ExportLinks) -> str:
    """The playlist's text."""
    count = segment_count(claims)
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        f"#EXT-X-TARGETDURATION:{TARGET_DURATION}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-INDEPENDENT-SEGMENTS",
    ]
    for index in range(count):
        length = nominal_start(claims, index + 1) - nominal_start(claims, index)
        lines += (f"#EXTINF:{length.total_seconds():.3f},", segment_name(claims, links, index))
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"
