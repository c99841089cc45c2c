"""A coordinator whose data is pushed, never polled: the jobs and the export progress.

Its owner feeds it with ``async_set_updated_data``; ``update_interval`` is None, and a refresh
(``homeassistant.update_entity``) keeps what was pushed instead of reading anything.
"""

from __future__ import annotations

import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .const import DOMAIN


class PushCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Data pushed by its owner, for coordinator entities and listeners."""

    def __init__(
        self,
        hass: HomeAssistant,
        logger: logging.Logger,
        entry: ConfigEntry,
        what: str,
        initial: DataT,
    ) -> None:
        """Hold `initial` until the first push; `what` names it in the logs."""
        super().__init__(
            hass,
            logger,
            config_entry=entry,
            name=f"{DOMAIN} {what} {entry.title}",
            update_interval=None,
        )
        self.data = initial

    async def _async_update_data(self) -> DataT:
        """Nothing to read: a refresh keeps what was pushed."""
        return self.data
