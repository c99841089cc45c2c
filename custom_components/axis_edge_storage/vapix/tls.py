"""Certificate pinning for cameras with their own self-signed certificate (trust on first use).

At set-up, `async_fetch_certificate_fingerprint` reads the SHA-256 fingerprint of the
certificate the camera presents; the client given that fingerprint (``ssl_fingerprint=``) then
refuses any other certificate with `VapixCertificateMismatchError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import ssl

from .errors import VapixConnectionError, VapixTimeoutError

_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


def normalize_fingerprint(value: str) -> str:
    """Return a SHA-256 fingerprint as 64 lower-case hex digits (colons and spaces dropped).

    Raises:
        ValueError: The value is not a SHA-256 fingerprint.
    """
    digits = re.sub(r"[\s:]", "", value).lower()
    if _HEX_SHA256.fullmatch(digits) is None:
        raise ValueError("a certificate fingerprint is the SHA-256 of the certificate, in hex")
    return digits


def _unverified_context() -> ssl.SSLContext:
    # No CA store is loaded (cheap enough for the event loop): nothing is verified here, the
    # fingerprint is what the caller will pin.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def async_fetch_certificate_fingerprint(
    host: str,
    port: int,
    *,
    timeout: float = 10.0,  # noqa: ASYNC109 - the API asked for
) -> str:
    """Return the lower-case hex SHA-256 of the DER certificate the device presents.

    The connection is made without verification and closed at once; nothing is sent but the
    TLS handshake.

    Raises:
        VapixTimeoutError: No handshake within `timeout` seconds.
        VapixConnectionError: The device could not be reached or spoke no TLS.
    """
    error: VapixConnectionError | None = None
    try:
        async with asyncio.timeout(timeout):
            _reader, writer = await asyncio.open_connection(
                host, port, ssl=_unverified_context(), server_hostname=host
            )
    except TimeoutError:
        error = VapixTimeoutError(f"timeout reading the certificate of {host}:{port}")
    except (OSError, ssl.SSLError, ValueError) as err:
        error = VapixConnectionError(
            f"cannot read the certificate of {host}:{port}: {type(err).__name__}"
        )
    if error is not None:
        raise error from None
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    finally:
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError, TimeoutError):
            async with asyncio.timeout(timeout):
                await writer.wait_closed()
    if not der:
        raise VapixConnectionError(f"{host}:{port} presented no certificate")
    return hashlib.sha256(der).hexdigest()
