"""The VAPIX gate: what a request to ``/axis-cgi/`` meets before its CGI, and the log.

Time is applied first (``tick``), then a reboot's 503, authentication, injected latency, the
product's edge storage (404), the CGI's access control (403), then the injected faults.
A request to ``/vapix/`` (the event websocket, authenticated by its session token) meets the
time and the reboot's 503 only. After every request, ``/sim/`` ones included, the camera's
events are published (``simulator/event_hub.py``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiohttp import web

from .auth import presented_auth
from .camera import Camera
from .cgi_common import ERROR_CODE_KEY, Cgi
from .faults import malform, truncate
from .raw_faults import apply_raw_fault
from .request_log import RequestRecord, redact

_LOGGER = logging.getLogger("simulator")
#: Set on a request that logged itself (the event websocket logs its upgrade when it happens).
LOGGED_KEY = "sim_logged"
#: Query arguments replaced by ``***`` in the request log (a session token).
_HIDDEN_ARGS = frozenset({"wssession"})


def log_request(camera: Camera, request: web.Request, status: int, duration: float) -> None:
    """Add a request to the camera's request log and log it (secret values hidden)."""
    request[LOGGED_KEY] = True
    query = {k: "***" if k in _HIDDEN_ARGS else v for k, v in request.query.items()}
    user = request.get("user")
    camera.request_log.append(
        RequestRecord(
            method=request.method,
            path=request.path,
            query=query,
            user=user,
            status=status,
            time=camera.clock.now(),
            duration=duration,
            auth=presented_auth(request.headers.get("Authorization", "")),
        )
    )
    _LOGGER.info(
        "%s %s %s%s -> %d (%.1f ms)",
        user or "-",
        request.method,
        request.path,
        f"?{redact(query)}" if query else "",
        status,
        duration * 1000,
    )


class VapixGate:
    """The middleware in front of the CGIs of a camera."""

    def __init__(self, camera: Camera, cgis: dict[str, Cgi]) -> None:
        self.camera = camera
        self.cgis = cgis

    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Gate and log a VAPIX request (other paths pass untouched), then publish events."""
        try:
            if not request.path.startswith(("/axis-cgi/", "/vapix/")):
                response: web.StreamResponse = await handler(request)
                return response
            return await self._logged(request, handler)
        finally:
            self.camera.events.publish()

    async def _logged(self, request: web.Request, handler: Any) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = await self._vapix(request, handler)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            if not request.get(LOGGED_KEY):
                log_request(self.camera, request, status, time.perf_counter() - started)

    async def _vapix(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.camera.state.tick()
        now = self.camera.clock.now()
        if (
            self.camera.state.unavailable_until is not None
            and now < self.camera.state.unavailable_until
        ):
            return web.Response(status=503, text="503 Service Unavailable: rebooting\n")
        if request.path.startswith("/vapix/"):
            response: web.StreamResponse = await handler(request)
            return response
        result = self.camera.auth.authenticate(request)
        if result.bad_request:
            return web.Response(status=400, text="400 Bad Request: digest uri mismatch\n")
        if result.account is None:
            return self.camera.auth.unauthorized(stale=result.stale)
        request["user"] = result.account.name
        request["role"] = result.account.role
        path = request.path
        fault = self.camera.faults.take("latency", path)
        if fault is not None:
            await asyncio.sleep(fault.seconds)
        cgi = self.cgis.get(path)
        if cgi is None:
            return await handler(request)  # type: ignore[no-any-return]
        if cgi.edge and not self.camera.config.local_storage:
            return web.Response(status=404, text="404 Not Found\n")
        if result.account.role < cgi.role:
            return web.Response(status=403, text="403 Forbidden\n")
        fault = self.camera.faults.take("status", path)
        if fault is not None:
            if fault.status == 401:
                return self.camera.auth.unauthorized()
            return web.Response(status=fault.status, text=f"{fault.status} Injected fault\n")
        raw = await apply_raw_fault(self.camera.faults, request)
        if raw is not None:
            return raw
        device_fault = self.camera.faults.take("device_error", path)
        if device_fault is not None:
            request[ERROR_CODE_KEY] = device_fault.code
            return cgi.device_error(request)
        response = await handler(request)
        if isinstance(response, web.Response) and isinstance(response.body, bytes):
            if self.camera.faults.take("truncated_xml", path) is not None:
                response.body = truncate(response.body)
            elif self.camera.faults.take("malformed_xml", path) is not None:
                response.body = malform(response.body)
        return response
