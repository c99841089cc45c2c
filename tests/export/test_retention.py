"""Retention: old exports are removed from the integration's own folder, nowhere else."""

from __future__ import annotations

import os
import time
from pathlib import Path

from homeassistant.core import HomeAssistant

from custom_components.axis_edge_storage.export.folders import default_export_root
from custom_components.axis_edge_storage.export.retention import async_remove_old_exports

from .conftest import Folders

DAY = 86400


def _make(path: Path, age_days: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"video")
    stamp = time.time() - age_days * DAY
    os.utime(path, (stamp, stamp))
    return path


async def test_retention_removes_only_old_exports_under_the_root(
    hass: HomeAssistant, folders: Folders
) -> None:
    root = folders.root
    assert root == default_export_root(hass) == folders.media / "axis_edge_storage"
    old_mkv = _make(root / "front_door" / "front_door_a_b.mkv", 10)
    old_zip = _make(root / "garage" / "garage_a_b.zip", 8)
    stale_part = _make(root / "garage" / ".garage_c_d.mkv.part", 9)
    fresh = _make(root / "front_door" / "front_door_c_d.mkv", 1)
    # An MP4 goes with its thumbnail; a remux's stale temporary file goes too.
    old_mp4 = _make(root / "front_door" / "front_door_e_f.mp4", 10)
    old_jpg = _make(root / "front_door" / "front_door_e_f.jpg", 10)
    stale_tmp = _make(root / "front_door" / "..front_door_g_h.mp4.part.12.34.tmp", 9)
    fresh_jpg = _make(root / "front_door" / "front_door_c_d.jpg", 1)
    not_an_export = _make(root / "front_door" / "notes.txt", 30)
    outside = _make(folders.outside / "old.mkv", 30)
    elsewhere_in_media = _make(folders.media / "other.mkv", 30)
    # A symlink to an old file outside, and a symlinked folder leading outside: not followed.
    link = root / "front_door" / "link.mkv"
    link.symlink_to(outside)
    os.utime(link, (time.time() - 30 * DAY,) * 2, follow_symlinks=False)
    (root / "escape").symlink_to(folders.outside, target_is_directory=True)

    removed = await async_remove_old_exports(hass, root, 7)

    gone = [old_mkv, old_zip, stale_part, old_mp4, old_jpg, stale_tmp]
    assert sorted(removed) == sorted(gone)
    for path in gone:
        assert not path.exists()
    for path in (fresh, fresh_jpg, not_an_export, outside, elsewhere_in_media):
        assert path.is_file()
    assert link.is_symlink()
    assert (root / "escape" / "old.mkv").is_file()


async def test_retention_zero_days_keeps_everything(hass: HomeAssistant, folders: Folders) -> None:
    old = _make(folders.root / "cam" / "cam_a_b.mkv", 400)
    assert await async_remove_old_exports(hass, folders.root, 0) == []
    assert await async_remove_old_exports(hass, folders.root, -1) == []
    assert old.is_file()


async def test_retention_without_a_root_folder(hass: HomeAssistant, folders: Folders) -> None:
    assert not folders.root.exists()
    assert await async_remove_old_exports(hass, folders.root, 7) == []


async def test_retention_does_not_walk_a_symlinked_root(
    hass: HomeAssistant, folders: Folders
) -> None:
    """A camera folder that is a symlink to a folder elsewhere: nothing there is removed."""
    elsewhere = _make(folders.outside / "cam" / "cam_a_b.mkv", 30)
    folders.root.mkdir(parents=True)
    camera = folders.root / "cam"
    camera.symlink_to(folders.outside / "cam", target_is_directory=True)
    assert await async_remove_old_exports(hass, camera, 7) == []
    assert elsewhere.is_file()
    assert camera.is_symlink()
