"""The HLS VOD playlist of a range of a recording: nominal segments on one clock (pure).

Segment ``i`` nominally starts at `Layout.nominal_start`; its real bounds, the key frames at
or before its nominal start and the next one's, are found when a player asks for it
(`segments`). Seeking to minute 37 costs that segment's requests only.

A player starts after the first segment arrives, so a playlist may open with short segments
(`LEAD`: 2 s, then 4 s; then nominal `SEGMENT` ones): the first one is about a GOP, a short
export. Snapped to key frames, a short segment holds video only if the camera's GOP fits in
it, so the lead is used only when the key frames of its bounds differ (`Layout.lead`, decided
from the camera's answers when the playlist is asked for: `segments.async_layout`, three
``properties.cgi`` requests that the first two segments use again). The choice is part of
each segment's signed URL and cache key.

Every segment of a playlist writes its timestamps on the playlist's clock: absolute time minus
`epoch` (the playlist's start minus `EPOCH_LEAD`, so that the first segment's key frame, at or
before the start, is never before it).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from ..export.links import ExportLinks
from .urls import PlaybackClaims

#: Nominal length of a segment (Apple's recommendation).
SEGMENT: Final = timedelta(seconds=6)
#: Nominal lengths of the short segments a playlist may open with (about a GOP, then two).
LEAD: Final = (timedelta(seconds=2), timedelta(seconds=4))
#: Where the short segments start, and where the nominal ones take over (the last).
LEAD_STARTS: Final = tuple(itertools.accumulate(LEAD, initial=timedelta(0)))
#: Room before the start for the first segment's key frame: the longest GOP supported.
EPOCH_LEAD: Final = timedelta(seconds=10)
#: A segment runs from a key frame to a key frame: up to a GOP longer than nominal.
TARGET_DURATION: Final = 10


@dataclass(frozen=True, slots=True)
class Layout:
    """How a playlist's range is cut into segments: with or without the short lead."""

    claims: PlaybackClaims
    lead: bool = False

    @property
    def flag(self) -> int:
        """The layout in a segment's URL and cache key: 1 with the lead, 0 without."""
        return int(self.lead)

    def count(self) -> int:
        """How many segments cover [start, end]."""
        span = self.claims.end - self.claims.start
        if not self.lead:
            return max(1, math.ceil(span / SEGMENT))
        return len(LEAD) + max(1, math.ceil((span - LEAD_STARTS[-1]) / SEGMENT))

    def nominal_start(self, index: int) -> datetime:
        """Segment `index`'s nominal start; `count` gives the end."""
        claims = self.claims
        if index >= self.count():
            return claims.end
        if not self.lead:
            return claims.start + index * SEGMENT
        if index < len(LEAD):
            return claims.start + LEAD_STARTS[index]
        return claims.start + LEAD_STARTS[-1] + (index - len(LEAD)) * SEGMENT


def lead_fits(claims: PlaybackClaims) -> bool:
    """Whether the range is long enough for the lead and a nominal segment after it."""
    return claims.end - claims.start >= LEAD_STARTS[-1] + SEGMENT


def epoch(claims: PlaybackClaims) -> datetime:
    """The absolute time of timestamp 0 of every segment of the playlist."""
    return claims.start - EPOCH_LEAD


def segment_name(layout: Layout, links: ExportLinks, index: int) -> str:
    """Segment `index`'s URL, relative to the playlist."""
    signature = layout.claims.segment_signature(links, index, layout.flag)
    return f"{index}.{layout.flag}.{signature}.ts"


def render(layout: Layout, links: ExportLinks) -> str:
    """The playlist's text."""
    count = layout.count()
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        f"#EXT-X-TARGETDURATION:{TARGET_DURATION}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-INDEPENDENT-SEGMENTS",
    ]
    for index in range(count):
        length = layout.nominal_start(index + 1) - layout.nominal_start(index)
        lines += (f"#EXTINF:{length.total_seconds():.3f},", segment_name(layout, links, index))
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"
