"""param.cgi: Edge storage capabilities (Properties.LocalStorage, Properties.NetworkShare)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from .api import ApiHandler
from .body import parse_off_loop
from .device_models import Capabilities
from .errors import Api, VapixNotSupportedError, VapixRequestError
from .xml import to_bool, to_int

PATH = "axis-cgi/param.cgi"
LOCAL_STORAGE = "root.Properties.LocalStorage"
NETWORK_SHARE = "root.Properties.NetworkShare"


def parse_params(text: str) -> dict[str, str]:
    """Read `key=value` lines; lines starting with `#` (errors) are skipped."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip()
    return values


def _flag(values: Mapping[str, str], key: str) -> bool:
    return bool(to_bool(values.get(key)))


def parse_capabilities(values: Mapping[str, str]) -> Capabilities:
    """Build the capabilities from param.cgi values (with or without the `root.` prefix)."""
    plain = {key.removeprefix("root."): value for key, value in values.items()}
    local = "Properties.LocalStorage."
    share = "Properties.NetworkShare."
    return Capabilities(
        local_storage=_flag(plain, local + "LocalStorage"),
        version=plain.get(local + "Version"),
        sd_card=_flag(plain, local + "SDCard"),
        continuous_recording=_flag(plain, local + "ContinuousRecording"),
        continuous_recording_profiles=to_int(plain.get(local + "NbrOfContinuousRecordingProfiles"))
        or 0,
        export_recording=_flag(plain, local + "ExportRecording"),
        storage_limit=_flag(plain, local + "StorageLimit"),
        disk_encryption=_flag(plain, local + "DiskEncryption"),
        required_filesystem=_flag(plain, local + "RequiredFileSystem"),
        disk_health=_flag(plain, local + "DiskHealth"),
        network_share=_flag(plain, share + "NetworkShare"),
        cifs=_flag(plain, share + "CIFS"),
        raw=dict(values),
    )


class ParamApi(ApiHandler):
    """param.cgi, limited to what Edge storage needs."""

    api = Api.PARAMETERS

    async def list_group(self, group: str) -> dict[str, str]:
        """Return the parameters of a group; an unknown group gives an empty dict."""
        text = await self._text("GET", PATH, {"action": "list", "group": group})
        return await parse_off_loop(text, parse_params)

    async def update(self, values: Mapping[str, str]) -> None:
        """Update parameters (for example `root.Storage.S0.FriendlyName`)."""
        response = await self._client.request("GET", PATH, {"action": "update", **values})
        if response.text.strip().upper() != "OK":
            raise VapixRequestError(Api.PARAMETERS, None, response.text.strip()[:200])

    async def capabilities(self) -> Capabilities:
        """Return the Edge storage capabilities.

        `LocalStorage=yes` is the gate: a device without it has no edge storage, which is
        reported as `local_storage=False`, not as an error. Network share properties are only
        read when local storage exists; a device without them has no network shares.
        """
        values = await self.list_group(LOCAL_STORAGE)
        if to_bool(values.get(f"{LOCAL_STORAGE}.LocalStorage")):
            with contextlib.suppress(VapixNotSupportedError):
                values |= await self.list_group(NETWORK_SHARE)
        return parse_capabilities(values)
