"""What an export is asked for and what it gives: the request, the parts, the files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..vapix import Recording


class ExportFormat(StrEnum):
    """The container of an exported file."""

    MP4 = "mp4"  # plays everywhere: the camera's MP4, or its Matroska remuxed (no re-encoding)
    MKV = "mkv"  # the camera's Matroska, byte for byte
    ZIP = "zip"  # with a password: the camera's AES-256 zip of its Matroska


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export.

    Attributes:
        start: Start of the range (aware; a naive time is Home Assistant's local time).
        end: End of the range; in the future only while a recording is ongoing (cut at now).
        disk_id: The disk to export from; None: the disk whose recordings cover the range,
            the SD card first.
        folder: Destination folder; None: ``<media>/axis_edge_storage/<camera>/``. Another
            folder must be allowed by ``allowlist_external_dirs``; a relative one is taken
            relative to the configuration folder.
        password: Export as an AES-256 zip protected by this password.
        name: File name prefix instead of the camera's name (no separators, no ``..``).
        format: `ExportFormat.MP4` or `ExportFormat.MKV`; with a password the file is the
            camera's zip whatever this says.
    """

    start: datetime
    end: datetime
    disk_id: str | None = None
    folder: Path | None = None
    password: str | None = field(default=None, repr=False)
    name: str | None = None
    format: ExportFormat = ExportFormat.MP4


@dataclass(frozen=True, slots=True)
class ExportedFile:
    """One finished file: where, how big, its SHA-256, the range it holds, its thumbnail.

    `size` and `sha256` are those of the final file (after a remux, of the MP4).
    """

    path: Path
    size: int
    sha256: str
    start: datetime
    stop: datetime
    recording_id: str
    disk_id: str
    format: ExportFormat = ExportFormat.MKV
    thumbnail: Path | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form (response data, events)."""
        return {
            "path": str(self.path),
            "format": str(self.format),
            "thumbnail": None if self.thumbnail is None else str(self.thumbnail),
            "size": self.size,
            "sha256": self.sha256,
            "start": self.start.isoformat(),
            "stop": self.stop.isoformat(),
            "recording_id": self.recording_id,
            "disk_id": self.disk_id,
        }


@dataclass(frozen=True, slots=True)
class ExportResult:
    """The files of one export, their total size and the proper (key-frame) start."""

    files: tuple[ExportedFile, ...]
    total_bytes: int
    proper_start: datetime | None
    format: ExportFormat = ExportFormat.MKV

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form (response data, events)."""
        return {
            "format": str(self.format),
            "files": [exported.as_dict() for exported in self.files],
            "total_bytes": self.total_bytes,
            "proper_start": self.proper_start.isoformat() if self.proper_start else None,
        }


@dataclass(frozen=True, slots=True)
class Part:
    """One recording's share of the range."""

    recording: Recording
    start: datetime
    stop: datetime


@dataclass(slots=True)
class Planned:
    """A part with its export properties: the proper (key-frame) start and estimated size."""

    part: Part
    start: datetime
    stop: datetime
    estimated_bytes: int | None
