"""Network share API: list, add, modify, remove, bind, unbind, test, test jobs."""

from __future__ import annotations

from collections.abc import Iterable

from .api import SCHEMA_VERSION, ApiHandler
from .body import parse_off_loop
from .device_models import SchemaVersion
from .errors import Api, VapixRequestError, VapixResponseError
from .share_models import NetworkShare, ShareJob
from .xml import Node, bounded, parse_xml, raise_for_error, require, to_int, to_str

BASE = "axis-cgi/disks/networkshare"


def parse_shares(root: Node) -> tuple[NetworkShare, ...]:
    """Read a networkshare/list.cgi answer."""
    return tuple(
        NetworkShare(
            share_id=share_id,
            nice_name=to_str(node.get("NiceName")),
            address=to_str(node.get("Address")),
            share=to_str(node.get("Share")),
            user=to_str(node.get("User")),
            disk_id=to_str(node.get("DiskId")),
        )
        for node in bounded(root.iter("NetworkShare"), "network shares")
        if (share_id := to_str(node.get("ShareId"))) is not None
    )


def _answered(root: Node, element: str, attribute: str, cgi: str) -> str:
    """Return what a CGI's success element names (a share, disk or job id), or raise.

    Attribute names are matched in any case (``ShareId`` and ``ShareID`` are both seen).
    """
    value = to_str(require(root, element).get(attribute))
    if value is None:
        raise VapixResponseError(f"{cgi} answered no {attribute}")
    return value


def _location(
    address: str | None, share: str | None, user: str | None, password: str | None
) -> dict[str, str | None]:
    """Where a share is and how to log in, as add.cgi, modify.cgi and test.cgi take it."""
    return {"address": address, "share": share, "user": user, "pass": password}


_JOB_FAILURES = range(700, 800)


def parse_share_job(job_id: str, root: Node) -> ShareJob:
    """Read a networkshare/job.cgi answer: progress, success, or the job's own error.

    The documented shape wraps the outcome in ``<JobSuccess>``; the seed's own example also
    shows ``<GeneralSuccess/>`` directly under the root. A job error (700-760) is the job's
    result, not a failed request; other codes (10, 20, 40) raise.
    """
    job = root.find("JobSuccess")
    if job is None:
        if root.find("GeneralSuccess") is not None and root.find("ErrorCode") is None:
            return ShareJob(job_id, 100, True, True)
        try:
            raise_for_error(Api.NETWORK_SHARE, root)
        except VapixRequestError as err:
            if err.code in _JOB_FAILURES:
                return ShareJob(job_id, None, True, False, err.code, err.description or err.meaning)
            raise
        raise VapixResponseError("unexpected networkshare/job.cgi answer: no <JobSuccess>")
    try:
        raise_for_error(Api.NETWORK_SHARE, job)
    except VapixRequestError as err:
        return ShareJob(job_id, None, True, False, err.code, err.description or err.meaning)
    if job.find("GeneralSuccess") is not None:
        return ShareJob(job_id, 100, True, True)
    progress_node = job.find("Progress")
    progress = (
        to_int(progress_node.text or progress_node.get("value"))
        if progress_node is not None
        else None
    )
    progress = progress if progress is not None else to_int(job.get("Progress"))
    if progress is None:
        raise VapixResponseError("unexpected networkshare/job.cgi answer: no progress")
    return ShareJob(job_id, progress, False, None)


class NetworkShareApi(ApiHandler):
    """disks/networkshare/*.cgi. Share passwords are sent, never returned or logged."""

    api = Api.NETWORK_SHARE

    async def _call(self, cgi: str, **params: object) -> Node:
        return await self._xml(f"{BASE}/{cgi}", {"schemaversion": SCHEMA_VERSION, **params})

    async def list(self, share_ids: Iterable[str] | None = None) -> tuple[NetworkShare, ...]:
        """List all network shares, or the given ones."""
        selection = ",".join(share_ids) if share_ids is not None else "all"
        params = {"schemaversion": SCHEMA_VERSION, "shareid": selection or "all"}
        return await self._read(parse_shares, f"{BASE}/list.cgi", params)

    async def add(
        self,
        *,
        nice_name: str,
        address: str,
        share: str,
        user: str | None = None,
        password: str | None = None,
        share_id: str | None = None,
    ) -> str:
        """Add a network share; return its share id."""
        root = await self._call(
            "add.cgi",
            nicename=nice_name,
            shareid=share_id,
            **_location(address, share, user, password),
        )
        return _answered(root, "AddSuccess", "ShareId", "add.cgi")

    async def modify(
        self,
        share_id: str,
        *,
        nice_name: str | None = None,
        address: str | None = None,
        share: str | None = None,
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        """Modify a share (all but the nice name require it to be unbound)."""
        await self._call(
            "modify.cgi",
            shareid=share_id,
            nicename=nice_name,
            **_location(address, share, user, password),
        )

    async def remove(self, share_ids: str | Iterable[str]) -> None:
        """Remove unbound shares."""
        ids = share_ids if isinstance(share_ids, str) else ",".join(share_ids)
        await self._call("remove.cgi", shareid=ids)

    async def bind(self, share_id: str, *, automatic_mount: bool = True) -> str:
        """Bind a share to a disk (mounted automatically by default); return the disk id."""
        root = await self._call(
            "bind.cgi", shareid=share_id, automaticmount="yes" if automatic_mount else "no"
        )
        return _answered(root, "BindSuccess", "DiskID", "bind.cgi")

    async def unbind(self, share_id: str) -> None:
        """Unbind a share (its disk must be unmounted first)."""
        await self._call("unbind.cgi", shareid=share_id)

    async def test(
        self,
        *,
        share_id: str | None = None,
        address: str | None = None,
        share: str | None = None,
        user: str | None = None,
        password: str | None = None,
    ) -> str:
        """Start testing a share (stored or given); return the job id."""
        root = await self._call(
            "test.cgi", shareid=share_id, **_location(address, share, user, password)
        )
        return _answered(root, "TestSuccess", "JobId", "test.cgi")

    async def job(self, job_id: str) -> ShareJob:
        """Return the progress or result of a share test job."""
        params = {"schemaversion": SCHEMA_VERSION, "jobid": job_id}
        text = await self._text("GET", f"{BASE}/job.cgi", params)
        return await parse_off_loop(
            text, lambda document: parse_share_job(job_id, parse_xml(document))
        )

    async def schema_versions(self) -> tuple[SchemaVersion, ...]:
        """Return the XML schema versions of the Network share API."""
        return await self._schema_versions(f"{BASE}/schemaversions.cgi")
