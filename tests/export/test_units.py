"""Shapes the simulator cannot produce: a wrong media type or body, overlapping sources."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant

from custom_components.axis_edge_storage.export.errors import ExportError
from custom_components.axis_edge_storage.export.exporter import ClipExporter
from custom_components.axis_edge_storage.export.files import PartFile
from custom_components.axis_edge_storage.export.folders import default_export_root, sanitize_name
from custom_components.axis_edge_storage.export.models import ExportFormat, ExportRequest
from custom_components.axis_edge_storage.vapix import (
    Disk,
    DiskStatus,
    ExportProperties,
    Recording,
    RecordingStatus,
    RecordingType,
)

from ..media.makers import make_video
from .conftest import Folders, check_error

#: These tests follow the camera's own file (the Matroska, byte for byte).
MKV = ExportFormat.MKV

NOW = datetime.now(UTC).replace(microsecond=0)
START = NOW - timedelta(hours=2)


def _recording(
    recording_id: str,
    start: datetime,
    stop: datetime | None,
    *,
    source: str = "1",
    kind: RecordingType = RecordingType.CONTINUOUS,
) -> Recording:
    return Recording(
        recording_id=recording_id,
        disk_id="SD_DISK",
        start=start,
        stop=stop,
        status=RecordingStatus.RECORDING if stop is None else RecordingStatus.COMPLETED,
        recording_type=kind,
        source=source,
    )


class _Stream:
    def __init__(self, content_type: str, body: bytes) -> None:
        self.content_type = content_type
        self.content_length = len(body)
        self.filename = None
        self._body = body

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        for index in range(0, len(self._body), 3):
            yield self._body[index : index + 3]


class _FakeDevice:
    """Just what the exporter calls, answering with chosen shapes."""

    def __init__(self, content_type: str, body: bytes) -> None:
        self.disks = self
        self.recordings = self
        self.exports = self
        self._content_type = content_type
        self._body = body

    async def list(self, **kwargs: Any) -> tuple[Any, ...]:
        if "start" not in kwargs:  # disks.list()
            return (Disk("SD_DISK", "", 100, 100, DiskStatus.OK, locked=False),)
        return (_recording("rec", START, NOW - timedelta(hours=1)),)

    async def properties(
        self, recording_id: str, disk_id: str, *, start: datetime, stop: datetime, **_: Any
    ) -> ExportProperties:
        return ExportProperties(recording_id, "matroska", None, -1, start, stop)

    @asynccontextmanager
    async def export(self, *_args: Any, **_kwargs: Any) -> AsyncIterator[_Stream]:
        yield _Stream(self._content_type, self._body)


@pytest.fixture(scope="module")
def matroska(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real Matroska covering the minute these tests export (START + 1 min to + 2 min)."""
    path = tmp_path_factory.mktemp("mkv") / "minute.mkv"
    origin = (START + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return make_video(path, seconds=61, creation_time=origin).read_bytes()


REAL = b"a real Matroska"  # replaced by the `matroska` fixture's bytes


@pytest.mark.parametrize(
    ("content_type", "body", "ok"),
    [
        ("video/x-matroska", REAL, True),
        ("application/octet-stream", REAL, True),
        ("video/x-matroska", b"\x1a\x45\xdf\xa3rest", False),  # the magic, then no video
        ("text/html", b"\x1a\x45\xdf\xa3rest", False),
        ("application/zip", b"PK\x03\x04rest", False),  # a zip without a password asked
        ("video/x-matroska", b"<html>not a video</html>", False),
        ("video/x-matroska", b"\x1a\x45", False),  # shorter than the magic number
    ],
)
async def test_media_type_and_leading_bytes_are_checked(
    hass: HomeAssistant,
    folders: Folders,
    *,
    content_type: str,
    body: bytes,
    ok: bool,
    matroska: bytes,
) -> None:
    body = matroska if body is REAL else body
    device: Any = _FakeDevice(content_type, body)
    exporter = ClipExporter(
        hass, device, camera_name="cam", default_folder=default_export_root(hass) / "cam"
    )
    request = ExportRequest(
        format=MKV, start=START + timedelta(minutes=1), end=START + timedelta(minutes=2)
    )
    if ok:
        result = await exporter.async_export(request)
        assert result.files[0].path.read_bytes() == body
        return
    with pytest.raises(ExportError) as info:
        await exporter.async_export(request)
    # The right type and magic, then no video: refused by its content (the Matroska's header
    # promises more than the body holds), nothing kept.
    right = content_type != "text/html" and body.startswith(b"\x1a\x45\xdf\xa3")
    check_error(info.value, "export_truncated" if right else "unexpected_content")
    assert folders.files() == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Front Door", "front_door"),
        ("../x", "x"),
        ("..", "camera"),
        ("", "camera"),
        ("Café/Entrée\\Süd", "cafe_entree_sud"),
        ("a" * 300, "a" * 64),
        ("CON", "con"),
    ],
)
def test_sanitize_name(name: str, expected: str) -> None:
    assert sanitize_name(name) == expected


