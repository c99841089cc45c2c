"""Network share API: ``/axis-cgi/disks/networkshare/*.cgi``."""

from __future__ import annotations

import re

from aiohttp import web

from .auth import Role
from .cgi_common import ApiError, Args, Cgi, CgiSet, check_schema, get_camera, require
from .model import Share
from .nas import evaluate_share, valid_hostname
from .state import MAX_SHARE_TESTS, MAX_SHARES
from .xmlout import NETWORK_SHARE, elem, general_error, join, text_elem, xml_response

BASE = "/axis-cgi/disks/networkshare"
API = CgiSet(BASE, NETWORK_SHARE)
#: The CGIs of this API, for the application.
CGIS: list[Cgi] = API
_SHARE_ID = re.compile(r"^[A-Za-z0-9-]+$")


def _ok() -> web.Response:
    return xml_response(NETWORK_SHARE.success())


def _share(request: web.Request, shareid: str) -> Share:
    share = get_camera(request).state.shares.get(shareid)
    if share is None:
        raise ApiError(20, f"Invalid request: no network share with ShareId {shareid!r}.")
    return share


def _named_share(request: web.Request, args: Args) -> Share:
    """The share the required ``shareid`` argument names."""
    require(args, "shareid")
    return _share(request, args["shareid"])


@API.cgi("list.cgi", Role.OPERATOR)
async def list_shares(request: web.Request, args: Args) -> web.StreamResponse:
    """``list.cgi?schemaversion=1&shareid=all|ID[,ID...]``."""
    require(args, "shareid")
    shares = get_camera(request).state.shares
    wanted = [s.strip() for s in args["shareid"].split(",") if s.strip()]
    found = list(shares.values()) if "all" in wanted else [shares[s] for s in wanted if s in shares]
    items = join(
        elem(
            "NetworkShare",
            {
                "NiceName": s.nicename,
                "ShareId": s.shareid,
                "Address": s.address,
                "Share": s.share,
                "User": s.user,
                "DiskId": s.diskid,
            },
        )
        for s in found
    )
    inner = elem("NetworkShares", {"NumberOfShares": len(found)}, items)
    return xml_response(NETWORK_SHARE.success(elem("ListSuccess", children=inner)))


@API.cgi("add.cgi", Role.ADMIN)
async def add(request: web.Request, args: Args) -> web.StreamResponse:
    """``add.cgi?schemaversion=1&nicename=&address=&share=[&shareid=&user=&pass=]``."""
    require(args, "nicename", "address", "share")
    state = get_camera(request).state
    if not valid_hostname(args["address"]):
        raise ApiError(20, "Invalid request: address is not an IPv4 address or host name.")
    shareid = args.get("shareid")
    if shareid is not None and not _SHARE_ID.match(shareid):
        raise ApiError(200, "Invalid ShareId.")
    if shareid is not None and shareid in state.shares:
        raise ApiError(210, "The ShareId is not unique.")
    if any(s.nicename == args["nicename"] for s in state.shares.values()):
        raise ApiError(220, "The NiceName is not unique.")
    if len(state.shares) >= MAX_SHARES:
        raise ApiError(230, "Maximum number of network shares is already reached.")
    share = Share(
        shareid=shareid or state.new_share_id(),
        nicename=args["nicename"],
        address=args["address"],
        share=args["share"],
        user=args.get("user", ""),
        password=args.get("pass", ""),
    )
    state.shares[share.shareid] = share
    return xml_response(NETWORK_SHARE.success(elem("AddSuccess", {"ShareId": share.shareid})))


@API.cgi("modify.cgi", Role.ADMIN)
async def modify(request: web.Request, args: Args) -> web.StreamResponse:
    """``modify.cgi?schemaversion=1&shareid=[&nicename=&address=&share=&user=&pass=&newshareid=]``."""
    share = _named_share(request, args)
    state = get_camera(request).state
    changes_other = any(k in args for k in ("address", "share", "user", "pass", "newshareid"))
    if share.diskid is not None and changes_other:
        raise ApiError(600, "The network share is bound and cannot be modified. Unbind it first.")
    newid = args.get("newshareid")
    if newid is not None and newid != share.shareid:
        if not _SHARE_ID.match(newid):
            raise ApiError(20, "Invalid request: invalid new ShareId.")
        if newid in state.shares:
            raise ApiError(610, "The new ShareId is not unique.")
    nicename = args.get("nicename")
    if nicename is not None and any(
        s.nicename == nicename and s is not share for s in state.shares.values()
    ):
        raise ApiError(620, "The NiceName is not unique.")
    if "address" in args and not valid_hostname(args["address"]):
        raise ApiError(20, "Invalid request: address is not an IPv4 address or host name.")
    if nicename is not None:
        share.nicename = nicename
    share.address = args.get("address", share.address)
    share.share = args.get("share", share.share)
    share.user = args.get("user", share.user)
    share.password = args.get("pass", share.password)
    if newid is not None and newid != share.shareid:
        del state.shares[share.shareid]
        share.shareid = newid
        state.shares[newid] = share
    return _ok()


