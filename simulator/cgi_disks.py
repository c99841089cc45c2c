"""Disk management API: ``/axis-cgi/disks/*.cgi``."""

from __future__ import annotations

from aiohttp import web

from .auth import Role
from .cgi_common import PROCESSING_ERROR, Args, Cgi, CgiSet, ErrorRenderer, get_camera
from .jobs import DiskJob
from .model import Disk
from .xmlout import (
    elem,
    health_doc,
    health_error,
    join,
    root_doc,
    root_error,
    xml_response,
    yes_no,
)

BASE = "/axis-cgi/disks"
API = CgiSet(BASE)
#: The CGIs of this API, for the application.
CGIS: list[Cgi] = API


def _start_job_device_error(action: str | None) -> ErrorRenderer:
    def render(request: web.Request) -> web.Response:
        act = action or request.query.get("action", "N/A")
        return _job_refused(act, request.query.get("diskid", ""), PROCESSING_ERROR)

    return render


def _root_device_error(schema: str) -> ErrorRenderer:
    def render(_request: web.Request) -> web.Response:
        return xml_response(root_error(schema, 10, PROCESSING_ERROR))

    return render


def _health_device_error(request: web.Request) -> web.Response:
    if get_camera(request).config.health_json:
        return web.json_response(
            {
                "apiVersion": "1.0",
                "method": "gethealth",
                "error": {"code": 10, "message": PROCESSING_ERROR},
            }
        )
    return xml_response(health_error(10, PROCESSING_ERROR))


def _lock_device_error(request: web.Request) -> web.Response:
    tag = "unlock" if request.query.get("action") == "unlock" else "lock"
    return xml_response(
        root_doc(
            "disk/lock1.xsd",
            elem(
                tag,
                {
                    "diskid": request.query.get("diskid", ""),
                    "result": "ERROR",
                    "description": PROCESSING_ERROR,
                },
            ),
        )
    )


def _disk_xml(request: web.Request, disk: Disk) -> str:
    state = get_camera(request).state
    total, free = state.sizes(disk)
    return elem(
        "disk",
        {
            "diskid": disk.diskid,
            "name": disk.name,
            "totalsize": total,
            "freesize": free,
            "cleanuplevel": disk.cleanuplevel,
            "cleanupmaxage": disk.cleanupmaxage,
            "cleanuppolicy": disk.cleanuppolicy,
            "locked": yes_no(disk.locked),
            "full": yes_no(state.is_full(disk)),
            "readonly": yes_no(disk.readonly),
            "status": disk.status,
            "filesystem": disk.filesystem,
            "group": disk.group,
            "requiredfilesystem": disk.requiredfs,
            "encryptionenabled": disk.encryption_enabled,
            "diskencrypted": disk.encrypted,
        },
    )


@API.cgi("list.cgi", Role.OPERATOR, error=_root_device_error("disk/list1.xsd"))
async def list_disks(request: web.Request, args: Args) -> web.StreamResponse:
    """``list.cgi?diskid=all|ID[,ID...]``."""
    state = get_camera(request).state
    wanted = [d.strip() for d in args.get("diskid", "all").split(",") if d.strip()]
    if not wanted or "all" in wanted:
        disks = list(state.disks.values())
    else:
        disks = [state.disks[d] for d in wanted if d in state.disks]
    inner = elem(
        "disks",
        {"numberofdisks": len(disks)},
        join(_disk_xml(request, d) for d in disks),
    )
    return xml_response(root_doc("disk/list1.xsd", inner))


def _job_started(action: str, diskid: str, job: DiskJob) -> web.Response:
    return xml_response(
        root_doc(
            "disk/startjob1.xsd",
            elem("job", {"action": action, "diskid": diskid, "result": "OK", "jobid": job.jobid}),
        )
    )


def _job_refused(action: str, diskid: str, description: str) -> web.Response:
    return xml_response(
        root_doc(
            "disk/startjob1.xsd",
            elem(
                "job",
                {"action": action, "diskid": diskid, "result": "ERROR", "description": description},
            ),
        )
    )


