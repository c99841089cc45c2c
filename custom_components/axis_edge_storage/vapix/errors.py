"""Exceptions of the VAPIX Edge storage client, and every documented error code.

Every failure the client reports is a `VapixError`. A device that answers a request with an
error (HTTP 200 and an error body, as VAPIX does) raises `VapixRequestError`, which carries the
API, the numeric code when the device gave one, the device's description and the code's
documented meaning. Messages never contain request URLs, credentials or secrets.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Api(StrEnum):
    """The VAPIX APIs of Edge storage, as named in the specification."""

    DISK_MANAGEMENT = "disk_management"
    DISK_PROPERTIES = "disk_properties"
    NETWORK_SHARE = "network_share"
    RECORDING = "recording"
    EXPORT_RECORDING = "export_recording"
    STORAGE_LIMIT = "storage_limit"
    PARAMETERS = "parameters"
    DEVICE_INFO = "device_info"


_COMMON = {
    10: "Error while processing the request.",
    20: "Invalid request.",
    40: "Specified version is not supported.",
}

ERROR_CODES: dict[Api, dict[int, str]] = {
    Api.DISK_MANAGEMENT: {10: "An error occurred while processing the request."},
    Api.DISK_PROPERTIES: {
        **_COMMON,
        30: "Specified file system is not supported.",
        50: "Invalid disk ID.",
        100: "The disk does not support disk encryption.",
        110: "Invalid passphrase.",
        120: "Invalid new passphrase.",
        130: "The oldpassphrase does not match the existing passphrase.",
        140: "Encryption is already enabled.",
        150: "The disk is unmounted. Passphrase can only be changed when the disk is mounted.",
        160: "The disk is mounted. Encryption can only be enabled/disabled when the disk is "
        "unmounted.",
    },
    Api.NETWORK_SHARE: {
        **_COMMON,
        200: "Invalid ShareId.",
        210: "The ShareId is not unique.",
        220: "The NiceName is not unique.",
        230: "Maximum number of network shares is already reached. No more shares can be added.",
        300: "No available disk. Check if another network share is already bound.",
        310: "The network share is already bound to a disk.",
        400: "The network share is mounted and cannot be unbound. Unmount the share using "
        "Disk Management API.",
        500: "The network share is bound and cannot be removed. Use unbind.cgi to unbind the share.",
        600: "The network share is bound and cannot be modified. Use unbind.cgi to unbind the "
        "share.",
        610: "The new ShareID parameter is no unique.",
        620: "The NiceName parameter is not unique.",
        700: "No such hostname.",
        710: "Error while mounting network share.",
        720: "Internal error while mounting network share.",
        730: "Too many tests or jobs started, wait for some to finish.",
        740: "Problem writing to the share.",
        750: "Problem reading data written to the share.",
        760: "Problem connecting to the share.",
    },
    Api.STORAGE_LIMIT: {
        **_COMMON,
        110: "Disk not found.",
        120: "Invalid size value.",
        130: "Supplied size is less than the minimum allowed limit.",
    },
    Api.EXPORT_RECORDING: {
        **_COMMON,
        110: "Recording not found.",
        120: "Invalid start time.",
        130: "Invalid stop time.",
        140: "Invalid start time. The requested start time is after the stop time.",
        150: "Invalid start time. The requested start time is after the recording's stop time.",
        160: "Invalid stop time. The requested stop time is before the recording's start time.",
        170: "Invalid export format.",
        180: "Requested export format is not compatible with the media.",
        190: "Job not found.",
        200: "Invalid external disk.",
        210: "Unusable external disk.",
        220: "Maximum number of jobs reached.",
        230: "Invalid file path.",
        240: "Invalid password.",
        250: "Invalid encryption format.",
        260: "Password not set.",
        270: "Encryption format not set.",
        280: "Requested encryption format is not compatible with requested export format.",
    },
    Api.RECORDING: {},
    Api.PARAMETERS: {},
    Api.DEVICE_INFO: {},
}


def _normalize(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def code_for_description(api: Api, description: str) -> int | None:
    """Return the documented code whose meaning is `description`, if exactly one matches.

    Some devices answer a bare ``<ErrorDescription>`` without ``<ErrorCode>``; the seed's own
    example for an unknown disk does so ("Disk not found").
    """
    wanted = _normalize(description)
    if not wanted:
        return None
    matches = [code for code, text in ERROR_CODES[api].items() if _normalize(text) == wanted]
    return matches[0] if len(matches) == 1 else None


class VapixError(Exception):
    """Base of every error raised by the client."""


class VapixConnectionError(VapixError):
    """The device could not be reached, or the connection broke."""


class VapixTimeoutError(VapixConnectionError):
    """The device did not answer in time."""


class VapixUnauthorizedError(VapixError):
    """The device rejected the credentials (HTTP 401), or the client refused to send them."""


class VapixInsecureAuthError(VapixUnauthorizedError):
    """The device asks for Basic authentication over plain HTTP; nothing was sent."""

    def __init__(self) -> None:
        """Say what happened and what to do."""
        super().__init__(
            "the camera asks for Basic authentication over plain HTTP, which would send the "
            "password readable; use HTTPS or enable Digest on the camera"
        )


class VapixAuthDowngradeError(VapixUnauthorizedError):
    """The device used Digest before and now asks for Basic only; nothing was sent."""

    def __init__(self) -> None:
        """Say what happened."""
        super().__init__(
            "the camera used Digest authentication before and now asks for Basic only; "
            "the password was not sent (something may stand between Home Assistant and the "
            "camera)"
        )


class VapixCertificateMismatchError(VapixUnauthorizedError):
    """The device's TLS certificate is not the one pinned; nothing was sent.

    Attributes:
        fingerprint: The lower-case hex SHA-256 of the certificate the device presented now.
        expected: The lower-case hex SHA-256 that was pinned.
    """

    def __init__(self, fingerprint: str, expected: str) -> None:
        """Keep both fingerprints; the message shows nothing else."""
        self.fingerprint = fingerprint
        self.expected = expected
        super().__init__(
            f"the camera's TLS certificate changed: SHA-256 {fingerprint}, expected {expected}"
        )


class VapixForbiddenError(VapixError):
    """The account's role may not call this CGI (HTTP 403)."""


