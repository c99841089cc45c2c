"""Download links: they survive a restart, bind to their file and expiry, serve only our files.

A link is the entry, the file name and a token (expiry + HMAC-SHA256 with the integration's
own persisted key). Home Assistant's ``async_sign_path`` secret is made anew at every start,
which is simulated here by forgetting it (and everything the integration keeps in memory).
"""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .test_export_clip import FOLDER_NAME, camera_id, export

RESTART_FORGETS = ("http.auth.sign_secret", f"{DOMAIN}_export_links")


async def _two_files(hass: HomeAssistant) -> list[dict[str, Any]]:
    now = dt_util.now()
    files = []
    for minutes in (30, 20):
        response = await export(
            hass, device_id=camera_id(hass), at=now - timedelta(minutes=minutes), before=5, after=5
        )
        files.extend(response["files"])
    return files


async def _restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """As after a restart: the entry set up again, nothing kept in memory."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    for key in RESTART_FORGETS:
        hass.data.pop(key, None)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def _with_token(url: str, token: str) -> str:
    return str(URL(url).with_query({"token": token}))


async def test_a_link_survives_a_restart(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    [item] = (await export(hass, device_id=camera_id(hass), at=dt_util.now(), before=20))["files"]
    content = Path(item["path"]).read_bytes()
    url = item["url"]
    assert url.startswith(f"/api/{DOMAIN}/exports/{loaded.entry_id}/{Path(item['path']).name}?")

    await _restart(hass, loaded)

    client = await hass_client_no_auth()
    download = await client.get(url)
    assert download.status == HTTPStatus.OK
    assert await download.read() == content
    assert download.headers["Content-Disposition"].endswith(f'"{Path(item["path"]).name}"')
    partial = await client.get(url, headers={"Range": "bytes=4-7"})
    assert partial.status == HTTPStatus.PARTIAL_CONTENT
    assert await partial.read() == content[4:8] == b"ftyp"  # an MP4 (the default format)
    # The key is persisted, never in a link or a log (but the test harness's storage mock's).
    key = hass_storage[f"{DOMAIN}.link_key"]["data"]["key"]
    assert len(bytes.fromhex(key)) == 32
    assert key not in url
    logged = [
        record.getMessage()
        for record in caplog.records
        if not record.name.startswith("pytest_homeassistant_custom_component")
    ]
    assert logged
    assert not [message for message in logged if key in message]


async def test_a_link_expires(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The validity option (default 24 h) holds across a restart, and not a second longer."""
    [item] = (await export(hass, device_id=camera_id(hass), at=dt_util.now(), before=20))["files"]
    client = await hass_client_no_auth()
    freezer.tick(timedelta(hours=23, minutes=59))
    await _restart(hass, loaded)
    assert (await client.get(item["url"])).status == HTTPStatus.OK
    freezer.tick(timedelta(minutes=2))
    assert (await client.get(item["url"])).status == HTTPStatus.UNAUTHORIZED


async def test_a_link_opens_only_its_own_file(
    hass: HomeAssistant, loaded: MockConfigEntry, hass_client_no_auth: ClientSessionGenerator
) -> None:
    first, second = await _two_files(hass)
    client = await hass_client_no_auth()
    token = URL(first["url"]).query["token"]
    expires, _, signature = token.partition(".")
    assert (await client.get(first["url"])).status == HTTPStatus.OK
    refused = {
        "another file": _with_token(second["url"], token),
        "a later expiry": _with_token(first["url"], f"{int(expires) + 3600}.{signature}"),
        "a changed signature": _with_token(
            first["url"], f"{expires}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
        ),
        "no signature": _with_token(first["url"], expires),
        "garbage": _with_token(first["url"], "x" * 50),
        "no token": URL(first["url"]).path,
        "another camera": first["url"].replace(loaded.entry_id, "0" * len(loaded.entry_id)),
    }
    for what, url in refused.items():
        assert (await client.get(url)).status == HTTPStatus.UNAUTHORIZED, what


async def test_only_files_the_integration_wrote_are_served(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A file put by hand, or an export changed since, is served to nobody."""
    first, second = await _two_files(hass)
    folder = Path(first["path"]).parent
    by_hand = folder / "by_hand.mkv"
    shutil.copy(first["path"], by_hand)
    token = URL(first["url"]).query["token"]
    hand_url = f"/api/{DOMAIN}/exports/{loaded.entry_id}/by_hand.mkv"

    anonymous = await hass_client_no_auth()
    assert (await anonymous.get(_with_token(hand_url, token))).status == HTTPStatus.UNAUTHORIZED
    user = await hass_client()
    assert (await user.get(hand_url)).status == HTTPStatus.NOT_FOUND
    # A signed-in user needs no token for an export.
    assert (await user.get(URL(second["url"]).path)).status == HTTPStatus.OK

    # The export rewritten (same size, other bytes): its link no longer opens it.
    data = bytearray(Path(second["path"]).read_bytes())
    data[-1] ^= 0xFF
    Path(second["path"]).write_bytes(bytes(data))
    assert (await anonymous.get(second["url"])).status == HTTPStatus.NOT_FOUND
    assert (await user.get(URL(second["url"]).path)).status == HTTPStatus.NOT_FOUND
    # Replaced by a symlink to another file: not served either.
    Path(first["path"]).unlink()
    Path(first["path"]).symlink_to(by_hand)
    assert (await anonymous.get(first["url"])).status == HTTPStatus.NOT_FOUND


async def test_a_symlinked_media_folder_still_gives_a_link(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    sim: Simulator,
    tmp_path: Path,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    real = tmp_path / "disk" / "media"
    real.mkdir(parents=True)
    media = tmp_path / "media"
    media.symlink_to(real, target_is_directory=True)
    hass.config.media_dirs = {"local": str(media)}
    hass.config.allowlist_external_dirs = {str(media)}
    assert await async_setup_component(hass, "http", {})
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    [item] = (await export(hass, device_id=camera_id(hass), at=dt_util.now(), before=20))["files"]
    assert Path(item["path"]).parent == real / "axis_edge_storage" / FOLDER_NAME
    assert item["url"] is not None
    client = await hass_client_no_auth()
    download = await client.get(item["url"])
    assert download.status == HTTPStatus.OK
    assert await download.read() == Path(item["path"]).read_bytes()


async def test_a_removed_camera_is_forgotten(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    hass_storage: dict[str, Any],
) -> None:
    """Removing the camera drops its files from the record at once; its links are dead."""
    [item] = (await export(hass, device_id=camera_id(hass), at=dt_util.now(), before=20))["files"]
    await hass.async_block_till_done()
    assert await hass.config_entries.async_remove(loaded.entry_id)
    await hass.async_block_till_done()
    record = hass_storage[f"{DOMAIN}.exported_files"]["data"]
    assert loaded.entry_id not in str(record)
    client = await hass_client_no_auth()
    assert (await client.get(item["url"])).status == HTTPStatus.UNAUTHORIZED
