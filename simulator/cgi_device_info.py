"""``basicdeviceinfo.cgi``: the device's identity as JSON (404 on legacy firmware)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .app_identity import identity
from .auth import Role
from .cgi_common import PROCESSING_ERROR, Cgi, get_camera

BASIC_DEVICE_INFO_PATH = "/axis-cgi/basicdeviceinfo.cgi"


def _json_error(context: Any, code: int, message: str) -> web.Response:
    return web.json_response(
        {"apiVersion": "1.1", "context": context, "error": {"code": code, "message": message}}
    )


async def basicdeviceinfo(request: web.Request) -> web.StreamResponse:
    """``POST basicdeviceinfo.cgi`` (JSON); 404 on legacy firmware."""
    sim = get_camera(request)
    if sim.config.legacy_firmware:
        raise web.HTTPNotFound
    try:
        body = json.loads(await request.text())
    except ValueError:
        return _json_error(None, 4000, "Invalid JSON")
    if not isinstance(body, dict):
        return _json_error(None, 4000, "Invalid JSON")
    context = body.get("context")
    version = str(body.get("apiVersion", ""))
    if version.split(".", maxsplit=1)[0] != "1":
        return _json_error(context, 2001, "Unsupported API version")
    ident = identity(sim.config)
    method = body.get("method")
    if method == "getSupportedVersions":
        return web.json_response(
            {"apiVersion": "1.1", "context": context, "data": {"apiVersions": ["1.1"]}}
        )
    if method in ("getAllProperties", "getAllUnrestrictedProperties"):
        data: dict[str, str] = dict(ident)
    elif method == "getProperties":
        wanted = (body.get("params") or {}).get("propertyList")
        if not isinstance(wanted, list):
            return _json_error(context, 4002, "Required parameter missing: propertyList")
        data = {k: ident[k] for k in wanted if k in ident}
    else:
        return _json_error(context, 2002, f"Method not supported: {method}")
    return web.json_response(
        {"apiVersion": "1.1", "context": context, "data": {"propertyList": data}}
    )


def _info_error(_request: web.Request) -> web.Response:
    return _json_error(None, 10, PROCESSING_ERROR)


CGIS = [
    Cgi(BASIC_DEVICE_INFO_PATH, basicdeviceinfo, Role.VIEWER, _info_error, ("POST",), edge=False),
]
