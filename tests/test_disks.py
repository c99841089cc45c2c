"""One rule each for what a disk is: SD card, network share slot, present, its label."""

from __future__ import annotations

import pytest

from custom_components.axis_edge_storage.disks import (
    disk_label,
    is_present,
    is_sd_card,
    is_share_slot,
    is_unbound_share,
)
from custom_components.axis_edge_storage.vapix import Disk, DiskStatus, NetworkShare


def _disk(disk_id: str, filesystem: str | None, status: DiskStatus = DiskStatus.OK) -> Disk:
    return Disk(disk_id, "", 100, 100, status, filesystem=filesystem)


@pytest.mark.parametrize(
    ("disk", "label", "share_slot"),
    [
        (_disk("SD_DISK", "ext4"), "SD card", False),
        (_disk("SD_DISK_2", "vfat"), "SD card 2", False),
        (_disk("NetworkShare", "cifs"), "Network share", True),
        (_disk("NetworkShare", None), "Network share", True),
        (_disk("nas", "nfs"), "Network share", True),
        (Disk("usb1", "USB stick", 1, 1, DiskStatus.OK, filesystem="ext4"), "USB stick", False),
        (_disk("usb2", "ext4"), "usb2", False),
    ],
)
def test_the_kind_and_label_of_a_disk(disk: Disk, label: str, share_slot: bool) -> None:
    assert disk_label(disk) == label
    assert is_share_slot(disk) is share_slot
    assert is_sd_card(disk.disk_id) is disk.disk_id.startswith("SD_DISK")


def test_a_share_slot_is_present_only_while_a_share_is_bound_to_it() -> None:
    slot = _disk("NetworkShare", "cifs", DiskStatus.DISCONNECTED)
    bound = NetworkShare("s1", None, "10.0.0.2", "video", None, "NetworkShare")
    assert not is_present(slot, ())
    assert is_present(slot, (bound,))
    assert is_present(_disk("SD_DISK", "ext4"), ())
    assert is_unbound_share(slot)
    assert not is_unbound_share(_disk("NetworkShare", "cifs"))  # connected: bound and up
    assert not is_unbound_share(_disk("SD_DISK", "ext4", DiskStatus.DISCONNECTED))
