"""Recording storage limit API: ``/axis-cgi/record/storage/*.cgi``."""

from __future__ import annotations

from aiohttp import web

from .auth import Role
from .cgi_common import ApiError, Args, Cgi, CgiSet, get_camera, require
from .xmlout import STORAGE, elem, join, xml_response

BASE = "/axis-cgi/record/storage"
API = CgiSet(BASE, STORAGE)
#: The CGIs of this API, for the application.
CGIS: list[Cgi] = API
MIN_LIMIT_KB = 1048576


@API.cgi("schemaversions.cgi", Role.OPERATOR, schema=False)
async def schemaversions(_request: web.Request, _args: Args) -> web.StreamResponse:
    """``schemaversions.cgi``."""
    return xml_response(STORAGE.schema_versions())


@API.cgi("getlimit.cgi", Role.OPERATOR)
async def getlimit(request: web.Request, args: Args) -> web.StreamResponse:
    """``getlimit.cgi?schemaversion=1[&diskid=]``."""
    state = get_camera(request).state
    diskid = args.get("diskid")
    if diskid:
        if diskid not in state.disks:
            raise ApiError(110, "Disk not found")
        disks = [state.disks[diskid]]
    else:
        disks = list(state.disks.values())
    items = join(
        elem(
            "StorageLimit",
            {
                "diskid": d.diskid,
                "size": d.storage_limit_kb,
                "usedspace": state.used_kb(d.diskid),
            },
        )
        for d in disks
    )
    return xml_response(STORAGE.success(elem("GetStorageLimitsResponse", children=items)))


@API.cgi("setlimit.cgi", Role.OPERATOR)
async def setlimit(request: web.Request, args: Args) -> web.StreamResponse:
    """``setlimit.cgi?schemaversion=1&diskid=&size=`` (kB, 0 disables, minimum 1 GB)."""
    require(args, "diskid")
    if "size" not in args:
        raise ApiError(20, "Invalid request: size is required.")
    state = get_camera(request).state
    disk = state.disks.get(args["diskid"])
    if disk is None:
        raise ApiError(110, "Disk not found")
    raw = args["size"].strip()
    if not raw.isdigit():
        raise ApiError(120, "Invalid size value")
    size = int(raw)
    if 0 < size < MIN_LIMIT_KB:
        raise ApiError(130, "Supplied size is less than the minimum allowed limit")
    disk.storage_limit_kb = size
    return xml_response(STORAGE.success())
