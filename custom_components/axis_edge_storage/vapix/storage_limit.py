"""Recording storage limit API."""

from __future__ import annotations

from .api import SCHEMA_VERSION, ApiHandler
from .device_models import SchemaVersion
from .disk_models import StorageLimit
from .errors import Api
from .xml import Node, bounded, to_int, to_str

BASE = "axis-cgi/record/storage"
MIN_LIMIT_KB = 1048576


def parse_limits(root: Node) -> tuple[StorageLimit, ...]:
    """Read a getlimit.cgi answer; accepts `usedspace` (example) and `usedsize` (table)."""
    return tuple(
        StorageLimit(
            disk_id=disk_id,
            size_kb=to_int(node.get("size")),
            used_kb=to_int(node.get("usedspace", "usedsize")),
        )
        for node in bounded(root.iter("StorageLimit"), "storage limits")
        if (disk_id := to_str(node.get("diskid"))) is not None
    )


class StorageLimitApi(ApiHandler):
    """record/storage/*.cgi."""

    api = Api.STORAGE_LIMIT

    async def get(self, disk_id: str | None = None) -> tuple[StorageLimit, ...]:
        """Return the storage limits of all disks, or of one."""
        params = {"schemaversion": SCHEMA_VERSION, "diskid": disk_id}
        return parse_limits(await self._xml(f"{BASE}/getlimit.cgi", params))

    async def set(self, disk_id: str, size_kb: int) -> None:
        """Set the limit in kB (at least 1048576, i.e. 1 GB); 0 removes it."""
        params = {"schemaversion": SCHEMA_VERSION, "diskid": disk_id, "size": size_kb}
        await self._xml(f"{BASE}/setlimit.cgi", params)

    async def schema_versions(self) -> tuple[SchemaVersion, ...]:
        """Return the XML schema versions of the Recording storage limit API."""
        return await self._schema_versions(f"{BASE}/schemaversions.cgi")
