"""What the camera said, as an error a Home Assistant user can act on.

The one place where a `VapixError` becomes what a user reads: a translated
`ServiceValidationError` (the user can fix it) or `HomeAssistantError` for the actions and the
setting entities (every management action and setting calls the device through
`async_device_call`; the USB export has words of its own, `usb_export_error`), an `ExportError`
for a clip export (`export_error`), and the key of a problem only new credentials or a trusted
certificate can fix (`credentials_problem`) for the coordinator's reauthentication and the
config flow's form.

A refusal with a documented code becomes a translated `ServiceValidationError` whose message
says what to do (unmount before unbind, unbind before modify, ...); a refusal without a code
(disk management jobs, the recording CGIs) carries the device's own description; access
control (HTTP 403), credentials, connection and malformed answers each get their own message.
Nothing here ever places a request URL, a password or a passphrase in a message.
"""

from __future__ import annotations

from collections.abc import Awaitable

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN
from .export.errors import ExportError
from .vapix import (
    VapixAuthDowngradeError,
    VapixCertificateMismatchError,
    VapixConnectionError,
    VapixError,
    VapixForbiddenError,
    VapixHttpError,
    VapixInsecureAuthError,
    VapixNotSupportedError,
    VapixRequestError,
    VapixUnauthorizedError,
)
from .vapix.errors import Api

# Problems only new credentials or a trusted certificate fix, most specific first. The keys are
# both an exception of the coordinator (reauthentication) and an error of the config flow's form.
CREDENTIALS_KEYS: tuple[tuple[type[VapixError], str], ...] = (
    (VapixCertificateMismatchError, "certificate_changed"),
    (VapixAuthDowngradeError, "auth_downgrade"),
    (VapixInsecureAuthError, "insecure_auth"),
    (VapixUnauthorizedError, "invalid_auth"),
    (VapixForbiddenError, "insufficient_role"),
)

# Every code the device documents for the management APIs, beyond the common 10, 20 and 40
# (which mean a device fault or a client bug and share one message).
CODE_KEYS: dict[Api, dict[int, str]] = {
    Api.DISK_PROPERTIES: {
        30: "filesystem_not_supported",
        50: "unknown_disk_id",
        100: "encryption_not_supported",
        110: "invalid_passphrase",
        120: "invalid_new_passphrase",
        130: "wrong_old_passphrase",
        140: "encryption_already_enabled",
        150: "passphrase_needs_mounted",
        160: "encryption_needs_unmounted",
    },
    Api.NETWORK_SHARE: {
        200: "invalid_share_id",
        210: "share_id_in_use",
        220: "share_name_in_use",
        230: "too_many_shares",
        300: "share_slot_taken",
        310: "share_already_bound",
        400: "share_mounted",
        500: "share_bound_remove",
        600: "share_bound_modify",
        610: "new_share_id_in_use",
        620: "share_name_in_use",
        700: "share_host_unknown",
        710: "share_mount_failed",
        720: "share_internal_error",
        730: "share_too_many_tests",
        740: "share_write_failed",
        750: "share_read_failed",
        760: "share_unreachable",
    },
    Api.STORAGE_LIMIT: {
        110: "unknown_disk_id",
        120: "invalid_limit",
        130: "limit_too_small",
    },
}


def device_error(
    err: VapixError, action: str, *, disk: str | None = None, share: str | None = None
) -> HomeAssistantError:
    """Translate a client error raised while doing `action` (an action's name)."""
    placeholders = {
        "action": action,
        "disk": disk or "",
        "share": share or "",
        "code": "",
        "meaning": "",
        "description": "",
    }
    if isinstance(err, VapixRequestError):
        placeholders |= {
            "code": "" if err.code is None else str(err.code),
            "meaning": err.meaning or err.description or "",
            "description": err.description or err.meaning or "",
        }
        key = CODE_KEYS.get(err.api, {}).get(err.code) if err.code is not None else None
        if key is not None:
            return ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key=key,
                translation_placeholders=placeholders,
            )
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="device_refused" if err.code is not None else "device_refused_reason",
            translation_placeholders=placeholders,
        )
    placeholders["description"] = str(err)
    if isinstance(err, VapixForbiddenError):
        key = "action_forbidden"
    elif isinstance(err, VapixUnauthorizedError):
        key = "action_auth_failed"
    elif isinstance(err, VapixNotSupportedError):
        key = "action_not_supported"
    elif isinstance(err, VapixConnectionError):
        key = "cannot_reach"
    else:
        key = "device_answer_error"
    return HomeAssistantError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def usb_export_error(err: VapixError) -> HomeAssistantError:
    """Translate a client error raised while exporting to the camera's USB disk."""
    if isinstance(err, VapixRequestError) and err.code is not None:
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="device_error",
            translation_placeholders={
                "code": str(err.code),
                "meaning": err.meaning or err.description or "",
            },
        )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="usb_export_failed",
        translation_placeholders={"error": str(err)},
    )


async def async_device_call[T](
    action: str, call: Awaitable[T], *, disk: str | None = None, share: str | None = None
) -> T:
    """Await a device request; a failure becomes a translated error naming the action."""
    try:
        return await call
    except VapixError as err:
        raise device_error(err, action, disk=disk, share=share) from err


def credentials_problem(err: VapixError) -> str | None:
    """The translation key when only new credentials or trust can fix `err`; else None."""
    return next((key for kind, key in CREDENTIALS_KEYS if isinstance(err, kind)), None)


def export_error(err: VapixError) -> ExportError:
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
