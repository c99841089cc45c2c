"""What the coordinator holds: one snapshot of a camera's storage, and what events pushed since.

A poll builds an `EdgeStorageData` from the camera's answers. An event of the camera's stream
(`vapix.events`) is newer than the last poll: `with_event` lays it over the snapshot at once, so
the entities show it, until the refresh it triggers replaces the whole snapshot with the truth.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType

from .vapix import (
    AlertLevels,
    ContinuousProfile,
    Disk,
    DiskCapabilities,
    DiskHealth,
    DiskStatus,
    NetworkShare,
    Recording,
    StorageLimit,
)
from .vapix.events import EventTopic, StorageEvent

_EMPTY: Mapping[str, bool] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class DiskArchive:
    """How far back a disk goes: its oldest recording's start and how many it holds."""

    oldest: datetime | None
    count: int | None


@dataclass(frozen=True, slots=True)
class StorageSettings:
    """Data read at start and after changes, not on every poll."""

    shares: tuple[NetworkShare, ...] = ()
    limits: Mapping[str, StorageLimit] = field(default_factory=dict)
    alert_levels: Mapping[str, AlertLevels] = field(default_factory=dict)
    disk_capabilities: Mapping[str, DiskCapabilities] = field(default_factory=dict)
    archives: Mapping[str, DiskArchive] = field(default_factory=dict)
    profiles: tuple[ContinuousProfile, ...] = ()

    def profile_uses(self, disk_id: str) -> bool:
        """Whether a continuous recording profile records to a disk."""
        return any(profile.disk_id == disk_id for profile in self.profiles)


@dataclass(frozen=True, slots=True)
class Pushed:
    """What the camera's events said since the last poll (nothing: the poll is the truth)."""

    recording: bool | None = None
    disruption: Mapping[str, bool] = _EMPTY
    alert: Mapping[str, bool] = _EMPTY


@dataclass(frozen=True, slots=True)
class EdgeStorageData:
    """One snapshot of the device's edge storage."""

    disks: Mapping[str, Disk]
    health: Mapping[str, DiskHealth]
    ongoing: tuple[Recording, ...]
    settings: StorageSettings
    pushed: Pushed = Pushed()

    def recording(self, disk_id: str) -> bool:
        """Whether a recording is ongoing on a disk (none at all, when an event said so)."""
        if self.pushed.recording is False:
            return False
        return any(rec.disk_id == disk_id for rec in self.ongoing)

    @property
    def any_recording(self) -> bool:
        """Whether a recording is ongoing on any disk."""
        if self.pushed.recording is not None:
            return self.pushed.recording
        return bool(self.ongoing)

    def disruption_reasons(self, disk_id: str) -> list[str]:
        """Why a disk cannot record, as translation-friendly keys (empty: no disruption)."""
        disk = self.disks[disk_id]
        reasons: list[str] = []
        if disk.status is DiskStatus.DISCONNECTED:
            reasons.append("disconnected")
        elif disk.status is DiskStatus.FAILED:
            reasons.append("failed")
        elif disk.status in (DiskStatus.WRONG_PASSPHRASE, DiskStatus.NO_PASSPHRASE):
            reasons.append("wrong_passphrase")
        elif disk.status is not DiskStatus.OK:
            reasons.append("unmounted")
        if disk.full:
            reasons.append("full")
        if disk.read_only:
            reasons.append("read_only")
        if disk.locked:
            reasons.append("locked")
        return reasons

    def disrupted(self, disk_id: str) -> bool:
        """Whether a disk cannot record: what an event said since the poll, or the poll."""
        pushed = self.pushed.disruption.get(disk_id)
        return bool(self.disruption_reasons(disk_id)) if pushed is None else pushed

    def health_problems(self, disk_id: str) -> list[str] | None:
        """What is wrong with a disk's health; None when the disk reports nothing usable."""
        health = self.health.get(disk_id)
        if health is None:
            return None
        healthy = health.healthy
        wear = health.wear.value
        if healthy is None and wear is None:
            return None
        problems: list[str] = []
        if healthy is False:
            problems.append("overall_health_failed")
        levels = self.settings.alert_levels.get(disk_id)
        alert_level = None if levels is None else levels.wear
        if wear is not None and alert_level is not None and wear >= alert_level:
            problems.append("wear_alert_level_reached")
        return problems

    def alerting(self, disk_id: str) -> bool | None:
        """Whether a disk's health needs attention (an event's alert, or the poll's health)."""
        pushed = self.pushed.alert.get(disk_id)
        if pushed is not None:
            return pushed
        problems = self.health_problems(disk_id)
        return None if problems is None else bool(problems)

    def with_event(self, event: StorageEvent) -> EdgeStorageData | None:
        """This snapshot with an event laid over it; None when the event changes nothing shown.

        Events about a disk this snapshot does not know are left to the refresh that follows.
        """
        pushed = self.pushed
        if event.topic is EventTopic.RECORDING:
            if event.active == self.any_recording:
                return None
            return replace(self, pushed=replace(pushed, recording=event.active))
        disk_id = event.disk_id
        if disk_id is None or disk_id not in self.disks:
            return None
        if event.topic is EventTopic.ALERT:
            if self.alerting(disk_id) == event.active:
                return None
            alert = _set(pushed.alert, disk_id, event.active)
            return replace(self, pushed=replace(pushed, alert=alert))
        if self.disrupted(disk_id) == event.active or (
            # A failure that ends says nothing of the other disruptions: the refresh tells.
            event.topic is EventTopic.STORAGE_FAILURE and not event.active
        ):
            return None
        disruption = _set(pushed.disruption, disk_id, event.active)
        return replace(self, pushed=replace(pushed, disruption=disruption))


def _set(values: Mapping[str, bool], key: str, value: bool) -> Mapping[str, bool]:
    return MappingProxyType({**values, key: value})
