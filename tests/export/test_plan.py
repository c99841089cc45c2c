"""The plan of an export, without HTTP: range checks, the cover of a range, the disk choice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone

import pytest

from custom_components.axis_edge_storage.export.errors import ExportError
from custom_components.axis_edge_storage.export.plan import (
    check_range,
    check_wanted_disk,
    choose,
    cover,
)
from custom_components.axis_edge_storage.vapix import (
    Disk,
    DiskStatus,
    Recording,
    RecordingStatus,
    RecordingType,
)
from custom_components.axis_edge_storage.vapix.recording_models import VideoInfo

from .conftest import check_error

NOW = datetime.now(UTC).replace(microsecond=0)
START = NOW - timedelta(hours=2)


def _recording(
    recording_id: str,
    start: datetime,
    stop: datetime | None,
    *,
    source: str = "1",
    kind: RecordingType = RecordingType.CONTINUOUS,
    disk_id: str = "SD_DISK",
    mime_type: str = "video/x-h264",
) -> Recording:
    return Recording(
        recording_id=recording_id,
        disk_id=disk_id,
        start=start,
        stop=stop,
        status=RecordingStatus.RECORDING if stop is None else RecordingStatus.COMPLETED,
        recording_type=kind,
        source=source,
        video=VideoInfo(mime_type, source, None, None, None, None),
    )


def _disk(disk_id: str, status: DiskStatus = DiskStatus.OK, *, locked: bool = False) -> Disk:
    return Disk(disk_id, "", 100, 100, status, filesystem="ext4", locked=locked)


DISKS = {"SD_DISK": _disk("SD_DISK"), "NetworkShare": _disk("NetworkShare")}


def test_cover_takes_the_fewest_recordings_per_source() -> None:
    continuous = _recording("c", START, START + timedelta(hours=1))
    inside = _recording(
        "t",
        START + timedelta(minutes=5),
        START + timedelta(minutes=6),
        kind=RecordingType.TRIGGERED,
    )
    later = _recording("d", START + timedelta(minutes=70), None)
    other_source = _recording(
        "s2", START + timedelta(minutes=10), START + timedelta(minutes=20), source="2"
    )
    parts = cover(
        [continuous, inside, later, other_source],
        START + timedelta(minutes=4),
        START + timedelta(minutes=80),
        NOW,
    )
    assert [(p.recording.recording_id, p.start - START, p.stop - START) for p in parts] == [
        ("c", timedelta(minutes=4), timedelta(hours=1)),
        ("s2", timedelta(minutes=10), timedelta(minutes=20)),
        ("d", timedelta(minutes=70), timedelta(minutes=80)),  # the gap 60..70 is skipped
    ]


def test_cover_prefers_continuous_on_a_tie() -> None:
    triggered = _recording("a", START, START + timedelta(minutes=10), kind=RecordingType.TRIGGERED)
    continuous = _recording("b", START, START + timedelta(minutes=10))
    parts = cover([triggered, continuous], START, START + timedelta(minutes=5), NOW)
    assert [p.recording.recording_id for p in parts] == ["b"]


def _fails(
    key: str,
    *,
    recordings: Sequence[Recording] = (),
    disks: Mapping[str, Disk] | None = DISKS,
    wanted: str | None = None,
    window: tuple[datetime, datetime] = (START, START + timedelta(minutes=5)),
) -> ExportError:
    """`choose` refuses with `key`."""
    with pytest.raises(ExportError) as info:
        choose(recordings, disks, wanted, window, NOW)
    check_error(info.value, key)
    return info.value


def test_the_disk_covering_most_of_the_range_wins() -> None:
    window = (START, START + timedelta(minutes=10))
    sd = _recording("sd", START + timedelta(minutes=5), START + timedelta(minutes=20))
    share = _recording("nas", START, START + timedelta(minutes=20), disk_id="NetworkShare")
    disk_id, parts = choose([sd, share], DISKS, None, window, NOW)
    assert disk_id == "NetworkShare"
    assert [(p.recording.recording_id, p.start, p.stop) for p in parts] == [
        ("nas", START, START + timedelta(minutes=10))
    ]


def test_the_sd_card_first_on_a_tie_and_a_usable_disk_before_a_broken_one() -> None:
    window = (START, START + timedelta(minutes=10))
    sd = _recording("sd", START, START + timedelta(minutes=20))
    share = _recording("nas", START, START + timedelta(minutes=20), disk_id="NetworkShare")
    assert choose([share, sd], DISKS, None, window, NOW)[0] == "SD_DISK"
    locked_sd = {**DISKS, "SD_DISK": _disk("SD_DISK", locked=True)}
    assert choose([share, sd], locked_sd, None, window, NOW)[0] == "NetworkShare"
    # Without the right to list disks, every disk counts as usable.
    assert choose([share, sd], None, None, window, NOW)[0] == "SD_DISK"


def test_the_only_covering_disk_being_locked_is_said() -> None:
    locked_sd = {**DISKS, "SD_DISK": _disk("SD_DISK", locked=True)}
    sd = _recording("sd", START, START + timedelta(minutes=20))
    err = _fails("disk_locked", recordings=[sd], disks=locked_sd)
    assert err.placeholders == {"disk": "SD_DISK"}


def test_an_explicit_disk_keeps_only_its_recordings() -> None:
    sd = _recording("sd", START, START + timedelta(minutes=20))
    share = _recording("nas", START, START + timedelta(minutes=20), disk_id="NetworkShare")
    window = (START, START + timedelta(minutes=5))
    assert choose([sd, share], DISKS, "NetworkShare", window, NOW)[1][0].recording is share
    _fails("no_recording", recordings=[sd], wanted="NetworkShare")


def test_why_nothing_can_be_exported() -> None:
    _fails("no_recording")
    mjpeg = _recording("j", START, START + timedelta(minutes=20), mime_type="image/jpeg")
    _fails("recording_not_exportable", recordings=[mjpeg])
    err = _fails("end_in_future", window=(NOW - timedelta(minutes=1), NOW + timedelta(minutes=1)))
    assert set(err.placeholders) == {"end"}
    unmounted = {**DISKS, "SD_DISK": _disk("SD_DISK", DiskStatus.FAILED)}
    err = _fails("disk_unavailable", disks=unmounted)
    assert err.placeholders == {"disk": "SD_DISK", "status": "failed"}
    # An unbound network share is disconnected by design: not the reason.
    unbound = {
        **DISKS,
        "NetworkShare": Disk("NetworkShare", "", 0, 0, DiskStatus.DISCONNECTED, filesystem="cifs"),
    }
    _fails("no_recording", disks=unbound)
    # The same rule as the coordinator's: an NFS share slot, or a slot named as one without a
    # file system, is a share slot too (the old copy of the rule knew only CIFS).
    for filesystem in ("nfs", None):
        unbound_nfs = {
            **DISKS,
            "NetworkShare": Disk(
                "NetworkShare", "", 0, 0, DiskStatus.DISCONNECTED, filesystem=filesystem
            ),
        }
        _fails("no_recording", disks=unbound_nfs)


def test_an_end_in_the_future_needs_a_recording_ongoing_now() -> None:
    window = (NOW - timedelta(minutes=2), NOW + timedelta(minutes=5))
    ongoing = _recording("live", NOW - timedelta(hours=1), None)
    disk_id, parts = choose([ongoing], DISKS, None, window, NOW)
    assert disk_id == "SD_DISK"
    assert [(p.start, p.stop) for p in parts] == [(window[0], NOW)]  # cut at now
    ended = _recording("old", NOW - timedelta(hours=1), NOW - timedelta(minutes=1))
    _fails("end_in_future", recordings=[ended], window=window)


def test_check_wanted_disk() -> None:
    check_wanted_disk(DISKS, None)
    check_wanted_disk(None, "anything")  # the account may not list disks
    check_wanted_disk(DISKS, "SD_DISK")
    with pytest.raises(ExportError) as info:
        check_wanted_disk(DISKS, "USB9")
    check_error(info.value, "unknown_disk", user_error=True)
    assert info.value.placeholders["disks"] == "SD_DISK, NetworkShare"
    with pytest.raises(ExportError) as info:
        check_wanted_disk({"SD_DISK": _disk("SD_DISK", locked=True)}, "SD_DISK")
    check_error(info.value, "disk_locked", user_error=False)


@pytest.mark.parametrize(
    ("start", "end", "key"),
    [
        (START, START, "end_before_start"),
        (START, START - timedelta(minutes=1), "end_before_start"),
        (START, START + timedelta(milliseconds=500), "range_too_short"),
        (START, START + timedelta(hours=24, seconds=1), "range_too_long"),
        (NOW, NOW + timedelta(minutes=1), "start_in_future"),
        (datetime(1969, 12, 31, tzinfo=UTC), START, "time_out_of_range"),
    ],
)
def test_check_range_refuses(start: datetime, end: datetime, key: str) -> None:
    with pytest.raises(ExportError) as info:
        check_range(start, end, NOW)
    check_error(info.value, key, user_error=True)


def test_check_range_gives_utc() -> None:
    local = START.astimezone(timezone(timedelta(hours=2)))
    start, end = check_range(local, local + timedelta(hours=24), NOW)
    assert (start, end) == (START, START + timedelta(hours=24))
    assert start.tzinfo is UTC
