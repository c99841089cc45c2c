"""What the simulated camera holds when it leaves the factory, and a disk as it is inserted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .model import Disk, Profile, Share

#: Free space of the factory SD card in kB (the rest is taken by recordings and other files).
SD_FREE_KB = 75106020

_HOUR = timedelta(hours=1)
_MOTION = {"recordingtype": "triggered", "eventid": "motion", "eventtrigger": "motion"}
_AUDIO_MJPEG = {
    "recordingtype": "triggered",
    "eventid": "audio detection",
    "eventtrigger": "audio",
    "mimetype": "image/jpeg",
    "audio": True,
}

#: The timeline on ``SD_DISK``: start before now, stop before now (``None``: ongoing), fields.
TIMELINE: list[tuple[timedelta, timedelta | None, dict[str, Any]]] = [
    (5 * _HOUR, 3 * _HOUR, {}),
    (3 * _HOUR, _HOUR + timedelta(seconds=20), {}),
    (4 * _HOUR + timedelta(minutes=10), 4 * _HOUR + timedelta(minutes=8, seconds=30), _MOTION),
    (3 * _HOUR + timedelta(minutes=40), 3 * _HOUR + timedelta(minutes=39), _AUDIO_MJPEG),
    (
        2 * _HOUR + timedelta(minutes=15, seconds=12),
        2 * _HOUR + timedelta(minutes=14, seconds=2),
        _MOTION,
    ),
    (_HOUR, None, {"profile": 1}),
]


def factory_disks() -> list[Disk]:
    """The SD card (mounted) and the network share disk (no share bound)."""
    sd = Disk(
        diskid="SD_DISK",
        group="S0",
        kind="sd",
        totalsize_kb=116109036,
        device_node="/dev/mmcblk0p1",
        health={"wear": 12, "temperature": 315, "overallhealth": 1},
    )
    share_disk = Disk(
        diskid="NetworkShare",
        group="S1",
        kind="share",
        totalsize_kb=4194304000,
        other_used_kb=524288000,
        filesystem="cifs",
        status="disconnected",
        cleanupmaxage=7,
    )
    return [sd, share_disk]


def factory_shares() -> list[Share]:
    """The share ``nas1`` on the simulated NAS, added but not bound."""
    return [
        Share(
            shareid="nas1",
            nicename="NAS",
            address="192.0.2.10",
            share="recordings",
            user="camera",
            password="nas-secret",  # noqa: S106 - a simulated NAS account
        )
    ]


def factory_profiles() -> list[Profile]:
    """Continuous recording profile 1 on the SD card."""
    return [
        Profile(profile=1, diskid="SD_DISK", options="resolution=1920x1080", eventid="continuous")
    ]


def inserted_disk(diskid: str, group: str, kind: str, totalsize_kb: int) -> Disk:
    """A disk as it appears when inserted (a new SD card is healthy)."""
    return Disk(
        diskid=diskid,
        group=group,
        kind=kind,
        totalsize_kb=totalsize_kb,
        filesystem="cifs" if kind == "share" else "ext4",
        health={"wear": 0, "temperature": 310, "overallhealth": 1} if kind == "sd" else None,
    )
