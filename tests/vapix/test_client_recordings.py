"""Recordings through the client against the simulator: what a user would see."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from custom_components.axis_edge_storage.vapix import (
    Api,
    AxisEdgeStorage,
    ContinuousProfile,
    Recording,
    RecordingList,
    RecordingStatus,
    RecordingType,
    SortOrder,
    VapixHttpError,
    VapixNotSupportedError,
    VapixRequestError,
)
from custom_components.axis_edge_storage.vapix.recordings import parse_recordings
from simulator import Simulator

#: Recordings the simulated camera starts with: 5 completed and 1 ongoing, all on the SD card.
PRESET = 6


async def _all(device: AxisEdgeStorage) -> list[Recording]:
    return list(await device.recordings.list(sort=SortOrder.ASCENDING))


def _assert_recording_error(info: pytest.ExceptionInfo[VapixRequestError], text: str) -> None:
    err = info.value
    assert err.api is Api.RECORDING
    assert err.code is None and err.meaning is None  # the recording API has no codes
    assert err.description == text
    assert str(err) == f"recording error: {text}"


def _list_requests(sim: Simulator) -> list[dict[str, str]]:
    return [
        r.query for r in sim.request_log if r.path.endswith("record/list.cgi") and r.status == 200
    ]


# ------------------------------------------------------------------ listing


async def test_list_reads_every_field(device: AxisEdgeStorage) -> None:
    recordings = await _all(device)
    assert len(recordings) == PRESET
    assert all(r.disk_id == "SD_DISK" for r in recordings)
    (ongoing,) = [r for r in recordings if r.ongoing]
    assert ongoing.stop is None and ongoing.stop_local is None
    assert ongoing.status is RecordingStatus.RECORDING
    assert ongoing.recording_type is RecordingType.CONTINUOUS
    assert ongoing.recording_id.endswith("_ACCC8E012345")
    for rec in recordings:
        if rec is ongoing:
            continue
        assert rec.status is RecordingStatus.COMPLETED and not rec.ongoing
        assert rec.start is not None and rec.stop is not None and rec.start < rec.stop
        assert rec.start.tzinfo is not None
    motion = [r for r in recordings if r.event_id == "motion"]
    assert len(motion) == 2
    assert all(r.recording_type is RecordingType.TRIGGERED for r in motion)
    assert all(r.event_trigger == "motion" for r in motion)
    (audio,) = [r for r in recordings if r.audio is not None]
    assert audio.event_id == "audio detection"
    assert audio.video is not None and audio.video.mime_type == "image/jpeg"
    assert audio.audio is not None
    assert audio.audio.sample_rate == 16000 and audio.audio.bitrate == 32000
    video = recordings[0].video
    assert video is not None and video.mime_type == "video/x-h264"
    assert video.width and video.height and video.resolution == f"{video.width}x{video.height}"


async def test_paging_returns_every_recording_once(sim: Simulator, device: AxisEdgeStorage) -> None:
    everything = await device.recordings.list(page_size=100, sort=SortOrder.ASCENDING)
    assert len(everything) == PRESET
    sim.request_log.clear()

    ascending = await device.recordings.list(page_size=2, sort=SortOrder.ASCENDING)
    assert [r.recording_id for r in ascending] == [r.recording_id for r in everything]
    starts = [r.start for r in ascending]
    assert starts == sorted(starts)  # type: ignore[type-var]
    pages = _list_requests(sim)
    assert len(pages) >= 3
    assert all(q["maxnumberofresults"] == "2" for q in pages)
    assert [q["startatresultnumber"] for q in pages[:3]] == ["0", "2", "4"]

    descending = await device.recordings.list(page_size=4, sort=SortOrder.DESCENDING)
    assert [r.recording_id for r in descending] == [r.recording_id for r in reversed(ascending)]
    assert len({r.recording_id for r in descending}) == PRESET

    # A page size that does not divide the count.
    assert len(await device.recordings.list(page_size=5)) == PRESET
    # limit stops early.
    limited = await device.recordings.list(page_size=2, limit=3, sort=SortOrder.ASCENDING)
    assert [r.recording_id for r in limited] == [r.recording_id for r in ascending[:3]]


async def test_list_page_reports_totals(device: AxisEdgeStorage) -> None:
    page = await device.recordings.list_page(event_id="motion", max_results=1)
    assert page.total == PRESET and page.matched == 2
    assert len(page.recordings) == 1


async def test_firmware_quirk_raw_list_returns_only_the_newest(device: AxisEdgeStorage) -> None:
    raw = parse_recordings(
        await device.recordings._xml("axis-cgi/record/list.cgi", {"recordingid": "all"})
    )
    assert raw.matched == PRESET
    (only,) = raw.recordings
    recordings = await _all(device)
    assert only.recording_id == recordings[-1].recording_id  # the newest start
    # The client always pages explicitly and gets all of them.
    assert len(await device.recordings.list()) == PRESET


async def test_filter_by_disk(device: AxisEdgeStorage) -> None:
    assert len(await device.recordings.list(disk_id="SD_DISK")) == PRESET
    # The network share disk is not mounted: nothing recorded there is visible.
    assert await device.recordings.list(disk_id="NetworkShare") == ()


async def test_filter_by_event_id(device: AxisEdgeStorage) -> None:
    motion = await device.recordings.list(event_id="motion")
    assert len(motion) == 2 and {r.event_id for r in motion} == {"motion"}
    assert await device.recordings.list(event_id="no such event") == ()


async def test_time_window_spanning_two_adjacent_continuous_recordings(
    device: AxisEdgeStorage,
) -> None:
    continuous = [
        r for r in await _all(device) if r.event_id == "continuous" and r.stop is not None
    ]
    first, second = continuous
    assert first.stop == second.start  # back to back

    # A short window around the seam.
    seam = first.stop
    assert seam is not None
    found = await device.recordings.list(
        start=seam - timedelta(seconds=10), stop=seam + timedelta(seconds=10)
    )
    assert {r.recording_id for r in found} == {first.recording_id, second.recording_id}

    # Exactly their span, continuous recordings only: both and nothing else.
    assert second.stop is not None and first.start is not None
    found = await device.recordings.list(
        start=first.start, stop=second.stop, event_id="continuous", sort=SortOrder.ASCENDING
    )
    assert [r.recording_id for r in found] == [first.recording_id, second.recording_id]


async def test_time_window_reaching_now_includes_the_ongoing_recording(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    now = sim.clock.now()
    found = await device.recordings.list(start=now - timedelta(minutes=5))
    (ongoing,) = found
    assert ongoing.ongoing and ongoing.stop is None
    assert ongoing.status is RecordingStatus.RECORDING
    # A window long before anything was recorded is empty.
    assert await device.recordings.list(stop=now - timedelta(days=1)) == ()


async def test_get_known_and_unknown(device: AxisEdgeStorage) -> None:
    recordings = await _all(device)
    for rec in (recordings[0], recordings[-1]):
        assert await device.recordings.get(rec.recording_id) == rec
    assert await device.recordings.get("20000101_000000_0000_ACCC8E012345") is None


async def test_event_ids_and_sources(device: AxisEdgeStorage) -> None:
    assert await device.recordings.event_ids() == ("audio detection", "continuous", "motion")
    assert await device.recordings.event_ids("SD_DISK") == (
        "audio detection",
        "continuous",
        "motion",
    )
    assert await device.recordings.event_ids("NetworkShare") == ()
    assert await device.recordings.sources() == ("1",)


# ------------------------------------------------------------------ record and stop


async def test_start_and_stop_a_recording(sim: Simulator, device: AxisEdgeStorage) -> None:
    recording_id = await device.recordings.start("SD_DISK")
    rec = await device.recordings.get(recording_id)
    assert rec is not None and rec.ongoing and rec.stop is None
    assert rec.status is RecordingStatus.RECORDING and rec.disk_id == "SD_DISK"
    assert len([r for r in await _all(device) if r.ongoing]) == 2

    sim.clock.advance(60.0)
    await device.recordings.stop(recording_id)
    rec = await device.recordings.get(recording_id)
    assert rec is not None and not rec.ongoing
    assert rec.status is RecordingStatus.COMPLETED
    assert rec.start is not None and rec.stop is not None
    assert timedelta(seconds=59) <= rec.stop - rec.start <= timedelta(seconds=62)
    assert len(await _all(device)) == PRESET + 1

    with pytest.raises(VapixRequestError) as info:
        await device.recordings.stop(recording_id)
    _assert_recording_error(info, "The recording is not active.")


async def test_start_refused_where_the_device_cannot_record(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.recordings.start("NetworkShare")
    _assert_recording_error(info, "The disk is not mounted.")
    with pytest.raises(VapixRequestError) as info:
        await device.recordings.start("NO_SUCH_DISK")
    _assert_recording_error(info, "Invalid disk ID: NO_SUCH_DISK")
    await device.disks.lock("SD_DISK")
    with pytest.raises(VapixRequestError) as info:
        await device.recordings.start("SD_DISK")
    _assert_recording_error(info, "The disk is locked.")
    assert len(await _all(device)) == PRESET


async def test_stop_unknown_recording(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.recordings.stop("20000101_000000_0000_ACCC8E012345")
    _assert_recording_error(info, "Recording not found.")


# ------------------------------------------------------------------ remove


async def test_remove_by_id(device: AxisEdgeStorage) -> None:
    recordings = await _all(device)
    await device.recordings.remove(recordings[0].recording_id)
    await device.recordings.remove([recordings[1].recording_id, recordings[2].recording_id])
    left = {r.recording_id for r in await _all(device)}
    assert left == {r.recording_id for r in recordings[3:]}


async def test_remove_unknown_id(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.recordings.remove("20000101_000000_0000_ACCC8E012345")
    _assert_recording_error(info, "Recording not found.")
    assert len(await _all(device)) == PRESET


async def test_remove_before(device: AxisEdgeStorage) -> None:
    recordings = await _all(device)  # ascending by start
    cut = recordings[1].start
    assert cut is not None
    await device.recordings.remove(before=cut + timedelta(minutes=1))
    left = await _all(device)
    assert [r.recording_id for r in left] == [r.recording_id for r in recordings[2:]]


async def test_remove_on_a_locked_disk_is_refused(device: AxisEdgeStorage) -> None:
    recordings = await _all(device)
    await device.disks.lock("SD_DISK")
    with pytest.raises(VapixRequestError) as info:
        await device.recordings.remove(recordings[0].recording_id)
    _assert_recording_error(info, "The disk is locked.")
    assert len(await _all(device)) == PRESET
    await device.disks.unlock("SD_DISK")
    await device.recordings.remove(recordings[0].recording_id)
    assert recordings[0].recording_id not in {r.recording_id for r in await _all(device)}


# ------------------------------------------------------------------ continuous profiles


async def test_continuous_profiles_add_list_remove(device: AxisEdgeStorage) -> None:
    recordings = device.recordings
    assert await recordings.list_continuous_profiles() == (
        ContinuousProfile(1, "SD_DISK", "resolution=1920x1080", "continuous"),
    )
    number = await recordings.add_continuous_profile("SD_DISK", "resolution=640x360", "door")
    assert number == 2
    assert await recordings.list_continuous_profiles(2) == (
        ContinuousProfile(2, "SD_DISK", "resolution=640x360", "door"),
    )
    assert [p.profile for p in await recordings.list_continuous_profiles()] == [1, 2]
    # The new profile records at once.
    (door,) = await recordings.list(event_id="door")
    assert door.ongoing and door.recording_type is RecordingType.CONTINUOUS

    with pytest.raises(VapixRequestError) as info:
        await recordings.add_continuous_profile("SD_DISK", "resolution=320x180")
    _assert_recording_error(info, "Maximum number of continuous recording profiles reached.")

    await recordings.remove_continuous_profile(2)
    assert [p.profile for p in await recordings.list_continuous_profiles()] == [1]
    (door,) = await recordings.list(event_id="door")
    assert not door.ongoing and door.status is RecordingStatus.COMPLETED
    assert await recordings.list_continuous_profiles(2) == ()


async def test_continuous_profile_errors(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.recordings.add_continuous_profile("NO_SUCH_DISK", "resolution=640x360")
    _assert_recording_error(info, "Invalid disk ID: NO_SUCH_DISK.")
    with pytest.raises(VapixRequestError) as info:
        await device.recordings.remove_continuous_profile(7)
    _assert_recording_error(info, "No such recording profile.")
    assert [p.profile for p in await device.recordings.list_continuous_profiles()] == [1]


async def test_default_event_id_of_a_profile(device: AxisEdgeStorage) -> None:
    number = await device.recordings.add_continuous_profile("SD_DISK", "fps=5")
    (profile,) = await device.recordings.list_continuous_profiles(number)
    assert profile.event_id == "continuous" and profile.options == "fps=5"


# ------------------------------------------------------------------ playback


async def test_play_is_not_implemented_by_the_device(device: AxisEdgeStorage) -> None:
    recordings = await _all(device)
    mjpeg = next(r for r in recordings if r.video and r.video.mime_type == "image/jpeg")
    with pytest.raises(VapixHttpError) as info:
        async with device.recordings.play(mjpeg.recording_id, rate="max"):
            pytest.fail("play.cgi should not stream")
    assert info.value.status == 501
    assert "501" in str(info.value)


async def test_play_unknown_recording(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixNotSupportedError):
        async with device.recordings.play("20000101_000000_0000_ACCC8E012345"):
            pytest.fail("play.cgi should not stream")


def test_rtsp_path() -> None:
    from custom_components.axis_edge_storage.vapix.recordings import RecordingApi

    assert RecordingApi.rtsp_path("20141211_091153_025B_ACCC8E012345") == (
        "/axis-media/media.amp?recordingid=20141211_091153_025B_ACCC8E012345"
    )
    assert RecordingApi.rtsp_path("a b&c") == "/axis-media/media.amp?recordingid=a+b%26c"


async def test_rtsp_path_of_a_listed_recording(device: AxisEdgeStorage) -> None:
    rec = (await _all(device))[0]
    path = device.recordings.rtsp_path(rec.recording_id)
    assert path.startswith("/axis-media/media.amp?")
    assert path.endswith(f"recordingid={rec.recording_id}")


async def test_list_follows_the_matched_count_when_a_device_caps_pages(
    device: AxisEdgeStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A device answering at most 2 per page still gives every recording to list()."""
    everything = await device.recordings.list(page_size=100)
    assert len(everything) > 2
    real_page = device.recordings.list_page
    offsets: list[int] = []

    async def capped(**kwargs: Any) -> RecordingList:
        offsets.append(kwargs["start_at"])
        page = await real_page(**{**kwargs, "max_results": 2})
        return RecordingList(page.total, page.matched, page.recordings)

    monkeypatch.setattr(device.recordings, "list_page", capped)
    listed = await device.recordings.list(page_size=100)
    assert [r.recording_id for r in listed] == [r.recording_id for r in everything]
    assert offsets == list(range(0, len(everything), 2))
