"""Recording API: ``/axis-cgi/record/*.cgi`` (``record/continuous/*.cgi``: ``cgi_continuous.py``)."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from .auth import Role
from .cgi_common import PROCESSING_ERROR, Args, Cgi, CgiSet, ErrorRenderer, get_camera, parse_int
from .clock import format_local, format_time, parse_time
from .model import DeviceError, Recording
from .xmlout import elem, join, root_doc, root_error, text_elem, xml_response

BASE = "/axis-cgi/record"
API = CgiSet(BASE)
#: The CGIs of this API, for the application.
CGIS: list[Cgi] = API


def failed(tag: str, message: str, **values: str | int | None) -> str:
    """A result element refusing: ``result="ERROR"`` and the device's ``errormsg``."""
    return elem(tag, {**values, "result": "ERROR", "errormsg": message})


def answer(schema: str, inner: str) -> web.Response:
    """A Recording API answer: ``inner`` in the root of ``recording/{schema}``."""
    return xml_response(root_doc(f"recording/{schema}", inner))


def result_error(tag: str, schema: str, key: str) -> ErrorRenderer:
    """The device error of a CGI answering ``tag`` results in ``schema`` (``key`` echoed)."""

    def render(request: web.Request) -> web.Response:
        values = {key: request.query.get(key)} if key else {}
        return answer(schema, failed(tag, PROCESSING_ERROR, **values))

    return render


def _list_error(_request: web.Request) -> web.Response:
    return xml_response(root_error("recording/list1.xsd", 10, PROCESSING_ERROR))


def _play_error(_request: web.Request) -> web.Response:
    return web.Response(status=500, text=f"500 {PROCESSING_ERROR}\n")


def _recording_xml(request: web.Request, rec: Recording) -> str:
    sim = get_camera(request)
    video = sim.state.video
    children = elem(
        "video",
        {
            "mimetype": rec.mimetype,
            "source": rec.source,
            "framerate": video["framerate"],
            "resolution": video["resolution"],
            "width": video["width"],
            "height": video["height"],
        },
    )
    if rec.audio:
        children += elem(
            "audio",
            {
                "mimetype": "audio/mpeg4-generic",
                "source": "1",
                "bitrate": 32000,
                "samplerate": 16000,
            },
        )
    return elem(
        "recording",
        {
            "diskid": rec.diskid,
            "recordingid": rec.recordingid,
            "starttime": format_time(rec.start),
            "starttimelocal": format_local(rec.start),
            "stoptime": format_time(rec.stop) if rec.stop else "",
            "stoptimelocal": format_local(rec.stop) if rec.stop else "",
            "recordingtype": rec.recordingtype,
            "eventid": rec.eventid,
            "eventtrigger": rec.eventtrigger,
            "recordingstatus": "recording" if rec.ongoing else "completed",
            "source": rec.source,
        },
        children,
    )


def _error_list(description: str) -> web.Response:
    return xml_response(root_error("recording/list1.xsd", 20, description))


@API.cgi("list.cgi", Role.VIEWER, error=_list_error, methods=("GET", "POST"))
async def list_recordings(request: web.Request, args: Args) -> web.StreamResponse:
    """``list.cgi``: search recordings, event ids or sources."""
    state = get_camera(request).state
    now = state.now()
    recordings = state.visible_recordings()
    diskids = {d.strip() for d in args.get("diskid", "").split(",") if d.strip()}
    if diskids and "all" not in diskids:
        recordings = [r for r in recordings if r.diskid in diskids]
    listentity = args.get("listentity", "recording")
    if listentity in ("eventid", "source"):
        if listentity == "eventid":
            values = sorted({r.eventid for r in recordings if r.eventid})
            inner = elem("eventids", children=join(text_elem("eventid", v) for v in values))
        else:
            values = sorted({r.source for r in recordings if r.source})
            inner = elem("sources", children=join(text_elem("source", v) for v in values))
        return xml_response(root_doc("recording/list1.xsd", inner))
    if listentity not in ("recording", "recordingid"):
        return _error_list(f"Invalid listentity: {listentity}.")
    total = len(recordings)
    matched = recordings
    rid = args.get("recordingid", "all")
    if rid and rid != "all":
        wanted = {r.strip() for r in rid.split(",")}
        matched = [r for r in matched if r.recordingid in wanted]
    if args.get("eventid"):
        matched = [r for r in matched if r.eventid == args["eventid"]]
    if args.get("source"):
        matched = [r for r in matched if r.source == args["source"]]
    try:
        start = parse_time(args["starttime"]) if args.get("starttime") else None
        stop = parse_time(args["stoptime"]) if args.get("stoptime") else None
    except ValueError as err:
        return _error_list(f"Invalid time: {err}.")
    if start is not None:
        matched = [r for r in matched if r.end(now) >= start]
    if stop is not None:
        matched = [r for r in matched if r.start <= stop]
    order = args.get("sortorder", "descending")
    if order not in ("ascending", "descending"):
        return _error_list(f"Invalid sortorder: {order}.")
    matched.sort(key=lambda r: (r.start, r.recordingid), reverse=order == "descending")
    count = len(matched)
    first = parse_int(args.get("startatresultnumber")) or 0
    maximum = parse_int(args.get("maxnumberofresults"))
    if "maxnumberofresults" not in args:
        # Real-firmware quirk: without maxnumberofresults only the newest recording is returned.
        page = sorted(matched, key=lambda r: r.start, reverse=True)[:1]
    else:
        page = matched[max(first, 0) :]
        if maximum is not None and maximum >= 0:
            page = page[:maximum]
    inner = elem(
        "recordings",
        {"totalnumberofrecordings": total, "numberofrecordings": count},
        join(_recording_xml(request, r) for r in page),
    )
    return xml_response(root_doc("recording/list1.xsd", inner))