class VapixNotSupportedError(VapixError):
    """The device does not provide this API or feature (HTTP 404, or a capability says no)."""


class VapixResponseError(VapixError):
    """The device answered something the client cannot read (malformed or unexpected)."""


def _size(size: int) -> str:
    mib = 1024 * 1024
    if size % mib == 0:
        return f"{size // mib} MiB"
    if size % 1024 == 0:
        return f"{size // 1024} KiB"
    return f"{size} bytes"


class VapixResponseTooLargeError(VapixResponseError):
    """The device's answer is larger than the client reads (it is not read further).

    Attributes:
        limit: The most bytes the client reads of such an answer.
        announced: The Content-Length the device announced, if it did.
    """

    def __init__(self, limit: int, announced: int | None = None) -> None:
        """Keep the limit and the announced length."""
        self.limit = limit
        self.announced = announced
        text = f"the camera's answer exceeded {_size(limit)}"
        if announced is not None:
            text += f" (it announced {announced} bytes)"
        super().__init__(text)


class VapixHttpError(VapixError):
    """The device answered with an HTTP error status the client has no better meaning for."""

    def __init__(self, status: int, reason: str | None = None) -> None:
        """Keep the status; the reason phrase is the server's."""
        self.status = status
        super().__init__(f"HTTP {status} {reason or ''}".strip())


class VapixRequestError(VapixError):
    """The device refused or failed a request and said why.

    `code` is the documented numeric error code when the API has them (disk properties,
    network share, storage limit, export recording, disk health) and the device sent or
    implied one; `meaning` is its documented meaning; `description` is the device's own text
    (for disk management jobs and recording CGIs, the only information there is).
    """

    def __init__(self, api: Api, code: int | None, description: str | None = None) -> None:
        """Build the error from what the device said."""
        self.api = api
        self.code = code
        self.description = (description or "").strip()
        self.meaning = ERROR_CODES[api].get(code) if code is not None else None
        text = self.description or self.meaning or "request failed"
        prefix = f"{api.value} error {code}" if code is not None else f"{api.value} error"
        super().__init__(f"{prefix}: {text}")
