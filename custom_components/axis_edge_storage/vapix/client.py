"""HTTP transport of the VAPIX client: one injected aiohttp session, auth, timeouts, errors.

Every request goes through `VapixClient.request`, which answers Digest or Basic challenges,
maps HTTP statuses and transport failures to the client's exceptions, and never lets a URL
(whose query may hold a passphrase or a share password) into a log line or an exception.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from yarl import URL

from .auth import Challenge, DigestAuth, basic_header, digest_supported, parse_challenges
from .errors import (
    VapixConnectionError,
    VapixForbiddenError,
    VapixHttpError,
    VapixNotSupportedError,
    VapixTimeoutError,
    VapixUnauthorizedError,
)

_LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
_STREAM_READ_BUFFER = 1 << 20

Params = Mapping[str, object]  # values are sent with str(); None leaves the key out


@dataclass(frozen=True, slots=True)
class Response:
    """A complete, small response: status, content type and body text."""

    status: int
    content_type: str
    text: str


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
    ) -> None:
        """Describe the device; nothing is sent until the first request."""
        if protocol not in ("http", "https"):
            raise ValueError("protocol must be http or https")
        self._session = session
        self._username = username
        self._password = password
        self._base = URL.build(scheme=protocol, host=host, port=port)
        self._ssl = verify_ssl
        self._timeout = request_timeout
        self._digest: DigestAuth | None = None
        self._basic = False

    @property
    def base_url(self) -> str:
        """The device's base URL (scheme, host and port), without credentials."""
        return str(self._base)

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
        """Take the best challenge the device offered. False when none can be answered."""
        for challenge in challenges:
            if challenge.scheme == "digest" and digest_supported(challenge):
                self._digest = DigestAuth(self._username, self._password, challenge)
                self._basic = False
                return True
        if any(challenge.scheme == "basic" for challenge in challenges):
            self._digest = None
            self._basic = True
            return True
        return False

    async def _send(
        self,
        method: str,
        url: URL,
        *,
        json: Any = None,
        stream: bool,
    ) -> aiohttp.ClientResponse:
        """Send with auth, answering at most two challenges; the caller releases the response."""
        timeout = (
            aiohttp.ClientTimeout(total=None, connect=self._timeout, sock_read=self._timeout)
            if stream
            else aiohttp.ClientTimeout(total=self._timeout)
        )
        answered_fresh = False
        for _ in range(3):
            headers: dict[str, str] = {}
            if (authorization := self._auth_header(method, url)) is not None:
                headers["Authorization"] = authorization
            try:
                response = await self._session.request(
                    method,
                    url,
                    json=json,
                    headers=headers,
                    ssl=self._ssl,
                    timeout=timeout,
                    allow_redirects=False,
                    read_bufsize=_STREAM_READ_BUFFER if stream else 2**16,
                )
            except TimeoutError as err:
                raise VapixTimeoutError(f"timeout talking to {self.base_url}") from err
            except aiohttp.ClientSSLError as err:
                raise VapixConnectionError(
                    f"TLS error talking to {self.base_url}: {type(err).__name__}"
                ) from err
            except (aiohttp.ClientError, OSError) as err:
                raise VapixConnectionError(
                    f"cannot reach {self.base_url}: {type(err).__name__}"
                ) from err
            if response.status != 401:
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
        status = response.status
        if status < 400:
            return
        if status == 403:
            raise VapixForbiddenError("the account's role may not use this function")
        if status == 404:
            raise VapixNotSupportedError("the device does not provide this function")
        raise VapixHttpError(status, response.reason)

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
        404 `VapixNotSupportedError`, others `VapixHttpError`.
        """
        url = self._url(path, params)
        _LOGGER.debug("%s %s", method, path)
        response = await self._send(method, url, json=json, stream=False)
        try:
            self._raise_for_status(response)
            try:
                body = await response.read()
            except TimeoutError as err:
                raise VapixTimeoutError(f"timeout reading from {self.base_url}") from err
            except (aiohttp.ClientError, OSError) as err:
                raise VapixConnectionError(
                    f"connection to {self.base_url} broke: {type(err).__name__}"
                ) from err
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
            yield Stream(response, self.base_url)
        finally:
            response.close()


class Stream:
    """A response body read in chunks, with transport errors mapped to the client's."""

    def __init__(self, response: aiohttp.ClientResponse, base_url: str) -> None:
        """Wrap an open response."""
        self._response = response
        self._base_url = base_url

    @property
    def content_type(self) -> str:
        """The media type, lower-case, without parameters."""
        header = self._response.headers.get("Content-Type", "")
        return header.split(";", 1)[0].strip().lower()

    @property
    def content_length(self) -> int | None:
        """The announced length, if any."""
        return self._response.content_length

    @property
    def content_disposition_filename(self) -> str | None:
        """The file name of Content-Disposition, if any."""
        disposition = self._response.content_disposition
        return disposition.filename if disposition is not None else None

    async def read_all(self, limit: int) -> bytes:
        """Read a small body (an error document) of at most `limit` bytes."""
        chunks: list[bytes] = []
        total = 0
        try:
            while total < limit:  # read() returns what has arrived, not necessarily all
                chunk = await self._response.content.read(limit - total)
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            raise VapixConnectionError(
                f"connection to {self._base_url} broke: {type(err).__name__}"
            ) from err
        return b"".join(chunks)

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        """Yield the body as it arrives, in the chunks the connection delivered.

        No chunk is joined or copied here (the cheapest way through aiohttp); the read buffer
        bounds a chunk's size. A connection that breaks, or ends before the announced length,
        raises `VapixConnectionError`.
        """
        received = 0
        try:
            async for chunk in self._response.content.iter_any():
                received += len(chunk)
                yield chunk
        except TimeoutError as err:
            raise VapixTimeoutError(f"timeout reading from {self._base_url}") from err
        except (aiohttp.ClientError, OSError) as err:
            raise VapixConnectionError(
                f"connection to {self._base_url} broke after {received} bytes: {type(err).__name__}"
            ) from err
        expected = self.content_length
        if expected is not None and received != expected:
            raise VapixConnectionError(
                f"connection to {self._base_url} ended after {received} of {expected} bytes"
            )
