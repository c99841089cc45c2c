"""One segment made from the camera: its key-frame bounds, a bounded export, the remux.

Segment ``i`` runs from ``k_i``, the key frame at or before its nominal start (the camera's
``properties.cgi`` answers it without sending video), to ``k_(i+1)``, the next segment's (the
playlist's end for the last segment). The key frames found are kept (`KeyFrames`), so playing
on costs one ``properties.cgi`` and one ``exportrecording.cgi`` per segment. `async_layout`
asks for the key frames of the short lead's bounds (`playlist.LEAD`) at once, when the
playlist is asked for: the lead is used when they differ, and its segments find them kept.

The camera is not trusted: an export has a deadline (`DEADLINE`) and a byte cap (`MAX_BYTES`),
is written to a file through a bounded buffer (never the segment in memory) and its Matroska is
checked while remuxed (`media.remux_to_ts`: cut, unreadable, not reaching the next key frame).
Every failure is a `SegmentError` with the HTTP status to answer; nothing is left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Final

from homeassistant.core import HomeAssistant

from ..export.short import ShortExportTooLargeError, async_export_to_file
from ..media import MediaError, remux_to_ts
from ..vapix import AxisEdgeStorage
from ..vapix.errors import VapixError
from .playlist import LEAD, Layout, epoch, lead_fits
from .urls import PlaybackClaims

_LOGGER = logging.getLogger(__name__)

DEADLINE: Final = 60.0
MAX_BYTES: Final = 64 << 20
MAX_KEY_FRAMES: Final = 8192
#: The playlist's wait for the key frames of its lead.
LAYOUT_DEADLINE: Final = 10.0
#: A segment whose video ends earlier than this before the next key frame was cut short.
SHORT_BY: Final = timedelta(seconds=1)


class SegmentError(Exception):
    """A segment that could not be made: the status to answer (502 or 504)."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class KeyFrames:
    """The key frames the camera answered, per recording and asked time (bounded, LRU)."""

    def __init__(self) -> None:
        """Start empty."""
        self._found: OrderedDict[tuple[str, str, str, datetime], datetime] = OrderedDict()

    async def at_or_before(
        self, client: AxisEdgeStorage, claims: PlaybackClaims, moment: datetime
    ) -> datetime:
        """The key frame at or before `moment` in the claims' recording."""
        key = (claims.entry_id, claims.disk_id, claims.recording_id, moment)
        if (found := self._found.get(key)) is not None:
            self._found.move_to_end(key)
            return found
        answer = await client.exports.properties(
            claims.recording_id, claims.disk_id, start=moment, stop=claims.end
        )
        found = answer.start or moment
        self._found[key] = found
        while len(self._found) > MAX_KEY_FRAMES:
            self._found.popitem(last=False)
        return found


@contextlib.contextmanager
def _camera_failures() -> Iterator[None]:
    """What the camera did wrong, as the `SegmentError` to answer."""
    try:
        yield
    except TimeoutError:
        raise SegmentError(HTTPStatus.GATEWAY_TIMEOUT, "the camera took too long") from None
    except ShortExportTooLargeError:
        raise SegmentError(HTTPStatus.BAD_GATEWAY, "the export is too large") from None
    except VapixError as err:
        raise SegmentError(HTTPStatus.BAD_GATEWAY, type(err).__name__) from None
    except MediaError as err:
        raise SegmentError(HTTPStatus.BAD_GATEWAY, err.problem.value) from None


async def async_layout(
    client: AxisEdgeStorage, key_frames: KeyFrames, claims: PlaybackClaims
) -> Layout:
    """The playlist's layout: with the short lead when its segments each hold a key frame.

    Asks the key frames of the lead's bounds at once (kept for its segments); raises
    `SegmentError` when the camera fails.
    """
    lead = Layout(claims, lead=True)
    if not lead_fits(claims):
        return Layout(claims)
    moments = [lead.nominal_start(index) for index in range(len(LEAD) + 1)]
    with _camera_failures():
        async with asyncio.timeout(LAYOUT_DEADLINE):
            frames = await _key_frames_at(client, key_frames, claims, moments)
    return lead if all(a < b for a, b in itertools.pairwise(frames)) else Layout(claims)


async def _key_frames_at(
    client: AxisEdgeStorage, key_frames: KeyFrames, claims: PlaybackClaims, moments: list[datetime]
) -> list[datetime]:
    """The key frames at or before `moments`, asked at once (the first failure raised)."""
    found = await asyncio.gather(
        *(key_frames.at_or_before(client, claims, moment) for moment in moments),
        return_exceptions=True,
    )
    for result in found:
        if isinstance(result, BaseException):
            raise result
    return [result for result in found if isinstance(result, datetime)]


class SegmentMaker:
    """Makes segments of one camera's recordings."""

    def __init__(self, hass: HomeAssistant, client: AxisEdgeStorage, key_frames: KeyFrames) -> None:
        """Use the camera's client and the shared key frames."""
        self._hass = hass
        self._client = client
        self._key_frames = key_frames

    async def async_make(
        self, layout: Layout, index: int, target: Path, downloaded: Callable[[], None]
    ) -> None:
        """Make segment `index` of the layout's playlist at `target` (or raise `SegmentError`).

        `downloaded` is called when the export is in, before the remux (which is not cut
        short once begun: it runs in the executor).
        """
        hass = self._hass
        claims = layout.claims
        last = index + 1 >= layout.count()
        # Its own name: a cancelled make of the same segment may still be closing its file.
        part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.mkv")
        try:
            with _camera_failures():
                async with asyncio.timeout(DEADLINE):
                    bounds = range(index, index + (1 if last else 2))
                    frames = await _key_frames_at(
                        self._client,
                        self._key_frames,
                        claims,
                        [layout.nominal_start(at) for at in bounds],
                    )
                    start, stop = frames[0], claims.end if last else frames[1]
                    if stop <= start:
                        raise SegmentError(HTTPStatus.BAD_GATEWAY, "no key frame in the segment")
                    await async_export_to_file(
                        hass,
                        self._client,
                        recording_id=claims.recording_id,
                        disk_id=claims.disk_id,
                        start=start,
                        stop=stop,
                        path=part,
                        max_bytes=MAX_BYTES,
                    )
                downloaded()
                whole = await hass.async_add_executor_job(
                    _remux, part, target, epoch(claims), None if last else stop
                )
            if not whole:
                raise SegmentError(HTTPStatus.BAD_GATEWAY, "the export was cut short")
        finally:
            await asyncio.shield(hass.async_add_executor_job(part.unlink, True))


def _remux(source: Path, target: Path, zero: datetime, stop: datetime | None) -> bool:
    """Remux (BLOCKING); False (and no target) when the video ends well before `stop`."""
    span = remux_to_ts(source, target, epoch=zero, stop=stop)
    if stop is not None and span.end + SHORT_BY < stop:
        target.unlink(missing_ok=True)
        return False
    return True
