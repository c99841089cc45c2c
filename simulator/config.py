"""Configuration of the simulated camera."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

AuthMode = Literal["digest", "basic", "both"]

#: The Digest algorithms the simulator can offer and check.
DIGEST_ALGORITHMS = ("MD5", "MD5-sess", "SHA-256", "SHA-256-sess")
#: The export formats the simulator can make.
EXPORT_FORMATS = ("matroska", "mp4")


@dataclass
class SimulatorConfig:
    """Settings of one simulated Axis camera.

    Attributes:
        username: Name of the administrator account.
        password: Password of the administrator account.
        operator_password: Password of the ``operator`` account.
        viewer_password: Password of the ``viewer`` account.
        auth: Which HTTP authentication schemes are offered and accepted (may be changed
            while serving, e.g. to ``"basic"`` to play a downgrading proxy).
        digest_algorithms: The Digest algorithms offered, one challenge each, in this order
            (any of ``DIGEST_ALGORITHMS``); a response with any of them is accepted.
        job_speed: Progress of device jobs in percent per simulated second.
        tls: Serve HTTPS with a self-signed certificate made at start.
        cache_dir: Directory for generated media; ``None`` uses a temporary directory.
        media_profile: Name of the media profile ("light" or "heavy").
        serial: Serial number (the MAC address without colons).
        local_storage: Whether the product has edge storage at all.
        legacy_firmware: Old firmware: ``basicdeviceinfo.cgi`` answers 404.
        health_json: ``disks/gethealth.cgi`` answers JSON instead of XML.
        nonce_lifetime: Seconds a digest nonce stays fresh.
        seed: Seed of the random generator (recording ids, share ids, ...).
        bandwidth_mbit: Pace export bodies (``exportrecording.cgi``) like a link of this
            many Mbit/s, shared by concurrent exports; ``None``: as fast as the machine
            goes (sendfile).
        export_formats: The export formats the camera offers (any of ``EXPORT_FORMATS``), one
            ``ExportCapabilities`` element each in ``record/export/capabilities.cgi``; another
            ``exportformat`` answers error 170.
        history_days: Whole days of history on the SD card before the factory timeline
            (continuous and motion recordings at fixed times of day; see
            ``simulator/history.py``); 0: the factory timeline only.
        events_iso: Event notifications carry ISO 8601 timestamps and ``"true"``/``"false"``
            (as the ``axis`` library's fixtures) instead of epoch milliseconds and
            ``"1"``/``"0"`` (as captured from devices).
    """

    username: str = "root"
    password: str = "pass"
    operator_password: str = "operator"
    viewer_password: str = "viewer"
    auth: AuthMode = "digest"
    digest_algorithms: tuple[str, ...] = ("MD5",)
    job_speed: float = 10.0
    tls: bool = False
    cache_dir: Path | None = None
    media_profile: str = "light"
    serial: str = "ACCC8E012345"
    local_storage: bool = True
    legacy_firmware: bool = False
    health_json: bool = False
    nonce_lifetime: float = 300.0
    seed: int = 0
    bandwidth_mbit: float | None = None
    export_formats: tuple[str, ...] = ("matroska",)
    history_days: int = 0
    events_iso: bool = False

    def __post_init__(self) -> None:
        """Refuse export formats the simulator cannot make, and a negative history."""
        unknown = [f for f in self.export_formats if f not in EXPORT_FORMATS]
        if unknown or not self.export_formats:
            raise ValueError(
                f"export_formats must be some of {', '.join(EXPORT_FORMATS)}: {self.export_formats}"
            )
        if self.history_days < 0:
            raise ValueError(f"history_days must be 0 or more: {self.history_days}")
