"""The typed runtime data of a loaded config entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .coordinator import EdgeStorageCoordinator
    from .event_stream import CameraEvents
    from .export.queue import ExportQueue
    from .jobs import JobTracker
    from .vapix import AxisEdgeStorage

type AxisEdgeStorageConfigEntry = ConfigEntry[AxisEdgeStorageRuntimeData]


@dataclass(slots=True)
class AxisEdgeStorageRuntimeData:
    """What a loaded config entry holds."""

    client: AxisEdgeStorage
    coordinator: EdgeStorageCoordinator
    exports: ExportQueue
    jobs: JobTracker
    events: CameraEvents
