"""The job coordinator: how soon a finished job becomes an event, and what polling costs.

One simulator process (``python -m simulator --job-speed 50``: a disk job lasts 100 / 50 = 2
simulated seconds) and one Home Assistant in this process, made like the other benchmarks make
it (`async_test_home_assistant`, custom integrations enabled, the resolver patch), with one
config entry whose options set the scan interval to 10 s (the minimum). The real
``jobs.POLL_INTERVAL`` (1 s) is used; nothing of the integration is patched. The simulator runs
in its own process, as in the integration and export benchmarks: its request handling then
never runs on Home Assistant's event loop (a camera is another machine), so what the latency
contains is the integration's polling and Home Assistant's loop only.

1. Job end -> event. ``--jobs`` jobs (default 20), alternately ``unmount_disk`` and
   ``mount_disk`` on ``SD_DISK``, started through the actions without ``wait``, one after
   another (the next one once the previous one's event arrived and the state was read again).
   For each: the time from the moment the simulator's job ends to the moment the
   ``axis_edge_storage_job_finished`` event reaches a ``@callback`` listener here.

   The simulator's job ends at ``started + duration`` on its simulated clock (real UTC plus an
   offset). ``started`` is read from the simulator's request log: the start request
   (``mount.cgi``) is logged with the simulated time after it was answered and how long it
   took, so ``started`` lies within that handling (a fraction of a millisecond); the earliest
   possible start is used, which can only make a latency look longer. The end is converted to
   wall time with the clock's offset, and compared with ``time.time()`` in the listener (the
   same system clock in both processes).

   Where a job ends relative to the 1-s polls decides its latency: a poll runs one second
   after the previous one ends, so a job that ends just after a poll is seen up to a second
   later. A job of exactly 2 s that starts right before it is followed always ends just before
   the second poll, which would only show the best case. So, right after job k (0-based) of N
   is started, the simulated clock is moved forward by k / N s (``POST /sim/advance``): job k
   then ends k / N s earlier in wall time, and the N ends fall at N evenly spaced phases of
   the poll.

   Also counted: the events per job (exactly one expected), ``job.cgi`` requests per job, and
   ``job.cgi`` requests per second while a job is followed (from the action's answer to its
   event; about 1 expected).

2. Idle. After the jobs, once a scheduled poll has run, the benchmark waits half a scan
   interval (so that the window's edges fall between polls), then counts, over ``--idle``
   seconds (default 60) of wall time, the VAPIX requests (``/axis-cgi/``) in the simulator's
   request log, against what the scan interval implies: 3 requests per poll (disks/list,
   gethealth, record/list), i.e. 3 x 60 / interval per minute. No ``job.cgi`` request is
   expected while no job runs.

Printed, never asserted (the targets are shown next to the figures). ``--json`` prints the
figures as JSON instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any, cast

import aiohttp
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.runner import HassEventLoopPolicy
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)
from yarl import URL

from benchmarks.bench_integration import entry_for, percentile
from benchmarks.hass_harness import home_assistant, quiet_logging
from benchmarks.simproc import Camera, simulator

# Spelled out rather than imported: the integration is first imported by Home Assistant's loader
# during setup, as it is in a real Home Assistant.
DOMAIN = "axis_edge_storage"
CONF_PROTOCOL = "protocol"
EVENT_JOB_FINISHED = f"{DOMAIN}_job_finished"
SERIAL = "ACCC8E012345"  # the simulator's default serial
DISK = "SD_DISK"
START_CGI = "/axis-cgi/disks/mount.cgi"
JOB_CGI = "/axis-cgi/disks/job.cgi"
REQUESTS_PER_POLL = 3  # disks/list, gethealth, record/list
EVENT_TIMEOUT = 15.0
LATENCY_TARGET = 1.5


@dataclass
class JobSample:
    """One job, as the simulator and Home Assistant saw it (wall times: seconds since epoch)."""

    index: int
    action: str
    job_id: str
    phase: float  # how far the simulated clock was moved forward after the start (s)
    called: float  # the action was called
    followed: float  # the action answered: Home Assistant follows the job from here
    end: float  # the simulator's job ended (the earliest possible end, see the module text)
    end_uncertainty: float  # the start request's handling time: the end is within this after
    event: float | None  # the event reached the listener
    events: int  # events with this job id (1 expected)
    result: str | None
    job_cgi: int  # job.cgi requests for this job
    requests: dict[str, int]  # all VAPIX requests from the call to the refresh after the event

    @property
    def latency(self) -> float | None:
        """Seconds from the job's end to the event."""
        return None if self.event is None else self.event - self.end


