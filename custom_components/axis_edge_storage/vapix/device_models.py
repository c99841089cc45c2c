"""Data models of the device as a whole: identity, edge storage capabilities, API versions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """Identity of the device. `serial` is the MAC address without colons."""

    serial: str
    model: str | None = None
    product_name: str | None = None
    short_name: str | None = None
    brand: str | None = None
    firmware: str | None = None
    hardware_id: str | None = None
    architecture: str | None = None
    soc: str | None = None
    web_url: str | None = None


@dataclass(frozen=True, slots=True)
class Capabilities:
    """Edge storage capabilities from Properties.LocalStorage and Properties.NetworkShare."""

    local_storage: bool
    version: str | None = None
    sd_card: bool = False
    continuous_recording: bool = False
    continuous_recording_profiles: int = 0
    export_recording: bool = False
    storage_limit: bool = False
    disk_encryption: bool = False
    required_filesystem: bool = False
    disk_health: bool = False
    network_share: bool = False
    cifs: bool = False
    raw: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SchemaVersion:
    """One supported XML schema version of an API."""

    version: str
    deprecated: bool

    @property
    def major(self) -> int | None:
        """The major version number."""
        head = self.version.split(".", 1)[0]
        return int(head) if head.isdigit() else None
