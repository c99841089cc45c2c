"""The simulator object: aiohttp application, middleware, request log, serving."""

from __future__ import annotations

import asyncio
import logging
import random
import shutil
import ssl
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from aiohttp import web

from . import (
    cgi_disk_properties,
    cgi_disks,
    cgi_export,
    cgi_network_shares,
    cgi_params,
    cgi_recordings,
    cgi_storage_limit,
    control,
)
from .auth import Authenticator, Role, presented_auth
from .cgi_common import ERROR_CODE_KEY, SIM_KEY, Cgi
from .clock import Clock
from .config import SimulatorConfig
from .faults import Faults, malform, truncate
from .model import DeviceError, Disk
from .raw_faults import apply_raw_fault
from .request_log import RequestLog, RequestRecord, redact
from .state import DeviceState
from .tls import certificate_fingerprint, make_ssl_context

_LOGGER = logging.getLogger("simulator")


class MediaProfileLike(Protocol):
    """What the simulator reads from a media profile."""

    name: str
    fps: float
    width: int
    height: int
    gop_seconds: float


class MediaLike(Protocol):
    """The interface of ``simulator.media.MediaLibrary`` the simulator codes against."""

    profile: Any

    def align_to_keyframe(self, recording_start: datetime, t: datetime) -> datetime:
        """Floor ``t`` to the key-frame grid of a recording."""

    def estimated_size_kb(self, duration_s: float) -> int:
        """Estimated export size in kB."""

    def build_export(
        self,
        *,
        key: str,
        start: datetime,
        stop: datetime,
        recording_start: datetime | None = None,
    ) -> Path:
        """Build (or reuse) the Matroska file of a range (blocking)."""

    def build_zip(self, mkv: Path, *, password: str, inner_name: str) -> Path:
        """Build (or reuse) an AES-256 zip of an export (blocking)."""


ALL_CGIS: list[Cgi] = [
    *cgi_disks.CGIS,
    *cgi_disk_properties.CGIS,
    *cgi_network_shares.CGIS,
    *cgi_storage_limit.CGIS,
    *cgi_recordings.CGIS,
    *cgi_export.CGIS,
    *cgi_params.CGIS,
]


@dataclass
class _Served:
    runner: web.AppRunner
    port: int
    url: str
    tls_dir: Path | None = field(default=None)
    fingerprint: str | None = None


