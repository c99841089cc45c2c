"""Disk management API: list, format, check, repair, mount, jobs, lock, capabilities, health."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from .api import ApiHandler
from .body import parse_off_loop
from .disk_models import (
    CleanupPolicy,
    Disk,
    DiskCapabilities,
    DiskHealth,
    DiskJob,
    DiskJobAction,
    DiskStatus,
    FileSystemCapability,
    HealthReading,
)
from .errors import Api, VapixRequestError, VapixResponseError
from .xml import Node, bounded, parse_xml, raise_for_error, require, to_bool, to_int, to_str

BASE = "axis-cgi/disks"


def parse_disks(root: Node) -> tuple[Disk, ...]:
    """Read the disks of a disks/list.cgi document."""
    require(root, "disks")
    disks = []
    for node in bounded(root.iter("disk"), "disks"):
        disk_id = to_str(node.get("diskid"))
        if disk_id is None:
            raise VapixResponseError("a disk without a diskid in disks/list.cgi")
        policy = to_str(node.get("cleanuppolicy"))
        disks.append(
            Disk(
                disk_id=disk_id,
                name=(node.get("name") or "").strip(),
                total_size_kb=to_int(node.get("totalsize")),
                free_size_kb=to_int(node.get("freesize")),
                status=DiskStatus(to_str(node.get("status")) or "unknown"),
                filesystem=to_str(node.get("filesystem")),
                group=to_str(node.get("group")),
                cleanup_level=to_int(node.get("cleanuplevel")),
                cleanup_max_age=to_int(node.get("cleanupmaxage")),
                cleanup_policy=CleanupPolicy(policy) if policy else None,
                locked=to_bool(node.get("locked")),
                full=to_bool(node.get("full")),
                read_only=to_bool(node.get("readonly")),
                required_filesystem=to_str(node.get("requiredfilesystem")),
                encryption_enabled=to_bool(node.get("diskencryptionenabled", "encryptionenabled")),
                encrypted=to_bool(node.get("diskencrypted", "encrypted")),
            )
        )
    return tuple(disks)


def _job_error(node: Node) -> VapixRequestError:
    return VapixRequestError(
        Api.DISK_MANAGEMENT, None, to_str(node.get("description", "errormsg")) or "job failed"
    )


def parse_job_started(root: Node) -> int:
    """Read the job id from a format/checkdisk/repair/mount answer; raise its error."""
    node = require(root, "job")
    result = (node.get("result") or "").strip().upper()
    job_id = to_int(node.get("jobid"))
    if result == "ERROR" or job_id is None:
        raise _job_error(node)
    return job_id


def parse_job(root: Node) -> DiskJob:
    """Read a disks/job.cgi answer. A failed job is a `DiskJob` with ok=False, not an error."""
    node = require(root, "job")
    job_id = to_int(node.get("jobid"))
    result = (node.get("result") or "OK").strip().upper()
    if job_id is None:
        raise _job_error(node)
    return DiskJob(
        job_id=job_id,
        disk_id=(node.get("diskid") or "").strip(),
        action=DiskJobAction(to_str(node.get("action")) or "N/A"),
        progress=to_int(node.get("progress")),
        ok=result != "ERROR",
        description=to_str(node.get("description")),
    )


def parse_capabilities(root: Node) -> DiskCapabilities:
    """Read a disks/getcapabilities.cgi answer."""
    node = require(root, "disk")
    filesystems = tuple(
        FileSystemCapability(
            name=(fs.get("name") or "").strip(),
            nice_name=to_str(fs.get("nicename")),
            required_fs_supported=to_bool(fs.get("requiredfssupported")),
        )
        for fs in node.iter("filesystem")
        if to_str(fs.get("name"))
    )
    return DiskCapabilities(
        disk_id=(node.get("diskid") or "").strip(),
        required_fs_supported=to_bool(node.get("requiredfssupported")),
        encryption_supported=to_bool(node.get("encryptionsupported")),
        filesystems=filesystems,
    )


def _health(disk_id: str, values: Mapping[str, Any]) -> DiskHealth:
    def reading(*keys: str) -> HealthReading:
        for key in keys:
            if key in values and values[key] is not None:
                return HealthReading.from_raw(to_int(str(values[key])))
        return HealthReading.from_raw(None)

    return DiskHealth(
        disk_id=disk_id,
        wear=reading("wear"),
        temperature=reading("temperature"),
        overall_health=reading("overallhealth", "overall_health"),
    )


def parse_health_xml(root: Node) -> tuple[DiskHealth, ...]:
    """Read a gethealth.cgi XML answer."""
    raise_for_error(Api.DISK_MANAGEMENT, root)
    result = []
    for node in bounded(root.iter("HealthStatus"), "disks"):
        disk_id = to_str(node.get("diskid"))
        if disk_id is not None:
            result.append(_health(disk_id, node.attrs))
    return tuple(result)


def _json_disks(data: Any) -> Iterable[Mapping[str, Any]]:
    if isinstance(data, Mapping):
        keys = {str(key).lower().replace("_", ""): key for key in data}
        if "diskid" in keys:
            yield {str(key).lower().replace("_", ""): value for key, value in data.items()}
            return
        for value in data.values():
            yield from _json_disks(value)
    elif isinstance(data, list):
        for item in data:
            yield from _json_disks(item)


def parse_health_json(text: str) -> tuple[DiskHealth, ...]:
    """Read a gethealth.cgi JSON answer (newer firmware), finding disk objects at any depth."""
    try:
        data = json.loads(text)
        disks = list(_json_disks(data))
    except (ValueError, RecursionError) as err:
        raise VapixResponseError(
            f"malformed JSON from gethealth.cgi: {type(err).__name__}"
        ) from None
    if isinstance(data, Mapping) and isinstance(data.get("error"), Mapping):
        error = data["error"]
        raise VapixRequestError(
            Api.DISK_MANAGEMENT, to_int(str(error.get("code"))), str(error.get("message", ""))
        )
    result = []
    for disk in bounded(disks, "disks"):
        disk_id = to_str(str(disk["diskid"])) if disk.get("diskid") is not None else None
        if disk_id is not None:
            result.append(_health(disk_id, disk))
    return tuple(result)


def _parse_health_document(text: str) -> tuple[DiskHealth, ...]:
    return parse_health_xml(parse_xml(text))


class DiskManagementApi(ApiHandler):
    """disks/*.cgi."""

    api = Api.DISK_MANAGEMENT

    async def list(self, disk_ids: Iterable[str] | None = None) -> tuple[Disk, ...]:
        """List all disks, or the given ones."""
        selection = ",".join(disk_ids) if disk_ids is not None else "all"
        return await self._read(parse_disks, f"{BASE}/list.cgi", {"diskid": selection or "all"})

    async def format(self, disk_id: str, filesystem: str | None = None) -> int:
        """Start formatting a disk (all data is lost); return the job id."""
        params = {"diskid": disk_id, "filesystem": filesystem}
        return parse_job_started(await self._xml(f"{BASE}/format.cgi", params))

    async def check(self, disk_id: str) -> int:
        """Start a file system check of an unmounted ext4 disk; return the job id."""
        return parse_job_started(await self._xml(f"{BASE}/checkdisk.cgi", {"diskid": disk_id}))

    async def repair(self, disk_id: str) -> int:
        """Start a file system repair of an unmounted ext4 disk; return the job id."""
        return parse_job_started(await self._xml(f"{BASE}/repair.cgi", {"diskid": disk_id}))

    async def mount(self, disk_id: str) -> int:
        """Start mounting a disk; return the job id."""
        params = {"action": "mount", "diskid": disk_id}
        return parse_job_started(await self._xml(f"{BASE}/mount.cgi", params))

    async def unmount(self, disk_id: str) -> int:
        """Start unmounting a disk; return the job id."""
        params = {"action": "unmount", "diskid": disk_id}
        return parse_job_started(await self._xml(f"{BASE}/mount.cgi", params))

    async def job(self, job_id: int, disk_id: str) -> DiskJob:
        """Return the progress or result of a disk job."""
        params = {"jobid": job_id, "diskid": disk_id}
        return await self._read(parse_job, f"{BASE}/job.cgi", params)

    async def _lock(self, action: str, disk_id: str) -> None:
        root = await self._xml(f"{BASE}/lock.cgi", {"action": action, "diskid": disk_id})
        node = root.find(action)
        if node is None:
            raise VapixResponseError(f"unexpected lock.cgi answer: no <{action}> element")
        if (node.get("result") or "OK").strip().upper() != "OK":
            raise _job_error(node)

    async def lock(self, disk_id: str) -> None:
        """Lock a disk: ongoing recordings stop, nothing can be written or removed."""
        await self._lock("lock", disk_id)

    async def unlock(self, disk_id: str) -> None:
        """Unlock a disk."""
        await self._lock("unlock", disk_id)

    async def capabilities(self, disk_id: str) -> DiskCapabilities:
        """Return the file systems and features a disk supports."""
        root = await self._xml(f"{BASE}/getcapabilities.cgi", {"diskid": disk_id})
        return parse_capabilities(root)

    async def health(self) -> tuple[DiskHealth, ...]:
        """Return the health (wear, temperature, overall) of every disk.

        Newer firmware may answer JSON; the Content-Type decides.
        """
        response = await self._client.request("GET", f"{BASE}/gethealth.cgi")
        text = response.text.lstrip()
        if response.content_type == "application/json" or text.startswith(("{", "[")):
            return await parse_off_loop(text, parse_health_json)
        return await parse_off_loop(text, _parse_health_document)
