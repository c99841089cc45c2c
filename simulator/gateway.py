"""The VAPIX gate: what a request to ``/axis-cgi/`` meets before its CGI, and the log.

Time is applied first (``tick``), then a reboot's 503, authentication, injected latency, the
product's edge storage (404), the CGI's access control (403), then the injected faults.
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


class VapixGate:
    """The middleware in front of the CGIs of a camera."""

    def __init__(self, camera: Camera, cgis: dict[str, Cgi]) -> None:
        self.camera = camera
        self.cgis = cgis

    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Gate and log a VAPIX request; other paths (``/sim/``) pass untouched."""
        if not request.path.startswith("/axis-cgi/"):
            response: web.StreamResponse = await handler(request)
            return response
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
            self._log(request, status, time.perf_counter() - started)

    def _log(self, request: web.Request, status: int, duration: float) -> None:
        query = dict(request.query)
        user = request.get("user")
        self.camera.request_log.append(
            RequestRecord(
                method=request.method,
                path=request.path,
                query=query,
                user=user,
                status=status,
                time=self.camera.clock.now(),
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

    async def _vapix(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.camera.state.tick()
        now = self.camera.clock.now()
        if (
            self.camera.state.unavailable_until is not None
            and now < self.camera.state.unavailable_until
        ):
            return web.Response(status=503, text="503 Service Unavailable: rebooting\n")
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
            response: web.StreamResponse = await handler(request)
            return response
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
