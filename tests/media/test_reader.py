"""HashingReader and the structure checks, on hand-made bytes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from custom_components.axis_edge_storage.media.reader import (
    MATROSKA,
    MP4,
    HashingReader,
    is_cut,
    sniff,
)


def _file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "file.bin"
    path.write_bytes(data)
    return path


def test_reader_hashes_each_byte_once_in_order(tmp_path: Path) -> None:
    data = bytes(range(256)) * 64
    digest = hashlib.sha256()
    with HashingReader(_file(tmp_path, data), digest) as reader:
        assert reader.seekable() and reader.readable()
        assert reader.read(100) == data[:100]
        assert reader.seek(1000) == 1000  # forward past the frontier: not hashed
        assert reader.read(10) == data[1000:1010]
        assert reader.seek(-1010, os.SEEK_CUR) == 0
        assert reader.read(300) == data[:300]  # behind then across the frontier
        assert reader.seek(-5, os.SEEK_END) == len(data) - 5
        assert reader.tell() == len(data) - 5
        assert reader.read() == data[-5:]
        with pytest.raises(OSError, match="before the start"):
            reader.seek(-1)
        reader.finish()
    reader.close()
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest()


def test_finish_without_digest_and_a_shrunk_file(tmp_path: Path) -> None:
    path = _file(tmp_path, b"x" * 1000)
    with HashingReader(path) as reader:
        reader.finish()
    digest = hashlib.sha256()
    with HashingReader(path, digest) as reader:
        os.truncate(path, 10)
        reader.finish()
    assert digest.hexdigest() == hashlib.sha256(b"x" * 10).hexdigest()


def _ebml(segment_size: bytes, body: int) -> bytes:
    header = b"\x1a\x45\xdf\xa3" + b"\x84" + b"\x42\x86\x81\x01"
    return header + b"\x18\x53\x80\x67" + segment_size + b"\x00" * body


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_ebml(b"\x90", 16), False),  # 16 bytes, all there
        (_ebml(b"\x90", 15), True),  # one short
        (_ebml(b"\x01\xff\xff\xff\xff\xff\xff\xff", 3), False),  # unknown size: cannot tell
        (_ebml(b"\x40\x20", 32), False),  # a two-byte size
        (b"\x1a\x45\xdf\xa3", True),  # cut after the magic
        (b"\x1a\x45\xdf\xa3\x00", True),  # a size that is no vint
        (b"\x1a\x45\xdf\xa3\x88\x42", True),  # cut inside the EBML header
        (b"\x1a\x45\xdf\xa3\x81\x00" + b"\x1f\x43\xb6\x75" + b"\x00" * 10, False),  # no Segment
        (b"\x1a\x45\xdf\xa3\x81\x00\x18\x53\x80\x67", True),  # cut before the Segment size
        (b"\x1a\x45\xdf\xa3\x81\x00\x18\x53\x80\x67\x40", True),  # cut inside the size
    ],
)
def test_matroska_structure(tmp_path: Path, data: bytes, expected: bool) -> None:
    with HashingReader(_file(tmp_path, data)) as reader:
        assert sniff(reader) == MATROSKA
        assert is_cut(reader, MATROSKA) is expected


def _box(kind: bytes, body: int, size: int | None = None) -> bytes:
    return (8 + body if size is None else size).to_bytes(4) + kind + b"\x00" * body


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_box(b"ftyp", 8) + _box(b"moov", 8) + _box(b"mdat", 8), False),
        (_box(b"ftyp", 8) + _box(b"mdat", 8), True),  # no moov
        (_box(b"ftyp", 8) + _box(b"moov", 8) + _box(b"mdat", 8)[:-1], True),  # cut in mdat
        (_box(b"ftyp", 8) + _box(b"moov", 8) + b"\x00\x00", True),  # cut in a box header
        (_box(b"ftyp", 8) + _box(b"moov", 8) + _box(b"mdat", 8, size=0), False),  # to the end
        (_box(b"ftyp", 8) + _box(b"moov", 8) + _box(b"mdat", 8, size=4), True),  # bad size
        (
            _box(b"ftyp", 8)
            + _box(b"moov", 8)
            + (1).to_bytes(4)
            + b"mdat"
            + (20).to_bytes(8)
            + b"\x00" * 4,
            False,
        ),  # a 64-bit size
        (_box(b"ftyp", 8) + _box(b"moov", 8) + (1).to_bytes(4) + b"mdat" + b"\x00", True),
    ],
)
def test_mp4_structure(tmp_path: Path, data: bytes, expected: bool) -> None:
    with HashingReader(_file(tmp_path, data)) as reader:
        assert sniff(reader) == MP4
        assert is_cut(reader, MP4) is expected


def test_unknown_files_are_not_judged(tmp_path: Path) -> None:
    with HashingReader(_file(tmp_path, b"RIFF\x00\x00\x00\x00AVI LIST")) as reader:
        assert sniff(reader) is None
        assert is_cut(reader, None) is False
