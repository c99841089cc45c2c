"""Shared pieces of the CGI handlers: registry entries, arguments, schema versions."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from .app_keys import CAMERA_KEY
from .auth import Role
from .camera import Camera
from .xmlout import Envelope, xml_response

Args = dict[str, str]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ArgsHandler = Callable[[web.Request, Args], Awaitable[web.StreamResponse]]
ErrorRenderer = Callable[[web.Request], web.Response]

#: The description the device gives with error code 10.
PROCESSING_ERROR = "Error while processing the request."
#: Where a ``device_error`` fault leaves its code for the API's error renderer.
ERROR_CODE_KEY = "sim_error_code"
_COMMON_ERRORS = {
    10: PROCESSING_ERROR,
    20: "Invalid request.",
    40: "Specified version is not supported.",
}


@dataclass(frozen=True)
class Cgi:
    """One CGI of the device.

    Attributes:
        path: Request path.
        handler: The aiohttp handler.
        role: Lowest role allowed to call it.
        device_error: Renders the "error while processing" (code 10) answer of its API.
        methods: HTTP methods served.
        edge: Part of the edge storage API (answers 404 on a product without it).
    """

    path: str
    handler: Handler
    role: Role
    device_error: ErrorRenderer
    methods: tuple[str, ...] = ("GET",)
    edge: bool = True


class ApiError(Exception):
    """An error with a documented code, rendered in the API's envelope."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description


def get_camera(request: web.Request) -> Camera:
    """The camera a request is served by."""
    return request.app[CAMERA_KEY]


async def read_args(request: web.Request) -> Args:
    """Query arguments, plus form fields of a POST."""
    args = dict(request.query.items())
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.post()
        args.update({key: str(value) for key, value in form.items()})
    return args


def check_schema(args: Args, supported_major: int = 1, *, required: bool = True) -> None:
    """Validate ``schemaversion``: missing -> 20 (when required), unsupported major -> 40."""
    raw = args.get("schemaversion")
    if raw is None:
        if required:
            raise ApiError(20, "Invalid request: schemaversion is required.")
        return
    major, _, minor = raw.strip().partition(".")
    if not major.isdigit() or (minor and not minor.isdigit()):
        raise ApiError(20, f"Invalid request: bad schemaversion {raw!r}.")
    if int(major) != supported_major:
        raise ApiError(40, f"Specified version is not supported: {raw}.")


def require(args: Args, *names: str) -> None:
    """Raise error 20 when a required argument is missing or empty."""
    for name in names:
        if not args.get(name):
            raise ApiError(20, f"Invalid request: {name} is required.")


def versioned(envelope: Envelope, *, schema: bool = True) -> Callable[[ArgsHandler], Handler]:
    """Decorate a handler of a versioned API: parse args, check schema, render ApiError."""

    def decorate(func: ArgsHandler) -> Handler:
        @functools.wraps(func)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            try:
                args = await read_args(request)
                if schema:
                    check_schema(args)
                return await func(request, args)
            except ApiError as err:
                return xml_response(envelope.error(err.code, err.description))

        return wrapper

    return decorate


def plain(func: ArgsHandler) -> Handler:
    """Decorate a handler of an unversioned API: parse the arguments."""

    @functools.wraps(func)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        return await func(request, await read_args(request))

    return wrapper


def envelope_error(envelope: Envelope) -> ErrorRenderer:
    """A device-error renderer answering the fault's code (default 10) in ``envelope``."""

    def render(request: web.Request) -> web.Response:
        code = int(request.get(ERROR_CODE_KEY, 10))
        return xml_response(envelope.error(code, _COMMON_ERRORS.get(code, "Injected error.")))

    return render


class CgiSet(list[Cgi]):
    """The CGIs of one API under one path, each registered by decorating its handler.

    With an ``envelope`` the API is versioned (see ``versioned``) and a device error is
    answered in that envelope; otherwise the handlers are ``plain`` and each names its
    device-error renderer.
    """

    def __init__(
        self, base: str, envelope: Envelope | None = None, error: ErrorRenderer | None = None
    ) -> None:
        super().__init__()
        self.base = base
        self.envelope = envelope
        self.error = error or (envelope_error(envelope) if envelope is not None else None)

    def cgi(
        self,
        name: str,
        role: Role,
        *,
        schema: bool = True,
        error: ErrorRenderer | None = None,
        methods: tuple[str, ...] = ("GET",),
    ) -> Callable[[ArgsHandler], Handler]:
        """Register ``{base}/{name}`` for ``role`` and up, served by the decorated handler."""

        def register(func: ArgsHandler) -> Handler:
            if self.envelope is not None:
                handler = versioned(self.envelope, schema=schema)(func)
            else:
                handler = plain(func)
            renderer = error or self.error
            if renderer is None:
                raise ValueError(f"no device-error renderer for {name}")
            self.append(Cgi(f"{self.base}/{name}", handler, role, renderer, methods))
            return handler

        return register


def parse_int(value: str | None) -> int | None:
    """Parse an integer argument; ``None`` when absent or not an integer."""
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None
