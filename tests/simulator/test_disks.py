"""Disk management, disk properties and parameters of the simulator."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from simulator import Simulator

from .helpers import ADMIN, OPERATOR, VIEWER, error_code, find, get_xml, make_sim

D = "/axis-cgi/disks"
P = "/axis-cgi/disks/properties"


async def disk(session: aiohttp.ClientSession, sim: Simulator, diskid: str) -> dict[str, str]:
    tree = await get_xml(session, sim, f"{D}/list.cgi", diskid=diskid)
    found: list[dict[str, str]] = find(tree, "disk")
    assert len(found) == 1
    return found[0]


async def start_job(
    session: aiohttp.ClientSession, sim: Simulator, cgi: str, **params: str
) -> dict[str, str]:
    tree = await get_xml(session, sim, f"{D}/{cgi}", **params)
    job: dict[str, str] = find(tree, "job")[0]
    return job


async def job_status(
    session: aiohttp.ClientSession, sim: Simulator, jobid: str, diskid: str
) -> dict[str, str]:
    tree = await get_xml(session, sim, f"{D}/job.cgi", jobid=jobid, diskid=diskid)
    job: dict[str, str] = find(tree, "job")[0]
    return job


async def test_list_matches_real_device_shape(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    tree = await get_xml(session, sim, f"{D}/list.cgi", diskid="all")
    assert tree["root"]["disks"]["@numberofdisks"] == "2"
    sd, share = find(tree, "disk")
    assert sd["@diskid"] == "SD_DISK"
    assert sd["@totalsize"] == "116109036"
    assert 70_000_000 < int(sd["@freesize"]) < 76_000_000
    assert sd["@encryptionenabled"] == "false"
    assert sd["@locked"] == "no"
    assert sd["@status"] == "OK"
    assert sd["@group"] == "S0"
    assert share["@status"] == "disconnected"
    assert share["@totalsize"] == "0"
    assert share["@filesystem"] == "cifs"
    assert share["@group"] == "S1"


async def test_free_space_shrinks_while_recording(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    before = int((await disk(session, sim, "SD_DISK"))["@freesize"])
    sim.clock.advance(100)
    after = int((await disk(session, sim, "SD_DISK"))["@freesize"])
    assert before - after >= 100 * 125 - 200


async def test_format_job_progress_and_effect(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    job = await start_job(session, sim, "format.cgi", diskid="SD_DISK", filesystem="vfat")
    assert job["@result"] == "OK"
    jobid = job["@jobid"]
    status = await job_status(session, sim, jobid, "SD_DISK")
    assert status["@action"] == "format"
    assert int(status["@progress"]) < 100
    # A second job on the same disk is refused while the first runs.
    second = await start_job(session, sim, "checkdisk.cgi", diskid="SD_DISK")
    assert second["@result"] == "ERROR"
    sim.clock.advance(5)  # job_speed 10 %/s
    assert 45 <= int((await job_status(session, sim, jobid, "SD_DISK"))["@progress"]) < 100
    sim.clock.advance(6)
    status = await job_status(session, sim, jobid, "SD_DISK")
    assert status["@progress"] == "100"
    assert status["@result"] == "OK"
    listed = await disk(session, sim, "SD_DISK")
    assert listed["@filesystem"] == "vfat"
    assert listed["@status"] == "OK"
    # Formatting erased the recordings; the continuous profile started a new one.
    tree = await get_xml(session, sim, "/axis-cgi/record/list.cgi", maxnumberofresults="50")
    recs = find(tree, "recording")
    assert len(recs) == 1
    assert recs[0]["@recordingstatus"] == "recording"
    # Unknown job.
    unknown = await job_status(session, sim, "999", "SD_DISK")
    assert unknown["@result"] == "ERROR"


async def test_preconditions(sim: Simulator, session: aiohttp.ClientSession) -> None:
    job = await start_job(session, sim, "checkdisk.cgi", diskid="SD_DISK")
    assert job["@result"] == "ERROR"
    assert "mounted" in job["@description"]
    job = await start_job(session, sim, "format.cgi", diskid="SD_DISK", filesystem="ntfs")
    assert job["@result"] == "ERROR"
    job = await start_job(session, sim, "mount.cgi", action="mount", diskid="SD_DISK")
    assert job["@result"] == "ERROR"
    job = await start_job(session, sim, "mount.cgi", action="mount", diskid="NetworkShare")
    assert job["@result"] == "ERROR"
    job = await start_job(session, sim, "format.cgi", diskid="NOPE")
    assert job["@result"] == "ERROR"


async def test_lock_stops_recording_and_blocks_format(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    tree = await get_xml(session, sim, f"{D}/lock.cgi", action="lock", diskid="SD_DISK")
    assert tree["root"]["lock"]["@result"] == "OK"
    assert not any(r.ongoing for r in sim.state.recordings.values())
    assert (await disk(session, sim, "SD_DISK"))["@locked"] == "yes"
    job = await start_job(session, sim, "format.cgi", diskid="SD_DISK")
    assert job["@result"] == "ERROR"
    assert "locked" in job["@description"]
    tree = await get_xml(session, sim, "/axis-cgi/record/record.cgi", diskid="SD_DISK")
    assert tree["root"]["record"]["@result"] == "ERROR"
    tree = await get_xml(session, sim, f"{D}/lock.cgi", action="unlock", diskid="SD_DISK")
    assert tree["root"]["unlock"]["@result"] == "OK"
    assert any(r.ongoing for r in sim.state.recordings.values())


async def test_unmount_checkdisk_repair_mount(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    sim.patch_disk("SD_DISK", fs_errors=True)
    job = await start_job(session, sim, "mount.cgi", action="unmount", diskid="SD_DISK")
    assert job["@result"] == "OK"
    sim.clock.advance(11)
    listed = await disk(session, sim, "SD_DISK")
    assert listed["@status"] == "connected"
    assert listed["@totalsize"] == "0"
    assert not any(r.ongoing for r in sim.state.recordings.values())
    check = await start_job(session, sim, "checkdisk.cgi", diskid="SD_DISK")
    assert check["@result"] == "OK"
    sim.clock.advance(11)
    status = await job_status(session, sim, check["@jobid"], "SD_DISK")
    assert status["@result"] == "ERROR"
    assert status["@progress"] == "100"
    fix = await start_job(session, sim, "repair.cgi", diskid="SD_DISK")
    sim.clock.advance(11)
    assert (await job_status(session, sim, fix["@jobid"], "SD_DISK"))["@result"] == "OK"
    mount = await start_job(session, sim, "mount.cgi", action="mount", diskid="SD_DISK")
    sim.clock.advance(11)
    assert (await job_status(session, sim, mount["@jobid"], "SD_DISK"))["@result"] == "OK"
    assert (await disk(session, sim, "SD_DISK"))["@status"] == "OK"
    assert any(r.ongoing for r in sim.state.recordings.values())


async def test_encryption_flow_and_codes(sim: Simulator, session: aiohttp.ClientSession) -> None:
    enc = f"{P}/enablediskencryption.cgi"
    tree = await get_xml(session, sim, enc, schemaversion="1", diskid="SD_DISK", passphrase="s")
    assert error_code(tree) == 160
    tree = await get_xml(
        session, sim, enc, schemaversion="1", diskid="NetworkShare", passphrase="s"
    )
    assert error_code(tree) == 100
    tree = await get_xml(session, sim, enc, schemaversion="1", diskid="X", passphrase="s")
    assert error_code(tree) == 50
    tree = await get_xml(session, sim, enc, diskid="SD_DISK", passphrase="s")
    assert error_code(tree) == 20
    tree = await get_xml(session, sim, enc, schemaversion="2", diskid="SD_DISK", passphrase="s")
    assert error_code(tree) == 40
    tree = await get_xml(
        session, sim, enc, schemaversion="1", diskid="SD_DISK", passphrase="x" * 513
    )
    assert error_code(tree) == 110
    await start_job(session, sim, "mount.cgi", action="unmount", diskid="SD_DISK")
    sim.clock.advance(11)
    tree = await get_xml(session, sim, enc, schemaversion="1", diskid="SD_DISK", passphrase="s")
    assert find(tree, "GeneralSuccess") == [None]
    assert "Success" in tree["DiskPropertiesResponse"]
    tree = await get_xml(session, sim, enc, schemaversion="1", diskid="SD_DISK", passphrase="s")
    assert error_code(tree) == 140
    change = f"{P}/changediskpassphrase.cgi"
    tree = await get_xml(
        session,
        sim,
        change,
        schemaversion="1",
        diskid="SD_DISK",
        oldpassphrase="s",
        newpassphrase="t",
    )
    assert error_code(tree) == 150
    mount = await start_job(session, sim, "mount.cgi", action="mount", diskid="SD_DISK")
    sim.clock.advance(11)
    assert (await job_status(session, sim, mount["@jobid"], "SD_DISK"))["@result"] == "ERROR"
    assert (await disk(session, sim, "SD_DISK"))["@status"] == "not encrypted"
    await start_job(session, sim, "format.cgi", diskid="SD_DISK", filesystem="ext4")
    sim.clock.advance(11)
    listed = await disk(session, sim, "SD_DISK")
    assert (listed["@status"], listed["@encryptionenabled"], listed["@diskencrypted"]) == (
        "OK",
        "true",
        "true",
    )
    tree = await get_xml(
        session,
        sim,
        change,
        schemaversion="1",
        diskid="SD_DISK",
        oldpassphrase="bad",
        newpassphrase="t",
    )
    assert error_code(tree) == 130
    tree = await get_xml(
        session,
        sim,
        change,
        schemaversion="1",
        diskid="SD_DISK",
        oldpassphrase="s",
        newpassphrase="",
    )
    assert error_code(tree) == 120
    tree = await get_xml(
        session,
        sim,
        change,
        schemaversion="1",
        diskid="SD_DISK",
        oldpassphrase="s",
        newpassphrase="t",
    )
    assert error_code(tree) is None
    dis = f"{P}/disablediskencryption.cgi"
    tree = await get_xml(session, sim, dis, schemaversion="1", diskid="SD_DISK")
    assert error_code(tree) == 160
    # Unmount, disable, enable with another passphrase, mount: wrong passphrase.
    await start_job(session, sim, "mount.cgi", action="unmount", diskid="SD_DISK")
    sim.clock.advance(11)
    tree = await get_xml(session, sim, dis, schemaversion="1", diskid="SD_DISK")
    assert error_code(tree) is None
    await get_xml(session, sim, enc, schemaversion="1", diskid="SD_DISK", passphrase="other")
    await start_job(session, sim, "mount.cgi", action="mount", diskid="SD_DISK")
    sim.clock.advance(11)
    assert (await disk(session, sim, "SD_DISK"))["@status"] == "wrong passphrase"


async def test_properties_misc(sim: Simulator, session: aiohttp.ClientSession) -> None:
    tree = await get_xml(
        session,
        sim,
        f"{P}/setrequiredfs.cgi",
        schemaversion="1",
        diskid="SD_DISK",
        filesystem="vfat",
    )
    assert error_code(tree) == 30
    tree = await get_xml(
        session,
        sim,
        f"{P}/setrequiredfs.cgi",
        schemaversion="1",
        diskid="SD_DISK",
        filesystem="ext4",
    )
    assert error_code(tree) is None
    assert (await disk(session, sim, "SD_DISK"))["@requiredfilesystem"] == "ext4"
    tree = await get_xml(
        session,
        sim,
        f"{P}/setcleanupmaxage.cgi",
        schemaversion="1",
        diskid="SD_DISK",
        maxage="9000",
    )
    assert error_code(tree) == 20
    await get_xml(
        session, sim, f"{P}/setcleanupmaxage.cgi", schemaversion="1", diskid="SD_DISK", maxage="30"
    )
    await get_xml(
        session,
        sim,
        f"{P}/setcleanuppolicy.cgi",
        schemaversion="1",
        diskid="SD_DISK",
        cleanuppolicy="none",
    )
    listed = await disk(session, sim, "SD_DISK")
    assert (listed["@cleanupmaxage"], listed["@cleanuppolicy"]) == ("30", "none")
    await get_xml(
        session,
        sim,
        f"{P}/setdiskalertlevels.cgi",
        schemaversion="1",
        diskid="SD_DISK",
        wear="80",
        temperature="350",
    )
    tree = await get_xml(
        session,
        sim,
        f"{P}/getdiskalertlevels.cgi",
        auth=OPERATOR,
        schemaversion="1",
        diskid="SD_DISK",
    )
    assert tree["DiskPropertiesResponse"]["@SchemaVersion"] == "1.1"
    levels = find(tree, "AlertLevels")[0]
    assert (levels["@Wear"], levels["@Temperature"]) == ("80", "350")
    tree = await get_xml(session, sim, f"{P}/schemaversions.cgi", auth=OPERATOR)
    assert find(tree, "VersionNumber") == ["1.0", "1.1"]


async def test_health_and_capabilities(sim: Simulator, session: aiohttp.ClientSession) -> None:
    tree = await get_xml(session, sim, f"{D}/gethealth.cgi")
    sd, share = find(tree, "HealthStatus")
    assert (sd["@wear"], sd["@temperature"], sd["@overallhealth"]) == ("12", "315", "1")
    assert share["@wear"] == "-3"
    sim.patch_disk("SD_DISK", health={"wear": 101, "temperature": None})
    sd = find(await get_xml(session, sim, f"{D}/gethealth.cgi"), "HealthStatus")[0]
    assert sd["@wear"] == "101"
    assert "@temperature" not in sd
    tree = await get_xml(session, sim, f"{D}/getcapabilities.cgi", diskid="SD_DISK")
    assert [f["@name"] for f in find(tree, "filesystem")] == ["vfat", "ext4"]
    assert find(tree, "disk")[0]["@encryptionsupported"] == "true"


async def test_health_json(sim_media_cache: Path, session: aiohttp.ClientSession) -> None:
    sim = make_sim(sim_media_cache, health_json=True)
    async with sim.serve(), session.get(sim.url + f"{D}/gethealth.cgi", auth=ADMIN) as resp:
        assert resp.content_type == "application/json"
        data = await resp.json()
    assert data["data"]["disks"][0] == {
        "diskid": "SD_DISK",
        "wear": 12,
        "temperature": 315,
        "overallhealth": 1,
    }


async def test_param_cgi(sim: Simulator, session: aiohttp.ClientSession) -> None:
    url = sim.url + "/axis-cgi/param.cgi"
    params = {"action": "list", "group": "root.Properties.LocalStorage"}
    async with session.get(url, params=params, auth=VIEWER) as resp:
        text = await resp.text()
    assert "root.Properties.LocalStorage.LocalStorage=yes" in text.splitlines()
    async with session.get(
        url, params={"action": "list", "group": "root.Nope"}, auth=ADMIN
    ) as resp:
        assert (await resp.text()).startswith(
            "# Error: Error -1 getting param in group 'root.Nope'"
        )
    async with session.get(
        url, params={"action": "list", "group": "root.Storage"}, auth=VIEWER
    ) as resp:
        assert (await resp.text()).startswith("# Error")
    update = {"action": "update", "Storage.S0.FriendlyName": "My SD card"}
    async with session.get(url, params=update, auth=OPERATOR) as resp:
        assert (await resp.text()).strip() == "OK"
    assert (await disk(session, sim, "SD_DISK"))["@name"] == "My SD card"
    update = {"action": "update", "Storage.S0.CleanupMaxAge": "3"}
    async with session.get(url, params=update, auth=OPERATOR) as resp:
        assert (await resp.text()).startswith("# Error")
    async with session.get(url, params=update, auth=ADMIN) as resp:
        assert (await resp.text()).strip() == "OK"
    async with session.get(url, params=update, auth=VIEWER) as resp:
        assert resp.status == 403
    params = {"action": "list", "group": "root.Brand.ProdNbr,root.Properties.System.SerialNumber"}
    async with session.get(url, params=params, auth=VIEWER) as resp:
        assert (await resp.text()).splitlines() == [
            "root.Brand.ProdNbr=P3265-LVE",
            "root.Properties.System.SerialNumber=ACCC8E012345",
        ]


async def test_no_local_storage_and_legacy(
    sim_media_cache: Path, session: aiohttp.ClientSession
) -> None:
    sim = make_sim(sim_media_cache, local_storage=False, legacy_firmware=True)
    async with sim.serve():
        async with session.get(sim.url + f"{D}/list.cgi", auth=ADMIN) as resp:
            assert resp.status == 404
        params = {"action": "list", "group": "root.Properties.LocalStorage"}
        async with session.get(sim.url + "/axis-cgi/param.cgi", params=params, auth=ADMIN) as resp:
            assert "LocalStorage=no" in await resp.text()
        body = {"apiVersion": "1.1", "context": "t", "method": "getAllProperties"}
        async with session.post(
            sim.url + "/axis-cgi/basicdeviceinfo.cgi", json=body, auth=ADMIN
        ) as resp:
            assert resp.status == 404


async def test_basicdeviceinfo(sim: Simulator, session: aiohttp.ClientSession) -> None:
    body = {"apiVersion": "1.1", "context": "t", "method": "getAllProperties"}
    async with session.post(
        sim.url + "/axis-cgi/basicdeviceinfo.cgi", json=body, auth=VIEWER
    ) as resp:
        data = await resp.json()
    assert data["context"] == "t"
    assert data["data"]["propertyList"]["SerialNumber"] == "ACCC8E012345"
    assert data["data"]["propertyList"]["Brand"] == "AXIS"
