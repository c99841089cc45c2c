"""The simulator: a simulated camera served as an aiohttp application."""

from __future__ import annotations

import logging
import shutil
import ssl
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from . import (
    cgi_continuous,
    cgi_device_info,
    cgi_disk_properties,
    cgi_disks,
    cgi_events,
    cgi_export,
    cgi_network_shares,
    cgi_params,
    cgi_recordings,
    cgi_storage_limit,
    control,
    event_stream,
)
from .app_keys import CAMERA_KEY
from .auth import Role
from .camera import Camera
from .cgi_common import Cgi
from .config import SimulatorConfig
from .gateway import VapixGate
from .request_log import RequestLog, RequestRecord
from .tls import certificate_fingerprint, make_ssl_context

if TYPE_CHECKING:
    from .media import MediaLibrary

_LOGGER = logging.getLogger("simulator")

ALL_CGIS: list[Cgi] = [
    *cgi_disks.CGIS,
    *cgi_disk_properties.CGIS,
    *cgi_network_shares.CGIS,
    *cgi_storage_limit.CGIS,
    *cgi_recordings.CGIS,
    *cgi_continuous.CGIS,
    *cgi_export.CGIS,
    *cgi_params.CGIS,
    *cgi_device_info.CGIS,
    *cgi_events.CGIS,
]


@dataclass
class _Served:
    runner: web.AppRunner
    port: int
    url: str
    tls_dir: Path | None = None
    fingerprint: str | None = None


class Simulator(Camera):
    """A simulated Axis camera with edge storage, served over HTTP.

    Use ``async with sim.serve(host, port) as url:`` to run it.
    """

    def __init__(
        self, config: SimulatorConfig | None = None, *, media: MediaLibrary | None = None
    ) -> None:
        """Create the device model; nothing is served until ``serve``/``start``."""
        super().__init__(config, media=media)
        self.cgis: dict[str, Cgi] = {cgi.path: cgi for cgi in ALL_CGIS}
        self._served: _Served | None = None
        self.app = web.Application(middlewares=[VapixGate(self, self.cgis).middleware])
        self.app[CAMERA_KEY] = self
        for cgi in ALL_CGIS:
            for method in cgi.methods:
                self.app.router.add_route(method, cgi.path, cgi.handler)
        control.setup(self.app)
        event_stream.setup(self.app)

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
        self.forget_media_cache()

    @asynccontextmanager
    async def serve(self, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
        """Serve while the context is open; yields the base URL."""
        url = await self.start(host, port)
        try:
            yield url
        finally:
            await self.stop()


__all__ = ["RequestLog", "RequestRecord", "Role", "Simulator"]
