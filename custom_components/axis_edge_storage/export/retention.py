"""Retention: old exports are removed from the integration's own export folder, nowhere else.

The walk never follows a symlink, not even at its top: a camera folder that is a symlink
(to a folder elsewhere, holding files that are not ours) is left alone, and a symlinked
folder inside is not entered. Files are removed relative to a directory file descriptor
(``os.fwalk`` + ``unlink(dir_fd=...)``), so a directory swapped for a symlink during the walk
cannot redirect a removal either.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from pathlib import Path

from homeassistant.core import HomeAssistant

_LOGGER = logging.getLogger(__name__)


def is_export_name(name: str) -> bool:
    """Whether a file name is one of ours: a clip, a thumbnail or a stale ``.*.part``."""
    lowered = name.lower()
    return lowered.endswith((".mp4", ".mkv", ".zip", ".jpg")) or (
        name.startswith(".") and lowered.endswith((".part", ".tmp"))
    )


def _remove_old(root: Path, cutoff: float) -> list[Path]:
    """Remove old exports below `root`; never follows a symlink (BLOCKING)."""
    removed: list[Path] = []
    try:
        top = root.lstat()
    except OSError:
        return removed
    if not stat.S_ISDIR(top.st_mode):
        if stat.S_ISLNK(top.st_mode):
            _LOGGER.warning("Not removing old exports through the symlink %s", root)
        return removed
    # follow_symlinks=False: a symlinked top is not walked, nor any symlinked folder inside.
    for dirpath, _dirnames, filenames, dirfd in os.fwalk(root, follow_symlinks=False):
        for filename in filenames:
            if not is_export_name(filename):
                continue
            try:
                info = os.stat(filename, dir_fd=dirfd, follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode) or info.st_mtime >= cutoff:
                continue
            path = Path(dirpath) / filename
            try:
                os.unlink(filename, dir_fd=dirfd)
            except OSError as err:
                _LOGGER.warning("Could not remove the old export %s: %s", path, err.strerror)
                continue
            removed.append(path)
    return removed


async def async_remove_old_exports(
    hass: HomeAssistant, root: Path, max_age_days: int
) -> list[Path]:
    """Delete exports (clips, thumbnails, stale ``.*.part``) older than `max_age_days`.

    Only regular files below `root` (the integration's own folder) are considered: symlinks
    are neither followed nor removed, and a `root` that is itself a symlink is not walked.
    `max_age_days` <= 0 keeps exports forever. Returns the removed paths.
    """
    if max_age_days <= 0:
        return []
    cutoff = time.time() - max_age_days * 86400
    removed = await hass.async_add_executor_job(_remove_old, root, cutoff)
    if removed:
        _LOGGER.debug("Removed %d export(s) older than %d days", len(removed), max_age_days)
    return removed
