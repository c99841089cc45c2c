"""Device jobs followed to their end: the model, one reader per kind, the store, the tracker."""

from __future__ import annotations

from .model import Job, JobKind, JobResult, JobsData, JobUpdate
from .store import async_remove_job_store
from .tracker import JobTracker

__all__ = [
    "Job",
    "JobKind",
    "JobResult",
    "JobTracker",
    "JobUpdate",
    "JobsData",
    "async_remove_job_store",
]