@dataclass
class Idle:
    """The idle window."""

    seconds: float = 0.0
    requests: dict[str, int] = field(default_factory=dict)  # "status path" -> count
    total: int = 0
    job_cgi: int = 0
    polls: int = 0  # disks/list requests
    poll_gaps: list[float] = field(default_factory=list)
    events: int = 0
    cpu: float = 0.0  # this process's CPU time in the window


@dataclass
class Results:
    """What one run measured."""

    job_speed: float
    job_seconds: float
    scan_interval: int
    jobs: list[JobSample] = field(default_factory=list)
    idle: Idle = field(default_factory=Idle)
    setup_seconds: float = 0.0
    final_offset: float = 0.0
    load: list[float] = field(default_factory=list)


class SimControl:
    """The simulator's control surface (``/sim/``, loopback, no auth)."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Talk to the simulator at `url`."""
        self._session = session
        self._url = url

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        async with self._session.request(method, f"{self._url}{path}", json=body) as response:
            response.raise_for_status()
            return await response.json()

    async def state(self) -> dict[str, Any]:
        """The whole model."""
        return cast("dict[str, Any]", await self._call("GET", "/sim/state"))

    async def advance(self, seconds: float) -> float:
        """Move the simulated clock forward; the offset after."""
        answer = await self._call("POST", "/sim/advance", {"seconds": seconds})
        return float(answer["clock_offset"])

    async def requests(self) -> list[dict[str, Any]]:
        """The request log (VAPIX requests only)."""
        return cast("list[dict[str, Any]]", await self._call("GET", "/sim/requests"))

    async def clear_requests(self) -> None:
        """Empty the request log."""
        await self._call("DELETE", "/sim/requests")


def _epoch(record: dict[str, Any]) -> float:
    """A request record's simulated time in seconds since the epoch."""
    return datetime.fromisoformat(record["time"]).timestamp()


