"""The job coordinator at its edges: unload and reload mid-job, kept jobs it cannot follow,
and a camera that rejects the credentials or stops answering while a job runs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.axis_edge_storage.const import DOMAIN, EVENT_JOB_FINISHED
from custom_components.axis_edge_storage.jobs import Job, JobKind, JobUpdate
from custom_components.axis_edge_storage.jobs import tracker as jobs_module
from simulator import Simulator

from .conftest import PASSWORD, SERIAL, TITLE, StartSim, entry_data
from .conftest import call_action as _call

JOBS = "custom_components.axis_edge_storage.jobs.tracker"
SD = "SD_DISK"
JOB_SENSOR = "sensor.axis_p3265_lve_accc8e012345_sd_card_job"
USB_START = "record/export/exporttoexternal.cgi"
# An action told that following stopped must not wait anywhere near its 600/1800 s timeout.
PROMPT = 3.0


@pytest.fixture(autouse=True)
def _fast_polling() -> Iterator[None]:
    """Everything a hundred times faster: poll every 10 ms, back off up to 0.1 s / 0.6 s."""
    with (
        patch(f"{JOBS}.POLL_INTERVAL", 0.01),
        patch(f"{JOBS}.RETRY_MAX", 0.1, create=True),
        patch(f"{JOBS}.AUTH_RETRY_MAX", 0.6, create=True),
    ):
        yield


@pytest.fixture
def finished(hass: HomeAssistant) -> list[Event]:
    """Every job_finished event."""
    events: list[Event] = []

    @callback
    def _record(event: Event) -> None:
        events.append(event)

    hass.bus.async_listen(EVENT_JOB_FINISHED, _record)
    return events


def _entry(hass: HomeAssistant, sim: Simulator) -> MockConfigEntry:
    entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=SERIAL, data=entry_data(sim))
    entry.add_to_hass(hass)
    return entry


async def _setup(hass: HomeAssistant, sim: Simulator) -> tuple[MockConfigEntry, str]:
    entry = _entry(hass, sim)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SERIAL)})
    assert device is not None
    return entry, device.id


async def _until(condition: Any, seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.02)


async def _saved(hass: HomeAssistant) -> None:
    """Let the store's delayed save (on the next loop turn) happen."""
    await asyncio.sleep(0.05)
    await hass.async_block_till_done()


def _kept(hass_storage: dict[str, Any], entry: MockConfigEntry) -> list[str]:
    """The job ids in the entry's store."""
    stored = hass_storage.get(f"{DOMAIN}.{entry.entry_id}.jobs")
    return [] if stored is None else [job["job_id"] for job in stored["data"]["jobs"]]


def _usb_call(hass: HomeAssistant, camera: str) -> asyncio.Task[Any]:
    """export_clip_to_usb of the last ten minutes, running in a task."""
    return hass.async_create_task(
        hass.services.async_call(
            DOMAIN,
            "export_clip_to_usb",
            {"device_id": camera, "at": dt_util.now() - timedelta(minutes=10)},
            blocking=True,
            return_response=True,
        )
    )


async def _told_following_stopped(call: asyncio.Task[Any]) -> None:
    """The call ends promptly with the translated job_follow_stopped error."""
    async with asyncio.timeout(PROMPT):
        with pytest.raises(HomeAssistantError) as info:
            await call
    assert info.value.translation_key == "job_follow_stopped"
    assert "integration stopped" in str(info.value)


# ------------------------------------------------------------------ unload and reload


async def test_waiting_action_told_at_reload(
    hass: HomeAssistant,
    start_sim: StartSim,
    finished: list[Event],
    hass_storage: dict[str, Any],
) -> None:
    """An action waiting for its job through a reload is told at once; the job still ends once."""
    async with start_sim(job_speed=20) as sim:  # 5 s per job
        entry, camera = await _setup(hass, sim)
        call = hass.async_create_task(
            _call(hass, "unmount_disk", device_id=camera, disk_id=SD, wait=True)
        )
        await _until(lambda: hass.states.get(JOB_SENSOR).state == "unmount")
        assert await hass.config_entries.async_reload(entry.entry_id)
        await _told_following_stopped(call)

        sim.advance(10)
        await _until(lambda: bool(finished))
        await asyncio.sleep(0.1)
        await _saved(hass)
        assert [event.data["result"] for event in finished] == ["ok"]
        assert _kept(hass_storage, entry) == []


