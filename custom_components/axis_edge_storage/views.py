"""Authenticated downloads of exported clips (range requests supported).

`GET /api/axis_edge_storage/exports/<entry_id>/<file name>` serves a file of that camera's
export folder to a signed-in user, or to anyone holding a signed link (`async_sign_path`) until
it expires. Only plain file names of the folder are served: no paths, no hidden files.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from aiohttp import web
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView

from .const import DOMAIN
from .coordinator import AxisEdgeStorageConfigEntry
from .export_queue import DOWNLOAD_PATH

CONTENT_TYPES = {".mkv": "video/x-matroska", ".zip": "application/zip"}


def _regular_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


class ExportDownloadView(HomeAssistantView):
    """Serve exported clips."""

    url = DOWNLOAD_PATH + "/{entry_id}/{filename}"
    name = f"api:{DOMAIN}:exports"
    requires_auth = True

    async def get(self, request: web.Request, entry_id: str, filename: str) -> web.StreamResponse:
        """Send the file, or 404 for anything that is not an export of that camera."""
        hass = request.app[KEY_HASS]
        entry: AxisEdgeStorageConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
        if (
            entry is None
            or entry.domain != DOMAIN
            or not hasattr(entry, "runtime_data")
            or "/" in filename
            or "\\" in filename
            or filename.startswith(".")
            or Path(filename).suffix not in CONTENT_TYPES
        ):
            return web.Response(status=HTTPStatus.NOT_FOUND)
        path = entry.runtime_data.exports.folder / filename
        if not await hass.async_add_executor_job(_regular_file, path):
            return web.Response(status=HTTPStatus.NOT_FOUND)
        return web.FileResponse(
            path,
            headers={
                "Content-Type": CONTENT_TYPES[path.suffix],
                "Content-Disposition": f'attachment; filename="{filename}"',
            },
        )