class Simulator:
    """A simulated Axis camera with edge storage.

    Use ``async with sim.serve(host, port) as url:`` to run it.
    """

    def __init__(self, config: SimulatorConfig | None = None, *, media: MediaLike | None = None):
        """Create the device model; nothing is served until ``serve``/``start``."""
        self.config = config or SimulatorConfig()
        self.clock = Clock()
        self.rng = random.Random(self.config.seed)
        self._media = media
        self._tmp_cache: Path | None = None
        self.state = DeviceState(self.config, self.clock, self.rng, self._video_info())
        self.auth = Authenticator(self.config, self.clock)
        self.faults = Faults()
        self.request_log = RequestLog()
        self.cgis: dict[str, Cgi] = {cgi.path: cgi for cgi in ALL_CGIS}
        self._export_locks: dict[tuple[str, datetime, datetime], asyncio.Lock] = {}
        self._served: _Served | None = None
        self.app = self._build_app()

    # ----------------------------------------------------------------- media
    def _profile(self) -> Any:
        if self._media is not None:
            return self._media.profile
        try:
            from .media import get_profile  # noqa: PLC0415 - written separately, optional here
        except ImportError:
            return None
        return get_profile(self.config.media_profile)

    def _video_info(self) -> dict[str, str]:
        profile = self._profile()
        width = int(getattr(profile, "width", 640))
        height = int(getattr(profile, "height", 360))
        fps = getattr(profile, "fps", 25)
        return {
            "framerate": f"{float(fps):g}",
            "resolution": f"{width}x{height}",
            "width": str(width),
            "height": str(height),
        }

    @property
    def cache_dir(self) -> Path:
        """Where generated media is cached."""
        if self.config.cache_dir is not None:
            return Path(self.config.cache_dir)
        if self._tmp_cache is None:
            self._tmp_cache = Path(tempfile.mkdtemp(prefix="axis-sim-media-"))
        return self._tmp_cache

    @property
    def media(self) -> MediaLike:
        """The media library (made on first use)."""
        if self._media is None:
            from .media import MediaLibrary, get_profile  # noqa: PLC0415

            self._media = MediaLibrary(self.cache_dir, get_profile(self.config.media_profile))
        return self._media

    def export_lock(self, key: str, start: datetime, stop: datetime) -> asyncio.Lock:
        """A lock so that one export range is built once at a time."""
        return self._export_locks.setdefault((key, start, stop), asyncio.Lock())

    # ------------------------------------------------------------------- app
    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app[SIM_KEY] = self
        for cgi in ALL_CGIS:
            for method in cgi.methods:
                app.router.add_route(method, cgi.path, cgi.handler)
        control.setup(app)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
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
        self.request_log.append(
            RequestRecord(
                method=request.method,
                path=request.path,
                query=query,
                user=user,
                status=status,
                time=self.clock.now(),
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
        self.state.tick()
        now = self.clock.now()
        if self.state.unavailable_until is not None and now < self.state.unavailable_until:
            return web.Response(status=503, text="503 Service Unavailable: rebooting\n")
        result = self.auth.authenticate(request)
        if result.bad_request:
            return web.Response(status=400, text="400 Bad Request: digest uri mismatch\n")
        if result.account is None:
            return self.auth.unauthorized(stale=result.stale)
        request["user"] = result.account.name
        request["role"] = result.account.role
        path = request.path
        fault = self.faults.take("latency", path)
        if fault is not None:
            await asyncio.sleep(fault.seconds)
        cgi = self.cgis.get(path)
        if cgi is None:
            response: web.StreamResponse = await handler(request)
            return response
        if cgi.edge and not self.config.local_storage:
            return web.Response(status=404, text="404 Not Found\n")
        if result.account.role < cgi.role:
            return web.Response(status=403, text="403 Forbidden\n")
        fault = self.faults.take("status", path)
        if fault is not None:
            if fault.status == 401:
                return self.auth.unauthorized()
            return web.Response(status=fault.status, text=f"{fault.status} Injected fault\n")
        raw = await apply_raw_fault(self.faults, request)
        if raw is not None:
            return raw
        device_fault = self.faults.take("device_error", path)
        if device_fault is not None:
            request[ERROR_CODE_KEY] = device_fault.code
            return cgi.device_error(request)
        response = await handler(request)
        if isinstance(response, web.Response) and isinstance(response.body, bytes):
            if self.faults.take("truncated_xml", path) is not None:
                response.body = truncate(response.body)
            elif self.faults.take("malformed_xml", path) is not None:
                response.body = malform(response.body)
        return response

    # --------------------------------------------------------------- serving
    @property
    def port(self) -> int:
        """The TCP port served on (after ``start``)."""
        if self._served is None:
            raise RuntimeError("the simulator is not running")
        return self._served.port

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:43219`` (after ``start``)."""
        if self._served is None:
            raise RuntimeError("the simulator is not running")
        return self._served.url

    @property
    def certificate_fingerprint(self) -> str | None:
        """SHA-256 (lower-case hex) of the served TLS certificate; None without TLS."""
        if self._served is None:
            raise RuntimeError("the simulator is not running")
        return self._served.fingerprint

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start serving; returns the base URL."""
        if self._served is not None:
            raise RuntimeError("the simulator is already running")
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        ssl_context: ssl.SSLContext | None = None
        tls_dir: Path | None = None
        if self.config.tls:
            tls_dir = Path(tempfile.mkdtemp(prefix="axis-sim-tls-"))
            ssl_context = make_ssl_context(tls_dir, host)
        site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        bound = runner.addresses[0][1]
        shown = f"[{host}]" if ":" in host else host
        url = f"{'https' if ssl_context else 'http'}://{shown}:{bound}"
        fingerprint = certificate_fingerprint(tls_dir) if tls_dir is not None else None
        self._served = _Served(
            runner=runner, port=bound, url=url, tls_dir=tls_dir, fingerprint=fingerprint
        )
        _LOGGER.info("simulated camera %s serving on %s", self.config.serial, url)
        return url

    async def stop(self) -> None:
        """Stop serving and remove temporary files."""
        served, self._served = self._served, None
        if served is not None:
            await served.runner.cleanup()
            if served.tls_dir is not None:
                shutil.rmtree(served.tls_dir, ignore_errors=True)
        if self._tmp_cache is not None:
            shutil.rmtree(self._tmp_cache, ignore_errors=True)
            self._tmp_cache = None
            self._media = None

    @asynccontextmanager
    async def serve(self, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
        """Serve while the context is open; yields the base URL."""
        url = await self.start(host, port)
        try:
            yield url
        finally:
            await self.stop()

    # ------------------------------------------------------- control (Python)
    def advance(self, seconds: float) -> None:
        """Move simulated time forward and apply what happened meanwhile."""
        self.clock.advance(seconds)
        self.state.tick()

    def reboot(self, downtime: float = 0.0) -> None:
        """Reboot: jobs forgotten, nonces invalidated, recordings restarted after remount.

        ``downtime`` simulated seconds during which VAPIX requests answer 503.
        """
        self.state.reboot(downtime)
        self.auth.forget_nonces()

    def set_password(self, username: str, password: str) -> None:
        """Change an account's password, as a user would on the camera's web page."""
        account = self.auth.accounts[username]
        self.auth.accounts[username] = replace(account, password=password)
        self.auth.forget_nonces()

    def expire_nonces(self) -> None:
        """Make every digest nonce issued so far stale."""
        self.auth.expire_nonces()

    def start_recording(
        self,
        diskid: str = "SD_DISK",
        *,
        eventid: str = "continuous",
        recordingtype: str = "continuous",
    ) -> str:
        """Start an ongoing recording (as an event or profile would); returns its id."""
        self.state.tick()
        rec = self.state.start_recording(
            diskid, recordingtype=recordingtype, eventid=eventid, eventtrigger=eventid
        )
        return rec.recordingid

    def stop_recording(self, recordingid: str | None = None) -> list[str]:
        """Stop one ongoing recording, or all of them; returns the stopped ids."""
        self.state.tick()
        stopped = []
        for rec in list(self.state.recordings.values()):
            if rec.ongoing and recordingid in (None, rec.recordingid):
                self.state.stop_recording(rec)
                stopped.append(rec.recordingid)
        if recordingid is not None and not stopped:
            raise DeviceError(f"no ongoing recording {recordingid}")
        return stopped

    def add_disk(
        self, diskid: str = "SD_DISK_2", *, kind: str = "sd", totalsize_kb: int = 31166976
    ) -> Disk:
        """Insert a disk (e.g. a second SD card)."""
        return self.state.add_disk(diskid, kind=kind, totalsize_kb=totalsize_kb)

    def remove_disk(self, diskid: str) -> None:
        """Pull a disk out; its recordings come back if it is inserted again."""
        self.state.remove_disk(diskid)

    def patch_disk(self, diskid: str, **fields: Any) -> Disk:
        """Change a disk: status, locked, readonly, health, fs_errors, freesize, ..."""
        return self.state.patch_disk(diskid, fields)

    def set_usb(self, present: bool) -> None:
        """Insert or remove the USB disk used by export-to-external."""
        self.state.set_usb(present)


__all__ = ["RequestLog", "RequestRecord", "Role", "Simulator"]
