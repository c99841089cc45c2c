"""Data models of the network shares: a share added to the device and a share test job."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NetworkShare:
    """A network share added to the device. The share password is never reported."""

    share_id: str
    nice_name: str | None
    address: str | None
    share: str | None
    user: str | None
    disk_id: str | None

    @property
    def bound(self) -> bool:
        """Whether the share is bound to a disk."""
        return self.disk_id is not None


@dataclass(frozen=True, slots=True)
class ShareJob:
    """Progress or result of a network share test job."""

    job_id: str
    progress: int | None
    done: bool
    ok: bool | None
    error_code: int | None = None
    error_description: str | None = None
