"""The coordinator: polls the edge storage state of one device.

A steady-state poll costs three requests: disks/list, gethealth and one page of the recordings
overlapping now (explicit limits). The storage settings (network shares, storage limits, alert
levels, disk capabilities, continuous profiles, each disk's oldest recording and count) are read at start, when the disks change (a disk appears, disappears,
or changes status, lock or file system), after the integration changes something, and every
few hours, never on every poll.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Awaitable
from datetime import datetime, timedelta

from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .connection import async_remember_security, format_fingerprint
from .const import (
    CONFIRM_COOLDOWN,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    ONGOING_PAGE_SIZE,
    ONGOING_WINDOW,
    PUSH_SAFETY_INTERVAL,
    SETTINGS_REFRESH_INTERVAL,
)
from .device_errors import credentials_problem
from .disks import is_present, is_share_slot
from .runtime import AxisEdgeStorageConfigEntry
from .storage_data import DiskArchive, EdgeStorageData, StorageSettings
from .vapix import (
    AlertLevels,
    AxisEdgeStorage,
    Capabilities,
    ContinuousProfile,
    Disk,
    DiskCapabilities,
    DiskHealth,
    NetworkShare,
    ProductInfo,
    Recording,
    RecordingStatus,
    SortOrder,
    StorageLimit,
    VapixCertificateMismatchError,
    VapixError,
    VapixForbiddenError,
    VapixNotSupportedError,
    VapixRequestError,
)
from .vapix.events import StorageEvent

__all__ = [
    "EdgeStorageCoordinator",
    "EdgeStorageData",
    "StorageSettings",
    "disk_identifier",
    "next_poll",
    "poll_phase",
]


def _signature(disks: tuple[Disk, ...]) -> frozenset[tuple[str, str, bool | None, str | None]]:
    """What, when it changes, makes the storage settings worth reading again."""
    return frozenset((d.disk_id, str(d.status), d.locked, d.filesystem) for d in disks)


class EdgeStorageCoordinator(DataUpdateCoordinator[EdgeStorageData]):
    """Polls disks, health and ongoing recordings of one device."""

    config_entry: AxisEdgeStorageConfigEntry
    product: ProductInfo
    capabilities: Capabilities

    def __init__(
        self, hass: HomeAssistant, entry: AxisEdgeStorageConfigEntry, client: AxisEdgeStorage
    ) -> None:
        """Describe the polling; nothing is sent before the first refresh."""
        interval = entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=timedelta(seconds=interval),
            # A poll that finds nothing changed writes no entity state.
            always_update=False,
        )
        self.client = client
        self._poll_interval = timedelta(seconds=interval)
        self._phase = poll_phase(entry.unique_id or entry.entry_id)
        self._confirm = Debouncer(
            hass, LOGGER, cooldown=CONFIRM_COOLDOWN, immediate=False, function=self.async_refresh
        )
        self._settings = StorageSettings()
        self._settings_signature: frozenset[tuple[str, str, bool | None, str | None]] | None = None
        self._settings_read_at: datetime | None = None
        self._settings_stale = True
        self._health_supported = True
        self._security_remembered = False

    @property
    def serial(self) -> str:
        """The device serial number: the unique id of the camera."""
        return self.product.serial

    async def _async_setup(self) -> None:
        """Read the identity and capabilities once."""
        try:
            self.product = await self.client.device_info.get()
            self.capabilities = await self.client.params.capabilities()
        except VapixError as err:
            raise self._translate(err) from err
        unique_id = self.config_entry.unique_id
        if unique_id is not None and self.product.serial != unique_id:
            raise ConfigEntryError(
                translation_domain=DOMAIN,
                translation_key="wrong_device",
                translation_placeholders={"serial": self.product.serial},
            )
        self._health_supported = self.capabilities.disk_health

    def _schedule_refresh(self) -> None:
        """Poll at this camera's own phase of the interval, not when the others do.

        Home Assistant schedules the next poll a whole interval after the last, at the same
        fraction of a second for every coordinator: 200 cameras set up together would poll in
        the same second forever. Each camera keeps a stable offset in the interval instead.
        """
        interval = self._update_interval_seconds
        if interval and getattr(self, "_retry_after", None) is None:
            now = self.hass.loop.time()
            # The parent schedules at int(now) + _microsecond + interval.
            self._microsecond = next_poll(now, interval, self._phase) - int(now) - interval
        super()._schedule_refresh()

    @callback
    def async_push_event(self, event: StorageEvent) -> None:
        """Show what a camera event says at once; one refresh soon after confirms it."""
        if self.data is not None and (data := self.data.with_event(event)) is not None:
            self.async_set_updated_data(data)
        self.hass.async_create_task(self._confirm.async_call(), eager_start=True)

    @callback
    def async_set_push(self, connected: bool) -> None:
        """Poll slowly while the event stream is up, at the configured interval otherwise.

        A stream that (re)connects is followed by a refresh: nothing sent while it was down
        is missed.
        """
        interval = (
            max(PUSH_SAFETY_INTERVAL, self._poll_interval) if connected else (self._poll_interval)
        )
        if self.update_interval != interval:
            self.update_interval = interval
            if self._listeners:
                self._schedule_refresh()
        if connected:
            self.hass.async_create_task(self._confirm.async_call(), eager_start=True)

    async def async_shutdown(self) -> None:
        """Stop the pending confirmation refresh with the polling."""
        self._confirm.async_shutdown()
        await super().async_shutdown()

    @callback
    def async_mark_settings_stale(self) -> None:
        """Read shares, limits and alert levels again at the next poll (after a change)."""
        self._settings_stale = True

    async def _async_update_data(self) -> EdgeStorageData:
        """Poll the device: disks/list, gethealth, ongoing recordings (+ storage settings if due)."""
        try:
            disks = await self.client.disks.list()
            health = await self._read_health()
            ongoing = await self._read_ongoing()
            if self._settings_due(disks):
                await self._read_settings(disks)
        except VapixError as err:
            raise self._translate(err) from err
        present = {disk.disk_id: disk for disk in disks if is_present(disk, self._settings.shares)}
        data = EdgeStorageData(
            disks=present,
            health={item.disk_id: item for item in health if item.disk_id in present},
            ongoing=tuple(
                rec
                for rec in ongoing
                if rec.status is RecordingStatus.RECORDING and rec.disk_id in present
            ),
            settings=self._settings,
        )
        self._remove_stale_devices(data)
        if not self._security_remembered:
            self._security_remembered = True
            await async_remember_security(self.hass, self.config_entry, self.client)
        return data

    async def _read_health(self) -> tuple[DiskHealth, ...]:
        if not self._health_supported:
            return ()
        try:
            return await self.client.disks.health()
        except VapixNotSupportedError:
            LOGGER.info("%s does not report disk health", self.config_entry.title)
            self._health_supported = False
            return ()

    async def _read_ongoing(self) -> tuple[Recording, ...]:
        now = dt_util.utcnow()
        return await self.client.recordings.list(
            start=now - ONGOING_WINDOW, stop=now + ONGOING_WINDOW, page_size=ONGOING_PAGE_SIZE
        )

    def _settings_due(self, disks: tuple[Disk, ...]) -> bool:
        signature = _signature(disks)
        now = dt_util.utcnow()
        due = (
            self._settings_stale
            or signature != self._settings_signature
            or self._settings_read_at is None
            or now - self._settings_read_at >= SETTINGS_REFRESH_INTERVAL
        )
        if due:
            self._settings_signature = signature
            self._settings_read_at = now
            self._settings_stale = False
        return due

    async def _read_settings(self, disks: tuple[Disk, ...]) -> None:
        """Read shares, storage limits, alert levels and disk capabilities.

        A part the device refuses or does not provide is left out; a transport failure fails
        the poll like any other.
        """
        shares: tuple[NetworkShare, ...] = ()
        if self.capabilities.network_share:
            shares = await _optional(self.client.network_shares.list(), ())
        limits: dict[str, StorageLimit] = {}
        if self.capabilities.storage_limit:
            for limit in await _optional(self.client.storage_limits.get(), ()):
                limits[limit.disk_id] = limit
        alert_levels: dict[str, AlertLevels] = {}
        capabilities: dict[str, DiskCapabilities] = {}
        archives: dict[str, DiskArchive] = {}
        profiles: tuple[ContinuousProfile, ...] = ()
        if self.capabilities.continuous_recording:
            profiles = await _optional(self.client.recordings.list_continuous_profiles(), ())
        for disk in disks:
            if is_present(disk, shares):
                if (archive := await self._read_archive(disk.disk_id)) is not None:
                    archives[disk.disk_id] = archive
                if self._health_supported and not is_share_slot(disk):
                    levels = await _optional(
                        self.client.disk_properties.get_alert_levels(disk.disk_id), None
                    )
                    if levels is not None:
                        alert_levels[disk.disk_id] = levels
                caps = await _optional(self.client.disks.capabilities(disk.disk_id), None)
                if caps is not None:
                    capabilities[disk.disk_id] = caps
        self._settings = StorageSettings(
            shares=shares,
            limits=limits,
            alert_levels=alert_levels,
            disk_capabilities=capabilities,
            archives=archives,
            profiles=profiles,
        )

    async def _read_archive(self, disk_id: str) -> DiskArchive | None:
        """The oldest recording of a disk and how many it holds: one answer of one recording."""
        page = await _optional(
            self.client.recordings.list_page(
                disk_id=disk_id, sort=SortOrder.ASCENDING, max_results=1
            ),
            None,
        )
        if page is None:
            return None
        oldest = page.recordings[0].start if page.recordings else None
        return DiskArchive(oldest=oldest, count=page.total)

    def _remove_stale_devices(self, data: EdgeStorageData) -> None:
        """Remove the device of a disk that is gone (card pulled, share unbound)."""
        registry = dr.async_get(self.hass)
        keep = {self.serial} | {disk_identifier(self.serial, disk_id) for disk_id in data.disks}
        for device in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id):
            identifiers = {ident for domain, ident in device.identifiers if domain == DOMAIN}
            if identifiers and not identifiers & keep:
                LOGGER.info("Removing %s: the disk is gone", device.name)
                registry.async_update_device(
                    device.id, remove_config_entry_id=self.config_entry.entry_id
                )

    def _translate(self, err: VapixError) -> Exception:
        if (key := credentials_problem(err)) is not None:
            return ConfigEntryAuthFailed(
                translation_domain=DOMAIN,
                translation_key=key,
                translation_placeholders=(
                    {"fingerprint": format_fingerprint(err.fingerprint)}
                    if isinstance(err, VapixCertificateMismatchError)
                    else None
                ),
            )
        return UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="update_failed",
            translation_placeholders={"error": str(err)},
        )


def poll_phase(key: str) -> float:
    """A camera's stable place in the poll interval, in [0, 1), from its unique id."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8]) / 2**64


def next_poll(now: float, interval: float, phase: float) -> float:
    """The first time at `phase` of the interval that is at least half an interval away.

    The place is rounded down to a whole second: the cameras that share a second poll
    together, so their requests and answers share the event loop's wakeups (a refresh alone
    pays for its own), while the seconds of the interval share the cameras out.
    """
    offset = math.floor(phase * interval)
    periods = math.ceil((now + interval / 2 - offset) / interval)
    return periods * interval + offset


def disk_identifier(serial: str, disk_id: str) -> str:
    """The device registry identifier of a disk."""
    return f"{serial}_{disk_id}"


async def _optional[T, D](call: Awaitable[T], default: D) -> T | D:
    """Await a read the device may refuse or lack; give `default` then."""
    try:
        return await call
    except (VapixRequestError, VapixNotSupportedError, VapixForbiddenError) as err:
        LOGGER.debug("Optional read refused: %s", err)
        return default
