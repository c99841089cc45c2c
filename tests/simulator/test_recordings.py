"""Recording API of the simulator: list (and its quirk), record/stop/remove, profiles."""

from __future__ import annotations

import aiohttp

from simulator import Simulator
from simulator.clock import parse_time

from .helpers import OPERATOR, VIEWER, find, get_xml

R = "/axis-cgi/record"


async def recordings(
    session: aiohttp.ClientSession, sim: Simulator, **params: str
) -> tuple[dict[str, str], list[dict[str, str]]]:
    tree = await get_xml(session, sim, f"{R}/list.cgi", auth=VIEWER, **params)
    head: dict[str, str] = tree["root"]["recordings"]
    return head, find(tree, "recording")


async def test_list_quirk_and_paging(sim: Simulator, session: aiohttp.ClientSession) -> None:
    head, recs = await recordings(session, sim, recordingid="all")
    assert head["@numberofrecordings"] == "6"
    assert len(recs) == 1  # the quirk: only the newest without maxnumberofresults
    assert recs[0]["@recordingstatus"] == "recording"
    assert recs[0]["@stoptime"] == ""
    head, recs = await recordings(
        session, sim, recordingid="all", maxnumberofresults="4", startatresultnumber="0"
    )
    assert (head["@totalnumberofrecordings"], head["@numberofrecordings"]) == ("6", "6")
    assert len(recs) == 4
    starts = [parse_time(r["@starttime"]) for r in recs]
    assert starts == sorted(starts, reverse=True)
    _, rest = await recordings(
        session, sim, recordingid="all", maxnumberofresults="4", startatresultnumber="4"
    )
    assert len(rest) == 2
    all_ids = {r["@recordingid"] for r in recs + rest}
    assert len(all_ids) == 6
    _, asc = await recordings(
        session, sim, recordingid="all", maxnumberofresults="10", sortorder="ascending"
    )
    assert [r["@recordingid"] for r in asc][::-1] == [r["@recordingid"] for r in recs + rest]
    rid = asc[0]["@recordingid"]
    assert rid.endswith("_ACCC8E012345")
    head, one = await recordings(session, sim, recordingid=rid, maxnumberofresults="10")
    assert [r["@recordingid"] for r in one] == [rid]