def _vapix(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [record for record in log if str(record["path"]).startswith("/axis-cgi/")]


class Listener:
    """Records when each job_finished event and each state refresh reaches this process."""

    def __init__(self) -> None:
        """Nothing seen yet."""
        self.events: dict[str, list[tuple[float, dict[str, Any]]]] = {}
        self.refreshes: list[float] = []
        self._changed = asyncio.Event()

    @callback
    def on_event(self, event: Event) -> None:
        """The job_finished event (a @callback: runs on the loop, as soon as fired)."""
        now = time.time()
        self.events.setdefault(str(event.data.get("job_id")), []).append((now, dict(event.data)))
        self._changed.set()

    @callback
    def on_refresh(self) -> None:
        """The state coordinator has new data."""
        self.refreshes.append(time.time())
        self._changed.set()

    async def wait_for(self, done: Any, timeout: float) -> bool:
        """Wait until `done()` is true; False after `timeout` seconds."""
        try:
            async with asyncio.timeout(timeout):
                while not done():
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            return False
        return True


def _entry(url: str, scan_interval: int) -> MockConfigEntry:
    """The camera's entry, polling alone (`bench_integration.entry_for`): the idle requests
    measured are the poll's, at the scan interval."""
    base = URL(url)
    camera = Camera(serial=SERIAL, port=base.port or 80, url=url)
    return entry_for(camera, scan_interval)


async def run_job(
    hass: HomeAssistant,
    sim: SimControl,
    listener: Listener,
    *,
    camera: str,
    index: int,
    phase: float,
    offset: float,
    job_seconds: float,
) -> tuple[JobSample, float]:
    """Start one job without wait, shift its end by `phase`, wait for its event."""
    action = "unmount" if index % 2 == 0 else "mount"
    await sim.clear_requests()
    called = time.time()
    response = await hass.services.async_call(
        DOMAIN,
        f"{action}_disk",
        {"device_id": camera, "disk_id": DISK},
        blocking=True,
        return_response=True,
    )
    followed = time.time()
    job_id = str(cast("dict[str, Any]", response)["job_id"])
    if phase > 0:
        offset = await sim.advance(phase)
    arrived = await listener.wait_for(lambda: job_id in listener.events, EVENT_TIMEOUT)
    event = listener.events[job_id][0][0] if arrived else None
    if event is not None:
        # The state is read again after the job: wait for it, so that the next job starts on a
        # quiet camera and this job's requests are all in the log.
        await listener.wait_for(lambda: any(t > event for t in listener.refreshes), 5.0)
    await asyncio.sleep(0.05)  # a second event for the same job would arrive here
    log = _vapix(await sim.requests())
    starts = [
        r
        for r in log
        if r["path"] == START_CGI and r["query"].get("action") == action and r["status"] == 200
    ]
    if len(starts) != 1:
        raise RuntimeError(f"job {index}: expected one {action} request, saw {len(starts)}")
    start = starts[0]
    # started (simulated) is within [logged - handling, logged]; the earliest, converted to wall
    # time with the offset in force when the job ended (set right after the start).
    earliest_start = _epoch(start) - float(start["duration"])
    seen = listener.events.get(job_id, [])
    sample = JobSample(
        index=index,
        action=action,
        job_id=job_id,
        phase=phase,
        called=called,
        followed=followed,
        end=earliest_start + job_seconds - offset,
        end_uncertainty=float(start["duration"]),
        event=event,
        events=len(seen),
        result=seen[0][1].get("result") if seen else None,
        job_cgi=sum(1 for r in log if r["path"] == JOB_CGI and r["query"].get("jobid") == job_id),
        requests=dict(Counter(str(r["path"]) for r in log)),
    )
    return sample, offset


async def measure_idle(
    sim: SimControl, listener: Listener, results: Results, seconds: float
) -> None:
    """Count the requests over `seconds` of wall time between polls, no job running."""
    interval = results.scan_interval
    seen = len(listener.refreshes)
    if not await listener.wait_for(lambda: len(listener.refreshes) > seen, interval + 5.0):
        raise RuntimeError("no scheduled poll within the scan interval")
    await asyncio.sleep(interval / 2)
    events_before = sum(len(v) for v in listener.events.values())
    await sim.clear_requests()
    began, cpu = time.time(), time.process_time()
    await asyncio.sleep(seconds)
    ended, cpu = time.time(), time.process_time() - cpu
    log = _vapix(await sim.requests())
    offset = results.final_offset
    window = [r for r in log if began <= _epoch(r) - offset <= ended]
    polls = sorted(_epoch(r) for r in window if r["path"].endswith("/disks/list.cgi"))
    results.idle = Idle(
        seconds=ended - began,
        requests=dict(Counter(f"{r['status']} {r['path']}" for r in window)),
        total=len(window),
        job_cgi=sum(1 for r in window if r["path"] == JOB_CGI),
        polls=len(polls),
        poll_gaps=[b - a for a, b in pairwise(polls)],
        events=sum(len(v) for v in listener.events.values()) - events_before,
        cpu=cpu,
    )


async def bench(hass: HomeAssistant, url: str, args: argparse.Namespace) -> Results:
    """Set up the entry, run the jobs, then watch the idle camera."""
    async with aiohttp.ClientSession() as session:
        sim = SimControl(session, url)
        state = await sim.state()
        job_speed = float(state["config"]["job_speed"])
        results = Results(
            job_speed=job_speed,
            job_seconds=100.0 / job_speed,
            scan_interval=args.scan_interval,
            load=[os.getloadavg()[0]],
        )
        offset = float(state["clock_offset"])

        entry = _entry(url, args.scan_interval)
        entry.add_to_hass(hass)
        began = time.perf_counter()
        assert await async_setup_component(hass, DOMAIN, {})
        await hass.async_block_till_done()
        results.setup_seconds = time.perf_counter() - began
        if entry.state is not ConfigEntryState.LOADED:
            raise RuntimeError(f"the entry did not load: {entry.state}")
        camera = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SERIAL)})
        if camera is None:
            raise RuntimeError("no camera device")
        listener = Listener()
        unsubscribe = hass.bus.async_listen(EVENT_JOB_FINISHED, listener.on_event)
        stop_refreshes = entry.runtime_data.coordinator.async_add_listener(listener.on_refresh)
        await asyncio.sleep(1.0)  # setup settles

        for index in range(args.jobs):
            sample, offset = await run_job(
                hass,
                sim,
                listener,
                camera=camera.id,
                index=index,
                phase=round(index / args.jobs, 6),
                offset=offset,
                job_seconds=results.job_seconds,
            )
            results.jobs.append(sample)
        results.final_offset = offset
        results.load.append(os.getloadavg()[0])

        await measure_idle(sim, listener, results, args.idle)
        results.load.append(os.getloadavg()[0])
        stop_refreshes()
        unsubscribe()
        await hass.config_entries.async_unload(entry.entry_id)
    return results


