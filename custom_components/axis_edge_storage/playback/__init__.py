"""Playback of recordings in any browser: HLS VOD playlists and segments made on demand.

`urls` builds the signed playlist URL (what the media browser resolves to), `views` serves
the playlist and its segments, `cache` keeps the segments made (bounded, on disk).
"""
