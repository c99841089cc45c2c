"""The keys of the aiohttp application (a leaf: the CGIs and the control surface import it)."""

from __future__ import annotations

from aiohttp import web

from .camera import Camera

#: The camera an application serves.
CAMERA_KEY = web.AppKey("camera", Camera)
