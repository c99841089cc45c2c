"""Where clip exports go: names (pure), folders and their free space (BLOCKING).

A name is ``<prefix>_<start>_<stop>`` in Home Assistant's local time, the prefix the camera's
name or the request's, sanitized (letters, digits, ``_`` and ``-``). The integration's own
folder is ``<media>/axis_edge_storage``; another folder must be allowed by Home Assistant.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from homeassistant.util import slugify

from .errors import ExportError

EXPORT_FOLDER_NAME: Final = "axis_edge_storage"
_NAME_TIME = "%Y%m%d-%H%M%S"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def default_export_root(hass: HomeAssistant) -> Path:
    """Return the integration's own export folder: ``<media>/axis_edge_storage``."""
    media = hass.config.media_dirs.get("local") or hass.config.path("media")
    return Path(media) / EXPORT_FOLDER_NAME


def sanitize_name(name: str) -> str:
    """Return a safe file name part: letters, digits, ``_`` and ``-`` only (``../x`` -> ``x``)."""
    slug = slugify(name)[:64].rstrip("_-") if name.strip() else ""
    return slug if _SAFE_NAME.match(slug) and slug != "unknown" else "camera"


def check_name(name: str) -> str:
    """Validate a user-given file name prefix and return its sanitized form."""
    if (
        not name.strip()
        or "/" in name
        or "\\" in name
        or ".." in name
        or any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name)
    ):
        shown = "".join(ch if ch.isprintable() else "?" for ch in name)[:100]
        raise ExportError("invalid_name", {"name": shown}, user_error=True)
    return sanitize_name(name)


def file_stem(prefix: str, start: datetime, stop: datetime) -> str:
    """``<prefix>_<start>_<stop>``, times in Home Assistant's local time."""
    first = dt_util.as_local(start).strftime(_NAME_TIME)
    return f"{prefix}_{first}_{dt_util.as_local(stop).strftime(_NAME_TIME)}"


def disk_space(folder: Path) -> tuple[int, int]:
    """Free and total bytes of the file system of `folder` or its nearest existing parent."""
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    usage = shutil.disk_usage(probe)
    return usage.free, usage.total


def may_write_in(is_allowed_path: Callable[[str], bool], folder: Path) -> bool:
    """Whether Home Assistant allows files in `folder` (which need not exist yet).

    ``is_allowed_path`` checks a path that does not exist by its parent; asking about a file
    in `folder` checks `folder` itself, so an allowed folder not yet made is allowed.
    """
    return is_allowed_path(str(folder / "_"))


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, symlinks resolved, is `root` or below it."""
    return path.resolve().is_relative_to(root.resolve())


def prepare_folder(folder: Path) -> Path:
    """Create the folder and return it resolved."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve(strict=True)
