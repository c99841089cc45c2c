"""The coordinator: polls the edge storage state of one device.

A steady-state poll costs three requests: disks/list, gethealth and one page of the recordings
overlapping now (explicit limits). The storage settings (network shares, storage limits, alert
levels, disk capabilities) are read at start, when the disks change (a disk appears, disappears,
or changes status, lock or file system), after the integration changes something, and every
few hours, never on every poll.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .connection import async_remember_security, format_fingerprint
from .const import (
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    ONGOING_PAGE_SIZE,
    ONGOING_WINDOW,
    SETTINGS_REFRESH_INTERVAL,
)
from .device_errors import credentials_problem
from .disks import is_present, is_share_slot
from .runtime import AxisEdgeStorageConfigEntry
from .vapix import (
    AlertLevels,
    AxisEdgeStorage,
    Capabilities,
    Disk,
    DiskCapabilities,
    DiskHealth,
    NetworkShare,
    ProductInfo,
    Recording,
    RecordingStatus,
    StorageLimit,
    VapixCertificateMismatchError,
    VapixError,
    VapixForbiddenError,
    VapixNotSupportedError,
    VapixRequestError,
)


@dataclass(frozen=True, slots=True)
class StorageSettings:
    """Data read at start and after changes, not on every poll."""

    shares: tuple[NetworkShare, ...] = ()
    limits: Mapping[str, StorageLimit] = field(default_factory=dict)
    alert_levels: Mapping[str, AlertLevels] = field(default_factory=dict)
    disk_capabilities: Mapping[str, DiskCapabilities] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EdgeStorageData:
    """One snapshot of the device's edge storage."""

    disks: Mapping[str, Disk]
    health: Mapping[str, DiskHealth]
    ongoing: tuple[Recording, ...]
    settings: StorageSettings

    def recording(self, disk_id: str) -> bool:
        """Whether a recording is ongoing on a disk."""
        return any(rec.disk_id == disk_id for rec in self.ongoing)

    @property
    def any_recording(self) -> bool:
        """Whether a recording is ongoing on any disk."""
        return bool(self.ongoing)


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
        )
        self.client = client
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
        for disk in disks:
            if is_present(disk, shares):
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
        )

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
