"""Identity of the simulated product (brand, model, firmware)."""

from __future__ import annotations

from .config import SimulatorConfig


def identity(config: SimulatorConfig) -> dict[str, str]:
    """The ``basicdeviceinfo`` property list of the simulated camera."""
    legacy = config.legacy_firmware
    return {
        "Architecture": "armv7hf" if legacy else "aarch64",
        "Brand": "AXIS",
        "BuildDate": "Jun 03 2019 12:30" if legacy else "Nov 26 2024 08:50",
        "HardwareID": "7B2" if legacy else "932.1",
        "ProdFullName": "AXIS P3265-LVE Dome Camera",
        "ProdNbr": "P3265-LVE",
        "ProdShortName": "AXIS P3265-LVE",
        "ProdType": "Dome Camera",
        "ProdVariant": "",
        "SerialNumber": config.serial,
        "Soc": "Axis Artpec-7" if legacy else "Axis Artpec-8",
        "SocSerialNumber": "00000000-00000000-44C8C9A1-C0A8E21F",
        "Version": "8.40.4" if legacy else "11.11.73",
        "WebURL": "http://www.axis.com",
    }
