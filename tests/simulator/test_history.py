"""History before the factory timeline (``history_days``): days of recordings to browse."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, timedelta
from itertools import pairwise
from pathlib import Path

import aiohttp
import av
import pytest

from simulator import Simulator
from simulator.__main__ import config_from_args, parse_args
from simulator.clock import format_time, parse_time
from simulator.history import EVENTS
from simulator.model import Recording

from .helpers import VIEWER, find, get_xml, make_sim

DAYS = 3


@pytest.fixture
async def history_sim(sim_media_cache: Path) -> AsyncIterator[Simulator]:
    """A served simulator with three days of history."""
    simulator = make_sim(sim_media_cache, history_days=DAYS)
    async with simulator.serve("127.0.0.1", 0):
        yield simulator


def by_start(sim: Simulator) -> list[Recording]:
    return sorted(sim.state.recordings.values(), key=lambda r: (r.start, r.recordingid))


def length(rec: Recording) -> timedelta:
    assert rec.stop is not None
    return rec.stop - rec.start


def factory_part(sim: Simulator, default: Simulator) -> list[Recording]:
    """The recordings of ``sim`` that are those of the factory timeline (same ids)."""
    return [r for r in by_start(sim) if r.recordingid in default.state.recordings]


def test_default_config_has_no_history(sim_media_cache: Path) -> None:
    sim = make_sim(sim_media_cache)
    recs = by_start(sim)
    assert len(recs) == 6
    continuous = [r for r in recs if r.recordingtype == "continuous"]
    assert len(continuous) == 3
    assert continuous[0].stop == continuous[1].start
    assert sim.state.disks["SD_DISK"].cleanupmaxage == 7
    assert (sim.state.now() - recs[0].start) < timedelta(hours=5, minutes=1)


def test_history_days_before_the_factory_timeline(sim_media_cache: Path) -> None:
    default = make_sim(sim_media_cache)
    sim = make_sim(sim_media_cache, history_days=DAYS)
    # The factory timeline is untouched: same ids (same seed), same kinds, same lengths.
    factory = factory_part(sim, default)
    assert [r.recordingid for r in factory] == [r.recordingid for r in by_start(default)]
    first = factory[0].start
    history = [r for r in by_start(sim) if r.recordingid not in default.state.recordings]
    assert history
    assert all(r.stop is not None and r.stop < first for r in history)
    assert all(r.diskid == "SD_DISK" and r.mimetype == "video/x-h264" for r in history)
    # N whole UTC days before the factory's day, each with continuous and motion recordings.
    factory_day = first.astimezone(UTC).date()
    days = {r.start.astimezone(UTC).date() for r in history}
    assert days == {factory_day - timedelta(days=k) for k in range(1, DAYS + 1)}
    for day in days:
        of_day = [r for r in history if r.start.astimezone(UTC).date() == day]
        kinds = Counter(r.recordingtype for r in of_day)
        assert kinds["triggered"] == len(EVENTS)
        assert kinds["continuous"] >= 1
        motion = [r for r in of_day if r.recordingtype == "triggered"]
        assert {(r.eventid, r.eventtrigger) for r in motion} == {("motion", "motion")}
        assert all(timedelta(seconds=30) <= length(r) <= timedelta(minutes=3) for r in motion)
    continuous = [r for r in history if r.recordingtype == "continuous"]
    assert all(length(r) >= timedelta(hours=6) for r in continuous)
    # One runs across midnight; continuous recordings never overlap one another.
    assert any(r.start.date() != r.end(r.start).date() for r in continuous)
    for before, after in pairwise(continuous):
        assert before.stop is not None and before.stop <= after.start
    # Deterministic: the same times on another simulator.
    again = make_sim(sim_media_cache, history_days=DAYS, seed=7)
    times = [(r.start, r.stop, r.eventid) for r in by_start(again)]
    assert [(r.start, r.stop, r.eventid) for r in history] == times[: len(history)]


def test_history_kept_by_the_cards_clean_up(sim_media_cache: Path) -> None:
    sim = make_sim(sim_media_cache, history_days=10)
    count = len(sim.state.recordings)
    assert sim.state.disks["SD_DISK"].cleanupmaxage >= 12
    sim.advance(60.0)
    assert len(sim.state.recordings) == count
    total, free = sim.state.sizes(sim.state.disks["SD_DISK"])
    assert 0 < free < total


def test_command_line() -> None:
    config = config_from_args(parse_args(["--history-days", "3"]))
    assert config.history_days == 3
    assert config_from_args(parse_args([])).history_days == 0
    with pytest.raises(SystemExit):
        parse_args(["--history-days", "-1"])


async def test_paged_listing_returns_every_recording(
    history_sim: Simulator, session: aiohttp.ClientSession
) -> None:
    expected = {r.recordingid for r in history_sim.state.recordings.values()}
    assert len(expected) > 20
    seen: list[str] = []
    offset = 0
    while True:
        tree = await get_xml(
            session,
            history_sim,
            "/axis-cgi/record/list.cgi",
            auth=VIEWER,
            recordingid="all",
            maxnumberofresults="7",
            startatresultnumber=str(offset),
        )
        assert tree["root"]["recordings"]["@numberofrecordings"] == str(len(expected))
        page = [r["@recordingid"] for r in find(tree, "recording")]
        if not page:
            break
        seen += page
        offset += len(page)
    assert len(seen) == len(expected)
    assert set(seen) == expected
    # A window of one history day lists that day's recordings (and the one across midnight).
    day = min(r.start for r in history_sim.state.recordings.values()).replace(
        hour=0, minute=0, second=0
    ) + timedelta(days=1)
    tree = await get_xml(
        session,
        history_sim,
        "/axis-cgi/record/list.cgi",
        auth=VIEWER,
        starttime=format_time(day),
        stoptime=format_time(day + timedelta(days=1)),
        maxnumberofresults="100",
        startatresultnumber="0",
    )
    listed = {r["@recordingid"] for r in find(tree, "recording")}
    overlapping = {
        r.recordingid
        for r in history_sim.state.recordings.values()
        if r.start <= day + timedelta(days=1) and r.stop is not None and r.stop >= day
    }
    assert listed == overlapping


async def test_history_recording_exports(
    history_sim: Simulator, session: aiohttp.ClientSession
) -> None:
    history = by_start(history_sim)
    motion = next(r for r in history if r.eventid == "motion")
    night = next(r for r in history if r.recordingtype == "continuous" and r.stop is not None)
    for rec, start, stop in (
        (motion, motion.start, motion.stop),
        # Past the midnight the night's recording runs across.
        (night, night.start + timedelta(hours=7), night.start + timedelta(hours=7, seconds=8)),
    ):
        assert stop is not None
        params = {
            "schemaversion": "1",
            "recordingid": rec.recordingid,
            "diskid": "SD_DISK",
            "exportformat": "matroska",
            "starttime": format_time(start),
            "stoptime": format_time(stop),
        }
        async with session.get(
            history_sim.url + "/axis-cgi/record/export/exportrecording.cgi",
            params=params,
            auth=VIEWER,
        ) as resp:
            assert resp.status == 200, await resp.text()
            assert resp.content_type == "video/x-matroska"
            data = await resp.read()
        with av.open(io.BytesIO(data), mode="r") as container:
            stream = container.streams.video[0]
            assert stream.codec_context.name == "h264"
            created = parse_time(container.metadata["creation_time"])
            frames = len(list(container.decode(stream)))
        assert start - timedelta(seconds=10) <= created <= start
        assert frames >= (stop - start).total_seconds() * history_sim.media.profile.fps * 0.9
