"""Downloads of exported clips and their thumbnails (range requests supported).

An MP4 and a thumbnail are served ``inline`` (they play or show where they are opened: a
browser, the companion apps' notifications), unless ``?download=1`` asks for an attachment;
a Matroska file and a zip are always attachments.

`GET /api/axis_edge_storage/exports/<entry_id>/<file name>` serves a file that camera's
exports wrote (see `links`) to a signed-in user, or to anyone holding a link with a
valid, unexpired ``token`` for that very file. The link keeps working across restarts for
its whole validity.

Answers: 401 without a signed-in user and without a valid token (also when the file is
unknown, so that a stranger learns nothing); 404 to a signed-in user for anything that is
not such a file, and to a token whose file is gone, changed, no longer a regular file in its
folder, or in a folder Home Assistant no longer allows. Only plain file names are accepted:
no paths, no hidden files.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from aiohttp import web
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_AUTHENTICATED, KEY_HASS, HomeAssistantView

from ..const import DOMAIN
from .folders import default_export_root, inside
from .links import DOWNLOAD_PATH, TOKEN_PARAM, WrittenFile, async_get_links, servable

CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".mkv": "video/x-matroska",
    ".zip": "application/zip",
    ".jpg": "image/jpeg",
}
#: Played or shown where they are opened (a browser, the companion apps); the others download.
INLINE = frozenset({".mp4", ".jpg"})
DOWNLOAD_PARAM = "download"


def _plain_name(filename: str) -> bool:
    return (
        "/" not in filename
        and "\\" not in filename
        and not filename.startswith(".")
        and Path(filename).suffix in CONTENT_TYPES
    )


def _path_to_serve(hass: HomeAssistant, record: WrittenFile) -> Path | None:
    """The file, if it is still the one written and in an allowed folder (BLOCKING)."""
    path = servable(record)
    if path is None:
        return None
    if hass.config.is_allowed_path(str(path)) or inside(path, default_export_root(hass)):
        return path
    return None


class ExportDownloadView(HomeAssistantView):
    """Serve exported clips to a signed-in user or to a valid link."""

    url = DOWNLOAD_PATH + "/{entry_id}/{filename}"
    name = f"api:{DOMAIN}:exports"
    requires_auth = False  # a signed-in user or a valid token: checked in `get`

    async def get(self, request: web.Request, entry_id: str, filename: str) -> web.StreamResponse:
        """Send the file, or 401/404 (see the module docstring)."""
        hass = request.app[KEY_HASS]
        authenticated = bool(request.get(KEY_AUTHENTICATED, False))
        entry = hass.config_entries.async_get_entry(entry_id)
        links = await async_get_links(hass)
        record = (
            links.lookup(entry_id, filename)
            if entry is not None and entry.domain == DOMAIN and _plain_name(filename)
            else None
        )
        if not authenticated:
            token = request.query.get(TOKEN_PARAM)
            if record is None or token is None or not links.verify(entry_id, record, token):
                return web.Response(status=HTTPStatus.UNAUTHORIZED)
        if record is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        path = await hass.async_add_executor_job(_path_to_serve, hass, record)
        if path is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        inline = path.suffix in INLINE and request.query.get(DOWNLOAD_PARAM) != "1"
        disposition = "inline" if inline else "attachment"
        return web.FileResponse(
            path,
            headers={
                "Content-Type": CONTENT_TYPES[path.suffix],
                "Content-Disposition": f'{disposition}; filename="{path.name}"',
                "Cache-Control": "private, no-store",
            },
        )
