"""Fixtures for the clip export engine: a simulated camera, HA's shared session, folders."""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from custom_components.axis_edge_storage.export.errors import ExportError
from custom_components.axis_edge_storage.export.exporter import ClipExporter
from custom_components.axis_edge_storage.export.folders import default_export_root, sanitize_name
from custom_components.axis_edge_storage.vapix import AxisEdgeStorage
from simulator import Simulator
from simulator.state import Recording as SimRecording

CAMERA = "Front Door"
PACKAGE = Path(__file__).parents[2] / "custom_components" / "axis_edge_storage"
#: The English messages of the errors: the ``exceptions`` of strings.json, their only source.
MESSAGES: dict[str, str] = {
    key: value["message"]
    for key, value in json.loads((PACKAGE / "strings.json").read_text(encoding="utf-8"))[
        "exceptions"
    ].items()
}


@dataclass
class Folders:
    """The test's folders: HA's media dir, the export root, an allowed and a forbidden dir."""

    base: Path
    media: Path
    root: Path
    allowed: Path
    outside: Path

    def files(self) -> list[Path]:
        """Every file (and symlink) anywhere under the test's base folder."""
        return sorted(p for p in self.base.rglob("*") if p.is_file() or p.is_symlink())


@pytest.fixture
def folders(hass: HomeAssistant, tmp_path: Path) -> Folders:
    """Point HA's media dir and allowlist at the test's own folders."""
    base = tmp_path / "fs"
    media = base / "media"
    allowed = base / "allowed"
    outside = base / "outside"
    for folder in (media, allowed, outside):
        folder.mkdir(parents=True)
    hass.config.media_dirs = {"local": str(media)}
    hass.config.allowlist_external_dirs = {str(media), str(allowed)}
    return Folders(base, media, default_export_root(hass), allowed, outside)


def make_device(
    hass: HomeAssistant, simulator: Simulator, username: str = "root", password: str = "pass"
) -> AxisEdgeStorage:
    """A client on HA's shared session."""
    return AxisEdgeStorage(
        async_get_clientsession(hass),
        "127.0.0.1",
        port=simulator.port,
        username=username,
        password=password,
    )


@pytest.fixture
async def device(hass: HomeAssistant, sim: Simulator) -> AxisEdgeStorage:
    """The admin client of the default simulator."""
    return make_device(hass, sim)


def make_exporter(
    hass: HomeAssistant, device: AxisEdgeStorage, camera_name: str = CAMERA
) -> ClipExporter:
    """An exporter writing to the default folder of `camera_name`."""
    return ClipExporter(
        hass,
        device,
        camera_name=camera_name,
        default_folder=default_export_root(hass) / sanitize_name(camera_name),
    )


@pytest.fixture
async def exporter(hass: HomeAssistant, device: AxisEdgeStorage, folders: Folders) -> ClipExporter:
    """The exporter of the camera "Front Door"."""
    return make_exporter(hass, device)


@dataclass
class Timeline:
    """The simulator's initial recordings on SD_DISK (see simulator/state.py)."""

    first: SimRecording  # continuous T-5h .. T-3h
    second: SimRecording  # continuous T-3h .. T-1h00m20s (adjacent to the first)
    ongoing: SimRecording  # continuous from T-1h, ongoing
    motion: SimRecording  # triggered, inside the first
    mjpeg: SimRecording  # Motion JPEG (not exportable), inside the first


def timeline(simulator: Simulator) -> Timeline:
    """Read the simulator's initial timeline."""
    recordings = sorted(simulator.state.recordings.values(), key=lambda r: r.start)
    continuous = [r for r in recordings if r.recordingtype == "continuous"]
    first, second, ongoing = continuous
    assert first.stop == second.start
    assert ongoing.stop is None
    motion = next(r for r in recordings if r.eventid == "motion")
    mjpeg = next(r for r in recordings if r.mimetype == "image/jpeg")
    return Timeline(first, second, ongoing, motion, mjpeg)


def placeholder_names(message: str) -> set[str]:
    """The {placeholders} of a message."""
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def render(err: ExportError) -> str:
    """The English message a user reads: strings.json's, with the error's placeholders."""
    return MESSAGES[err.translation_key].format(**err.placeholders)


def check_error(err: ExportError, key: str, *, user_error: bool | None = None) -> None:
    """The error has the key, exactly the placeholders its message uses, and no URL."""
    assert err.translation_key == key, str(err)
    assert key in MESSAGES, key
    assert set(err.placeholders) == placeholder_names(MESSAGES[key])
    text = f"{render(err)} {err.placeholders}"
    assert "http" not in text
    assert "127.0.0.1" not in text
    assert "pass" not in text.replace("password", "")
    if user_error is not None:
        assert err.user_error is user_error