def _common_job_problem(request: web.Request, diskid: str) -> str | None:
    state = get_camera(request).state
    if not diskid:
        return "Invalid request: diskid is required."
    disk = state.disks.get(diskid)
    if disk is None:
        return f"Invalid disk ID: {diskid}."
    if state.busy(diskid):
        return "Another job is in progress on the disk."
    if disk.status == "disconnected":
        return "The disk is not connected."
    return None


@API.cgi("format.cgi", Role.ADMIN, error=_start_job_device_error("format"))
async def format_disk(request: web.Request, args: Args) -> web.StreamResponse:
    """``format.cgi?diskid=&filesystem=``."""
    state = get_camera(request).state
    diskid = args.get("diskid", "")
    problem = _common_job_problem(request, diskid)
    if problem:
        return _job_refused("format", diskid, problem)
    disk = state.disks[diskid]
    filesystem = args.get("filesystem") or (
        disk.filesystem if disk.filesystem in disk.formats else disk.formats[-1]
    )
    if disk.locked:
        return _job_refused("format", diskid, "The disk is locked. Unlock it before formatting.")
    if filesystem not in disk.formats:
        return _job_refused(
            "format", diskid, f"File system {filesystem} is not supported by the disk."
        )
    return _job_started("format", diskid, state.start_disk_job(disk, "format", filesystem))


def _check_or_repair(request: web.Request, args: Args, action: str) -> web.Response:
    state = get_camera(request).state
    diskid = args.get("diskid", "")
    problem = _common_job_problem(request, diskid)
    if problem:
        return _job_refused(action, diskid, problem)
    disk = state.disks[diskid]
    if disk.kind != "sd" or disk.filesystem != "ext4":
        return _job_refused(
            action, diskid, "Only SD cards formatted with ext4 can be checked or repaired."
        )
    if disk.mounted:
        return _job_refused(action, diskid, "The disk is mounted. Unmount it first.")
    if disk.encryption_enabled and (not disk.encrypted or disk.disk_key != disk.passphrase):
        return _job_refused(
            action, diskid, "Disk encryption is enabled without a valid passphrase."
        )
    if action == "repair" and disk.locked:
        return _job_refused(action, diskid, "The disk is locked.")
    return _job_started(action, diskid, state.start_disk_job(disk, action))


@API.cgi("checkdisk.cgi", Role.OPERATOR, error=_start_job_device_error("checkdisk"))
async def checkdisk(request: web.Request, args: Args) -> web.StreamResponse:
    """``checkdisk.cgi?diskid=``."""
    return _check_or_repair(request, args, "checkdisk")


@API.cgi("repair.cgi", Role.ADMIN, error=_start_job_device_error("repair"))
async def repair(request: web.Request, args: Args) -> web.StreamResponse:
    """``repair.cgi?diskid=``."""
    return _check_or_repair(request, args, "repair")


@API.cgi("mount.cgi", Role.ADMIN, error=_start_job_device_error(None))
async def mount(request: web.Request, args: Args) -> web.StreamResponse:
    """``mount.cgi?action=mount|unmount&diskid=``."""
    state = get_camera(request).state
    action = args.get("action", "")
    diskid = args.get("diskid", "")
    if action not in ("mount", "unmount"):
        return _job_refused(action or "N/A", diskid, "Invalid action: use mount or unmount.")
    problem = _common_job_problem(request, diskid)
    if problem:
        return _job_refused(action, diskid, problem)
    disk = state.disks[diskid]
    if action == "mount" and disk.mounted:
        return _job_refused(action, diskid, "The disk is already mounted.")
    if action == "unmount" and not disk.mounted:
        return _job_refused(action, diskid, "The disk is not mounted.")
    return _job_started(action, diskid, state.start_disk_job(disk, action))