async def test_list_filters(sim: Simulator, session: aiohttp.ClientSession) -> None:
    _, asc = await recordings(
        session, sim, recordingid="all", maxnumberofresults="10", sortorder="ascending"
    )
    first = asc[0]
    # A window spanning the boundary of the two adjacent continuous recordings.
    boundary = parse_time(first["@stoptime"])
    head, found = await recordings(
        session,
        sim,
        eventid="continuous",
        starttime=(boundary.replace(microsecond=0)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        stoptime=boundary.strftime("%Y-%m-%dT%H:%M:%SZ"),
        maxnumberofresults="10",
    )
    assert head["@numberofrecordings"] == "2"
    assert {r["@eventid"] for r in found} == {"continuous"}
    _, motion = await recordings(session, sim, eventid="motion", maxnumberofresults="10")
    assert len(motion) == 2
    assert all(r["@recordingtype"] == "triggered" for r in motion)
    tree = await get_xml(session, sim, f"{R}/list.cgi", listentity="eventid", diskid="SD_DISK")
    assert find(tree, "eventid") == ["audio detection", "continuous", "motion"]
    tree = await get_xml(session, sim, f"{R}/list.cgi", listentity="source")
    assert find(tree, "source") == ["1"]
    head, none = await recordings(session, sim, diskid="NetworkShare", maxnumberofresults="5")
    assert (head["@totalnumberofrecordings"], none) == ("0", [])


async def test_record_stop_remove(sim: Simulator, session: aiohttp.ClientSession) -> None:
    tree = await get_xml(session, sim, f"{R}/record.cgi", auth=OPERATOR, diskid="SD_DISK")
    rid = tree["root"]["record"]["@recordingid"]
    assert tree["root"]["record"]["@result"] == "OK"
    tree = await get_xml(session, sim, f"{R}/record.cgi", diskid="NetworkShare")
    assert tree["root"]["record"]["@result"] == "ERROR"
    sim.clock.advance(30)
    tree = await get_xml(session, sim, f"{R}/stop.cgi", recordingid=rid)
    assert tree["root"]["stop"]["@result"] == "OK"
    tree = await get_xml(session, sim, f"{R}/stop.cgi", recordingid=rid)
    assert tree["root"]["stop"]["@result"] == "ERROR"
    _, found = await recordings(session, sim, recordingid=rid, maxnumberofresults="1")
    assert found[0]["@recordingstatus"] == "completed"
    tree = await get_xml(session, sim, f"{R}/remove.cgi", recordingid=f"{rid},nope")
    results = {r["@recordingid"]: r["@result"] for r in find(tree, "remove")}
    assert results == {rid: "OK", "nope": "ERROR"}
    tree = await get_xml(session, sim, f"{R}/remove.cgi", recordingid="all", eventid="motion")
    assert find(tree, "remove")[0]["@result"] == "ERROR"
    await get_xml(session, sim, "/axis-cgi/disks/lock.cgi", action="lock", diskid="SD_DISK")
    tree = await get_xml(session, sim, f"{R}/remove.cgi", eventid="motion")
    assert {r["@result"] for r in find(tree, "remove")} == {"ERROR"}
    await get_xml(session, sim, "/axis-cgi/disks/lock.cgi", action="unlock", diskid="SD_DISK")
    tree = await get_xml(session, sim, f"{R}/remove.cgi", eventid="motion")
    assert [r["@result"] for r in find(tree, "remove")] == ["OK", "OK"]
    tree = await get_xml(session, sim, f"{R}/remove.cgi", recordingid="all")
    assert len(find(tree, "remove")) == 5  # incl. the one the unlock restarted
    head, _ = await recordings(session, sim, maxnumberofresults="5")
    assert head["@numberofrecordings"] == "0"
    async with session.get(
        sim.url + f"{R}/play.cgi", params={"recordingid": "x"}, auth=VIEWER
    ) as resp:
        assert resp.status == 404


async def test_continuous_profiles(sim: Simulator, session: aiohttp.ClientSession) -> None:
    tree = await get_xml(session, sim, f"{R}/continuous/listconfiguration.cgi", auth=VIEWER)
    profiles = find(tree, "continuousrecordingconfiguration")
    assert [p["@profile"] for p in profiles] == ["1"]
    tree = await get_xml(
        session,
        sim,
        f"{R}/continuous/addconfiguration.cgi",
        auth=OPERATOR,
        diskid="SD_DISK",
        options="resolution=640x480",
        eventid="continuous_2",
    )
    assert tree["root"]["configure"] == {"@profile": "2", "@result": "OK"}
    _, found = await recordings(session, sim, eventid="continuous_2", maxnumberofresults="5")
    assert found[0]["@recordingstatus"] == "recording"
    tree = await get_xml(
        session, sim, f"{R}/continuous/addconfiguration.cgi", diskid="SD_DISK", options="x=1"
    )
    assert tree["root"]["configure"]["@result"] == "ERROR"
    assert tree["root"]["configure"]["@errormsg"]
    tree = await get_xml(session, sim, f"{R}/continuous/removeconfiguration.cgi", profile="2")
    assert tree["root"]["remove"]["@result"] == "OK"
    _, found = await recordings(session, sim, eventid="continuous_2", maxnumberofresults="5")
    assert found[0]["@recordingstatus"] == "completed"
    tree = await get_xml(session, sim, f"{R}/continuous/removeconfiguration.cgi", profile="9")
    assert tree["root"]["remove"]["@result"] == "ERROR"
