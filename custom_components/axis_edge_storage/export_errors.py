"""Export errors: one key per failure, its English message, and the Home Assistant error.

The messages are the ``exceptions`` section of strings.json (a test keeps them equal). They
say what went wrong and what to do, and never hold a secret or a URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .vapix import (
    VapixConnectionError,
    VapixError,
    VapixForbiddenError,
    VapixHttpError,
    VapixNotSupportedError,
    VapixRequestError,
    VapixUnauthorizedError,
)

#: English messages of every `ExportError` key, with their ``{placeholders}``: the
#: ``exceptions`` section of strings.json.
EXPORT_ERROR_MESSAGES: Final[dict[str, str]] = {
    "end_before_start": (
        "The end of the range ({end}) must be after its start ({start}). "
        "Choose an end after the start."
    ),
    "range_too_short": (
        "The range {start} to {end} is shorter than 1 second. Choose a range of at least 1 second."
    ),
    "range_too_long": (
        "The range {start} to {end} is longer than 24 hours. "
        "Export at most 24 hours at a time: split the range into several exports."
    ),
    "start_in_future": (
        "The range starts at {start}, which is not yet recorded. Choose a start in the past."
    ),
    "end_in_future": (
        "The range ends at {end}, in the future, and no recording is ongoing now. "
        "Choose an end in the past, or start a recording first."
    ),
    "invalid_name": (
        'The file name "{name}" is not allowed: use no slashes, no "..", and no control characters.'
    ),
    "invalid_password": (
        "The export password must be 1 to 512 bytes long. Choose another password, or leave it "
        "empty to export an unencrypted video file."
    ),
    "folder_not_allowed": (
        "Home Assistant may not write to {folder}. Add the folder to allowlist_external_dirs in "
        "the configuration, or leave the folder empty to use the default export folder."
    ),
    "unknown_disk": 'The camera has no disk "{disk}". Choose one of: {disks}.',
    "disk_locked": "The disk {disk} is locked. Unlock it first, then export again.",
    "disk_unavailable": (
        "The disk {disk} is not available (status: {status}). Insert, mount or connect it "
        "first, then export again."
    ),
    "no_recording": (
        "No recording covers {start} to {end}. Check the range against the camera's recordings."
    ),
    "recording_not_exportable": (
        "The recordings covering {start} to {end} cannot be exported as video files (for example "
        "Motion JPEG recordings). Choose another range."
    ),
    "not_enough_space": (
        "Not enough free space in {folder}: the export needs about {needed} MB and exports "
        "always keep {reserve} MB free, but only {free} MB are free. Free some space or choose "
        "another folder."
    ),
    "device_error": (
        "The camera refused the export (error {code}: {meaning}). The recording may have been "
        "removed or changed meanwhile: check the recordings and try again."
    ),
    "connection_lost": (
        "The connection to the camera was lost during the export. Nothing was saved: check the "
        "network and try again."
    ),
    "auth_failed": (
        "The camera rejected the credentials. Re-authenticate the integration, then export again."
    ),
    "forbidden": (
        "The camera account is not allowed to do this. Use an operator or administrator account."
    ),
    "not_supported": "The camera does not support exporting recordings.",
    "http_error": "The camera answered with HTTP error {status}. Try again later.",
    "invalid_response": (
        "The camera sent an answer that could not be read. Try again; if it keeps happening, "
        "restart the camera."
    ),
    "unexpected_content": (
        "The camera sent {content_type} instead of the expected file. Nothing was saved: try again."
    ),
    "write_failed": (
        "The export could not be written to {folder}: {error}. Check the folder's permissions "
        "and free space."
    ),
    "low_disk_space": (
        "The export was stopped: only {free} MB were left free in {folder}, and exports always "
        "keep {reserve} MB free. Nothing was saved: free some space or choose another folder."
    ),
    "export_too_slow": (
        "The camera did not finish sending {file} within {seconds} seconds, the limit for a clip "
        "of this length. Nothing was saved: check the camera's network and load and try again, "
        "or export a shorter range."
    ),
    "export_too_large": (
        "The camera sent more than {limit} MB for {file}, far more than a clip of this length "
        "holds. Nothing was saved: try again, and restart the camera if it keeps happening."
    ),
    "time_out_of_range": (
        "The time {time} is outside what an export can cover ({earliest} to {latest}, seconds "
        "before and after included). Choose times within the camera's recordings."
    ),
}


class ExportError(Exception):
    """An export failed; `translation_key` and `placeholders` say why, in translatable form.

    `user_error` is True when the request itself is wrong (raise `ServiceValidationError`),
    False when the device or the file system failed (raise `HomeAssistantError`). Neither the
    message nor the placeholders ever hold a secret or a URL.
    """

    def __init__(
        self,
        translation_key: str,
        placeholders: Mapping[str, str] | None = None,
        *,
        user_error: bool = False,
    ) -> None:
        """Build the error; the message is the English text of the key."""
        self.translation_key = translation_key
        self.placeholders: dict[str, str] = dict(placeholders or {})
        self.user_error = user_error
        super().__init__(EXPORT_ERROR_MESSAGES[translation_key].format_map(self.placeholders))

    def as_homeassistant_error(self, domain: str) -> HomeAssistantError:
        """Return the translated Home Assistant error to raise from an action."""
        cls = ServiceValidationError if self.user_error else HomeAssistantError
        return cls(
            translation_domain=domain,
            translation_key=self.translation_key,
            translation_placeholders=self.placeholders,
        )


def from_vapix(err: VapixError) -> ExportError:
    """The export error for a client error (no URL, no device text)."""
    if isinstance(err, VapixConnectionError):
        return ExportError("connection_lost")
    if isinstance(err, VapixUnauthorizedError):
        return ExportError("auth_failed")
    if isinstance(err, VapixForbiddenError):
        return ExportError("forbidden")
    if isinstance(err, VapixNotSupportedError):
        return ExportError("not_supported")
    if isinstance(err, VapixHttpError):
        return ExportError("http_error", {"status": str(err.status)})
    if isinstance(err, VapixRequestError):
        return ExportError(
            "device_error",
            {
                "code": str(err.code) if err.code is not None else "?",
                "meaning": err.meaning or "no documented meaning",
            },
        )
    return ExportError("invalid_response")
