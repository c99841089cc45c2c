"""Disk properties API: ``/axis-cgi/disks/properties/*.cgi``."""

from __future__ import annotations

from aiohttp import web

from .auth import Role
from .cgi_common import ApiError, Args, Cgi, CgiSet, get_camera, parse_int, require
from .model import Disk
from .xmlout import PROPERTIES, PROPERTIES_PLAIN_HEADER, elem, xml_response

BASE = "/axis-cgi/disks/properties"
API = CgiSet(BASE, PROPERTIES)
#: The CGIs of this API, for the application.
CGIS: list[Cgi] = API
MAX_PASSPHRASE = 512


def _disk(request: web.Request, args: Args, code: int = 50) -> Disk:
    require(args, "diskid")
    disk = get_camera(request).state.disks.get(args["diskid"])
    if disk is None:
        raise ApiError(code, f"Invalid disk ID: {args['diskid']}.")
    return disk


def _ok() -> web.Response:
    return xml_response(PROPERTIES.success())


def _valid_passphrase(value: str) -> bool:
    return 0 < len(value.encode("utf-8")) <= MAX_PASSPHRASE


def _encryption_disk(request: web.Request, args: Args, *required: str) -> Disk:
    """The disk of an encryption CGI: its arguments present (20), encryption supported (100)."""
    disk = _disk(request, args)
    if any(name not in args for name in required):
        verb = "is" if len(required) == 1 else "are"
        raise ApiError(20, f"Invalid request: {' and '.join(required)} {verb} required.")
    if not disk.encryption_supported:
        raise ApiError(100, "The disk does not support disk encryption.")
    return disk


def _require_unmounted(disk: Disk, done: str) -> None:
    """Encryption is enabled or disabled only on an unmounted disk (160)."""
    if disk.mounted:
        raise ApiError(
            160, f"The disk is mounted. Encryption can only be {done} when the disk is unmounted."
        )


@API.cgi("setrequiredfs.cgi", Role.ADMIN)
async def setrequiredfs(request: web.Request, args: Args) -> web.StreamResponse:
    """``setrequiredfs.cgi?schemaversion=1&diskid=&filesystem=none|ext4``."""
    require(args, "diskid", "filesystem")
    disk = _disk(request, args, code=20)
    filesystem = args["filesystem"]
    if filesystem not in ("none", "ext4") or (
        filesystem != "none" and not disk.requiredfs_supported
    ):
        raise ApiError(30, f"Specified file system is not supported: {filesystem}.")
    disk.requiredfs = filesystem
    return _ok()


@API.cgi("enablediskencryption.cgi", Role.ADMIN)
async def enablediskencryption(request: web.Request, args: Args) -> web.StreamResponse:
    """``enablediskencryption.cgi?schemaversion=1&diskid=&passphrase=``."""
    disk = _encryption_disk(request, args, "passphrase")
    if disk.encryption_enabled:
        raise ApiError(140, "Encryption is already enabled.")
    if not _valid_passphrase(args["passphrase"]):
        raise ApiError(110, "Invalid passphrase.")
    _require_unmounted(disk, "enabled")
    disk.encryption_enabled = True
    disk.passphrase = args["passphrase"]
    return _ok()


@API.cgi("disablediskencryption.cgi", Role.ADMIN)
async def disablediskencryption(request: web.Request, args: Args) -> web.StreamResponse:
    """``disablediskencryption.cgi?schemaversion=1&diskid=``."""
    disk = _encryption_disk(request, args)
    _require_unmounted(disk, "disabled")
    disk.encryption_enabled = False
    disk.passphrase = None
    return _ok()


