"""Playback of recordings in any browser: HLS VOD playlists and segments made on demand.

`urls` builds the signed playlist URL (what the media browser resolves to), `views` serves
the playlist and its segments, `segments` makes one from the camera, `cache` keeps them.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant

from .views import HlsPlaylistView, HlsSegmentView


def register_views(hass: HomeAssistant) -> None:
    """Register the playlist and segment views (once, at the integration's set-up)."""
    hass.http.register_view(HlsPlaylistView())
    hass.http.register_view(HlsSegmentView())