async def test_usb_export_returning_after_unload(
    hass: HomeAssistant,
    start_sim: StartSim,
    finished: list[Event],
    hass_storage: dict[str, Any],
) -> None:
    """A USB export whose device call returns after the unload: told at once, job kept.

    The job starts on the camera after the tracker stopped. The action is told (it used to
    follow it on the stopped tracker until its 1800 s timeout) and the job is kept, so the
    next start follows it to its end.
    """
    async with start_sim(job_speed=20) as sim:
        entry, camera = await _setup(hass, sim)
        sim.faults.add("latency", path=USB_START, seconds=1.0, count=1)
        call = _usb_call(hass, camera)
        await _until(lambda: not sim.faults.active())  # the start is in the camera's hands
        assert await hass.config_entries.async_unload(entry.entry_id)
        await _told_following_stopped(call)
        [usb_job] = sim.state.usb_jobs.values()
        assert _kept(hass_storage, entry) == [str(usb_job.jobid)]

        assert await hass.config_entries.async_setup(entry.entry_id)
        sim.advance(10)
        await _until(lambda: bool(finished))
        assert finished[0].data["kind"] == "usb_export"
        assert finished[0].data["job_id"] == str(usb_job.jobid)
        assert finished[0].data["result"] == "ok"


async def test_disk_job_returning_after_unload(
    hass: HomeAssistant,
    start_sim: StartSim,
    finished: list[Event],
    hass_storage: dict[str, Any],
) -> None:
    """A disk action whose device call returns after the unload: told, the job kept.

    The entry's runtime data is gone by then; the action used to end in an untranslated
    AttributeError and leave the camera's job unfollowed.
    """
    async with start_sim(job_speed=20) as sim:
        entry, camera = await _setup(hass, sim)
        sim.faults.add("latency", path="disks/mount.cgi", seconds=1.0, count=1)
        call = hass.async_create_task(
            hass.services.async_call(
                DOMAIN,
                "unmount_disk",
                {"device_id": camera, "disk_id": SD, "wait": True},
                blocking=True,
                return_response=True,
            )
        )
        await _until(lambda: not sim.faults.active())
        assert await hass.config_entries.async_unload(entry.entry_id)
        await _told_following_stopped(call)
        [disk_job] = sim.state.disk_jobs.values()
        assert _kept(hass_storage, entry) == [str(disk_job.jobid)]

        assert await hass.config_entries.async_setup(entry.entry_id)
        sim.advance(10)
        await _until(lambda: bool(finished))
        assert finished[0].data["job_id"] == str(disk_job.jobid)


async def test_usb_export_returning_after_reload(
    hass: HomeAssistant,
    start_sim: StartSim,
    finished: list[Event],
    hass_storage: dict[str, Any],
) -> None:
    """The same through a reload: the reloaded integration follows the late job at once."""
    async with start_sim(job_speed=20) as sim:
        entry, camera = await _setup(hass, sim)
        sim.faults.add("latency", path=USB_START, seconds=1.0, count=1)
        call = _usb_call(hass, camera)
        await _until(lambda: not sim.faults.active())
        assert await hass.config_entries.async_reload(entry.entry_id)
        await _told_following_stopped(call)
        [usb_job] = sim.state.usb_jobs.values()
        assert [job.job_id for job in entry.runtime_data.jobs.running] == [str(usb_job.jobid)]

        sim.advance(10)
        await _until(lambda: bool(finished))
        await asyncio.sleep(0.1)
        await _saved(hass)
        assert [event.data["job_id"] for event in finished] == [str(usb_job.jobid)]
        assert _kept(hass_storage, entry) == []


async def test_stopped_tracker_refuses_to_wait(hass: HomeAssistant, start_sim: StartSim) -> None:
    """Waiting on a tracker that was shut down fails at once, whoever asks and when."""
    async with start_sim(job_speed=20) as sim:
        entry, camera = await _setup(hass, sim)
        started = await _call(hass, "unmount_disk", device_id=camera, disk_id=SD)
        tracker = entry.runtime_data.jobs
        [job] = tracker.running
        assert job.job_id == started["job_id"]
        assert await hass.config_entries.async_unload(entry.entry_id)
        async with asyncio.timeout(PROMPT):
            with pytest.raises(HomeAssistantError) as info:
                await tracker.async_wait(job, 600)
        assert info.value.translation_key == "job_follow_stopped"


