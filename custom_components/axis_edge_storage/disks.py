"""What a disk is: an SD card or the slot of a network share, and its name for people.

One rule each, used by the coordinator (which disks are there), the entities (names and
models of the disks' devices) and the export plan (which disk to prefer, which to ignore).
"""

from __future__ import annotations

from typing import Final

from .const import NETWORK_SHARE_FILESYSTEMS
from .vapix import Disk, DiskStatus, NetworkShare

# The SD card's disk id; a camera with two slots numbers them (SD_DISK_1, SD_DISK_2).
SD_CARD_PREFIX: Final = "SD_DISK"
_SHARE_SLOT_PREFIX: Final = "networkshare"


def is_sd_card(disk_id: str) -> bool:
    """Whether a disk id names an SD card slot."""
    return disk_id.startswith(SD_CARD_PREFIX)


def is_share_slot(disk: Disk) -> bool:
    """Whether a disk is the slot a network share is bound to (CIFS, NFS or its id)."""
    return (disk.filesystem or "").lower() in NETWORK_SHARE_FILESYSTEMS or (
        disk.disk_id.lower().startswith(_SHARE_SLOT_PREFIX)
    )


def is_unbound_share(disk: Disk) -> bool:
    """A share slot with nothing bound is disconnected by design: not a disk problem."""
    return disk.status is DiskStatus.DISCONNECTED and is_share_slot(disk)


def is_present(disk: Disk, shares: tuple[NetworkShare, ...]) -> bool:
    """Whether a disk is there: an SD card is; a network share slot only while bound."""
    return not is_share_slot(disk) or any(share.disk_id == disk.disk_id for share in shares)


def disk_label(disk: Disk) -> str:
    """A readable name for a disk."""
    if disk.disk_id == SD_CARD_PREFIX:
        return "SD card"
    if is_sd_card(disk.disk_id):
        return f"SD card {disk.disk_id.removeprefix(SD_CARD_PREFIX).strip('_')}"
    if is_share_slot(disk):
        return "Network share"
    return disk.name or disk.disk_id
