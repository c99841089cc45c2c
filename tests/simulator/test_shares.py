"""Network shares and storage limits of the simulator."""

from __future__ import annotations

import aiohttp
import pytest

from simulator import Simulator

from .helpers import OPERATOR, error_code, find, get_xml

S = "/axis-cgi/disks/networkshare"
L = "/axis-cgi/record/storage"


async def share_call(
    session: aiohttp.ClientSession, sim: Simulator, cgi: str, **params: str
) -> dict[str, object]:
    return await get_xml(session, sim, f"{S}/{cgi}", schemaversion="1", **params)


async def share_disk_status(session: aiohttp.ClientSession, sim: Simulator) -> dict[str, str]:
    tree = await get_xml(session, sim, "/axis-cgi/disks/list.cgi", diskid="NetworkShare")
    disk: dict[str, str] = find(tree, "disk")[0]
    return disk


async def test_bind_mount_unmount_unbind_ordering(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    tree = await share_call(session, sim, "bind.cgi", shareid="nas1")
    assert find(tree, "BindSuccess")[0]["@DiskID"] == "NetworkShare"
    assert (await share_disk_status(session, sim))["@status"] == "connected"
    assert error_code(await share_call(session, sim, "bind.cgi", shareid="nas1")) == 310
    await share_call(
        session,
        sim,
        "add.cgi",
        nicename="Other",
        address="nas",
        share="video",
        user="camera",
        **{"pass": "nas-secret"},
    )
    other = find(await share_call(session, sim, "list.cgi", shareid="all"), "NetworkShare")[1][
        "@ShareId"
    ]
    assert error_code(await share_call(session, sim, "bind.cgi", shareid=other)) == 300
    sim.clock.advance(11)
    disk = await share_disk_status(session, sim)
    assert disk["@status"] == "OK"
    assert int(disk["@totalsize"]) > 0
    health = find(await get_xml(session, sim, "/axis-cgi/disks/gethealth.cgi"), "HealthStatus")[1]
    assert health["@wear"] == "-1"
    listed = find(await share_call(session, sim, "list.cgi", shareid="nas1"), "NetworkShare")[0]
    assert listed["@DiskId"] == "NetworkShare"
    assert error_code(await share_call(session, sim, "unbind.cgi", shareid="nas1")) == 400
    assert (
        error_code(await share_call(session, sim, "modify.cgi", shareid="nas1", address="nas"))
        == 600
    )
    assert error_code(await share_call(session, sim, "remove.cgi", shareid="nas1")) == 500
    # The nice name may change while bound.
    assert (
        error_code(await share_call(session, sim, "modify.cgi", shareid="nas1", nicename="NAS 2"))
        is None
    )
    await get_xml(
        session, sim, "/axis-cgi/disks/mount.cgi", action="unmount", diskid="NetworkShare"
    )
    sim.clock.advance(11)
    assert (await share_disk_status(session, sim))["@status"] == "connected"
    assert error_code(await share_call(session, sim, "unbind.cgi", shareid="nas1")) is None
    assert (await share_disk_status(session, sim))["@status"] == "disconnected"
    assert (
        error_code(await share_call(session, sim, "modify.cgi", shareid="nas1", address="nas"))
        is None
    )
    assert (
        error_code(await share_call(session, sim, "modify.cgi", shareid="nas1", nicename="Other"))
        == 620
    )
    assert (
        error_code(await share_call(session, sim, "modify.cgi", shareid="nas1", newshareid=other))
        == 610
    )
    assert error_code(await share_call(session, sim, "remove.cgi", shareid="nas1")) is None


async def test_add_errors(sim: Simulator, session: aiohttp.ClientSession) -> None:
    base = {"address": "192.0.2.20", "share": "video"}
    assert (
        error_code(
            await share_call(session, sim, "add.cgi", nicename="A", shareid="bad id!", **base)
        )
        == 200
    )
    assert (
        error_code(await share_call(session, sim, "add.cgi", nicename="A", shareid="nas1", **base))
        == 210
    )
    assert error_code(await share_call(session, sim, "add.cgi", nicename="NAS", **base)) == 220
    assert error_code(await share_call(session, sim, "add.cgi", share="video")) == 20
    tree = await share_call(session, sim, "add.cgi", nicename="B", **base)
    assert find(tree, "AddSuccess")[0]["@ShareId"].isdigit()
    await share_call(session, sim, "add.cgi", nicename="C", **base)
    assert error_code(await share_call(session, sim, "add.cgi", nicename="D", **base)) == 230
    tree = await get_xml(session, sim, f"{S}/add.cgi", nicename="E", **base)
    assert error_code(tree) == 20  # schemaversion missing
    tree = await get_xml(session, sim, f"{S}/list.cgi", schemaversion="2", shareid="all")
    assert error_code(tree) == 40


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"shareid": "nas1"}, None),
        ({"address": "nas.invalid", "share": "video", "user": "camera", "pass": "nas-secret"}, 700),
        (
            {"address": "unknown-host", "share": "video", "user": "camera", "pass": "nas-secret"},
            700,
        ),
        ({"shareid": "nas1", "pass": "wrong"}, 710),
        ({"shareid": "nas1", "share": "nosuchshare"}, 710),
        ({"shareid": "nas1", "pass": "a,b"}, 720),
        ({"shareid": "nas1", "share": "readonly"}, 740),
        ({"shareid": "nas1", "share": "flaky"}, 750),
        ({"shareid": "nas1", "address": "198.51.100.7"}, 760),
    ],
)
async def test_share_test_outcomes(
    sim: Simulator, session: aiohttp.ClientSession, params: dict[str, str], code: int | None
) -> None:
    tree = await share_call(session, sim, "test.cgi", **params)
    jobid = find(tree, "TestSuccess")[0]["@JobId"]
    tree = await get_xml(
        session, sim, f"{S}/job.cgi", auth=OPERATOR, schemaversion="1", jobid=jobid
    )
    assert int(find(tree, "Progress")[0]) < 100
    sim.clock.advance(11)
    tree = await share_call(session, sim, "job.cgi", jobid=jobid)
    assert find(tree, "JobSuccess")
    assert error_code(tree) == code
    if code is None:
        assert find(tree, "GeneralSuccess") == [None]