async def run(url: str, args: argparse.Namespace) -> Results:
    """One Home Assistant in this process (`benchmarks.hass_harness`)."""
    async with home_assistant() as hass:
        return await bench(hass, url, args)


# -- the report ----------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def summary(results: Results) -> dict[str, Any]:
    """The headline figures."""
    jobs = results.jobs
    latencies = [s.latency for s in jobs if s.latency is not None]
    followed = sum((s.event or s.followed) - s.followed for s in jobs)
    job_cgi = sum(s.job_cgi for s in jobs)
    idle = results.idle
    expected = REQUESTS_PER_POLL * 60.0 / results.scan_interval
    measured = idle.total * 60.0 / idle.seconds if idle.seconds else 0.0
    return {
        "latency_median_s": statistics.median(latencies) if latencies else None,
        "latency_p90_s": percentile(latencies, 0.9) if latencies else None,
        "latency_max_s": max(latencies) if latencies else None,
        "latency_min_s": min(latencies) if latencies else None,
        "latency_target_max_s": LATENCY_TARGET,
        "jobs": len(jobs),
        "jobs_without_event": sum(s.event is None for s in jobs),
        "jobs_with_more_than_one_event": sum(s.events > 1 for s in jobs),
        "results": dict(Counter(str(s.result) for s in jobs)),
        "job_cgi_per_job_mean": job_cgi / len(jobs) if jobs else 0.0,
        "job_cgi_per_job": sorted({s.job_cgi for s in jobs}),
        "job_cgi_per_second_while_followed": job_cgi / followed if followed else 0.0,
        "followed_seconds": followed,
        "end_uncertainty_max_s": max((s.end_uncertainty for s in jobs), default=0.0),
        "idle_seconds": idle.seconds,
        "idle_requests": idle.total,
        "idle_requests_per_min": measured,
        "idle_expected_per_min": expected,
        "idle_ratio": measured / expected if expected else 0.0,
        "idle_job_cgi": idle.job_cgi,
        "idle_polls": idle.polls,
        "idle_poll_period_median_s": statistics.median(idle.poll_gaps) if idle.poll_gaps else None,
        "idle_events": idle.events,
        "idle_cpu_s_per_min": idle.cpu * 60.0 / idle.seconds if idle.seconds else 0.0,
    }


