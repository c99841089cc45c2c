"""Signed HLS playlist URLs of a time range of a recording, valid without a session.

A playlist is ``/api/axis_edge_storage/hls/<entry id>/<claims>/<signature>/playlist.m3u8``:

* ``claims``: base64url (no padding) of ``disk id, recording id, start, end, expires`` (times in
  whole milliseconds since the epoch, ``expires`` in Unix seconds) joined by newlines;
* ``signature``: HMAC-SHA256 (base64url) with the export links' key (`export.links`), over
  the purpose ``hls1``, the entry id and the claims.

Segment ``i`` is ``<i>.<layout>.<segment signature>.ts`` next to the playlist (a relative
URL; ``layout`` 1 when the playlist opens with short segments, 0 when not: `playlist.Layout`):
the segment signature is the HMAC of the purpose ``hls1-segment``, the entry id, the claims,
``i`` and the layout. Players (hls.js, Safari, the companion apps) fetch both without Home Assistant's
session; a URL works until ``expires`` (24 hours), and across restarts.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from homeassistant.core import HomeAssistant

from ..const import DOMAIN
from ..export.links import ExportLinks, async_get_links

HLS_PATH: Final = f"/api/{DOMAIN}/hls"
MIME_TYPE: Final = "application/vnd.apple.mpegurl"
SEGMENT_MIME_TYPE: Final = "video/mp2t"
PLAYLIST_NAME: Final = "playlist.m3u8"
VALIDITY: Final = timedelta(hours=24)
#: The longest range one playlist covers (the media browser asks for an hour or less).
MAX_SPAN: Final = timedelta(hours=24)
MAX_CLAIMS_CHARS: Final = 1024
PURPOSE: Final = "hls1"
SEGMENT_PURPOSE: Final = "hls1-segment"

_SIGNATURE = re.compile(r"[A-Za-z0-9_-]{43}")
_CLAIMS = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_CLAIMS_CHARS}}}")


@dataclass(frozen=True, slots=True)
class PlaybackClaims:
    """What a playlist URL grants: a time range of one recording, until `expires`."""

    entry_id: str
    disk_id: str
    recording_id: str
    start: datetime
    end: datetime
    expires: int

    def encode(self) -> str:
        """The claims part of the URL."""
        text = "\n".join(
            (
                self.disk_id,
                self.recording_id,
                str(_ms(self.start)),
                str(_ms(self.end)),
                str(self.expires),
            )
        )
        return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()

    @classmethod
    def decode(cls, entry_id: str, claims: str) -> PlaybackClaims | None:
        """Read the claims part of a URL; None when malformed (not yet checked as signed)."""
        if _CLAIMS.fullmatch(claims) is None:
            return None
        try:
            text = base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)).decode()
            disk_id, recording_id, start, end, expires = text.split("\n")
            found = cls(
                entry_id,
                disk_id,
                recording_id,
                datetime.fromtimestamp(int(start) / 1000, UTC),
                datetime.fromtimestamp(int(end) / 1000, UTC),
                int(expires),
            )
        except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError, OSError):
            return None
        if not disk_id or not recording_id or not found.start < found.end:
            return None
        if found.end - found.start > MAX_SPAN:
            return None
        return found

    def message(self) -> bytes:
        """What the playlist's signature signs: the entry id and the claims."""
        return f"{self.entry_id}\n{self.encode()}".encode()

    def segment_message(self, index: int, layout: int) -> bytes:
        """What segment `index`'s signature signs (`layout`: `playlist.Layout.flag`)."""
        return f"{self.entry_id}\n{self.encode()}\n{index}\n{layout}".encode()

    def signature(self, links: ExportLinks) -> str:
        """The playlist's signature."""
        return links.sign(PURPOSE, self.message())

    def segment_signature(self, links: ExportLinks, index: int, layout: int) -> str:
        """Segment `index`'s signature."""
        return links.sign(SEGMENT_PURPOSE, self.segment_message(index, layout))

    def expired(self) -> bool:
        """Whether the URL's time is over."""
        return time.time() >= self.expires

    def playlist_path(self, links: ExportLinks) -> str:
        """The playlist's URL path."""
        return f"{HLS_PATH}/{self.entry_id}/{self.encode()}/{self.signature(links)}/{PLAYLIST_NAME}"


def _ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("playback times must be timezone-aware")
    return round(moment.timestamp() * 1000)


def valid_signature(text: str) -> bool:
    """Whether `text` looks like a signature (before any HMAC is computed)."""
    return _SIGNATURE.fullmatch(text) is not None


async def async_playlist_url(  # noqa: PLR0917 (the media browser calls it so)
    hass: HomeAssistant,
    entry_id: str,
    disk_id: str,
    recording_id: str,
    start: datetime,
    end: datetime,
) -> str:
    """A relative URL of an HLS VOD playlist of [start, end] of a recording (24 h valid).

    `start` and `end` must be timezone-aware, `end` after `start`, at most `MAX_SPAN` apart.
    """
    if not _ms(start) < _ms(end) or end - start > MAX_SPAN:
        raise ValueError("a playlist covers a non-empty range of at most 24 hours")
    if not disk_id or not recording_id or "\n" in disk_id + recording_id:
        raise ValueError("a disk id and a recording id are required")
    links = await async_get_links(hass)
    claims = PlaybackClaims(
        entry_id,
        disk_id,
        recording_id,
        start.astimezone(UTC),
        end.astimezone(UTC),
        int(time.time() + VALIDITY.total_seconds()),
    )
    return claims.playlist_path(links)
