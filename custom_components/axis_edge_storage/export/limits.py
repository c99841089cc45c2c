"""Bounds of a clip export: a deadline and a byte cap per file, and a free-space reserve.

A camera is trusted to send video, not to stop: a broken or hostile one could trickle a byte
every few seconds (below every socket timeout) and hold the camera's export queue forever, or
send a body without Content-Length that never ends and fills the disk. Each file is therefore
bounded, and the target file system always keeps a reserve free for Home Assistant itself.

* **Deadline per file**: ``max(120 s, 4 x the file's duration)``, from the request to the last
  byte. A healthy camera reads its disk and sends a clip many times faster than real time
  (a 10 min clip of 8 Mbit/s takes seconds on a LAN); 4 x real time is far past that, and
  120 s leaves room for the camera to prepare a short clip. A 24 h range gets 96 h.
* **Byte cap per file**: from the camera's ``EstimatedFileSize`` when it gives one
  (``4 x the estimate + 32 MiB``), otherwise from the duration at 100 Mbit/s (12.5 MB/s, above
  any single camera stream) ``+ 32 MiB``; never above 256 GiB. An announced Content-Length
  above the cap is refused before anything is written.
* **Free-space reserve**: ``max(1 GiB, 5 % of the file system)``, the 5 % part capped at
  20 GiB (a 20 TB disk need not keep 1 TB free). An export that would leave less free (its
  estimated size counted) does not start; one that gets below it while writing stops.

The limits are fields of `ExportLimits`; `ClipExporter` takes an instance (the default is
`DEFAULT_LIMITS`, read when the exporter is made, so a test can replace it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

MIB: Final = 1 << 20
GIB: Final = 1 << 30


@dataclass(frozen=True, slots=True)
class ExportLimits:
    """The bounds of one export (see the module docstring for the reasons)."""

    deadline_floor: float = 120.0
    """Seconds every file gets at least."""
    deadline_factor: float = 4.0
    """Seconds per second of video."""
    estimate_factor: float = 4.0
    """Times the camera's estimate a file may reach."""
    max_bitrate: float = 100_000_000.0
    """Bits per second of video assumed when the camera gives no estimate."""
    size_slack: int = 32 * MIB
    """Bytes added to every cap (container overhead, the key frame before the start)."""
    size_ceiling: int = 256 * GIB
    """No file is ever larger."""
    reserve_floor: int = 1 * GIB
    """Bytes always kept free on the target file system."""
    reserve_fraction: float = 0.05
    """Share of the file system kept free (when more than the floor)."""
    reserve_fraction_cap: int = 20 * GIB
    """The share's part never asks for more than this."""

    def deadline(self, duration: float) -> float:
        """Seconds a file of `duration` seconds of video may take to arrive."""
        return max(self.deadline_floor, self.deadline_factor * max(duration, 0.0))

    def byte_cap(self, duration: float, estimated_bytes: int | None) -> int:
        """The most bytes a file of `duration` seconds (camera estimate if any) may have."""
        if estimated_bytes is not None and estimated_bytes > 0:
            cap = self.estimate_factor * estimated_bytes
        else:
            cap = max(duration, 0.0) * self.max_bitrate / 8
        return min(int(cap) + self.size_slack, self.size_ceiling)

    def reserve(self, total_bytes: int) -> int:
        """Bytes to keep free on a file system of `total_bytes`."""
        share = min(int(total_bytes * self.reserve_fraction), self.reserve_fraction_cap)
        return max(self.reserve_floor, share)


DEFAULT_LIMITS = ExportLimits()
