"""Transport failures as the client's errors, holding nothing of the request's URL.

aiohttp's exceptions carry the whole request URL, query included (`ClientResponseError` on a
malformed status line, header or chunk, `ConnectionTimeoutError`, ...), and the query is where
disk passphrases, share passwords and export passwords travel. The errors made here name only
the device's base URL (scheme, host, port) and the type of the cause. Callers raise them
``from None`` outside the ``except`` block, so that neither ``__cause__`` nor ``__context__``
holds the original exception and no traceback prints it.
"""

from __future__ import annotations

import aiohttp
from aiohttp.http_exceptions import HttpProcessingError

from .errors import (
    VapixCertificateMismatchError,
    VapixConnectionError,
    VapixError,
    VapixTimeoutError,
)

#: What a request or a body read may raise, besides the client's own errors. aiohttp's pure
#: Python parser lets its own `HttpProcessingError` (a bad chunk) out of a body read.
TRANSPORT_ERRORS = (aiohttp.ClientError, HttpProcessingError, OSError, TimeoutError)


def connect_error(err: BaseException, base_url: str, expected: str | None = None) -> VapixError:
    """The error for a failure to send a request or to read its status line and headers.

    Args:
        err: What aiohttp (or the operating system) raised.
        base_url: The device's base URL, without path or query.
        expected: The pinned certificate fingerprint, if any (lower-case hex SHA-256).
    """
    name = type(err).__name__
    if isinstance(err, aiohttp.ServerFingerprintMismatch):
        return VapixCertificateMismatchError(err.got.hex(), expected or err.expected.hex())
    if isinstance(err, TimeoutError):  # aiohttp's timeouts are TimeoutErrors too
        return VapixTimeoutError(f"timeout talking to {base_url}: {name}")
    if isinstance(err, aiohttp.ClientSSLError):
        return VapixConnectionError(f"TLS error talking to {base_url}: {name}")
    if isinstance(err, aiohttp.ClientResponseError | HttpProcessingError):
        return VapixConnectionError(f"malformed HTTP answer from {base_url}: {name}")
    return VapixConnectionError(f"cannot reach {base_url}: {name}")


def read_error(err: BaseException, base_url: str, received: int | None = None) -> VapixError:
    """The error for a failure while reading a response body.

    Args:
        err: What aiohttp (or the operating system) raised.
        base_url: The device's base URL, without path or query.
        received: Bytes of the body received before the failure, when counted.
    """
    name = type(err).__name__
    if isinstance(err, TimeoutError):
        return VapixTimeoutError(f"timeout reading from {base_url}: {name}")
    after = f" after {received} bytes" if received is not None else ""
    return VapixConnectionError(f"connection to {base_url} broke{after}: {name}")
