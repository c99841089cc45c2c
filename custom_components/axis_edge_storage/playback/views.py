"""The HLS views: a playlist and its segments, to anyone holding a valid signed URL.

``GET /api/axis_edge_storage/hls/<entry id>/<claims>/<signature>/playlist.m3u8`` answers the
VOD playlist (`playlist.render`, its layout from the camera's key frames:
`segments.async_layout`); ``.../<index>.<layout>.<segment signature>.ts`` answers segment
``index`` as MPEG-TS, made on demand (`segments`) and kept (`cache`). A segment request that
goes away (aborted) lets the cache cancel its export. Players fetch both
without Home Assistant's session (`urls`: the URL is the credential).

Answers: 404, with no detail, to anything but a valid, unexpired URL of a loaded camera; 502
when the camera fails or sends something unusable, 504 when it takes too long (nothing kept).
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from aiohttp import hdrs, web
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView

from ..const import DOMAIN
from ..export.links import ExportLinks, async_get_links
from ..vapix import AxisEdgeStorage
from .cache import Make, async_get_cache
from .playlist import Layout, render
from .segments import SegmentError, SegmentMaker, async_layout
from .urls import (
    HLS_PATH,
    MIME_TYPE,
    PLAYLIST_NAME,
    PURPOSE,
    SEGMENT_MIME_TYPE,
    SEGMENT_PURPOSE,
    PlaybackClaims,
)
from .urls import valid_signature as looks_signed

_LOGGER = logging.getLogger(__name__)

_BASE = HLS_PATH + "/{entry_id}/{claims}/{signature}/"
_SEGMENT = r"{segment:[0-9]{1,6}\.[01]\.[A-Za-z0-9_-]{43}\.ts}"
_NO_STORE = {hdrs.CACHE_CONTROL: "no-store"}


def _not_found() -> web.Response:
    return web.Response(status=HTTPStatus.NOT_FOUND, headers=_NO_STORE)


def _client(hass: HomeAssistant, entry_id: str) -> AxisEdgeStorage | None:
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED:
        return None
    client: AxisEdgeStorage = entry.runtime_data.client
    return client


type _Checked = tuple[HomeAssistant, PlaybackClaims, ExportLinks, AxisEdgeStorage]


async def _checked(
    request: web.Request, entry_id: str, claims: str, signature: str
) -> _Checked | None:
    """The playlist's claims when its URL is valid and unexpired and the camera loaded."""
    hass = request.app[KEY_HASS]
    found = PlaybackClaims.decode(entry_id, claims)
    if found is None or not looks_signed(signature):
        return None
    links = await async_get_links(hass)
    if not links.check(PURPOSE, found.message(), signature) or found.expired():
        return None
    client = _client(hass, entry_id)
    return None if client is None else (hass, found, links, client)


def _failed(err: SegmentError, what: str, entry_id: str) -> web.Response:
    _LOGGER.warning("%s of a recording of %s failed: %s", what, entry_id, err)
    return web.Response(status=err.status, headers=_NO_STORE)


class HlsPlaylistView(HomeAssistantView):
    """The VOD playlist of a signed range of a recording."""

    url = _BASE + PLAYLIST_NAME
    name = f"api:{DOMAIN}:hls:playlist"
    requires_auth = False  # the signed URL is the credential

    async def get(
        self, request: web.Request, entry_id: str, claims: str, signature: str
    ) -> web.Response:
        """Answer the playlist, 404, or 502/504 when the camera fails."""
        if (checked := await _checked(request, entry_id, claims, signature)) is None:
            return _not_found()
        hass, found, links, client = checked
        try:
            layout = await async_layout(client, async_get_cache(hass).key_frames, found)
        except SegmentError as err:
            return _failed(err, "The playlist", entry_id)
        return web.Response(
            text=render(layout, links),
            content_type=MIME_TYPE,
            headers={hdrs.CACHE_CONTROL: "private, max-age=300"},
        )


class HlsSegmentView(HomeAssistantView):
    """One segment of a signed playlist, as MPEG-TS."""

    url = _BASE + _SEGMENT
    name = f"api:{DOMAIN}:hls:segment"
    requires_auth = False  # the signed URL is the credential

    async def get(
        self, request: web.Request, entry_id: str, claims: str, signature: str, segment: str
    ) -> web.StreamResponse:
        """Answer the segment, 404, or 502/504 when the camera fails."""
        if (checked := await _checked(request, entry_id, claims, signature)) is None:
            return _not_found()
        hass, found, links, client = checked
        text, flag, segment_signature, _ = segment.split(".")
        index = int(text)
        layout = Layout(found, lead=flag == "1")
        if index >= layout.count() or not links.check(
            SEGMENT_PURPOSE, found.segment_message(index, layout.flag), segment_signature
        ):
            return _not_found()
        cache = async_get_cache(hass)
        maker = SegmentMaker(hass, client, cache.key_frames)

        def make(at: int) -> Make:
            return lambda target, downloaded: maker.async_make(layout, at, target, downloaded)

        try:
            path = await cache.async_get(layout, index, make(index))
        except SegmentError as err:
            return _failed(err, f"Segment {index}", entry_id)
        cache.async_prefetch(layout, index, make)
        return web.FileResponse(
            path,
            headers={
                hdrs.CONTENT_TYPE: SEGMENT_MIME_TYPE,
                hdrs.CACHE_CONTROL: "private, max-age=86400",
            },
        )