@API.cgi("remove.cgi", Role.ADMIN)
async def remove(request: web.Request, args: Args) -> web.StreamResponse:
    """``remove.cgi?schemaversion=1&shareid=ID[,ID...]``."""
    require(args, "shareid")
    state = get_camera(request).state
    ids = [s.strip() for s in args["shareid"].split(",") if s.strip()]
    shares = [_share(request, sid) for sid in ids]
    if any(s.diskid is not None for s in shares):
        raise ApiError(500, "The network share is bound and cannot be removed. Unbind it first.")
    for share in shares:
        state.shares.pop(share.shareid, None)
    return _ok()


@API.cgi("bind.cgi", Role.OPERATOR)
async def bind(request: web.Request, args: Args) -> web.StreamResponse:
    """``bind.cgi?schemaversion=1&shareid=[&automaticmount=yes|no]``."""
    share = _named_share(request, args)
    state = get_camera(request).state
    automatic = args.get("automaticmount", "yes").lower()
    if automatic not in ("yes", "no"):
        raise ApiError(20, "Invalid request: automaticmount must be yes or no.")
    if share.diskid is not None:
        raise ApiError(310, "The network share is already bound to a disk.")
    if state.bound_share("NetworkShare") is not None or "NetworkShare" not in state.disks:
        raise ApiError(300, "No available disk. Another network share is already bound.")
    disk = state.bind(share, automatic == "yes")
    return xml_response(NETWORK_SHARE.success(elem("BindSuccess", {"DiskID": disk.diskid})))


@API.cgi("unbind.cgi", Role.OPERATOR)
async def unbind(request: web.Request, args: Args) -> web.StreamResponse:
    """``unbind.cgi?schemaversion=1&shareid=``."""
    share = _named_share(request, args)
    state = get_camera(request).state
    if share.diskid is None:
        raise ApiError(20, "Invalid request: the network share is not bound.")
    disk = state.disks.get(share.diskid)
    if disk is not None and (disk.mounted or state.busy(disk.diskid)):
        raise ApiError(400, "The network share is mounted and cannot be unbound. Unmount it first.")
    state.unbind(share)
    return _ok()


@API.cgi("test.cgi", Role.OPERATOR, schema=False)
async def test(request: web.Request, args: Args) -> web.StreamResponse:
    """``test.cgi?[schemaversion=1&][shareid=&]address=&share=&user=&pass=``."""
    check_schema(args, required=False)
    state = get_camera(request).state
    base = _share(request, args["shareid"]) if args.get("shareid") else None
    address = args.get("address", base.address if base else "")
    share = args.get("share", base.share if base else "")
    user = args.get("user", base.user if base else "")
    password = args.get("pass", base.password if base else "")
    if not address or not share:
        raise ApiError(20, "Invalid request: address and share (or shareid) are required.")
    if not valid_hostname(address):
        raise ApiError(700, "No such hostname.")
    if state.running_share_tests() >= MAX_SHARE_TESTS:
        raise ApiError(730, "Too many tests or jobs started, wait for some to finish.")
    job = state.start_share_test(evaluate_share(address, share, user, password))
    return xml_response(NETWORK_SHARE.success(elem("TestSuccess", {"JobId": job.jobid})))


@API.cgi("job.cgi", Role.OPERATOR)
async def job(request: web.Request, args: Args) -> web.StreamResponse:
    """``job.cgi?schemaversion=1&jobid=``."""
    require(args, "jobid")
    state = get_camera(request).state
    raw = args["jobid"]
    found = state.share_jobs.get(int(raw)) if raw.isdigit() else None
    if found is None:
        raise ApiError(20, f"Invalid request: no job with JobId {raw!r}.")
    if not found.done:
        inner = text_elem("Progress", str(found.progress(state.now())))
    elif found.outcome is None:
        inner = "<GeneralSuccess/>"
    else:
        code, description = found.outcome
        inner = general_error(code, description)
    return xml_response(NETWORK_SHARE.success(elem("JobSuccess", children=inner)))


@API.cgi("schemaversions.cgi", Role.OPERATOR, schema=False)
async def schemaversions(_request: web.Request, _args: Args) -> web.StreamResponse:
    """``schemaversions.cgi``."""
    return xml_response(NETWORK_SHARE.schema_versions())
