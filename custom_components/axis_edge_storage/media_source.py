"""The media browser: Axis Edge Storage → camera → disk → day → hour → recordings.

Days are local days of Home Assistant's time zone, newest first; hours newest first; the
items of an hour in time order. A triggered recording is one item under the hour it starts
in; a continuous (or scheduled) one is one item per hour it covers. An item plays as an HLS
playlist (`playback.urls`); items and hours carry a thumbnail (`browse.thumbnails`). The
tree, its identifiers and titles are `browse.tree`; the days come from `browse.index`.
"""

from __future__ import annotations

from datetime import date, timedelta, tzinfo
from typing import Final

from homeassistant.components.media_player.const import MediaClass, MediaType
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.components.media_source import (
    BrowseMediaSource,
    MediaSource,
    MediaSourceItem,
    PlayMedia,
    Unresolvable,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from .browse import tree
from .browse.index import async_get_index
from .browse.thumbnails import thumbnail_url
from .const import DOMAIN
from .disks import disk_label
from .playback.urls import MIME_TYPE, async_playlist_url
from .runtime import AxisEdgeStorageConfigEntry
from .vapix import VapixError

NAME: Final = "Axis Edge Storage"
#: How far an item may reach past its recording's known bounds when it is resolved.
SLACK: Final = timedelta(seconds=2)


async def async_get_media_source(hass: HomeAssistant) -> AxisEdgeStorageMediaSource:
    """The media source of every loaded camera."""
    return AxisEdgeStorageMediaSource(hass)


def _directory(
    identifier: str,
    title: str,
    children: list[BrowseMediaSource] | None = None,
    child_class: MediaClass | None = None,
    *,
    thumbnail: str | None = None,
) -> BrowseMediaSource:
    """A folder of the tree: the one browsed (with its children), or one of its children."""
    return BrowseMediaSource(
        domain=DOMAIN,
        identifier=identifier or None,
        media_class=MediaClass.DIRECTORY,
        media_content_type=MediaType.VIDEO,
        title=title,
        can_play=False,
        can_expand=True,
        children=children,
        children_media_class=child_class,
        thumbnail=thumbnail,
    )


class AxisEdgeStorageMediaSource(MediaSource):
    """The recordings on the disks of the loaded cameras."""

    name = NAME

    def __init__(self, hass: HomeAssistant) -> None:
        """A source for the integration's domain."""
        super().__init__(DOMAIN)
        self.hass = hass

    @property
    def _zone(self) -> tzinfo:
        return dt_util.get_default_time_zone()

    def _parse(self, identifier: str, error: type[HomeAssistantError]) -> tree.Node:
        try:
            return tree.parse(identifier, self._zone)
        except tree.IdentifierError as err:
            raise error(f"Unknown media item '{identifier[:300]}': {err}") from None

    def _entry(
        self, node: tree.Node, error: type[HomeAssistantError]
    ) -> AxisEdgeStorageConfigEntry:
        for entry in self.hass.config_entries.async_loaded_entries(DOMAIN):
            if entry.entry_id == node.entry_id:
                return entry
        raise error(f"No loaded Axis Edge Storage camera '{node.entry_id}'")

    async def async_resolve_media(self, item: MediaSourceItem) -> PlayMedia:
        """An item's HLS playlist, once the camera confirms the recording covers it."""
        node = self._parse(item.identifier, Unresolvable)
        if (ref := node.item) is None:
            raise Unresolvable(f"'{item.identifier}' is a folder, not a recording")
        entry = self._entry(node, Unresolvable)
        try:
            recording = await entry.runtime_data.client.recordings.get(ref.recording_id)
        except VapixError as err:
            raise Unresolvable(f"{entry.title} did not list the recording: {err}") from None
        where = tree.span(recording, dt_util.utcnow()) if recording is not None else None
        if (
            recording is None
            or where is None
            or recording.disk_id not in ("", ref.disk_id)
            or ref.start < where[0] - SLACK
            or ref.end > where[1] + SLACK
        ):
            raise Unresolvable(
                f"No recording {ref.recording_id} on {ref.disk_id} of {entry.title} covers "
                f"{tree.format_time(ref.start)}{tree.DASH}{tree.format_time(ref.end)}"
            )
        url = await async_playlist_url(
            self.hass, entry.entry_id, ref.disk_id, ref.recording_id, ref.start, ref.end
        )
        return PlayMedia(url=url, mime_type=MIME_TYPE)

    async def async_browse_media(self, item: MediaSourceItem) -> BrowseMediaSource:
        """One level of the tree."""
        if not item.identifier:
            return self._root()
        node = self._parse(item.identifier, BrowseError)
        entry = self._entry(node, BrowseError)
        if node.disk_id is None:
            return self._camera(entry)
        if node.disk_id not in (entry.runtime_data.coordinator.data.disks or {}):
            raise BrowseError(f"{entry.title} has no disk '{node.disk_id}' now")
        try:
            if node.item is not None:
                return await self._one_item(entry, node.item)
            if node.day is None:
                return await self._disk(entry, node.disk_id)
            if node.hour is None:
                return await self._day(entry, node.disk_id, node.day)
            return await self._hour(entry, node.disk_id, node.day, node.hour)
        except VapixError as err:
            raise BrowseError(f"{entry.title} did not list its recordings: {err}") from None
        except tree.IdentifierError as err:
            raise BrowseError(str(err)) from None

    def _root(self) -> BrowseMediaSource:
        entries = sorted(
            self.hass.config_entries.async_loaded_entries(DOMAIN), key=lambda e: e.title
        )
        children = [_directory(tree.identifier(e.entry_id), e.title) for e in entries]
        return _directory("", NAME, children, MediaClass.DIRECTORY)

    def _camera(self, entry: AxisEdgeStorageConfigEntry) -> BrowseMediaSource:
        disks = entry.runtime_data.coordinator.data.disks
        children = [
            _directory(tree.identifier(entry.entry_id, disk_id), disk_label(disk))
            for disk_id, disk in sorted(disks.items())
        ]
        return _directory(
            tree.identifier(entry.entry_id), entry.title, children, MediaClass.DIRECTORY
        )

    async def _disk(self, entry: AxisEdgeStorageConfigEntry, disk_id: str) -> BrowseMediaSource:
        recordings = await async_get_index(self.hass, entry).recordings(disk_id)
        days = tree.days(recordings, dt_util.utcnow(), self._zone)
        children = [
            _directory(tree.day_id(entry.entry_id, disk_id, day), tree.day_title(day))
            for day in days
        ]
        disk = entry.runtime_data.coordinator.data.disks[disk_id]
        title = f"{entry.title} · {disk_label(disk)}"
        return _directory(
            tree.identifier(entry.entry_id, disk_id), title, children, MediaClass.DIRECTORY
        )

    async def _day(
        self, entry: AxisEdgeStorageConfigEntry, disk_id: str, day: date
    ) -> BrowseMediaSource:
        zone = self._zone
        start, end = tree.day_span(day, zone)
        recordings = await async_get_index(self.hass, entry).window(disk_id, start, end)
        children = []
        for hour, items in tree.hours(recordings, day, dt_util.utcnow(), zone):
            span = tree.hour_bounds(day, hour, zone)
            first = next((item for item in items if item.playable), None)
            children.append(
                _directory(
                    tree.hour_id(entry.entry_id, disk_id, day, hour),
                    tree.hour_title(span[0], span[1], zone),
                    thumbnail=self._thumbnail(entry, disk_id, first),
                )
            )
        return _directory(
            tree.day_id(entry.entry_id, disk_id, day),
            tree.day_title(day),
            children,
            MediaClass.DIRECTORY,
        )

    async def _hour(
        self, entry: AxisEdgeStorageConfigEntry, disk_id: str, day: date, hour: int
    ) -> BrowseMediaSource:
        zone = self._zone
        span = tree.hour_bounds(day, hour, zone)
        recordings = await async_get_index(self.hass, entry).window(disk_id, *span)
        items = tree.items(recordings, span[0], span[1], dt_util.utcnow())
        children = [self._item(entry, disk_id, item) for item in items]
        title = f"{tree.day_title(day)} {tree.hour_title(span[0], span[1], zone)}"
        return _directory(
            tree.hour_id(entry.entry_id, disk_id, day, hour), title, children, MediaClass.VIDEO
        )

    async def _one_item(
        self, entry: AxisEdgeStorageConfigEntry, ref: tree.ItemRef
    ) -> BrowseMediaSource:
        """An item browsed by its identifier (a media player asking what it plays)."""
        found = await entry.runtime_data.client.recordings.get(ref.recording_id)
        item = tree.Item(
            recording_id=ref.recording_id,
            start=ref.start,
            end=ref.end,
            event=found is not None and tree.is_event(found),
            event_id=found.event_id if found is not None else None,
            ongoing=False,
            playable=found is not None and tree.is_playable(found),
        )
        return self._item(entry, ref.disk_id, item)

    def _item(
        self, entry: AxisEdgeStorageConfigEntry, disk_id: str, item: tree.Item
    ) -> BrowseMediaSource:
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=tree.item_id(entry.entry_id, disk_id, item),
            media_class=MediaClass.VIDEO,
            media_content_type=MediaType.VIDEO,
            title=tree.item_title(item, self._zone),
            can_play=item.playable,
            can_expand=False,
            thumbnail=self._thumbnail(entry, disk_id, item),
        )

    @staticmethod
    def _thumbnail(
        entry: AxisEdgeStorageConfigEntry, disk_id: str, item: tree.Item | None
    ) -> str | None:
        if item is None or not item.playable:
            return None
        return thumbnail_url(entry.entry_id, disk_id, item.recording_id, item.start)
