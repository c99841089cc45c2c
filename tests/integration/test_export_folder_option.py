"""The export folder option: a configured folder is where the camera's exports go.

It is its own root: Home Assistant must allow it (``allowlist_external_dirs`` or a media
folder), checked at every export, off the event loop.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.axis_edge_storage.const import CONF_EXPORT_FOLDER, DOMAIN
from simulator import Simulator

from .conftest import SERIAL, TITLE, entry_data
from .test_export_clip import camera_id, capture, export


@pytest.fixture
def media(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Home Assistant's media folder; `tmp_path/clips` is allowed too."""
    folder = tmp_path / "media"
    folder.mkdir()
    hass.config.media_dirs = {"local": str(folder)}
    hass.config.allowlist_external_dirs = {str(folder), str(tmp_path / "clips")}
    return folder


async def _setup(hass: HomeAssistant, sim: Simulator, folder: Path) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=TITLE,
        unique_id=SERIAL,
        data=entry_data(sim),
        options={CONF_EXPORT_FOLDER: str(folder)},
    )
    entry.add_to_hass(hass)
    assert await async_setup_component(hass, "http", {})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def _files(base: Path) -> list[Path]:
    return sorted(p for p in base.rglob("*") if p.is_file())


async def test_export_to_the_configured_folder(
    hass: HomeAssistant,
    sim: Simulator,
    media: Path,
    tmp_path: Path,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """An allowed folder set in the options receives the files, and they have a link."""
    clips = tmp_path / "clips"
    await _setup(hass, sim, clips)
    at = dt_util.now() - timedelta(minutes=5)
    response = await export(hass, device_id=camera_id(hass), at=at, before=10, after=10)

    [item] = response["files"]
    path = Path(item["path"])
    assert path.parent == clips
    assert item["thumbnail"] == str(path.with_suffix(".jpg"))
    assert _files(tmp_path) == sorted([path, path.with_suffix(".jpg")])
    client = await hass_client_no_auth()
    download = await client.get(item["url"])
    assert download.status == HTTPStatus.OK
    assert await download.read() == path.read_bytes()


async def test_a_configured_folder_no_longer_allowed(
    hass: HomeAssistant, sim: Simulator, media: Path, tmp_path: Path
) -> None:
    """The folder was allowed when set; no longer: a translated refusal, nothing written."""
    clips = tmp_path / "clips"
    await _setup(hass, sim, clips)
    hass.config.allowlist_external_dirs = {str(media)}
    failed = capture(hass, "failed")
    with pytest.raises(ServiceValidationError) as info:
        await export(hass, device_id=camera_id(hass), at=dt_util.now(), before=10)
    assert info.value.translation_key == "folder_not_allowed"
    assert info.value.translation_placeholders == {"folder": str(clips)}
    assert [event.data["error"] for event in failed] == ["folder_not_allowed"]
    assert _files(tmp_path) == []
    assert not clips.exists()
