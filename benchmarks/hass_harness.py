"""One Home Assistant in this process, made as the test harness makes it, for benchmarks."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from unittest.mock import patch

from aiohttp.resolver import AsyncResolver
from homeassistant import loader
from homeassistant.core import HomeAssistant
from homeassistant.helpers import frame
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    async_test_home_assistant,
)


@asynccontextmanager
async def home_assistant() -> AsyncIterator[HomeAssistant]:
    """Home Assistant with custom integrations enabled, in a temporary config dir.

    As in the test harness, the shared session resolves names without zeroconf (which would need
    the `network` integration); the cameras are IP addresses, which aiohttp never resolves.
    """
    with (
        tempfile.TemporaryDirectory(prefix="bench-hass-") as config_dir,
        patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            return_value=AsyncResolver(),
        ),
    ):
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            frame.async_setup(hass)
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
            try:
                yield hass
            finally:
                await hass.async_stop(force=True)


def quiet_logging() -> None:
    """Warnings and errors only, without the two that every benchmark run expects.

    The custom-integration warning of Home Assistant's loader, and aiohttp's note that no
    faster zlib is installed.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    logging.getLogger("aiohttp_fast_zlib").setLevel(logging.ERROR)