async def test_stale_tracker_cannot_overwrite_the_store(
    hass: HomeAssistant,
    start_sim: StartSim,
    finished: list[Event],
    hass_storage: dict[str, Any],
) -> None:
    """After a reload, the old tracker's delayed save must not overwrite the new one's store.

    Job A runs through a reload and ends on the new tracker, which keeps no job. Then the old
    tracker is handed job B (an action holding it, whose device call returned late). Saving
    its own view would keep A, finished already, and the next start would report A again.
    """
    async with start_sim(job_speed=20) as sim:
        entry, camera = await _setup(hass, sim)
        job_a = await _call(hass, "unmount_disk", device_id=camera, disk_id=SD)
        old = entry.runtime_data.jobs
        assert await hass.config_entries.async_reload(entry.entry_id)
        sim.advance(10)
        await _until(lambda: bool(finished))
        await _saved(hass)
        assert _kept(hass_storage, entry) == []

        disk_b = sim.state.start_disk_job(sim.state.disk(SD), "mount")
        await old.async_follow(
            Job(
                kind=JobKind.DISK,
                job_id=str(disk_b.jobid),
                action="mount",
                disk_id=SD,
                started=dt_util.utcnow(),
            )
        )
        await _saved(hass)
        assert job_a["job_id"] not in _kept(hass_storage, entry)

        sim.advance(10)
        await _until(lambda: len(finished) == 2)
        assert await hass.config_entries.async_reload(entry.entry_id)
        await asyncio.sleep(0.2)
        await _saved(hass)
        assert [event.data["job_id"] for event in finished] == [
            job_a["job_id"],
            str(disk_b.jobid),
        ]
        assert _kept(hass_storage, entry) == []


async def test_late_job_after_the_entry_was_removed(
    hass: HomeAssistant, start_sim: StartSim, hass_storage: dict[str, Any]
) -> None:
    """A job handed to a stopped tracker after its entry was removed leaves no store behind."""
    async with start_sim(job_speed=20) as sim:
        entry, _camera = await _setup(hass, sim)
        old = entry.runtime_data.jobs
        assert await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()
        late = sim.state.start_disk_job(sim.state.disk(SD), "unmount")
        await old.async_follow(
            Job(
                kind=JobKind.DISK,
                job_id=str(late.jobid),
                action="unmount",
                disk_id=SD,
                started=dt_util.utcnow(),
            )
        )
        await _saved(hass)
        assert f"{DOMAIN}.{entry.entry_id}.jobs" not in hass_storage


# ----------------------------------------------------------------------- kept jobs


def _store(hass_storage: dict[str, Any], entry: MockConfigEntry, jobs: Any) -> None:
    key = f"{DOMAIN}.{entry.entry_id}.jobs"
    hass_storage[key] = {"version": 1, "minor_version": 1, "key": key, "data": {"jobs": jobs}}


def _kept_job(job_id: Any, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "disk",
        "job_id": job_id,
        "action": "unmount",
        "disk_id": SD,
        "started": dt_util.utcnow().isoformat(),
        "progress": 0,
        "result": None,
        **fields,
    }


