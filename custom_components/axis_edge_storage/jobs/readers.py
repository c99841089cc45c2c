"""What the camera says about one followed job: one reader per kind of job.

Disk jobs (disks/job.cgi), network share tests (networkshare/job.cgi) and exports to the USB
disk (getjobstatus.cgi) each answer in their own shape; each reader turns its answer into a
`JobUpdate`. A job the camera no longer knows is `forgotten`; an error that means "ask again"
(no answer, rejected credentials, code 10) is raised.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from ..const import LOGGER
from ..vapix import AxisEdgeStorage, DiskJobAction, VapixRequestError
from .model import Job, JobKind, JobResult, JobUpdate

# Codes that mean "try again" when polling a job, not "the camera does not know this job".
TRANSIENT_CODES = frozenset({10})
SHARE_WORKS_DESCRIPTION = "The network share works."

type JobReader = Callable[[AxisEdgeStorage, Job], Awaitable[JobUpdate]]


async def _read_disk_job(device: AxisEdgeStorage, job: Job) -> JobUpdate:
    """Format, check, repair, mount, unmount: disks/job.cgi."""
    disk_job = await device.disks.job(int(job.job_id), job.disk_id or "")
    if (
        disk_job.action is DiskJobAction.NOT_APPLICABLE
        or str(disk_job.action).lower() != job.action
    ):
        return JobUpdate.forgotten_by_camera()
    if not disk_job.ok:
        return JobUpdate.ended(JobResult.FAILED, disk_job.description)
    progress = disk_job.progress if disk_job.progress is not None else job.progress
    if progress is not None and progress >= 100:
        return JobUpdate.ended(JobResult.OK, disk_job.description)
    return JobUpdate(progress=progress)


async def _read_share_test(device: AxisEdgeStorage, job: Job) -> JobUpdate:
    """A network share test: networkshare/job.cgi."""
    share_job = await device.network_shares.job(job.job_id)
    if not share_job.done:
        return JobUpdate(progress=share_job.progress)
    if share_job.ok:
        return JobUpdate.ended(JobResult.OK, SHARE_WORKS_DESCRIPTION)
    return JobUpdate.ended(JobResult.FAILED, share_job.error_description, share_job.error_code)


async def _read_usb_export(device: AxisEdgeStorage, job: Job) -> JobUpdate:
    """An export to the USB disk: getjobstatus.cgi."""
    status = await device.exports.job_status(int(job.job_id))
    if not status.done:
        return JobUpdate(progress=status.progress)
    result = JobResult.OK if status.ok else JobResult.FAILED
    return JobUpdate.ended(result, status.description, status.error_code)


READERS: Mapping[JobKind, JobReader] = {
    JobKind.DISK: _read_disk_job,
    JobKind.SHARE_TEST: _read_share_test,
    JobKind.USB_EXPORT: _read_usb_export,
}


async def async_read_job(device: AxisEdgeStorage, job: Job) -> JobUpdate:
    """Ask the camera about a job."""
    try:
        return await READERS[job.kind](device, job)
    except VapixRequestError as err:
        if err.code in TRANSIENT_CODES:
            raise
        LOGGER.debug("Job %s is unknown to the camera: %s", job.key, err)
        return JobUpdate.forgotten_by_camera()
