"""The client of one device: every Edge storage API on one transport."""

from __future__ import annotations

from typing import Unpack

import aiohttp

from .client import ClientOptions, VapixClient
from .device_info import ProductInfoApi
from .disk_properties import DiskPropertiesApi
from .disks import DiskManagementApi
from .export import ExportApi
from .network_shares import NetworkShareApi
from .params import ParamApi
from .recordings import RecordingApi
from .storage_limit import StorageLimitApi


class AxisEdgeStorage:
    """Edge storage of one Axis device.

    The aiohttp session is injected (Home Assistant's shared session) and never closed here.
    The keywords are those of `VapixClient`: ``ssl_fingerprint`` pins the certificate of an
    HTTPS device whose certificate is not verified, ``require_digest`` refuses Basic
    authentication (for a device known to use Digest: see `used_digest`),
    ``max_response_bytes`` caps every XML, JSON and text answer.
    """

    def __init__(
        self, session: aiohttp.ClientSession, host: str, **options: Unpack[ClientOptions]
    ) -> None:
        """Describe the device; nothing is sent until the first call."""
        self.client = VapixClient(session, host, **options)
        self.device_info = ProductInfoApi(self.client)
        self.params = ParamApi(self.client)
        self.disks = DiskManagementApi(self.client)
        self.disk_properties = DiskPropertiesApi(self.client)
        self.network_shares = NetworkShareApi(self.client)
        self.recordings = RecordingApi(self.client)
        self.exports = ExportApi(self.client)
        self.storage_limits = StorageLimitApi(self.client)

    @property
    def used_digest(self) -> bool:
        """Whether the device accepted Digest authentication (persist it: `require_digest`)."""
        return self.client.used_digest
