"""Retention never deletes through a symlink: a symlinked camera folder is left alone."""

from __future__ import annotations

import os
import time
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .test_export_clip import FOLDER_NAME

MONTH = 30 * 86400


async def test_retention_does_not_follow_a_symlinked_camera_folder(
    hass: HomeAssistant, config_entry: MockConfigEntry, tmp_path: Path
) -> None:
    """The camera's folder links to a folder elsewhere: its old files survive retention."""
    media = tmp_path / "media"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    hass.config.media_dirs = {"local": str(media)}
    hass.config.allowlist_external_dirs = {str(media)}
    root = media / "axis_edge_storage"
    root.mkdir(parents=True)
    (root / FOLDER_NAME).symlink_to(elsewhere, target_is_directory=True)
    old = [elsewhere / "old.mkv", elsewhere / "old.zip", elsewhere / ".old.mkv.part"]
    for path in old:
        path.write_bytes(b"not ours")
        os.utime(path, (time.time() - MONTH,) * 2)
    # An old export in a real folder of another camera still goes.
    other = root / "other_camera" / "old.mkv"
    other.parent.mkdir()
    other.write_bytes(b"x")
    os.utime(other, (time.time() - MONTH,) * 2)

    assert await async_setup_component(hass, "http", {})
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert all(path.is_file() for path in old)
    assert (root / FOLDER_NAME).is_symlink()
    assert other.is_file()  # retention of this camera touches its own folder only
