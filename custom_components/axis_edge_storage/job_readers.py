"""What the camera says about one followed job, per kind of job.

Disk jobs (disks/job.cgi), network share tests (networkshare/job.cgi) and exports to the USB
disk (getjobstatus.cgi) each answer in their own shape; `async_read_job` turns any of them into
the job as it is now. A job the camera no longer knows ends as failed (`FORGOTTEN_DESCRIPTION`);
an error that means "ask again" (no answer, rejected credentials, code 10) is raised.
"""

from __future__ import annotations

from dataclasses import replace

from .const import LOGGER
from .job_model import FORGOTTEN_DESCRIPTION, Job, JobKind, JobResult
from .vapix import AxisEdgeStorage, DiskJobAction, VapixRequestError

# Codes that mean "try again" when polling a job, not "the camera does not know this job".
TRANSIENT_CODES = frozenset({10})


async def async_read_job(device: AxisEdgeStorage, job: Job) -> Job:
    """Ask the camera about a job; return the job as it is now (a copy)."""
    try:
        if job.kind is JobKind.DISK:
            disk_job = await device.disks.job(int(job.job_id), job.disk_id or "")
            if (
                disk_job.action is DiskJobAction.NOT_APPLICABLE
                or str(disk_job.action).lower() != job.action
            ):
                return forgotten(job)
            if not disk_job.ok:
                return ended(job, JobResult.FAILED, disk_job.description, None)
            progress = disk_job.progress if disk_job.progress is not None else job.progress
            if progress is not None and progress >= 100:
                return ended(job, JobResult.OK, disk_job.description, None)
            return replace(job, progress=progress)
        if job.kind is JobKind.SHARE_TEST:
            share_job = await device.network_shares.job(job.job_id)
            if not share_job.done:
                return replace(job, progress=share_job.progress)
            if share_job.ok:
                return ended(job, JobResult.OK, "The network share works.", None)
            return ended(job, JobResult.FAILED, share_job.error_description, share_job.error_code)
        status = await device.exports.job_status(int(job.job_id))
        if not status.done:
            return replace(job, progress=status.progress)
        result = JobResult.OK if status.ok else JobResult.FAILED
        return ended(job, result, status.description, status.error_code)
    except VapixRequestError as err:
        if err.code in TRANSIENT_CODES:
            raise
        LOGGER.debug("Job %s is unknown to the camera: %s", job.key, err)
        return forgotten(job)


def ended(job: Job, result: JobResult, description: str | None, code: int | None) -> Job:
    """A copy of `job` that ended."""
    return replace(job, result=result, description=description, error_code=code)


def forgotten(job: Job) -> Job:
    """The camera no longer knows a job it ran: it failed (its effect is unknown)."""
    return replace(job, result=JobResult.FAILED, description=FORGOTTEN_DESCRIPTION)