def test_part_file_never_takes_a_used_name(tmp_path: Path) -> None:
    """A .part of a concurrent export, and a final file made meanwhile, are both avoided."""
    (tmp_path / ".clip.mkv.part").write_bytes(b"another export")
    part_file = PartFile(tmp_path, "clip", ".mkv")
    part_file.open()
    assert part_file.part == tmp_path / ".clip_2.mkv.part"
    part_file.write([b"abc", b"def"])
    part_file.hash([b"abc", b"def"])
    (tmp_path / "clip_2.mkv").write_bytes(b"made meanwhile")
    final = part_file.commit()
    assert final == tmp_path / "clip_3.mkv"
    assert final.read_bytes() == b"abcdef"
    assert (tmp_path / "clip_2.mkv").read_bytes() == b"made meanwhile"
    assert part_file.sha256 == hashlib.sha256(b"abcdef").hexdigest()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".clip.mkv.part",
        "clip_2.mkv",
        "clip_3.mkv",
    ]


def test_part_file_discard_stops_everything(tmp_path: Path) -> None:
    discarded_first = PartFile(tmp_path, "a", ".mkv")
    discarded_first.discard()
    discarded_first.open()  # a queued open after a cancellation makes nothing
    discarded_first.write([b"x"])  # nor does a queued write
    assert list(tmp_path.iterdir()) == []
    committed = PartFile(tmp_path, "b", ".mkv")
    committed.open()
    committed.write([b"x"])
    committed.commit()
    committed.discard()  # a finished file of a failed request goes too
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RuntimeError):
        committed.commit()


async def test_a_failing_progress_callback_does_not_stop_the_export(
    hass: HomeAssistant, folders: Folders, caplog: pytest.LogCaptureFixture, matroska: bytes
) -> None:
    device: Any = _FakeDevice("video/x-matroska", matroska)
    exporter = ClipExporter(
        hass, device, camera_name="cam", default_folder=default_export_root(hass) / "cam"
    )

    def progress(_percent: float, _name: str | None) -> None:
        raise ValueError("bug in the caller")

    request = ExportRequest(
        format=MKV, start=START + timedelta(minutes=1), end=START + timedelta(minutes=2)
    )
    result = await exporter.async_export(request, progress)
    assert result.files[0].size == len(matroska)
    assert "Export progress callback failed" in caplog.text


async def test_a_default_folder_outside_the_root_is_refused(
    hass: HomeAssistant, folders: Folders
) -> None:
    device: Any = _FakeDevice("video/x-matroska", b"\x1a\x45\xdf\xa3rest")
    exporter = ClipExporter(hass, device, camera_name="cam", default_folder=folders.outside)
    request = ExportRequest(
        format=MKV, start=START + timedelta(minutes=1), end=START + timedelta(minutes=2)
    )
    with pytest.raises(ExportError) as info:
        await exporter.async_export(request)
    check_error(info.value, "folder_not_allowed", user_error=True)