def report(results: Results) -> None:
    """Print the figures."""
    figures = summary(results)
    jobs = results.jobs
    load = ", ".join(f"{value:.2f}" for value in results.load)
    print(
        f"== job end -> {EVENT_JOB_FINISHED} event: {len(jobs)} jobs (unmount/mount {DISK}, "
        f"no wait), simulator job_speed {results.job_speed:g} ({results.job_seconds:.2f} s "
        "jobs), real POLL_INTERVAL (1 s), one run"
    )
    print(
        f"  machine: {os.cpu_count()} CPUs; 1-minute load average {load} (start, after the "
        f"jobs, end); setup of the entry {results.setup_seconds:.2f} s"
    )
    print(
        f"  job k ends k/{len(jobs)} s early (simulated clock advanced right after its start): "
        "every phase of the 1-s poll is met"
    )
    print(
        "  end = started (from the start request's log entry; earliest possible, so latencies "
        f"are upper bounds by up to {figures['end_uncertainty_max_s'] * 1000:.2f} ms) + duration "
        f"- clock offset (final {results.final_offset:.2f} s)"
    )
    if figures["latency_max_s"] is not None:
        target = "met" if figures["latency_max_s"] <= LATENCY_TARGET else "NOT met"
        print(
            f"  latency: median {_ms(figures['latency_median_s'])}, "
            f"p90 {_ms(figures['latency_p90_s'])}, max {_ms(figures['latency_max_s'])} "
            f"(target max <= {_ms(LATENCY_TARGET)}: {target}); min "
            f"{_ms(figures['latency_min_s'])}"
        )
    print(
        f"  events: {len(jobs) - figures['jobs_without_event']} of {len(jobs)} jobs had one; "
        f"{figures['jobs_with_more_than_one_event']} had more than one; results "
        + ", ".join(f"{k} {v}" for k, v in sorted(figures["results"].items()))
    )
    print(
        f"  job.cgi per job: {figures['job_cgi_per_job_mean']:.2f} mean "
        f"({', '.join(map(str, figures['job_cgi_per_job']))} seen); while a job is followed "
        f"(action answered -> event, {figures['followed_seconds']:.1f} s in all): "
        f"{figures['job_cgi_per_second_while_followed']:.2f} job.cgi per s (about 1 expected)"
    )
    paths: Counter[str] = Counter()
    for sample in jobs:
        paths.update(sample.requests)
    print("  VAPIX requests per job (start, polls, the state read after the event, any poll due):")
    for path, count in sorted(paths.items()):
        print(f"    {count / len(jobs):5.2f}  {path}")
    print("  per job:  #  action   phase   length  latency  job.cgi")
    for s in jobs:
        latency = "no event" if s.latency is None else _ms(s.latency)
        length = (s.event or s.followed) - s.called
        print(
            f"           {s.index:2d}  {s.action:7s}  {s.phase:5.2f} s  {length:5.2f} s  "
            f"{latency:>7s}  {s.job_cgi}"
        )
    idle = results.idle
    print(
        f"== idle: no job running, scan interval {results.scan_interval} s, "
        f"{idle.seconds:.1f} s window starting half an interval after a poll"
    )
    print(
        f"  VAPIX requests: {idle.total} = {figures['idle_requests_per_min']:.1f} per min; "
        f"expected {REQUESTS_PER_POLL} x 60 / {results.scan_interval} = "
        f"{figures['idle_expected_per_min']:.1f} per min; ratio {figures['idle_ratio']:.2f}"
    )
    for key, count in sorted(idle.requests.items()):
        status, path = key.split(" ", 1)
        print(f"    {count:3d} x {status} {path}")
    period = figures["idle_poll_period_median_s"]
    print(
        f"  polls (disks/list): {idle.polls}, period median "
        f"{'-' if period is None else f'{period:.2f} s'}; job.cgi: {idle.job_cgi} (0 expected); "
        f"job events: {idle.events}"
    )
    print(
        f"  CPU of this (Home Assistant) process while idle: "
        f"{_ms(figures['idle_cpu_s_per_min'])} per min"
    )


def main() -> None:
    """Start the simulator, run Home Assistant on it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--job-speed", type=float, default=50.0, help="percent per second")
    parser.add_argument("--scan-interval", type=int, default=10, help="seconds (min 10)")
    parser.add_argument("--idle", type=float, default=60.0, help="idle window (s)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the report")
    args = parser.parse_args()
    quiet_logging()

    with (
        tempfile.TemporaryDirectory(prefix="bench-sim-") as cache,
        simulator("--job-speed", f"{args.job_speed:g}", cache_dir=Path(cache)) as url,
        asyncio.Runner(loop_factory=HassEventLoopPolicy(False).new_event_loop) as runner,
    ):
        results = runner.run(run(url, args))
    if args.json:
        data = asdict(results)
        for sample, job in zip(results.jobs, data["jobs"], strict=True):
            job["latency"] = sample.latency
        print(json.dumps({"summary": summary(results), **data}, indent=2))
    else:
        report(results)


if __name__ == "__main__":
    main()
