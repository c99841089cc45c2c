"""Faults, reboot, the /sim/ control surface and the request log."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest
import xmltodict

from simulator import Simulator

from .helpers import ADMIN, error_code, find, get_xml, make_sim

LIST = "/axis-cgi/disks/list.cgi"


async def test_status_and_latency_faults(sim: Simulator, session: aiohttp.ClientSession) -> None:
    sim.faults.add("status", status=503, path="disks/", count=1)
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        assert resp.status == 503
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        assert resp.status == 200
    sim.faults.add("status", status=401, count=1)
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        assert resp.status == 401
        assert resp.headers.getall("WWW-Authenticate")
    sim.faults.add("latency", seconds=0.3, count=1)
    started = time.perf_counter()
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        assert resp.status == 200
    assert time.perf_counter() - started >= 0.3
    assert len(sim.faults) == 0


async def test_body_faults(sim: Simulator, session: aiohttp.ClientSession) -> None:
    sim.faults.add("truncated_xml", path="/axis-cgi/disks/list.cgi", count=1)
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        text = await resp.text()
    with pytest.raises(xmltodict.expat.ExpatError):
        xmltodict.parse(text)
    sim.faults.add("malformed_xml", count=1)
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        text = await resp.text()
    with pytest.raises(xmltodict.expat.ExpatError):
        xmltodict.parse(text)
    await get_xml(session, sim, LIST)


async def test_device_error_in_each_envelope(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    sim.faults.add("device_error")
    tree = await get_xml(session, sim, "/axis-cgi/record/storage/getlimit.cgi", schemaversion="1")
    assert error_code(tree) == 10
    tree = await get_xml(
        session, sim, "/axis-cgi/disks/networkshare/list.cgi", schemaversion="1", shareid="all"
    )
    assert error_code(tree) == 10
    tree = await get_xml(session, sim, "/axis-cgi/disks/gethealth.cgi")
    assert error_code(tree) == 10
    tree = await get_xml(session, sim, "/axis-cgi/disks/properties/schemaversions.cgi")
    assert error_code(tree) == 10
    tree = await get_xml(session, sim, "/axis-cgi/disks/format.cgi", diskid="SD_DISK")
    assert tree["root"]["job"]["@result"] == "ERROR"
    sim.faults.clear()
    tree = await get_xml(session, sim, "/axis-cgi/disks/gethealth.cgi")
    assert error_code(tree) is None


async def test_reboot(sim: Simulator, session: aiohttp.ClientSession) -> None:
    old = next(r for r in sim.state.recordings.values() if r.ongoing)
    await get_xml(
        session, sim, "/axis-cgi/disks/networkshare/bind.cgi", schemaversion="1", shareid="nas1"
    )
    job = {"@jobid": str(max(sim.state.disk_jobs))}
    sim.reboot()
    assert old.stop is not None
    tree = await get_xml(
        session, sim, "/axis-cgi/disks/job.cgi", jobid=job["@jobid"], diskid="SD_DISK"
    )
    assert tree["root"]["job"]["@result"] == "ERROR"
    disk = find(await get_xml(session, sim, LIST, diskid="SD_DISK"), "disk")[0]
    assert disk["@status"] == "connected"
    assert not any(r.ongoing for r in sim.state.recordings.values())
    sim.clock.advance(5)
    disk = find(await get_xml(session, sim, LIST, diskid="SD_DISK"), "disk")[0]
    assert disk["@status"] == "OK"
    share = find(await get_xml(session, sim, LIST, diskid="NetworkShare"), "disk")[0]
    assert share["@status"] == "OK"
    new = [r for r in sim.state.recordings.values() if r.ongoing]
    assert len(new) == 1 and new[0].recordingid != old.recordingid


async def test_state_never_shows_secrets(sim: Simulator, session: aiohttp.ClientSession) -> None:
    """The snapshot is made from the dataclasses, but no password, passphrase or disk key."""
    sim.patch_disk("SD_DISK", passphrase="Pass-Phrase-1", disk_passphrase="Disk-Key-2")
    async with session.get(sim.url + "/sim/state") as resp:
        text = await resp.text()
    for secret in ("nas-secret", "Pass-Phrase-1", "Disk-Key-2"):
        assert secret not in text
    state = sim.state.snapshot()
    sd = next(d for d in state["disks"] if d["diskid"] == "SD_DISK")
    assert {"passphrase", "disk_key"}.isdisjoint(sd) and sd["totalsize_kb"] == 116109036
    assert {"password"}.isdisjoint(state["shares"][0]) and state["shares"][0]["user"] == "camera"
    assert all(isinstance(r["starttime"], str) for r in state["recordings"])


async def test_control_surface(sim: Simulator, session: aiohttp.ClientSession) -> None:
    base = sim.url + "/sim"
    async with session.get(f"{base}/state") as resp:
        state = await resp.json()
    assert [d["diskid"] for d in state["disks"]] == ["SD_DISK", "NetworkShare"]
    assert "password" not in str(state["shares"]).lower()
    async with session.post(f"{base}/advance", json={"seconds": 10}) as resp:
        assert (await resp.json())["clock_offset"] == 10
    async with session.post(
        f"{base}/faults", json={"kind": "status", "status": 500, "count": 1}
    ) as resp:
        assert resp.status == 201
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        assert resp.status == 500
    async with session.post(f"{base}/faults", json={"kind": "nonsense"}) as resp:
        assert resp.status == 400
    async with session.post(f"{base}/faults", json={"kind": "latency", "seconds": 5}) as resp:
        assert resp.status == 201
    async with session.delete(f"{base}/faults") as resp:
        assert resp.status == 200
    async with session.post(f"{base}/recordings/stop", json={}) as resp:
        assert len((await resp.json())["stopped"]) == 1
    async with session.post(
        f"{base}/recordings/start",
        json={"diskid": "SD_DISK", "eventid": "motion", "recordingtype": "triggered"},
    ) as resp:
        rid = (await resp.json())["recordingid"]
    assert sim.state.recordings[rid].ongoing
    async with session.post(f"{base}/disks", json={"diskid": "SD_DISK_2"}) as resp:
        assert (await resp.json())["group"] == "S2"
    tree = await get_xml(session, sim, LIST, diskid="all")
    assert tree["root"]["disks"]["@numberofdisks"] == "3"
    async with session.post(
        f"{base}/disks/SD_DISK_2", json={"status": "failed", "health": {"wear": -2}}
    ) as resp:
        assert (await resp.json())["status"] == "failed"
    async with session.post(f"{base}/disks/SD_DISK_2", json={"colour": "red"}) as resp:
        assert resp.status == 400
    async with session.delete(f"{base}/disks/SD_DISK_2") as resp:
        assert resp.status == 200
    tree = await get_xml(session, sim, LIST, diskid="all")
    assert tree["root"]["disks"]["@numberofdisks"] == "2"
    async with session.post(f"{base}/usb", json={"present": False}) as resp:
        assert (await resp.json()) == {"usb_present": False}
    async with session.post(f"{base}/nonces/expire") as resp:
        assert resp.status == 200
    async with session.post(f"{base}/reboot", json={}) as resp:
        assert resp.status == 200
    async with session.get(f"{base}/requests") as resp:
        log = await resp.json()
    assert log and all(r["path"].startswith("/axis-cgi/") for r in log)
    assert log[0]["user"] == "root"
    async with session.delete(f"{base}/requests") as resp:
        assert resp.status == 200
    assert len(sim.request_log) == 0


async def test_reboot_downtime_and_concurrency(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    sim.reboot(downtime=30)
    async with session.get(sim.url + LIST, auth=ADMIN) as resp:
        assert resp.status == 503
    sim.clock.advance(40)

    async def one() -> int:
        async with session.get(sim.url + LIST, auth=ADMIN) as resp:
            return resp.status

    assert set(await asyncio.gather(*(one() for _ in range(20)))) == {200}


async def test_tls(sim_media_cache: Path, session: aiohttp.ClientSession) -> None:
    tls_sim = make_sim(sim_media_cache, tls=True)
    async with tls_sim.serve() as url:
        assert url.startswith("https://127.0.0.1:")
        async with session.get(url + LIST, auth=ADMIN, ssl=False) as resp:
            assert resp.status == 200
