"""The camera's event stream in Home Assistant.

`vapix.events.EventStream` holds the websocket (token, subscription, heartbeat, reconnects);
this runs it as the entry's background task, hands every storage event to the coordinator (which
shows it at once and confirms it with one refresh) and the stream's state to the coordinator's
poll interval, the events binary sensor and the diagnostics.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback

from .const import DOMAIN, LOGGER
from .coordinator import EdgeStorageCoordinator
from .push import PushCoordinator
from .runtime import AxisEdgeStorageConfigEntry
from .vapix import AxisEdgeStorage
from .vapix.events import EventStream, StorageEvent, StreamState, StreamStatus

STARTING = StreamStatus(StreamState.STARTING)
OFF = StreamStatus(StreamState.STOPPED)


class CameraEvents:
    """One camera's event stream, from setup to unload."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: AxisEdgeStorageConfigEntry,
        client: AxisEdgeStorage,
        coordinator: EdgeStorageCoordinator,
        *,
        enabled: bool,
    ) -> None:
        """Describe the stream; nothing connects before `async_start`."""
        self._hass = hass
        self._entry = entry
        self._coordinator = coordinator
        self.enabled = enabled
        self.status = PushCoordinator[StreamStatus](
            hass, LOGGER, entry, "events", STARTING if enabled else OFF
        )
        self._stream = EventStream(client.client, on_event=self._on_event, on_state=self._on_state)

    @property
    def stream_status(self) -> StreamStatus:
        """The stream's state and counters now (the diagnostics show them)."""
        return self._stream.status if self.enabled else OFF

    @callback
    def async_start(self) -> None:
        """Run the stream until the entry unloads (nothing when the option is off)."""
        if not self.enabled:
            return
        self._entry.async_create_background_task(
            self._hass, self._stream.run(), f"{DOMAIN} events {self._entry.title}"
        )
        self._entry.async_on_unload(self._async_stop)

    async def _async_stop(self) -> None:
        await self._stream.close()

    @callback
    def _on_event(self, event: StorageEvent) -> None:
        self._coordinator.async_push_event(event)

    @callback
    def _on_state(self, status: StreamStatus) -> None:
        previous = self.status.data.state
        self.status.async_set_updated_data(status)
        if status.state is not previous:
            self._coordinator.async_set_push(status.state is StreamState.CONNECTED)
