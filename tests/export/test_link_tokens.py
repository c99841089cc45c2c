"""Link tokens and the record of written files, without HTTP (the view is tested in integration)."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from yarl import URL

from custom_components.axis_edge_storage.const import DOMAIN
from custom_components.axis_edge_storage.export import links as export_links
from custom_components.axis_edge_storage.export.links import (
    DATA_LINKS,
    ExportLinks,
    async_get_links,
    servable,
)


@pytest.fixture
def entry(hass: HomeAssistant) -> MockConfigEntry:
    """A camera's config entry (not set up: the record only needs its id)."""
    config_entry = MockConfigEntry(domain=DOMAIN, unique_id="ACCC8E000001")
    config_entry.add_to_hass(hass)
    return config_entry


def _write(folder: Path, name: str, data: bytes = b"\x1a\x45\xdf\xa3video") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


async def _record(links: ExportLinks, entry_id: str, path: Path) -> Any:
    data = path.read_bytes()
    return await links.async_record(entry_id, path, len(data), hashlib.sha256(data).hexdigest())


async def _reload(hass: HomeAssistant) -> ExportLinks:
    hass.data.pop(DATA_LINKS)
    return await async_get_links(hass)


async def test_tokens(hass: HomeAssistant, entry: MockConfigEntry, tmp_path: Path) -> None:
    links = await async_get_links(hass)
    assert "key" not in repr(links)
    record = await _record(links, entry.entry_id, _write(tmp_path, "a.mkv"))
    url = URL(links.url(entry.entry_id, record, timedelta(hours=1)))
    token = url.query["token"]
    assert url.path == f"/api/{DOMAIN}/exports/{entry.entry_id}/a.mkv"
    assert abs(int(token.split(".")[0]) - (time.time() + 3600)) < 5
    assert links.verify(entry.entry_id, record, token)
    expires, signature = token.split(".")
    for bad in (
        f"²{expires}.{signature}",  # a digit that int() refuses
        f"{expires}.{signature}=",
        f" {token}",
        f"{expires}.{signature[:-1]}",
        "",
    ):
        assert not links.verify(entry.entry_id, record, bad), bad
    assert not links.verify("other-entry", record, token)
    past = links.token(entry.entry_id, record, int(time.time()) - 1)
    assert not links.verify(entry.entry_id, record, past)


async def test_the_record_survives_a_restart_and_forgets_what_is_gone(
    hass: HomeAssistant, entry: MockConfigEntry, tmp_path: Path
) -> None:
    links = await async_get_links(hass)
    kept = await _record(links, entry.entry_id, _write(tmp_path, "kept.mkv"))
    gone = await _record(links, entry.entry_id, _write(tmp_path, "gone.mkv"))
    await links.async_record("removed-entry", _write(tmp_path / "x", "x.mkv"), 9, "0" * 64)
    token = links.token(entry.entry_id, kept, int(time.time()) + 60)
    (tmp_path / "gone.mkv").unlink()

    links = await _reload(hass)
    assert links.lookup(entry.entry_id, "kept.mkv") == kept
    assert links.verify(entry.entry_id, kept, token)  # the same key after the restart
    assert links.lookup("removed-entry", "x.mkv") is None  # no such entry any more
    assert servable(kept) == tmp_path / "kept.mkv"
    assert servable(gone) is None
    await links.async_prune(entry.entry_id)
    assert links.lookup(entry.entry_id, "gone.mkv") is None
    assert (await _reload(hass)).lookup(entry.entry_id, "gone.mkv") is None

    await links.async_forget_entry(entry.entry_id)
    assert (await _reload(hass)).lookup(entry.entry_id, "kept.mkv") is None


async def test_a_malformed_key_is_replaced(
    hass: HomeAssistant, hass_storage: dict[str, Any], entry: MockConfigEntry
) -> None:
    hass_storage[f"{DOMAIN}.link_key"] = {"version": 1, "key": f"{DOMAIN}.link_key",
                                         "data": {"key": "not hex"}}  # fmt: skip
    await async_get_links(hass)
    key = hass_storage[f"{DOMAIN}.link_key"]["data"]["key"]
    assert len(bytes.fromhex(key)) == 32


async def test_the_record_keeps_the_newest_files(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(export_links, "MAX_FILES_PER_CAMERA", 2)
    links = await async_get_links(hass)
    for name in ("a.mkv", "b.mkv", "c.mkv"):
        await _record(links, entry.entry_id, _write(tmp_path, name))
    assert links.lookup(entry.entry_id, "a.mkv") is None
    assert links.lookup(entry.entry_id, "c.mkv") is not None
