"""``/axis-cgi/wssession.cgi``: a session token for the event websocket.

Any account may fetch one (the gate authenticates the request and applies its faults). The
answer is the token alone, ``text/plain`` ASCII, valid ``TOKEN_LIFETIME`` simulated seconds
for one ``/vapix/ws-data-stream`` upgrade (``simulator/event_stream.py``).
"""

from __future__ import annotations

from aiohttp import web

from .auth import Role
from .cgi_common import PROCESSING_ERROR, Cgi, get_camera
from .event_hub import TOKEN_PATH


async def wssession(request: web.Request) -> web.StreamResponse:
    """``GET /axis-cgi/wssession.cgi``: a fresh token (404 under ``events_unsupported``)."""
    camera = get_camera(request)
    if camera.faults.take("events_unsupported", request.path) is not None:
        return web.Response(status=404, text="404 Not Found\n")
    return web.Response(text=camera.events.issue_token(), content_type="text/plain")


def _device_error(_request: web.Request) -> web.Response:
    return web.Response(status=500, text=f"500 Internal Server Error: {PROCESSING_ERROR}\n")


#: The CGIs of this API, for the application.
CGIS: list[Cgi] = [Cgi(TOKEN_PATH, wssession, Role.VIEWER, _device_error, edge=False)]
