"""Recording API: list (filtered, paged), record, stop, remove, continuous profiles."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from enum import StrEnum
from typing import TypedDict, Unpack
from urllib.parse import urlencode

from .api import ApiHandler
from .client import Stream
from .errors import Api, VapixRequestError, VapixResponseError
from .recording_models import (
    AudioInfo,
    ContinuousProfile,
    Recording,
    RecordingList,
    RecordingStatus,
    RecordingType,
    VideoInfo,
)
from .xml import Node, format_time, require, to_datetime, to_int, to_str

BASE = "axis-cgi/record"
DEFAULT_PAGE_SIZE = 100
MAX_PAGES = 1000


class SortOrder(StrEnum):
    """Order of record/list.cgi results by start time."""

    ASCENDING = "ascending"
    DESCENDING = "descending"


class RecordingFilter(TypedDict, total=False):
    """Which recordings record/list.cgi lists, and in which order (newest first unless said).

    `start` and `stop` select the recordings that overlap [start, stop].
    """

    disk_id: str | None
    event_id: str | None
    start: datetime | None
    stop: datetime | None
    sort: SortOrder


def _video(node: Node | None) -> VideoInfo | None:
    if node is None:
        return None
    return VideoInfo(
        mime_type=to_str(node.get("mimetype")),
        source=to_str(node.get("source")),
        frame_rate=to_str(node.get("framerate")),
        resolution=to_str(node.get("resolution")),
        width=to_int(node.get("width")),
        height=to_int(node.get("height")),
    )


def _audio(node: Node | None) -> AudioInfo | None:
    if node is None:
        return None
    return AudioInfo(
        mime_type=to_str(node.get("mimetype")),
        source=to_str(node.get("source")),
        bitrate=to_int(node.get("bitrate")),
        sample_rate=to_int(node.get("samplerate")),
    )


def parse_recording(node: Node) -> Recording:
    """Read one <recording> element. An empty stoptime means the recording is ongoing."""
    recording_id = to_str(node.get("recordingid"))
    if recording_id is None:
        raise VapixResponseError("a recording without a recordingid in record/list.cgi")
    stop = to_datetime(node.get("stoptime"))
    status_text = to_str(node.get("recordingstatus"))
    if status_text is None:
        status_text = "recording" if stop is None else "completed"
    kind = to_str(node.get("recordingtype"))
    return Recording(
        recording_id=recording_id,
        disk_id=(node.get("diskid") or "").strip(),
        start=to_datetime(node.get("starttime")),
        stop=stop,
        status=RecordingStatus(status_text),
        recording_type=RecordingType(kind) if kind else None,
        event_id=to_str(node.get("eventid")),
        event_trigger=to_str(node.get("eventtrigger")),
        source=to_str(node.get("source")),
        start_local=to_str(node.get("starttimelocal")),
        stop_local=to_str(node.get("stoptimelocal")),
        video=_video(node.find("video")),
        audio=_audio(node.find("audio")),
    )


def parse_recordings(root: Node) -> RecordingList:
    """Read a record/list.cgi answer (listentity=recording)."""
    container = require(root, "recordings")
    return RecordingList(
        total=to_int(container.get("totalnumberofrecordings")),
        matched=to_int(container.get("numberofrecordings")),
        recordings=tuple(parse_recording(node) for node in container.iter("recording")),
    )


def _result(root: Node, tag: str) -> Node:
    """Return the <tag> element of a record CGI answer, raising its error."""
    node = require(root, tag)
    if (node.get("result") or "OK").strip().upper() != "OK":
        raise VapixRequestError(
            Api.RECORDING, None, to_str(node.get("errormsg", "description")) or "request failed"
        )
    return node


def parse_profiles(root: Node) -> tuple[ContinuousProfile, ...]:
    """Read a listconfiguration.cgi answer."""
    return tuple(
        ContinuousProfile(
            profile=profile,
            disk_id=to_str(node.get("diskid")),
            options=to_str(node.get("options")),
            event_id=to_str(node.get("eventid")),
        )
        for node in root.iter("continuousrecordingconfiguration")
        if (profile := to_int(node.get("profile"))) is not None
    )


class RecordingApi(ApiHandler):
    """record/*.cgi."""

    api = Api.RECORDING

    async def list_page(
        self,
        *,
        recording_id: str | None = None,
        max_results: int = DEFAULT_PAGE_SIZE,
        start_at: int = 0,
        **query: Unpack[RecordingFilter],
    ) -> RecordingList:
        """List one page of the recordings the filter selects (all of them without one).

        `maxnumberofresults` and `startatresultnumber` are always sent: without them some
        firmware answers only the newest recording.
        """
        start, stop = query.get("start"), query.get("stop")
        if recording_id is None and start is None and stop is None:
            recording_id = "all"
        params = {
            "recordingid": recording_id,
            "diskid": query.get("disk_id"),
            "eventid": query.get("event_id"),
            "starttime": format_time(start) if start is not None else None,
            "stoptime": format_time(stop) if stop is not None else None,
            "sortorder": str(query.get("sort", SortOrder.DESCENDING)),
            "maxnumberofresults": max_results,
            "startatresultnumber": start_at,
        }
        return await self._read(parse_recordings, f"{BASE}/list.cgi", params)

    async def list(
        self,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
        **query: Unpack[RecordingFilter],
    ) -> tuple[Recording, ...]:
        """List every recording the filter selects, page by page (at most `limit`)."""
        found: dict[str, Recording] = {}
        offset = 0
        for _ in range(MAX_PAGES):
            page = await self.list_page(max_results=page_size, start_at=offset, **query)
            for recording in page.recordings:
                found.setdefault(recording.recording_id, recording)
            offset += len(page.recordings)
            # A device may cap a page below page_size: while it says how many match, that
            # count decides; only without it does a short page mean the end.
            more = (
                offset < page.matched
                if page.matched is not None
                else len(page.recordings) >= page_size
            )
            if not page.recordings or not more or (limit is not None and len(found) >= limit):
                break
        result = tuple(found.values())
        return result if limit is None else result[:limit]

    async def get(self, recording_id: str) -> Recording | None:
        """Return one recording, or None if the device has no such recording."""
        page = await self.list_page(recording_id=recording_id, max_results=1)
        return next((r for r in page.recordings if r.recording_id == recording_id), None)

    async def event_ids(self, disk_id: str | None = None) -> tuple[str, ...]:
        """Return the event ids used by recordings."""
        params = {"listentity": "eventid", "diskid": disk_id}
        root = await self._xml(f"{BASE}/list.cgi", params)
        return tuple(t for node in root.iter("eventid") if (t := to_str(node.text.strip('"'))))

    async def sources(self, disk_id: str | None = None) -> tuple[str, ...]:
        """Return the video sources used by recordings."""
        params = {"listentity": "source", "diskid": disk_id}
        root = await self._xml(f"{BASE}/list.cgi", params)
        return tuple(t for node in root.iter("source") if (t := to_str(node.text.strip('"'))))

    async def start(self, disk_id: str, options: str | None = None) -> str:
        """Start a recording on a disk; return its recording id."""
        root = await self._xml(f"{BASE}/record.cgi", {"diskid": disk_id, "options": options})
        recording_id = to_str(_result(root, "record").get("recordingid"))
        if recording_id is None:
            raise VapixResponseError("record.cgi answered no recordingid")
        return recording_id

    async def stop(self, recording_id: str) -> None:
        """Stop an active recording."""
        _result(await self._xml(f"{BASE}/stop.cgi", {"recordingid": recording_id}), "stop")

    async def remove(
        self,
        recording_ids: str | Iterable[str] | None = None,
        *,
        disk_id: str | None = None,
        before: datetime | None = None,
        event_id: str | None = None,
    ) -> None:
        """Remove recordings by id (or "all"), or by disk/time/event filter."""
        ids = (
            recording_ids
            if recording_ids is None or isinstance(recording_ids, str)
            else ",".join(recording_ids)
        )
        params = {
            "recordingid": ids,
            "diskid": disk_id,
            "beforetime": format_time(before) if before is not None else None,
            "eventid": event_id,
        }
        root = await self._xml(f"{BASE}/remove.cgi", params)
        for node in root.iter("remove"):
            if (node.get("result") or "OK").strip().upper() != "OK":
                _result(node, "remove")

    async def add_continuous_profile(
        self, disk_id: str, options: str, event_id: str | None = None
    ) -> int:
        """Add a continuous recording profile; return its number."""
        params = {"diskid": disk_id, "options": options, "eventid": event_id}
        root = await self._xml(f"{BASE}/continuous/addconfiguration.cgi", params)
        profile = to_int(_result(root, "configure").get("profile"))
        if profile is None:
            raise VapixResponseError("addconfiguration.cgi answered no profile")
        return profile

    async def list_continuous_profiles(
        self, profile: int | None = None
    ) -> tuple[ContinuousProfile, ...]:
        """List continuous recording profiles."""
        root = await self._xml(f"{BASE}/continuous/listconfiguration.cgi", {"profile": profile})
        return parse_profiles(root)

    async def remove_continuous_profile(self, profile: int) -> None:
        """Stop and remove a continuous recording profile."""
        root = await self._xml(f"{BASE}/continuous/removeconfiguration.cgi", {"profile": profile})
        _result(root, "remove")

    def play(
        self,
        recording_id: str,
        *,
        start: datetime | None = None,
        stop: datetime | None = None,
        media_type: str | None = None,
        rate: str | None = None,
    ) -> AbstractAsyncContextManager[Stream]:
        """Open record/play.cgi (deprecated by Axis, MJPEG recordings only) as a stream.

        Prefer RTSP (`rtsp_path`) or the Export recording API for H.264.
        """
        params = {
            "recordingid": recording_id,
            "starttime": format_time(start) if start is not None else None,
            "stoptime": format_time(stop) if stop is not None else None,
            "mediatype": media_type,
            "rate": rate,
        }
        return self._client.stream(f"{BASE}/play.cgi", params)

    @staticmethod
    def rtsp_path(recording_id: str) -> str:
        """Return the RTSP path and query that play a recording (with a Range: clock= header)."""
        return f"/axis-media/media.amp?{urlencode({'recordingid': recording_id})}"