async def test_kept_job_with_a_non_numeric_id(
    hass: HomeAssistant,
    start_sim: StartSim,
    finished: list[Event],
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A kept disk job whose id is no number is dropped with a warning; the others go on."""
    async with start_sim(job_speed=20) as sim:
        running = sim.state.start_disk_job(sim.state.disk(SD), "unmount")
        entry = _entry(hass, sim)
        _store(hass_storage, entry, [_kept_job("abc"), _kept_job(str(running.jobid))])
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        sim.advance(10)
        with contextlib.suppress(TimeoutError):
            await _until(lambda: bool(finished), seconds=3.0)
        # The poll loop outlived the bad job: the good one was followed to its end.
        assert [event.data["job_id"] for event in finished] == [str(running.jobid)]
        assert finished[0].data["result"] == "ok"
        assert "Dropping a kept job" in caplog.text
        assert "'abc'" in caplog.text
        await _saved(hass)
        assert _kept(hass_storage, entry) == []


@pytest.mark.parametrize(
    "bad",
    [
        _kept_job("12.5"),
        _kept_job("-3"),
        _kept_job("١٢"),  # Arabic-Indic digits: int() takes them, the camera does not
        _kept_job("7", kind="usb_export", action="usb_export"),  # fine: kept
        _kept_job(True),
        _kept_job("8", disk_id=5),
        _kept_job("9", started=12),
        _kept_job("9", progress="50"),
        _kept_job("9", started="2024-13-45T00:00:00"),  # shaped like a time: kept, now
        _kept_job(9),  # a number as written by hand: kept
        _kept_job("10", kind="format"),
        {"job_id": "11"},
        "garbage",
        None,
    ],
    ids=[
        "float",
        "negative",
        "unicode-digits",
        "usb-export",
        "bool",
        "disk-id-number",
        "started-number",
        "progress-text",
        "started-month-13",
        "id-number",
        "unknown-kind",
        "no-kind",
        "string",
        "null",
    ],
)
async def test_kept_jobs_of_any_shape(
    hass: HomeAssistant,
    start_sim: StartSim,
    finished: list[Event],
    hass_storage: dict[str, Any],
    bad: Any,
) -> None:
    """Whatever a kept job looks like, set-up succeeds and the good job is followed."""
    async with start_sim(job_speed=20) as sim:
        running = sim.state.start_disk_job(sim.state.disk(SD), "unmount")
        entry = _entry(hass, sim)
        _store(hass_storage, entry, [bad, _kept_job(str(running.jobid))])
        assert await hass.config_entries.async_setup(entry.entry_id)
        sim.advance(10)
        await _until(lambda: any(e.data["job_id"] == str(running.jobid) for e in finished))


async def test_a_job_that_cannot_be_read_ends_alone(
    hass: HomeAssistant,
    start_sim: StartSim,
    finished: list[Event],
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unexpected error reading one job ends that job as lost; the others are followed."""
    async with start_sim(job_speed=20) as sim:
        disk = sim.state.disk(SD)
        broken = sim.state.start_disk_job(disk, "checkdisk")
        running = sim.state.start_disk_job(disk, "unmount")
        entry = _entry(hass, sim)
        _store(
            hass_storage,
            entry,
            [
                _kept_job(str(broken.jobid), action="checkdisk"),
                _kept_job(str(running.jobid)),
            ],
        )
        real = jobs_module.async_read_job

        async def _read(device: Any, job: Job) -> JobUpdate:
            if job.job_id == str(broken.jobid):
                raise RuntimeError("a reader bug")
            return await real(device, job)

        with patch(f"{JOBS}.async_read_job", _read):
            assert await hass.config_entries.async_setup(entry.entry_id)
            sim.advance(10)
            await _until(lambda: len(finished) == 2)
        results = {event.data["job_id"]: event.data["result"] for event in finished}
        assert results == {str(broken.jobid): "lost", str(running.jobid): "ok"}
        assert "cannot be followed" in caplog.text
        assert "a reader bug" in caplog.text


@pytest.mark.parametrize("jobs", [None, "garbage", {"a": 1}, 5])
async def test_kept_jobs_not_a_list(
    hass: HomeAssistant, sim: Simulator, hass_storage: dict[str, Any], jobs: Any
) -> None:
    """A store whose jobs are not a list holds no job; set-up succeeds."""
    entry = _entry(hass, sim)
    _store(hass_storage, entry, jobs)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.runtime_data.jobs.running == ()


# ------------------------------------------------------------------------ back-off


def _job_polls(sim: Simulator) -> int:
    return sum(1 for record in sim.request_log if record.path.endswith("/disks/job.cgi"))


async def test_rejected_credentials_back_off(
    hass: HomeAssistant, start_sim: StartSim, finished: list[Event]
) -> None:
    """While the camera rejects the credentials, a job is asked about rarely; reauth once.

    At a hundredth of the real times, three seconds stand for five minutes: polling once a
    second would ask 300 times, the back-off (doubling up to a minute) about ten times.
    """
    async with start_sim(job_speed=1) as sim:  # 100 s per job
        entry, camera = await _setup(hass, sim)
        await _call(hass, "unmount_disk", device_id=camera, disk_id=SD)
        await asyncio.sleep(0.1)
        assert _job_polls(sim) > 0

        with patch.object(
            entry, "async_start_reauth", wraps=entry.async_start_reauth
        ) as start_reauth:
            sim.set_password("root", "changed on the camera")
            await asyncio.sleep(0.05)
            sim.request_log.clear()
            await asyncio.sleep(3.0)
            polls = _job_polls(sim)
            assert 1 <= polls <= 2 * 10  # a poll is one request, and its digest retry
            assert start_reauth.call_count == 1
        flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]

        # The credentials work again: the job is followed at the normal pace to its end.
        sim.set_password("root", PASSWORD)
        sim.advance(200)
        await _until(lambda: bool(finished), seconds=2.0)
        assert finished[0].data["result"] == "ok"