@API.cgi("changediskpassphrase.cgi", Role.ADMIN)
async def changediskpassphrase(request: web.Request, args: Args) -> web.StreamResponse:
    """``changediskpassphrase.cgi?schemaversion=1&diskid=&newpassphrase=&oldpassphrase=``."""
    disk = _encryption_disk(request, args, "newpassphrase", "oldpassphrase")
    if not disk.encryption_enabled:
        raise ApiError(20, "Invalid request: disk encryption is not enabled.")
    if not disk.mounted:
        raise ApiError(
            150, "The disk is unmounted. Passphrase can only be changed when the disk is mounted."
        )
    if args["oldpassphrase"] != disk.passphrase:
        raise ApiError(130, "The oldpassphrase does not match the existing passphrase.")
    if not _valid_passphrase(args["newpassphrase"]):
        raise ApiError(120, "Invalid new passphrase.")
    disk.passphrase = args["newpassphrase"]
    disk.disk_key = disk.passphrase
    return _ok()


def _set_cleanup(request: web.Request, args: Args, field: str, value: object, rule: str) -> None:
    """Set a disk's cleanup ``field`` to a checked argument (``None``: error 20 with ``rule``)."""
    disk = _disk(request, args)
    if value is None:
        raise ApiError(20, f"Invalid request: {rule}.")
    setattr(disk, field, value)


@API.cgi("setcleanupmaxage.cgi", Role.ADMIN)
async def setcleanupmaxage(request: web.Request, args: Args) -> web.StreamResponse:
    """``setcleanupmaxage.cgi?schemaversion=1&diskid=&maxage=0..7000``."""
    maxage = parse_int(args.get("maxage"))
    valid = maxage if maxage is not None and 0 <= maxage <= 7000 else None
    _set_cleanup(request, args, "cleanupmaxage", valid, "maxage must be an integer 0-7000")
    return _ok()


@API.cgi("setcleanuppolicy.cgi", Role.ADMIN)
async def setcleanuppolicy(request: web.Request, args: Args) -> web.StreamResponse:
    """``setcleanuppolicy.cgi?schemaversion=1&diskid=&cleanuppolicy=fifo|none``."""
    policy = args.get("cleanuppolicy")
    valid = policy if policy in ("fifo", "none") else None
    _set_cleanup(request, args, "cleanuppolicy", valid, "cleanuppolicy must be fifo or none")
    return _ok()


@API.cgi("setdiskalertlevels.cgi", Role.ADMIN)
async def setdiskalertlevels(request: web.Request, args: Args) -> web.StreamResponse:
    """``setdiskalertlevels.cgi?schemaversion=1&diskid=&wear=&temperature=``."""
    disk = _disk(request, args)
    if "wear" not in args and "temperature" not in args:
        raise ApiError(20, "Invalid request: wear or temperature is required.")
    values: dict[str, int] = {}
    for name in ("wear", "temperature"):
        if name in args:
            value = parse_int(args[name])
            if value is None or value < 0:
                raise ApiError(20, f"Invalid request: {name} must be an integer >= 0.")
            values[name] = value
    disk.alert_wear = values.get("wear", disk.alert_wear)
    disk.alert_temperature = values.get("temperature", disk.alert_temperature)
    return _ok()


@API.cgi("getdiskalertlevels.cgi", Role.OPERATOR)
async def getdiskalertlevels(request: web.Request, args: Args) -> web.StreamResponse:
    """``getdiskalertlevels.cgi?schemaversion=1&diskid=``."""
    disk = _disk(request, args)
    inner = elem(
        "GetAlertLevelsSuccess",
        children=elem(
            "AlertLevels", {"Wear": disk.alert_wear, "Temperature": disk.alert_temperature}
        ),
    )
    body = PROPERTIES.document(
        f"<Success>{inner}</Success>", version="1.1", header=PROPERTIES_PLAIN_HEADER
    )
    return xml_response(body)


@API.cgi("schemaversions.cgi", Role.OPERATOR, schema=False)
async def schemaversions(_request: web.Request, _args: Args) -> web.StreamResponse:
    """``schemaversions.cgi``."""
    return xml_response(PROPERTIES.schema_versions())
