"""Download links of exported clips that keep working across restarts, and what we wrote.

A link is ``/api/axis_edge_storage/exports/<entry id>/<file name>?token=<expires>.<signature>``:

* ``expires``: Unix time (whole seconds) after which the link no longer works; the camera's
  *Download link validity* option (1 hour to 1 year) after the export.
* ``signature``: HMAC-SHA256, base64url without padding, over the entry id, the file name,
  the file's size and SHA-256 as written, and ``expires``, with the integration's own key:
  32 random bytes made once and kept in ``.storage/axis_edge_storage.link_key`` (private,
  never logged, never in diagnostics). Home Assistant's ``async_sign_path`` is not used: its
  secret is made anew at every start, so its links died at every restart.

The token is checked in constant time (`hmac.compare_digest`); a changed expiry, entry, name
or a file rewritten since makes it fail. Links of every camera share the key; removing
``.storage/axis_edge_storage.link_key`` revokes every link at the next start.

Only files the integration wrote are served, to a token or to a signed-in user: each file
written is recorded (``.storage/axis_edge_storage.exported_files``: per camera, name, resolved
folder, size, SHA-256 and modification time) and served only while the file on disk is
still a regular file (not a symlink) of that size and modification time, in that folder.
A file put into the folder by hand has no record. The record keeps the newest
`MAX_FILES_PER_CAMERA` files of a camera and forgets files that are gone.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import os
import re
import secrets
import stat
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey
from yarl import URL

from ..const import DOMAIN

_LOGGER = logging.getLogger(__name__)

DOWNLOAD_PATH: Final = f"/api/{DOMAIN}/exports"
TOKEN_PARAM: Final = "token"  # noqa: S105 (the name of a query parameter)
KEY_BYTES: Final = 32
MAX_FILES_PER_CAMERA: Final = 5000
STORAGE_VERSION: Final = 1
KEY_STORE: Final = f"{DOMAIN}.link_key"
FILES_STORE: Final = f"{DOMAIN}.exported_files"

_TOKEN = re.compile(r"(?P<expires>[0-9]{1,12})\.(?P<signature>[A-Za-z0-9_-]{43})")

DATA_LINKS: HassKey[ExportLinks] = HassKey(f"{DOMAIN}_export_links")
_DATA_LOCK: HassKey[asyncio.Lock] = HassKey(f"{DOMAIN}_export_links_lock")


@dataclass(frozen=True, slots=True)
class WrittenFile:
    """A file the integration wrote: where, and what it was when written."""

    folder: str
    name: str
    size: int
    sha256: str
    mtime_ns: int

    @property
    def path(self) -> Path:
        """The file's path (its folder resolved when written)."""
        return Path(self.folder) / self.name

    @classmethod
    def from_dict(cls, data: Any) -> WrittenFile | None:
        """Read a stored record; None when it is malformed."""
        try:
            record = cls(
                folder=str(data["folder"]),
                name=str(data["name"]),
                size=int(data["size"]),
                sha256=str(data["sha256"]),
                mtime_ns=int(data["mtime_ns"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        return record if Path(record.name).name == record.name else None


def servable(record: WrittenFile) -> Path | None:
    """The file's path if it is still the file written: regular, same size and time (BLOCKING)."""
    path = record.path
    try:
        info = os.lstat(path)
        folder = path.parent.resolve(strict=True)
    except OSError:
        return None
    if (
        not stat.S_ISREG(info.st_mode)
        or info.st_size != record.size
        or info.st_mtime_ns != record.mtime_ns
        or folder != Path(record.folder)
    ):
        return None
    return path


def _stat_written(path: Path, size: int, sha256: str) -> WrittenFile:
    """The record of a file just written (BLOCKING)."""
    info = os.lstat(path)
    return WrittenFile(
        folder=str(path.parent.resolve(strict=True)),
        name=path.name,
        size=size,
        sha256=sha256,
        mtime_ns=info.st_mtime_ns,
    )


def _gone(records: list[WrittenFile]) -> set[str]:
    """Names of the records whose file is no longer the file written (BLOCKING)."""
    return {record.name for record in records if servable(record) is None}


class ExportLinks:
    """The link key and the record of written files, shared by every camera."""

    def __init__(
        self,
        hass: HomeAssistant,
        key: bytes,
        store: Store[dict[str, Any]],
        files: dict[str, dict[str, WrittenFile]],
    ) -> None:
        """Hold a loaded key and record; use `async_get_links`."""
        self._hass = hass
        self._key = key
        self._store = store
        self._files = files

    def __repr__(self) -> str:
        """Never show the key."""
        return f"<ExportLinks cameras={len(self._files)}>"

    # -- the record ----------------------------------------------------------------------------

    def lookup(self, entry_id: str, name: str) -> WrittenFile | None:
        """The record of a file a camera's export wrote, if any."""
        return self._files.get(entry_id, {}).get(name)

    async def async_record(self, entry_id: str, path: Path, size: int, sha256: str) -> WrittenFile:
        """Record a file just written (and save the record at once)."""
        record = await self._hass.async_add_executor_job(_stat_written, path, size, sha256)
        files = self._files.setdefault(entry_id, {})
        files.pop(record.name, None)
        files[record.name] = record
        while len(files) > MAX_FILES_PER_CAMERA:
            del files[next(iter(files))]
        await self._async_save()
        return record

    async def async_prune(self, entry_id: str) -> None:
        """Forget the camera's files that are gone or changed."""
        files = self._files.get(entry_id)
        if not files:
            return
        gone = await self._hass.async_add_executor_job(_gone, list(files.values()))
        if gone:
            for name in gone:
                files.pop(name, None)
            await self._async_save()

    async def async_forget_entry(self, entry_id: str) -> None:
        """Forget a removed camera's files: its links stop working."""
        if self._files.pop(entry_id, None):
            await self._async_save()

    async def _async_save(self) -> None:
        await self._store.async_save(
            {
                "files": {
                    entry_id: [asdict(record) for record in files.values()]
                    for entry_id, files in self._files.items()
                    if files
                }
            }
        )

    # -- links ---------------------------------------------------------------------------------

    def _signature(self, entry_id: str, record: WrittenFile, expires: int) -> str:
        message = "\n".join(
            ("v1", entry_id, record.name, str(record.size), record.sha256, str(expires))
        ).encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def token(self, entry_id: str, record: WrittenFile, expires: int) -> str:
        """The token of a link to `record` valid until `expires` (Unix time)."""
        return f"{expires}.{self._signature(entry_id, record, expires)}"

    def url(self, entry_id: str, record: WrittenFile, validity: timedelta) -> str:
        """A download link to `record`, valid for `validity` from now."""
        expires = int(time.time() + validity.total_seconds())
        link = URL(f"{DOWNLOAD_PATH}/{entry_id}/{record.name}")
        return str(link.with_query({TOKEN_PARAM: self.token(entry_id, record, expires)}))

    def sign(self, purpose: str, message: bytes) -> str:
        """HMAC-SHA256 (base64url, no padding) of `message` for another kind of link.

        `purpose` (e.g. ``"hls1"``) is signed first, so that no other kind of link and no
        download link ("v1") can be made from a signature of another purpose.
        """
        if not purpose or purpose == "v1" or "\n" in purpose:
            raise ValueError("a signing purpose must be a non-empty name other than v1")
        digest = hmac.new(self._key, purpose.encode() + b"\0" + message, hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()

    def check(self, purpose: str, message: bytes, signature: str) -> bool:
        """Whether `signature` is `sign(purpose, message)` (constant time)."""
        return hmac.compare_digest(self.sign(purpose, message).encode(), signature.encode())

    def verify(self, entry_id: str, record: WrittenFile, token: str) -> bool:
        """Whether `token` is a valid, unexpired link to `record` of that camera."""
        match = _TOKEN.fullmatch(token)
        if match is None:
            return False
        expires = int(match["expires"])
        expected = self._signature(entry_id, record, expires)
        valid = hmac.compare_digest(expected.encode(), match["signature"].encode())
        return valid and time.time() < expires


async def _async_load(hass: HomeAssistant) -> ExportLinks:
    key_store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, KEY_STORE, private=True)
    stored = await key_store.async_load() or {}
    try:
        key = bytes.fromhex(str(stored.get("key", "")))
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        if stored:
            _LOGGER.warning("The stored download link key is malformed; making a new one")
        key = secrets.token_bytes(KEY_BYTES)
        await key_store.async_save({"key": key.hex()})

    files_store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, FILES_STORE, private=True)
    data = await files_store.async_load() or {}
    known = {entry.entry_id for entry in hass.config_entries.async_entries(DOMAIN)}
    files: dict[str, dict[str, WrittenFile]] = {}
    raw = data.get("files")
    for entry_id, items in (raw if isinstance(raw, dict) else {}).items():
        if entry_id not in known or not isinstance(items, list):
            continue
        records = (WrittenFile.from_dict(item) for item in items)
        files[entry_id] = {record.name: record for record in records if record is not None}
    return ExportLinks(hass, key, files_store, files)


async def async_get_links(hass: HomeAssistant) -> ExportLinks:
    """The integration's links and record, loaded (or the key made) on first use."""
    if (links := hass.data.get(DATA_LINKS)) is not None:
        return links
    async with hass.data.setdefault(_DATA_LOCK, asyncio.Lock()):
        if (links := hass.data.get(DATA_LINKS)) is None:
            links = hass.data[DATA_LINKS] = await _async_load(hass)
    return links
