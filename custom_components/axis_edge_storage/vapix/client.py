"""HTTP transport of the VAPIX client: one injected aiohttp session, auth, timeouts, errors.

Every request goes through `VapixClient.request` (or `VapixClient.stream`), which answers
Digest or Basic challenges, maps HTTP statuses and transport failures to the client's
exceptions, and never lets a URL (whose query may hold a passphrase or a share password) into a
log line or an exception, nor chains an aiohttp exception that holds one.

Authentication rules: the strongest Digest algorithm offered is answered (SHA-256 before MD5);
Basic is never sent over plain HTTP (`VapixInsecureAuthError`); once Digest has been used (or
with ``require_digest=True``) a Basic-only challenge is refused (`VapixAuthDowngradeError`).
Over HTTPS without verification, a pinned certificate fingerprint (``ssl_fingerprint=``) is
checked on every connection (`VapixCertificateMismatchError`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Required, TypedDict

import aiohttp
from yarl import URL

from .auth import Challenge, DigestAuth, basic_header, parse_challenges, strongest_digest
from .body import MAX_RESPONSE_BYTES, read_capped
from .errors import (
    VapixAuthDowngradeError,
    VapixConnectionError,
    VapixForbiddenError,
    VapixHttpError,
    VapixInsecureAuthError,
    VapixNotSupportedError,
    VapixUnauthorizedError,
)
from .stream import Stream
from .tls import normalize_fingerprint
from .transport_errors import TRANSPORT_ERRORS, connect_error

_LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
#: The largest websocket message read; a larger one fails the connection (close code 1009).
MAX_WS_MESSAGE_BYTES = 1 << 20
_STREAM_READ_BUFFER = 1 << 20
# Compressed answers are not asked for and not inflated: a small compressed body could
# inflate past every bound before the client reads a byte of it.
_HEADERS = {"Accept-Encoding": "identity"}

Params = Mapping[str, object]  # values are sent with str(); None leaves the key out

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_RESPONSE_BYTES",
    "MAX_WS_MESSAGE_BYTES",
    "Params",
    "Response",
    "Stream",
    "VapixClient",
]


@dataclass(frozen=True, slots=True)
class Response:
    """A complete, small response: status, content type and body text."""

    status: int
    content_type: str
    text: str


class ClientOptions(TypedDict, total=False):
    """The keywords of `VapixClient` after the session and the host (see its docstring)."""

    username: Required[str]
    password: Required[str]
    port: int | None
    protocol: str
    verify_ssl: bool
    request_timeout: float
    ssl_fingerprint: str | None
    require_digest: bool
    max_response_bytes: int


class VapixClient:
    """The HTTP side of one device. The aiohttp session is injected and never closed here."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        username: str,
        password: str,
        port: int | None = None,
        protocol: str = "http",
        verify_ssl: bool = True,
        request_timeout: float = DEFAULT_TIMEOUT,
        ssl_fingerprint: str | None = None,
        require_digest: bool = False,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        """Describe the device; nothing is sent until the first request.

        Args:
            session: The aiohttp session to use (never closed here).
            host: Host name or address of the device.
            username: Account name.
            password: Account password.
            port: TCP port (default: the protocol's).
            protocol: ``http`` or ``https``.
            verify_ssl: Verify the device's certificate (HTTPS).
            request_timeout: Seconds for a request (streams: for connecting and each read).
            ssl_fingerprint: SHA-256 of the device's certificate (hex, colons tolerated) to
                pin; used for HTTPS without verification, ignored otherwise.
            require_digest: Refuse Basic authentication even over HTTPS (the device is known
                to use Digest).
            max_response_bytes: The largest XML, JSON or text answer read.
        """
        if protocol not in ("http", "https"):
            raise ValueError("protocol must be http or https")
        if max_response_bytes < 1:
            raise ValueError("max_response_bytes must be positive")
        self._session = session
        self._username = username
        self._password = password
        self._base = URL.build(scheme=protocol, host=host, port=port)
        self._fingerprint = normalize_fingerprint(ssl_fingerprint) if ssl_fingerprint else None
        self._ssl: bool | aiohttp.Fingerprint = verify_ssl
        if protocol == "https" and not verify_ssl and self._fingerprint is not None:
            self._ssl = aiohttp.Fingerprint(bytes.fromhex(self._fingerprint))
        self._timeout = request_timeout
        self._max_response_bytes = max_response_bytes
        self._require_digest = require_digest
        self._used_digest = False
        self._digest: DigestAuth | None = None
        self._basic = False

    @property
    def base_url(self) -> str:
        """The device's base URL (scheme, host and port), without credentials."""
        return str(self._base)

    @property
    def used_digest(self) -> bool:
        """Whether the device has accepted Digest authentication from this client.

        Worth remembering: a client made later with ``require_digest=True`` refuses to fall
        back to Basic.
        """
        return self._used_digest

    @property
    def ssl_fingerprint(self) -> str | None:
        """The pinned certificate fingerprint (lower-case hex SHA-256), if pinning is in use."""
        return self._fingerprint if isinstance(self._ssl, aiohttp.Fingerprint) else None

    def _url(self, path: str, params: Params | None) -> URL:
        query = {key: str(value) for key, value in (params or {}).items() if value is not None}
        return self._base.with_path("/" + path.lstrip("/")).with_query(query)

    def _auth_header(self, method: str, url: URL) -> str | None:
        if self._digest is not None:
            return self._digest.header(method, url.raw_path_qs)
        if self._basic:
            return basic_header(self._username, self._password)
        return None

    def _adopt(self, challenges: list[Challenge]) -> bool:
        """Take the best challenge the device offered. False when none can be answered.

        Raises:
            VapixAuthDowngradeError: Basic only, after Digest was used or when required.
            VapixInsecureAuthError: Basic only, over plain HTTP.
        """
        digest = strongest_digest(challenges)
        if digest is not None:
            self._digest = DigestAuth(self._username, self._password, digest)
            self._basic = False
            return True
        if not any(challenge.scheme == "basic" for challenge in challenges):
            return False
        if self._require_digest or self._used_digest:
            raise VapixAuthDowngradeError
        if self._base.scheme != "https":
            raise VapixInsecureAuthError
        self._digest = None
        self._basic = True
        return True

    async def _attempt(
        self, method: str, url: URL, headers: dict[str, str], json: Any, stream: bool
    ) -> aiohttp.ClientResponse:
        """Send once; a transport failure raises the client's error with no chained cause."""
        timeout = (
            aiohttp.ClientTimeout(total=None, connect=self._timeout, sock_read=self._timeout)
            if stream
            else aiohttp.ClientTimeout(total=self._timeout)
        )
        try:
            return await self._session.request(
                method,
                url,
                json=json,
                headers=headers,
                ssl=self._ssl,
                timeout=timeout,
                allow_redirects=False,
                auto_decompress=False,
                read_bufsize=_STREAM_READ_BUFFER if stream else 2**16,
            )
        except TRANSPORT_ERRORS as err:
            error = connect_error(err, self.base_url, self._fingerprint)
        # Raised here, outside the except block: neither __cause__ nor __context__ holds
        # aiohttp's exception, whose text carries the whole URL with its query.
        raise error from None

    async def _send(
        self, method: str, url: URL, *, json: Any = None, stream: bool
    ) -> aiohttp.ClientResponse:
        """Send with auth, answering at most two challenges; the caller releases the response."""
        answered_fresh = False
        for _ in range(3):
            headers = dict(_HEADERS)
            if (authorization := self._auth_header(method, url)) is not None:
                headers["Authorization"] = authorization
            response = await self._attempt(method, url, headers, json, stream)
            if response.status != 401:
                if self._digest is not None and authorization is not None:
                    self._used_digest = True
                return response
            challenges = parse_challenges(response.headers.getall("WWW-Authenticate", []))
            response.release()
            # A 401 to no or cached credentials is a (new) challenge: answer it. A 401 to an
            # answer of a fresh challenge means the credentials are wrong, unless the device
            # says the nonce went stale meanwhile.
            if answered_fresh and not any(challenge.stale for challenge in challenges):
                break
            if not self._adopt(challenges):
                break
            answered_fresh = True
        self._digest = None
        self._basic = False
        raise VapixUnauthorizedError("the device rejected the credentials")

    @staticmethod
    def _raise_for_status(response: aiohttp.ClientResponse) -> None:
        VapixClient._raise_for_code(response.status, response.reason)

    @staticmethod
    def _raise_for_code(status: int, reason: str | None) -> None:
        if status < 400:
            return
        if status == 403:
            raise VapixForbiddenError("the account's role may not use this function")
        if status == 404:
            raise VapixNotSupportedError("the device does not provide this function")
        raise VapixHttpError(status, reason)

    async def request(
        self,
        method: str,
        path: str,
        params: Params | None = None,
        *,
        json: Any = None,
    ) -> Response:
        """Send a request and return the whole (small) response.

        HTTP errors raise: 401 `VapixUnauthorizedError`, 403 `VapixForbiddenError`,
        404 `VapixNotSupportedError`, others `VapixHttpError`. An answer larger than
        ``max_response_bytes`` raises `VapixResponseTooLargeError`.
        """
        url = self._url(path, params)
        _LOGGER.debug("%s %s", method, path)
        response = await self._send(method, url, json=json, stream=False)
        try:
            self._raise_for_status(response)
            body = await read_capped(response, self._max_response_bytes, self.base_url)
        finally:
            response.release()
        content_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        return Response(response.status, content_type, body.decode("utf-8", errors="replace"))

    @asynccontextmanager
    async def stream(self, path: str, params: Params | None = None) -> AsyncIterator[Stream]:
        """Open a GET whose body is read in chunks; the response is closed on exit."""
        url = self._url(path, params)
        _LOGGER.debug("GET %s (streamed)", path)
        response = await self._send("GET", url, stream=True)
        try:
            self._raise_for_status(response)
            yield Stream(response, self.base_url, self._timeout)
        finally:
            response.close()

    async def ws_connect(
        self,
        path: str,
        params: Params | None = None,
        *,
        heartbeat: float,
        receive_timeout: float,
        max_msg_size: int = MAX_WS_MESSAGE_BYTES,
    ) -> aiohttp.ClientWebSocketResponse:
        """Open a websocket (``ws``, or ``wss`` over HTTPS) on the device; the caller closes it.

        No credentials are sent: the query authorizes (a `wssession.cgi` token). The same
        session and TLS rules (verification or pinned fingerprint) as `request` apply; the
        handshake has ``request_timeout`` seconds; messages over `max_msg_size` bytes fail the
        connection; no compression is negotiated. A redirect is refused. The URL, whose query
        holds the token, never reaches an exception or a log line.

        Args:
            path: The websocket's path.
            params: Its query.
            heartbeat: Seconds between pings; a missing pong closes the websocket.
            receive_timeout: Seconds a read waits for a message before it raises TimeoutError.
            max_msg_size: The largest message read, in bytes.

        Raises:
            VapixUnauthorizedError: 401 (the token was refused).
            VapixForbiddenError: 403.
            VapixNotSupportedError: 404 (no websocket on this device).
            VapixHttpError: Any other status, a redirect included.
            VapixConnectionError: The device cannot be reached or the handshake is malformed.
            VapixTimeoutError: The handshake took too long.
        """
        scheme = "wss" if self._base.scheme == "https" else "ws"
        url = self._url(path, params).with_scheme(scheme)
        _LOGGER.debug("websocket %s", path)
        timeout = aiohttp.ClientWSTimeout(
            ws_receive=receive_timeout, ws_close=min(self._timeout, DEFAULT_TIMEOUT)
        )
        status: tuple[int, str | None] | None = None
        try:
            async with asyncio.timeout(self._timeout):
                ws = await self._session.ws_connect(
                    url,
                    ssl=self._ssl,
                    timeout=timeout,
                    heartbeat=heartbeat,
                    max_msg_size=max_msg_size,
                    autoclose=True,
                    autoping=True,
                )
        except aiohttp.WSServerHandshakeError as err:
            history = err.history
            status = (history[0].status, history[0].reason) if history else (err.status, None)
            error: Exception = VapixConnectionError(
                f"malformed websocket handshake from {self.base_url}"
            )
        except TRANSPORT_ERRORS as err:
            error = connect_error(err, self.base_url, self._fingerprint)
        else:
            # aiohttp's ws_connect follows redirects and has no switch against it: a
            # websocket reached through one is closed and refused.
            response = getattr(ws, "_response", None)
            if not getattr(response, "history", ()):
                return ws
            first = response.history[0]  # type: ignore[union-attr]
            status = (first.status, first.reason)
            await ws.close()
            error = VapixHttpError(*status)
        if status is not None and status[0] != 101:
            # Raised from None, outside the except block: aiohttp's exception holds the URL.
            if status[0] == 401:
                raise VapixUnauthorizedError("the device refused the websocket") from None
            self._raise_for_code(*status)
            raise VapixHttpError(*status) from None
        raise error from None
