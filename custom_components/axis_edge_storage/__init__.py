"""The Axis Edge storage integration: SD cards and network shares of Axis devices."""

from __future__ import annotations

import asyncio

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .actions import async_setup_actions
from .browse.thumbnails import ThumbnailView
from .connection import configuration_url, create_device
from .const import (
    CONF_EVENTS,
    DEFAULT_EVENTS,
    DOMAIN,
    SETUP_SPREAD_MAX,
    SETUP_SPREAD_PER_CAMERA,
)
from .coordinator import EdgeStorageCoordinator, poll_phase
from .entity import MANUFACTURER
from .event_stream import CameraEvents
from .export.links import async_get_links
from .export.queue import ExportQueue
from .export.view import ExportDownloadView
from .jobs import Job, JobTracker, async_remove_job_store
from .playback import register_views as register_playback_views
from .repairs import StorageIssues
from .runtime import AxisEdgeStorageConfigEntry, AxisEdgeStorageRuntimeData
from .triggers import StorageWatcher

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.CALENDAR,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions and the download view, once for every camera."""
    async_setup_actions(hass)
    hass.http.register_view(ExportDownloadView())
    register_playback_views(hass)
    hass.http.register_view(ThumbnailView())
    return True


async def async_setup_entry(hass: HomeAssistant, entry: AxisEdgeStorageConfigEntry) -> bool:
    """Connect to the device, read its state, and set up the platforms."""
    await _async_take_turn(hass, entry)
    client = create_device(hass, entry.data)
    coordinator = EdgeStorageCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()

    info = coordinator.product
    camera = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, info.serial)},
        connections={(dr.CONNECTION_NETWORK_MAC, dr.format_mac(info.serial))},
        manufacturer=info.brand or MANUFACTURER,
        model=info.product_name or info.model,
        model_id=info.model,
        name=entry.title,
        serial_number=info.serial,
        sw_version=info.firmware,
        hw_version=info.hardware_id,
        configuration_url=configuration_url(entry.data),
    )

    @callback
    def _job_finished(job: Job) -> None:
        """A job that changed a disk: read the disks (and the storage settings) again."""
        if not job.changes_disks:
            return
        coordinator.async_mark_settings_stale()
        entry.async_create_background_task(
            hass, coordinator.async_refresh(), f"{DOMAIN} refresh after a job"
        )

    exports = ExportQueue(hass, entry, client, camera.id)
    jobs = JobTracker(hass, entry, client, camera.id, _job_finished)
    events = CameraEvents(
        hass, entry, client, coordinator, enabled=entry.options.get(CONF_EVENTS, DEFAULT_EVENTS)
    )
    entry.runtime_data = AxisEdgeStorageRuntimeData(
        client=client, coordinator=coordinator, exports=exports, jobs=jobs, events=events
    )
    entry.async_on_unload(exports.async_start_retention())
    await jobs.async_restore()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(StorageWatcher(hass, coordinator, camera.id).async_start())
    entry.async_on_unload(StorageIssues(hass, entry, coordinator).async_start())
    events.async_start()
    entry.async_on_unload(entry.add_update_listener(_async_options_updated))
    return True


async def _async_take_turn(hass: HomeAssistant, entry: AxisEdgeStorageConfigEntry) -> None:
    """Spread the cameras that are set up together (at start) over a short while.

    Home Assistant starts every entry's set-up in the same turn of its event loop; with two
    hundred cameras, their first steps and later their entities would all run back to back and
    stall it. Each waits its camera's phase (see `coordinator.poll_phase`) of a window that grows
    with the number of cameras being set up (15 ms each, at most 4 s: a camera's set-up costs
    about 9 ms of the loop, so the window is wider than the work); one camera alone does not
    wait.
    """
    starting = sum(
        other.state is ConfigEntryState.SETUP_IN_PROGRESS
        for other in hass.config_entries.async_entries(DOMAIN)
    )
    if delay := setup_delay(starting, poll_phase(entry.unique_id or entry.entry_id)):
        await asyncio.sleep(delay)


def setup_delay(starting: int, phase: float) -> float:
    """How long a camera at `phase` waits when `starting` cameras are being set up at once."""
    if starting <= 1:
        return 0.0
    return phase * min(starting * SETUP_SPREAD_PER_CAMERA, SETUP_SPREAD_MAX)


async def async_unload_entry(hass: HomeAssistant, entry: AxisEdgeStorageConfigEntry) -> bool:
    """Unload the platforms; the shared HTTP session stays open."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: AxisEdgeStorageConfigEntry) -> None:
    """Forget the jobs kept for a removed camera, and its exports' links."""
    await async_remove_job_store(hass, entry.entry_id)
    await (await async_get_links(hass)).async_forget_entry(entry.entry_id)


async def _async_options_updated(hass: HomeAssistant, entry: AxisEdgeStorageConfigEntry) -> None:
    """Apply new options (poll interval, export settings) by reloading."""
    await hass.config_entries.async_reload(entry.entry_id)
