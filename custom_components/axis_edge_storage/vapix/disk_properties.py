"""Disk properties API: required file system, encryption, cleanup, alert levels."""

from __future__ import annotations

from .api import SCHEMA_VERSION, ApiHandler
from .device_models import SchemaVersion
from .disk_models import AlertLevels, CleanupPolicy
from .errors import Api
from .xml import Node, require, to_int

BASE = "axis-cgi/disks/properties"


def parse_alert_levels(root: Node) -> AlertLevels:
    """Read a getdiskalertlevels.cgi answer."""
    node = require(root, "AlertLevels")
    return AlertLevels(wear=to_int(node.get("Wear")), temperature=to_int(node.get("Temperature")))


class DiskPropertiesApi(ApiHandler):
    """disks/properties/*.cgi."""

    api = Api.DISK_PROPERTIES

    async def _call(self, cgi: str, **params: object) -> Node:
        return await self._xml(f"{BASE}/{cgi}", {"schemaversion": SCHEMA_VERSION, **params})

    async def set_required_filesystem(self, disk_id: str, filesystem: str) -> None:
        """Set the file system a mounted card is formatted to ("none" disables it)."""
        await self._call("setrequiredfs.cgi", diskid=disk_id, filesystem=filesystem)

    async def enable_encryption(self, disk_id: str, passphrase: str) -> None:
        """Enable disk encryption (the disk must be unmounted)."""
        await self._call("enablediskencryption.cgi", diskid=disk_id, passphrase=passphrase)

    async def disable_encryption(self, disk_id: str) -> None:
        """Disable disk encryption (the disk must be unmounted)."""
        await self._call("disablediskencryption.cgi", diskid=disk_id)

    async def change_passphrase(self, disk_id: str, old: str, new: str) -> None:
        """Change the encryption passphrase (the disk must be mounted)."""
        await self._call(
            "changediskpassphrase.cgi", diskid=disk_id, oldpassphrase=old, newpassphrase=new
        )

    async def set_cleanup_max_age(self, disk_id: str, days: int) -> None:
        """Keep unlocked recordings at most `days` days (0-7000)."""
        await self._call("setcleanupmaxage.cgi", diskid=disk_id, maxage=days)

    async def set_cleanup_policy(self, disk_id: str, policy: CleanupPolicy | str) -> None:
        """Set the cleanup policy: fifo or none."""
        await self._call("setcleanuppolicy.cgi", diskid=disk_id, cleanuppolicy=str(policy))

    async def set_alert_levels(
        self, disk_id: str, *, wear: int | None = None, temperature: int | None = None
    ) -> None:
        """Set the wear (%) and temperature (Kelvin) levels that raise a storage alert."""
        await self._call(
            "setdiskalertlevels.cgi", diskid=disk_id, wear=wear, temperature=temperature
        )

    async def get_alert_levels(self, disk_id: str) -> AlertLevels:
        """Return the alert levels of a disk."""
        return parse_alert_levels(await self._call("getdiskalertlevels.cgi", diskid=disk_id))

    async def schema_versions(self) -> tuple[SchemaVersion, ...]:
        """Return the XML schema versions of the Disk properties API."""
        return await self._schema_versions(f"{BASE}/schemaversions.cgi")
