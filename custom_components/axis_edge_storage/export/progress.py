"""Export progress: the percent of one export, and a camera's progress as a coordinator.

`PartsProgress` turns "part i is x % received" into the export's overall percent.
`ExportProgressCoordinator` holds a camera's `ExportProgress` (percent, file being written,
exports waiting); its queue feeds it with ``async_set_updated_data`` (it never polls:
``update_interval=None``; a file's percent is pushed about once a second), and the progress
sensor follows it as a coordinator entity.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback

from ..push import PushCoordinator
from .models import Planned

_LOGGER = logging.getLogger(__name__)

ProgressCallback = Callable[[float, str | None], None]
#: Seconds between two pushes of the same file's percent (a GiB would otherwise write the
#: sensor's state a thousand times).
PUSH_INTERVAL = 1.0


@dataclass(frozen=True, slots=True)
class ExportProgress:
    """A camera's export progress.

    Attributes:
        percent: Percent done of the current (or last) export; None before the first.
        current_file: The file being written; None between exports.
        queued: Exports waiting for the one running.
    """

    percent: float | None = None
    current_file: str | None = None
    queued: int = 0


class ExportProgressCoordinator(PushCoordinator[ExportProgress]):
    """A camera's export progress, pushed by its export queue (never polled)."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Start with no export yet."""
        super().__init__(hass, _LOGGER, entry, "export progress", ExportProgress())
        self._pushed = 0.0

    @callback
    def async_progress(self, percent: float, current_file: str | None) -> None:
        """The running export is at `percent`, writing `current_file`.

        A new file, the start and the end are pushed at once; a file's percent at most
        every `PUSH_INTERVAL` seconds (the listeners read the newest at the next push).
        """
        data = replace(self.data, percent=round(percent, 1), current_file=current_file)
        now = time.monotonic()
        if (
            current_file != self.data.current_file
            or percent in (0.0, 100.0)
            or now - self._pushed >= PUSH_INTERVAL
        ):
            self._pushed = now
            self.async_set_updated_data(data)
        else:
            self.data = data

    @callback
    def async_queued(self, queued: int) -> None:
        """`queued` exports wait."""
        self.async_set_updated_data(replace(self.data, queued=queued))

    @callback
    def async_stopped(self) -> None:
        """The export ended without finishing: no file is being written."""
        self.async_set_updated_data(replace(self.data, current_file=None))


class PartsProgress:
    """Overall percent: finished parts' weight plus the current part's received fraction."""

    def __init__(self, callback: ProgressCallback | None, planned: Sequence[Planned]) -> None:
        """Weigh the parts by their estimated size (or, when one is unknown, their duration)."""
        self._callback = callback
        if all(item.estimated_bytes for item in planned):
            self._weights = [float(item.estimated_bytes or 0) for item in planned]
        else:  # some size unknown: weigh the parts by duration
            self._weights = [
                max((item.stop - item.start).total_seconds(), 0.001) for item in planned
            ]
        self._total = sum(self._weights) or 1.0
        self._last: tuple[int, str | None] | None = None

    def report(self, index: int, fraction: float, name: str | None) -> None:
        """Report part `index` as `fraction` done (capped below 1 until it is finished)."""
        if self._callback is None:
            return
        done = sum(self._weights[:index]) + self._weights[index] * min(max(fraction, 0.0), 0.99)
        percent = round(min(100.0 * done / self._total, 99.9), 1)
        self._send(percent, name)

    def finished(self) -> None:
        """Report 100 %."""
        self._send(100.0, None)

    def _send(self, percent: float, name: str | None) -> None:
        key = (int(percent * 10), name)
        if key == self._last or self._callback is None:
            return
        self._last = key
        try:
            self._callback(percent, name)
        except Exception:
            _LOGGER.exception("Export progress callback failed")
