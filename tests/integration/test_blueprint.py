"""The blueprint: an entity turns on, a clip is exported, a notification carries it.

The notification's data is the companion apps' (iOS and Android at once): the thumbnail as
`image`, an MP4 clip as `video`, the clip's link as `url` (iOS) and `clickAction` (Android).
Each link is fetched over HTTP without signing in, as a phone holding the notification does.
"""

from __future__ import annotations

import shutil
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import SERIAL

BLUEPRINT = (
    Path(__file__).parents[2]
    / "blueprints/automation/axis_edge_storage/export_clip_on_trigger.yaml"
)
TRIGGER = "binary_sensor.front_door_alarm"
LINKS = f"/api/{DOMAIN}/exports/"


async def _notify_on_trigger(
    hass: HomeAssistant, tmp_path: Path, camera: str, **inputs: Any
) -> ServiceCall:
    """An automation made from the blueprint; the trigger turned on; the one notify call."""
    hass.config.config_dir = str(tmp_path)
    target = tmp_path / "blueprints/automation/axis_edge_storage"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT, target / BLUEPRINT.name)
    notifications = async_mock_service(hass, "notify", "phone")
    hass.states.async_set(TRIGGER, "off")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": f"axis_edge_storage/{BLUEPRINT.name}",
                    "input": {
                        "trigger_entity": TRIGGER,
                        "camera": camera,
                        "seconds_before": 5,
                        "seconds_after": 0,
                        "notify_action": "notify.phone",
                        **inputs,
                    },
                }
            }
        },
    )
    hass.states.async_set(TRIGGER, "on")
    await hass.async_block_till_done()
    [call] = notifications
    assert call.data["title"] == "Clip exported"
    return call


@pytest.fixture
async def camera(
    hass: HomeAssistant, config_entry: MockConfigEntry, sim: Simulator, tmp_path: Path
) -> str:
    """The integration set up on the simulator, with the http component; the camera's id."""
    hass.config.media_dirs = {"local": str(tmp_path / "media")}
    assert await async_setup_component(hass, "http", {})
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SERIAL)})
    assert device is not None
    return device.id


def _exported(tmp_path: Path, suffix: str) -> Path:
    [exported] = list((tmp_path / "media" / "axis_edge_storage").rglob(f"*{suffix}"))
    return exported


async def test_mp4_clip_with_its_thumbnail(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    camera: str,
    tmp_path: Path,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """By default: an MP4, attached as the video, its thumbnail as the image, a tap opens it."""
    call = await _notify_on_trigger(hass, tmp_path, camera)
    assert "1 file(s)" in call.data["message"]
    data = call.data["data"]
    assert set(data) == {"image", "video", "url", "clickAction"}
    clip = data["video"]
    assert data["url"] == data["clickAction"] == clip
    assert clip.startswith(f"{LINKS}{config_entry.entry_id}/")
    assert clip in call.data["message"]
    exported = _exported(tmp_path, ".mp4")
    assert URL(clip).name == exported.name
    assert URL(data["image"]).name == exported.with_suffix(".jpg").name

    phone = await hass_client_no_auth()
    video = await phone.get(clip)
    assert video.status == HTTPStatus.OK
    assert video.headers["Content-Type"] == "video/mp4"
    assert video.headers["Content-Disposition"].startswith("inline")
    assert await video.read() == exported.read_bytes()
    first_bytes = await phone.get(clip, headers={"Range": "bytes=4-7"})
    assert first_bytes.status == HTTPStatus.PARTIAL_CONTENT
    assert await first_bytes.read() == b"ftyp"
    download = await phone.get(f"{clip}&download=1")
    assert download.status == HTTPStatus.OK
    assert download.headers["Content-Disposition"].startswith("attachment")

    image = await phone.get(data["image"])
    assert image.status == HTTPStatus.OK
    assert image.headers["Content-Type"] == "image/jpeg"
    assert image.headers["Content-Disposition"].startswith("inline")
    assert (await image.read())[:3] == b"\xff\xd8\xff"  # a JPEG


async def test_mkv_clip_is_not_attached_as_video(
    hass: HomeAssistant,
    camera: str,
    tmp_path: Path,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """`format: mkv` exports Matroska: the thumbnail is shown, a tap downloads the clip.

    The companion apps attach MPEG, MPEG-4 and AVI videos, not Matroska.
    """
    call = await _notify_on_trigger(hass, tmp_path, camera, format="mkv")
    data = call.data["data"]
    assert set(data) == {"image", "url", "clickAction"}
    exported = _exported(tmp_path, ".mkv")
    assert URL(data["url"]).name == exported.name
    assert data["clickAction"] == data["url"]
    assert URL(data["image"]).name == exported.with_suffix(".jpg").name

    phone = await hass_client_no_auth()
    download = await phone.get(data["url"])
    assert download.status == HTTPStatus.OK
    assert download.headers["Content-Type"] == "video/x-matroska"
    assert download.headers["Content-Disposition"].startswith("attachment")
    image = await phone.get(data["image"])
    assert image.status == HTTPStatus.OK
    assert image.headers["Content-Type"] == "image/jpeg"


async def test_thumbnail_only_with_absolute_links(
    hass: HomeAssistant, camera: str, tmp_path: Path
) -> None:
    """Attach the video off: the image is the thumbnail; a link prefix makes links absolute."""
    call = await _notify_on_trigger(
        hass, tmp_path, camera, attach_video=False, link_prefix=" https://ha.example.com/ "
    )
    data = call.data["data"]
    assert set(data) == {"image", "url", "clickAction"}
    prefix = f"https://ha.example.com{LINKS}"
    assert data["image"].startswith(prefix)
    assert data["image"].split("?")[0].endswith(".jpg")
    assert data["url"] == data["clickAction"]
    assert data["url"].startswith(prefix)
    assert data["url"].split("?")[0].endswith(".mp4")
    assert data["url"] in call.data["message"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # With a password: the camera's zip, no thumbnail, never attached.
        (
            [{"format": "zip", "url": f"{LINKS}e/c.zip?token=1", "thumbnail_url": None}],
            {"url": f"{LINKS}e/c.zip?token=1", "clickAction": f"{LINKS}e/c.zip?token=1"},
        ),
        # A file in a folder of the user's (no link), or no file at all.
        ([{"format": "mp4", "url": None, "thumbnail_url": None}], {}),
        ([], {}),
    ],
    ids=["zip", "no_link", "no_file"],
)
async def test_what_is_missing_is_left_out(
    hass: HomeAssistant, tmp_path: Path, files: list[dict[str, Any]], expected: dict[str, str]
) -> None:
    """No thumbnail or no link: no template error, and no empty image, video or link."""

    async def _export(call: ServiceCall) -> ServiceResponse:
        return {"format": "mp4", "files": files, "total_bytes": 0, "proper_start": None}

    hass.services.async_register(
        DOMAIN, "export_clip", _export, supports_response=SupportsResponse.ONLY
    )
    call = await _notify_on_trigger(hass, tmp_path, "0123456789abcdef")
    assert call.data["data"] == expected
    assert f"{len(files)} file(s), 0.0 MiB." in call.data["message"]