@API.cgi("job.cgi", Role.OPERATOR, error=_root_device_error("disk/checkjob1.xsd"))
async def job(request: web.Request, args: Args) -> web.StreamResponse:
    """``job.cgi?jobid=&diskid=``."""
    state = get_camera(request).state
    diskid = args.get("diskid", "")
    raw = args.get("jobid", "")
    found = state.disk_jobs.get(int(raw)) if raw.isdigit() else None
    if found is None or (diskid and found.diskid != diskid):
        body = elem(
            "job",
            {
                "jobid": raw,
                "diskid": diskid,
                "action": "N/A",
                "progress": 0,
                "result": "ERROR",
                "description": "No such job.",
            },
        )
        return xml_response(root_doc("disk/checkjob1.xsd", body))
    now = state.now()
    body = elem(
        "job",
        {
            "jobid": found.jobid,
            "diskid": found.diskid,
            "action": found.action,
            "result": found.result,
            "progress": found.progress(now),
            "description": found.description if found.done else "In progress.",
        },
    )
    return xml_response(root_doc("disk/checkjob1.xsd", body))


@API.cgi("lock.cgi", Role.ADMIN, error=_lock_device_error)
async def lock(request: web.Request, args: Args) -> web.StreamResponse:
    """``lock.cgi?action=lock|unlock&diskid=``."""
    state = get_camera(request).state
    action = args.get("action", "")
    diskid = args.get("diskid", "")
    tag = action if action in ("lock", "unlock") else "lock"
    disk = state.disks.get(diskid)
    if action not in ("lock", "unlock") or disk is None:
        description = "Invalid action." if disk is not None else f"Invalid disk ID: {diskid}."
        return xml_response(
            root_doc(
                "disk/lock1.xsd",
                elem(tag, {"diskid": diskid, "result": "ERROR", "description": description}),
            )
        )
    now = state.now()
    if action == "lock":
        disk.locked = True
        state.stop_disk_recordings(diskid, now)
    else:
        disk.locked = False
        state.resume_profiles(diskid, now)
    return xml_response(root_doc("disk/lock1.xsd", elem(tag, {"diskid": diskid, "result": "OK"})))


@API.cgi("getcapabilities.cgi", Role.OPERATOR, error=_root_device_error("disk/capabilities1.xsd"))
async def getcapabilities(request: web.Request, args: Args) -> web.StreamResponse:
    """``getcapabilities.cgi?diskid=``."""
    state = get_camera(request).state
    diskid = args.get("diskid", "")
    disk = state.disks.get(diskid)
    if disk is None:
        return xml_response(
            root_error("disk/capabilities1.xsd", 20, f"Invalid disk ID: {diskid!r}.")
        )
    filesystems = join(
        elem(
            "filesystem",
            {"name": fs, "nicename": " ", "requiredfssupported": fs == "ext4"},
        )
        for fs in disk.formats
    )
    inner = elem(
        "disk",
        {
            "diskid": diskid,
            "requiredfssupported": disk.requiredfs_supported,
            "encryptionsupported": disk.encryption_supported,
        },
        elem("filesystems", children=filesystems),
    )
    return xml_response(root_doc("disk/capabilities1.xsd", inner))


@API.cgi("gethealth.cgi", Role.OPERATOR, error=_health_device_error)
async def gethealth(request: web.Request, _args: Args) -> web.StreamResponse:
    """``gethealth.cgi`` (XML, or JSON when configured)."""
    sim = get_camera(request)
    state = sim.state
    rows = [(disk.diskid, state.health(disk)) for disk in state.disks.values()]
    if sim.config.health_json:
        disks = [
            {"diskid": diskid, **{k: v for k, v in values.items() if v is not None}}
            for diskid, values in rows
        ]
        return web.json_response(
            {"apiVersion": "1.0", "method": "gethealth", "data": {"disks": disks}}
        )
    inner = join(elem("HealthStatus", {"diskid": diskid, **values}) for diskid, values in rows)
    return xml_response(health_doc(elem("HealthStatusSuccess", children=inner)))