async def test_share_test_immediate_errors(sim: Simulator, session: aiohttp.ClientSession) -> None:
    assert (
        error_code(await share_call(session, sim, "test.cgi", address="bad host!", share="x"))
        == 700
    )
    await share_call(session, sim, "test.cgi", shareid="nas1")
    await share_call(session, sim, "test.cgi", shareid="nas1")
    assert error_code(await share_call(session, sim, "test.cgi", shareid="nas1")) == 730
    assert error_code(await share_call(session, sim, "job.cgi", jobid="77")) == 20


async def test_storage_limits(sim: Simulator, session: aiohttp.ClientSession) -> None:
    tree = await get_xml(session, sim, f"{L}/getlimit.cgi", schemaversion="1")
    limits = find(tree, "StorageLimit")
    assert [x["@diskid"] for x in limits] == ["SD_DISK", "NetworkShare"]
    assert int(limits[0]["@usedspace"]) > 0
    assert limits[0]["@size"] == "0"
    set_ = f"{L}/setlimit.cgi"
    assert (
        error_code(await get_xml(session, sim, set_, schemaversion="1", diskid="X", size="2000000"))
        == 110
    )
    assert (
        error_code(
            await get_xml(session, sim, set_, schemaversion="1", diskid="SD_DISK", size="abc")
        )
        == 120
    )
    assert (
        error_code(
            await get_xml(session, sim, set_, schemaversion="1", diskid="SD_DISK", size="1000")
        )
        == 130
    )
    assert error_code(await get_xml(session, sim, set_, schemaversion="1", diskid="SD_DISK")) == 20
    tree = await get_xml(
        session, sim, set_, auth=OPERATOR, schemaversion="1", diskid="SD_DISK", size="1048576"
    )
    assert find(tree, "GeneralSuccess") == [None]
    tree = await get_xml(session, sim, f"{L}/getlimit.cgi", schemaversion="1", diskid="SD_DISK")
    assert find(tree, "StorageLimit")[0]["@size"] == "1048576"
    assert (
        error_code(
            await get_xml(session, sim, f"{L}/getlimit.cgi", schemaversion="1", diskid="NOPE")
        )
        == 110
    )
    # The limit caps the free space reported.
    disk = find(await get_xml(session, sim, "/axis-cgi/disks/list.cgi", diskid="SD_DISK"), "disk")[
        0
    ]
    assert disk["@freesize"] == "0"
    assert disk["@full"] == "yes"
    tree = await get_xml(session, sim, f"{L}/schemaversions.cgi")
    assert find(tree, "VersionNumber") == ["1.0"]