@API.cgi("record.cgi", Role.OPERATOR, error=result_error("record", "record1.xsd", ""))
async def record(request: web.Request, args: Args) -> web.StreamResponse:
    """``record.cgi?diskid=[&options=]``: start a recording."""
    state = get_camera(request).state
    diskid = args.get("diskid", "")
    if not diskid:
        return answer("record1.xsd", failed("record", "Missing argument: diskid."))
    try:
        rec = state.start_recording(diskid, eventid="", eventtrigger="")
    except DeviceError as err:
        return answer("record1.xsd", failed("record", str(err)))
    return answer("record1.xsd", elem("record", {"recordingid": rec.recordingid, "result": "OK"}))


@API.cgi("stop.cgi", Role.OPERATOR, error=result_error("stop", "stop1.xsd", "recordingid"))
async def stop(request: web.Request, args: Args) -> web.StreamResponse:
    """``stop.cgi?recordingid=``: stop an active recording."""
    state = get_camera(request).state
    rid = args.get("recordingid", "")
    rec = state.recordings.get(rid)
    if rec is None or not rid:
        message = "Recording not found." if rid else "Missing argument: recordingid."
    elif not rec.ongoing:
        message = "The recording is not active."
    else:
        state.stop_recording(rec)
        return answer("stop1.xsd", elem("stop", {"recordingid": rid, "result": "OK"}))
    return answer("stop1.xsd", failed("stop", message, recordingid=rid))


@API.cgi(
    "remove.cgi",
    Role.OPERATOR,
    error=result_error("remove", "remove1.xsd", "recordingid"),
)
async def remove(request: web.Request, args: Args) -> web.StreamResponse:
    """``remove.cgi``: remove recordings by id list, ``all`` or filters."""
    state = get_camera(request).state
    now = state.now()
    rid = args.get("recordingid", "")
    filters = [k for k in ("beforetime", "eventid", "source") if args.get(k)]
    if rid and filters:
        message = f"recordingid cannot be combined with {', '.join(filters)}."
        return answer("remove1.xsd", failed("remove", message, recordingid=rid))
    if not rid and not filters and not args.get("diskid"):
        return answer("remove1.xsd", failed("remove", "Missing argument: recordingid."))
    before: datetime | None = None
    if args.get("beforetime"):
        try:
            before = parse_time(args["beforetime"])
        except ValueError:
            return answer("remove1.xsd", failed("remove", "Invalid beforetime."))
    candidates = list(state.recordings.values())
    missing: list[str] = []
    if rid and rid != "all":
        wanted = [r.strip() for r in rid.split(",") if r.strip()]
        missing = [w for w in wanted if w not in state.recordings]
        candidates = [state.recordings[w] for w in wanted if w in state.recordings]
    if args.get("diskid"):
        candidates = [r for r in candidates if r.diskid == args["diskid"]]
    if before is not None:
        candidates = [r for r in candidates if r.start <= before]
    if args.get("eventid"):
        candidates = [r for r in candidates if r.eventid == args["eventid"]]
    if args.get("source"):
        candidates = [r for r in candidates if r.source == args["source"]]
    parts = [failed("remove", "Recording not found.", recordingid=m) for m in missing]
    for rec in sorted(candidates, key=lambda r: r.start):
        disk = state.disks.get(rec.diskid)
        if disk is not None and disk.locked:
            parts.append(failed("remove", "The disk is locked.", recordingid=rec.recordingid))
            continue
        state.stop_recording(rec, now)
        del state.recordings[rec.recordingid]
        parts.append(elem("remove", {"recordingid": rec.recordingid, "result": "OK"}))
    return answer("remove1.xsd", join(parts))


@API.cgi("play.cgi", Role.VIEWER, error=_play_error)
async def play(request: web.Request, args: Args) -> web.StreamResponse:
    """``play.cgi`` (deprecated): not implemented; recordings are played over RTSP."""
    rid = args.get("recordingid", "")
    if rid not in get_camera(request).state.recordings:
        return web.Response(status=404, text="404 Not Found: no such recording\n")
    return web.Response(
        status=501,
        text="501 Not Implemented: play.cgi is deprecated; use RTSP media.amp?recordingid=\n",
    )