async def test_unanswered_polls_back_off(
    hass: HomeAssistant, start_sim: StartSim, finished: list[Event]
) -> None:
    """A camera answering 503 is asked less often (up to 10 s apart, here 0.1 s); no reauth."""
    async with start_sim(job_speed=1) as sim:
        entry, camera = await _setup(hass, sim)
        await _call(hass, "unmount_disk", device_id=camera, disk_id=SD)
        sim.faults.add("status", status=503, path="disks/job.cgi")
        await asyncio.sleep(0.05)
        sim.request_log.clear()
        with patch.object(entry, "async_start_reauth") as start_reauth:
            await asyncio.sleep(1.0)  # 100 s: 100 polls once a second, about 13 backing off
        assert _job_polls(sim) <= 20
        start_reauth.assert_not_called()

        sim.faults.clear()
        sim.advance(200)
        await _until(lambda: bool(finished), seconds=2.0)
        assert finished[0].data["result"] == "ok"


async def test_a_new_job_ends_the_back_off(
    hass: HomeAssistant, start_sim: StartSim, finished: list[Event]
) -> None:
    """A job started while polls back off (the camera answered its start) is asked at once."""
    async with start_sim(job_speed=1) as sim:
        entry, camera = await _setup(hass, sim)
        await _call(hass, "unmount_disk", device_id=camera, disk_id=SD)
        sim.faults.add("status", status=503, path="disks/job.cgi")
        with patch(f"{JOBS}.RETRY_MAX", 5.0, create=True):
            await asyncio.sleep(1.5)  # pauses of 0.02, 0.04 ... 1.28 s, the next 2.56 s
            sim.faults.clear()
            check = sim.state.start_disk_job(sim.state.disk(SD), "checkdisk")
            sim.advance(200)
            await entry.runtime_data.jobs.async_follow(
                Job(
                    kind=JobKind.DISK,
                    job_id=str(check.jobid),
                    action="checkdisk",
                    disk_id=SD,
                    started=dt_util.utcnow(),
                )
            )
            await _until(lambda: len(finished) == 2, seconds=0.5)
        assert {event.data["result"] for event in finished} == {"ok"}


def test_back_off_schedule() -> None:
    """Rejected credentials: 2, 4, 8 ... up to 60 s; no answer: up to 10 s; answered: 1 s."""
    # Imported here: the rest of this file also runs against the code before the back-off.
    from custom_components.axis_edge_storage.jobs.schedule import (
        PollBackoff,
        PollOutcome,
    )

    backoff = PollBackoff()
    rejected = [backoff.next_delay(PollOutcome.REJECTED, 1.0, 10.0, 60.0) for _ in range(8)]
    assert rejected == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]
    assert backoff.ask_reauth()
    assert not backoff.ask_reauth()
    assert backoff.next_delay(PollOutcome.REACHED, 1.0, 10.0, 60.0) == 1.0
    assert backoff.ask_reauth()  # a new streak asks again
    unanswered = [backoff.next_delay(PollOutcome.UNREACHABLE, 1.0, 10.0, 60.0) for _ in range(5)]
    assert unanswered == [2.0, 4.0, 8.0, 10.0, 10.0]
    # Five minutes of rejected polls at the real pace: ten polls, not three hundred.
    backoff.reset()
    elapsed, polls = 0.0, 1
    while (elapsed := elapsed + backoff.next_delay(PollOutcome.REJECTED, 1.0, 10.0, 60.0)) <= 300:
        polls += 1
    assert polls <= 10
