"""The control surface for tests and demos: JSON under ``/sim/`` (no auth, loopback only)."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .app_keys import CAMERA_KEY
from .camera import Camera
from .model import DeviceError

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _sim(request: web.Request) -> Camera:
    return request.app[CAMERA_KEY]


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda v: json.dumps(v, default=str))


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        data = await request.json()
    except ValueError as err:
        raise web.HTTPBadRequest(text=f"invalid JSON: {err}") from err
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return data


def _disk_view(sim: Camera, diskid: str) -> dict[str, Any]:
    return sim.state.disk_view(sim.state.disk(diskid))


@web.middleware
async def loopback_only(request: web.Request, handler: _Handler) -> web.StreamResponse:
    """Refuse ``/sim/`` requests that do not come from the loopback interface."""
    if request.path.startswith("/sim/"):
        remote = request.remote or ""
        try:
            local = ipaddress.ip_address(remote.split("%")[0]).is_loopback
        except ValueError:
            local = False
        if not local:
            return web.Response(status=403, text="the control surface is loopback only\n")
        try:
            return await handler(request)
        except (DeviceError, ValueError, TypeError) as err:
            return _json({"error": str(err)}, status=400)
    return await handler(request)


async def get_state(request: web.Request) -> web.StreamResponse:
    """``GET /sim/state``."""
    sim = _sim(request)
    sim.state.tick()
    data = sim.state.snapshot()
    data["faults"] = [f.as_dict() for f in sim.faults.active()]
    data["config"] = {
        "serial": sim.config.serial,
        "auth": sim.config.auth,
        "job_speed": sim.config.job_speed,
        "local_storage": sim.config.local_storage,
        "legacy_firmware": sim.config.legacy_firmware,
        "health_json": sim.config.health_json,
        "bandwidth_mbit": sim.config.bandwidth_mbit,
    }
    return _json(data)


async def advance(request: web.Request) -> web.StreamResponse:
    """``POST /sim/advance {"seconds": 5}``."""
    sim = _sim(request)
    seconds = (await _body(request)).get("seconds")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        raise TypeError("'seconds' must be a number")
    sim.advance(float(seconds))
    return _json({"now": sim.state.snapshot()["now"], "clock_offset": sim.clock.offset})


async def add_fault(request: web.Request) -> web.StreamResponse:
    """``POST /sim/faults {"kind": ..., "path": ..., "count": ..., ...}``."""
    fault = _sim(request).faults.add_from_json(await _body(request))
    return _json(fault.as_dict(), status=201)


async def list_faults(request: web.Request) -> web.StreamResponse:
    """``GET /sim/faults``."""
    return _json([f.as_dict() for f in _sim(request).faults.active()])


async def clear_faults(request: web.Request) -> web.StreamResponse:
    """``DELETE /sim/faults`` (optionally ``?kind=``)."""
    _sim(request).faults.clear(request.query.get("kind"))
    return _json({"faults": []})


async def delete_fault(request: web.Request) -> web.StreamResponse:
    """``DELETE /sim/faults/{id}``."""
    if not _sim(request).faults.remove(int(request.match_info["id"])):
        return _json({"error": "no such fault"}, status=404)
    return _json({"removed": int(request.match_info["id"])})


async def reboot(request: web.Request) -> web.StreamResponse:
    """``POST /sim/reboot {"downtime": 0}``."""
    sim = _sim(request)
    downtime = (await _body(request)).get("downtime", 0.0)
    sim.reboot(float(downtime))
    return _json({"rebooted": True})


async def start_recording(request: web.Request) -> web.StreamResponse:
    """``POST /sim/recordings/start {"diskid": "SD_DISK", "eventid": ..., "recordingtype": ...}``."""
    body = await _body(request)
    rid = _sim(request).start_recording(
        str(body.get("diskid", "SD_DISK")),
        eventid=str(body.get("eventid", "continuous")),
        recordingtype=str(body.get("recordingtype", "continuous")),
    )
    return _json({"recordingid": rid}, status=201)


async def stop_recording(request: web.Request) -> web.StreamResponse:
    """``POST /sim/recordings/stop {"recordingid": optional}``."""
    body = await _body(request)
    rid = body.get("recordingid")
    stopped = _sim(request).stop_recording(str(rid) if rid is not None else None)
    return _json({"stopped": stopped})


async def add_disk(request: web.Request) -> web.StreamResponse:
    """``POST /sim/disks {"diskid": "SD_DISK_2", "kind": "sd", "totalsize": kB}``."""
    sim = _sim(request)
    body = await _body(request)
    disk = sim.add_disk(
        str(body.get("diskid", "SD_DISK_2")),
        kind=str(body.get("kind", "sd")),
        totalsize_kb=int(body.get("totalsize", 31166976)),
    )
    return _json(_disk_view(sim, disk.diskid), status=201)


async def remove_disk(request: web.Request) -> web.StreamResponse:
    """``DELETE /sim/disks/{id}``."""
    diskid = request.match_info["id"]
    _sim(request).remove_disk(diskid)
    return _json({"removed": diskid})


async def patch_disk_view(request: web.Request) -> web.StreamResponse:
    """``POST /sim/disks/{id} {"status": ..., "health": {...}, ...}``."""
    sim = _sim(request)
    disk = sim.patch_disk(request.match_info["id"], **(await _body(request)))
    return _json(_disk_view(sim, disk.diskid))


async def get_requests(request: web.Request) -> web.StreamResponse:
    """``GET /sim/requests``."""
    return _json([r.as_dict() for r in _sim(request).request_log])


async def clear_requests(request: web.Request) -> web.StreamResponse:
    """``DELETE /sim/requests``."""
    _sim(request).request_log.clear()
    return _json({"requests": []})


async def usb(request: web.Request) -> web.StreamResponse:
    """``POST /sim/usb {"present": false}``."""
    present = (await _body(request)).get("present")
    if not isinstance(present, bool):
        raise TypeError("'present' must be true or false")
    _sim(request).set_usb(present)
    return _json({"usb_present": present})


async def expire_nonces(request: web.Request) -> web.StreamResponse:
    """``POST /sim/nonces/expire``."""
    _sim(request).expire_nonces()
    return _json({"expired": True})


def setup(app: web.Application) -> None:
    """Register the control routes and their middleware."""
    app.middlewares.append(loopback_only)
    routes = [
        web.get("/sim/state", get_state),
        web.post("/sim/advance", advance),
        web.get("/sim/faults", list_faults),
        web.post("/sim/faults", add_fault),
        web.delete("/sim/faults", clear_faults),
        web.delete("/sim/faults/{id:\\d+}", delete_fault),
        web.post("/sim/reboot", reboot),
        web.post("/sim/recordings/start", start_recording),
        web.post("/sim/recordings/stop", stop_recording),
        web.post("/sim/disks", add_disk),
        web.delete("/sim/disks/{id}", remove_disk),
        web.post("/sim/disks/{id}", patch_disk_view),
        web.get("/sim/requests", get_requests),
        web.delete("/sim/requests", clear_requests),
        web.post("/sim/usb", usb),
        web.post("/sim/nonces/expire", expire_nonces),
    ]
    app.router.add_routes(routes)
