"""A proxy in front of the simulator that turns export bodies into a broken camera's.

The simulator has no fault for these two yet, so the tests put this proxy (real HTTP on
127.0.0.1) between the client and the simulator. Every request is passed on as it is
(Digest auth included: the URI is unchanged); the next `count` answers of
``exportrecording.cgi`` that carry a video are then sent back:

* ``trickle``: the headers without Content-Length, then the real file one byte every
  `interval` seconds (below every socket read timeout, never ending in a test's time);
* ``endless``: the headers without Content-Length, the real file, then zeros that never end
  (a safety stop ends the body cleanly after `max_bytes`, so that code without a byte cap
  finishes with a file instead of filling the disk);
* ``announce``: the headers with a Content-Length of `announced` bytes, then the real file.

`sent` counts the body bytes sent by the misbehaving answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Literal

import aiohttp
from aiohttp import web

Mode = Literal["trickle", "endless", "announce"]
_PASSED_HEADERS = ("Content-Type", "Content-Disposition", "WWW-Authenticate")
_ZEROS = bytes(64 * 1024)


class CameraProxy:
    """Pass requests to the simulator; misbehave on export bodies (see the module)."""

    def __init__(self, target_port: int) -> None:
        """Proxy to the simulator at 127.0.0.1:`target_port`."""
        self._target = f"http://127.0.0.1:{target_port}"
        self.port = 0
        self.mode: Mode | None = None
        self.count = 0
        self.interval = 0.2
        self.max_bytes = 64 << 20
        self.announced = 0
        self.sent = 0
        self.exports_started = 0
        self._session: aiohttp.ClientSession | None = None

    def misbehave(self, mode: Mode, count: int = 1, **settings: float) -> None:
        """Break the next `count` export bodies this way."""
        self.mode, self.count = mode, count
        for name, value in settings.items():
            setattr(self, name, type(getattr(self, name))(value))

    @asynccontextmanager
    async def serve(self) -> AsyncIterator[CameraProxy]:
        """Run on a free port of 127.0.0.1 while the context is open."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, handler_cancellation=True)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self._session = aiohttp.ClientSession(auto_decompress=False)
        try:
            yield self
        finally:
            await self._session.close()
            await runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() == "authorization"}
        async with self._session.request(
            request.method,
            self._target + request.path_qs,
            headers=headers,
            data=await request.read() or None,
            allow_redirects=False,
        ) as upstream:
            body = await upstream.read()
            passed = {k: upstream.headers[k] for k in _PASSED_HEADERS if k in upstream.headers}
            is_video = upstream.content_type.startswith(("video/", "application/zip"))
            if request.path.endswith("exportrecording.cgi") and upstream.status == 200 and is_video:
                self.exports_started += 1
                if self.mode is not None and self.count > 0:
                    self.count -= 1
                    return await self._misbehave(request, passed, body)
            return web.Response(status=upstream.status, body=body, headers=passed)

    async def _misbehave(
        self, request: web.Request, headers: dict[str, str], body: bytes
    ) -> web.StreamResponse:
        response = web.StreamResponse(status=200, headers=headers)
        if self.mode == "announce":
            response.content_length = self.announced
        await response.prepare(request)
        with suppress(ConnectionError):
            if self.mode == "trickle":
                for offset in range(len(body)):
                    await response.write(body[offset : offset + 1])
                    self.sent += 1
                    await asyncio.sleep(self.interval)
            elif self.mode == "endless":
                await response.write(body)
                self.sent += len(body)
                while self.sent < self.max_bytes:
                    await response.write(_ZEROS)
                    self.sent += len(_ZEROS)
                await response.write_eof()
            else:
                await response.write(body)
                self.sent += len(body)
        return response
