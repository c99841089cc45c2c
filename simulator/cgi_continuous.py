"""Continuous recording profiles: ``/axis-cgi/record/continuous/*.cgi`` (Recording API)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from aiohttp import web

from .auth import Role
from .cgi_common import (
    PROCESSING_ERROR,
    Args,
    ArgsHandler,
    Cgi,
    CgiSet,
    Handler,
    get_camera,
    parse_int,
)
from .cgi_recordings import answer, failed, result_error
from .model import Profile
from .state import MAX_PROFILES
from .xmlout import elem, join, root_doc, root_error, xml_response

BASE = "/axis-cgi/record/continuous"
API = CgiSet(BASE)
#: The CGIs of this API, for the application.
CGIS: list[Cgi] = API
ADD_SCHEMA = "continuousconfigurationadd1.xsd"
REMOVE_SCHEMA = "continuousconfigurationremove1.xsd"


def _profile_cgi(name: str, tag: str, schema: str, key: str) -> Callable[[ArgsHandler], Handler]:
    """Register ``{BASE}/{name}`` for operators; a device error answers ``tag`` in ``schema``."""
    return API.cgi(name, Role.OPERATOR, error=result_error(tag, schema, key))


@_profile_cgi("addconfiguration.cgi", "configure", ADD_SCHEMA, "")
async def addconfiguration(request: web.Request, args: Args) -> web.StreamResponse:
    """``continuous/addconfiguration.cgi?diskid=&options=[&eventid=]``."""
    state = get_camera(request).state
    diskid = args.get("diskid", "")
    free = next((n for n in range(1, MAX_PROFILES + 1) if n not in state.profiles), None)
    schema = ADD_SCHEMA
    if not diskid or "options" not in args:
        message = "Missing argument: diskid or options."
        return answer(schema, failed("configure", message, profile=free))
    if diskid not in state.disks:
        return answer(schema, failed("configure", f"Invalid disk ID: {diskid}.", profile=free))
    if free is None:
        message = "Maximum number of continuous recording profiles reached."
        return answer(schema, failed("configure", message, profile=""))
    state.profiles[free] = Profile(
        profile=free,
        diskid=diskid,
        options=args["options"],
        eventid=args.get("eventid") or "continuous",
    )
    state.resume_profiles(diskid, state.now())
    return answer(schema, elem("configure", {"profile": free, "result": "OK"}))


@API.cgi(
    "listconfiguration.cgi",
    Role.VIEWER,
    error=lambda _r: xml_response(
        root_error("recording/continuousconfigurationlist1.xsd", 10, PROCESSING_ERROR)
    ),
)
async def listconfiguration(request: web.Request, args: Args) -> web.StreamResponse:
    """``continuous/listconfiguration.cgi[?profile=]``."""
    state = get_camera(request).state
    wanted = parse_int(args.get("profile"))
    profiles = [
        p
        for p in sorted(state.profiles.values(), key=lambda p: p.profile)
        if wanted is None or p.profile == wanted
    ]
    inner = elem(
        "continuousrecordingconfigurations",
        children=join(elem("continuousrecordingconfiguration", asdict(p)) for p in profiles),
    )
    return xml_response(root_doc("recording/continuousconfigurationlist1.xsd", inner))


@_profile_cgi("removeconfiguration.cgi", "remove", REMOVE_SCHEMA, "profile")
async def removeconfiguration(request: web.Request, args: Args) -> web.StreamResponse:
    """``continuous/removeconfiguration.cgi?profile=``."""
    state = get_camera(request).state
    raw = args.get("profile", "")
    number = parse_int(raw)
    if number is None or number not in state.profiles:
        return answer(REMOVE_SCHEMA, failed("remove", "No such recording profile.", profile=raw))
    del state.profiles[number]
    now = state.now()
    for rec in state.recordings.values():
        if rec.profile == number and rec.ongoing:
            state.stop_recording(rec, now)
    return answer(REMOVE_SCHEMA, elem("remove", {"profile": number, "result": "OK"}))
