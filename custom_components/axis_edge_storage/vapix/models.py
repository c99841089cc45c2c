"""Frozen data models of the VAPIX Edge storage responses, all importable from here.

They are defined by subject: ``model_base`` (the size unit and the open enumeration),
``disk_models`` (disks, health, capabilities, jobs, alert levels, storage limits),
``recording_models`` (recordings and their export), ``share_models`` (network shares) and
``device_models`` (identity, capabilities, API schema versions).

Enumerations are open: a value the device sends that the documentation does not list is kept
as a pseudo-member (``DiskStatus("rebuilding").value == "rebuilding"``) instead of failing.
Sizes are kept in the device's unit (kilobytes of 1024 bytes) with byte properties beside.
"""

from __future__ import annotations

from .device_models import Capabilities, ProductInfo, SchemaVersion
from .disk_models import (
    AlertLevels,
    CleanupPolicy,
    Disk,
    DiskCapabilities,
    DiskHealth,
    DiskJob,
    DiskJobAction,
    DiskStatus,
    FileSystemCapability,
    HealthReading,
    ReadingState,
    StorageLimit,
)
from .model_base import KIB, OpenStrEnum
from .recording_models import (
    AudioInfo,
    ContinuousProfile,
    ExportCapabilities,
    ExportJob,
    ExportJobState,
    ExportJobStatus,
    ExportProperties,
    Recording,
    RecordingList,
    RecordingStatus,
    RecordingType,
    VideoInfo,
)
from .share_models import NetworkShare, ShareJob

__all__ = [
    "KIB",
    "AlertLevels",
    "AudioInfo",
    "Capabilities",
    "CleanupPolicy",
    "ContinuousProfile",
    "Disk",
    "DiskCapabilities",
    "DiskHealth",
    "DiskJob",
    "DiskJobAction",
    "DiskStatus",
    "ExportCapabilities",
    "ExportJob",
    "ExportJobState",
    "ExportJobStatus",
    "ExportProperties",
    "FileSystemCapability",
    "HealthReading",
    "NetworkShare",
    "OpenStrEnum",
    "ProductInfo",
    "ReadingState",
    "Recording",
    "RecordingList",
    "RecordingStatus",
    "RecordingType",
    "SchemaVersion",
    "ShareJob",
    "StorageLimit",
    "VideoInfo",
]
