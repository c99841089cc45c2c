"""The last step of a file: verified by its own content, made MP4, given a thumbnail (BLOCKING).

A body can end early without anyone noticing: an HTTP/1.0 answer without a length ends when
the connection closes, so a connection cut half-way looks like a short, complete file. So the
file itself is the proof. A video file is demuxed at both ends (no decoding, `media.probe_ends`:
a cut is always at the end, and the ends say what the file covers): its container must end
where its own structure says, its last packets within the file, and its first and last frames
must cover the part asked, within one GOP at each end (up to now for an ongoing recording:
`media.check_covers`). A few megabytes are read, whatever the size of the file.
A zip (an export with a password: AES-256, never opened here) must end with its central
directory, which the camera writes last.

MP4 asked and the camera gave Matroska: the Matroska is remuxed as it arrives (no re-encoding,
`remux_streamed`: handed over in memory, `media.handoff`) into the MP4's own ``.part``, then
checked whole by what arrived, and the MP4 verified, hashed, fsynced and renamed. When that
cannot be done, the Matroska is a hidden ``.part`` remuxed whole after its download
(`media.remux_to_mp4`).

A video file gets a thumbnail: one JPEG of its first key frame, ``<file stem>.jpg`` beside it,
made only where no file of that name exists (never replacing one). A zip gets none: its picture
would not be protected by the password.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from homeassistant.util import dt as dt_util

from ..media import MediaError, MediaProblem, VideoSpan, check_covers, probe_ends, remux_to_mp4
from ..media import write_thumbnail as write_jpeg
from ..media.handoff import Handoff, Received
from ..media.reader import is_cut, sniff
from ..media.remux import estimate_packets, remux_stream_to_mp4
from .errors import ExportError
from .files import PartFile
from .models import Planned

_OPEN_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True, slots=True)
class Asked:
    """What one file must hold: the part's range (cut at now) and the key-frame start."""

    start: datetime
    end: datetime
    origin: datetime  # the proper start, when the file does not say when its first frame is

    @classmethod
    def of(cls, item: Planned) -> Asked:
        """The range of a planned part."""
        return cls(item.part.start, item.part.stop, item.start)


def verify(path: Path, asked: Asked) -> VideoSpan:
    """Demux the ends of `path` and check it covers `asked` (see the module docstring)."""
    span = probe_ends(path, origin=asked.origin)
    check_covers(span, asked.start, asked.end)
    return span


def verify_zip(path: Path) -> None:
    """A zip must end with its central directory, and its entries fit in it."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError):
        raise MediaError(MediaProblem.TRUNCATED, {"reason": "no central directory"}) from None
    if not entries or sum(entry.compress_size for entry in entries) > path.stat().st_size:
        raise MediaError(MediaProblem.TRUNCATED, {"reason": "entries past the end"})


def remux_streamed(
    handoff: Handoff, target: PartFile, asked: Asked, reserved: Callable[[], None]
) -> bool:
    """Remux the Matroska handed over as it downloads into the opened MP4 `target`'s part.

    `reserved` is called once the index's room is reserved (the download may stop keeping the
    Matroska then). Returns whether the MP4 is made; False when the whole file must be
    remuxed (see `media.remux_stream_to_mp4`). A download that fails ends the remux.
    """
    try:
        made = remux_stream_to_mp4(
            handoff,
            _part_path(target),
            origin=asked.origin,
            reserved=reserved,
            progress=target.advanced,  # on the disk as it grows: a short fsync at the end
        )
    finally:
        handoff.close()  # nothing more is taken
    if handoff.abandoned:  # what was made is discarded with the target
        raise OSError("the download failed")
    return made


def remux(
    source: PartFile, target: PartFile, asked: Asked, received: Received | None = None
) -> tuple[Path, int, str]:
    """Make the MP4 `target` from the Matroska `source`; verify, hash and commit it.

    `received`: the MP4 was made from the Matroska as it arrived (`remux_streamed`), and this
    is what arrived; else the whole file `source` is remuxed here. Either way the Matroska
    must end where its own structure says. Returns the MP4's path, size and SHA-256. The
    caller discards both part files on a failure; `source` is discarded here once the MP4 is
    renamed.
    """
    matroska = source.close_part()
    mp4 = target.adopt()
    if received is not None:
        if is_cut(received, sniff(received)):
            raise MediaError(MediaProblem.TRUNCATED, {"reason": "cut container"})
    else:
        # The index's room reserved from the header's count (cheap), not the data moved.
        packets = estimate_packets(matroska)
        remux_to_mp4(matroska, mp4, origin=asked.origin, packets=packets)
    verify(mp4, asked)
    sha256 = sha256_of(mp4)
    final = target.commit()
    source.discard()
    return final, target.size, sha256


def sha256_of(path: Path) -> str:
    """The hex SHA-256 of a file just written (read from the page cache).

    The MP4's index is written at its front last, so the file cannot be hashed as it is made.
    """
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _part_path(part_file: PartFile) -> Path:
    if part_file.part is None:
        raise RuntimeError("the part file is not open")
    return part_file.part


def write_thumbnail(video: Path) -> Path | None:
    """``<stem>.jpg`` beside `video`, unless a file of that name exists; the path, or None."""
    target = video.with_suffix(".jpg")
    try:
        os.close(os.open(target, _OPEN_NEW, 0o644))  # the name is ours: never replace a file
    except FileExistsError:
        return None
    try:
        write_jpeg(video, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def media_error(err: MediaError, name: str) -> ExportError:
    """The translated export error for a file that failed its verification."""
    if err.problem is MediaProblem.NOT_COVERED:
        details = err.details
        return ExportError(
            "export_incomplete",
            {
                "file": name,
                "first": _local(details.get("first")),
                "last": _local(details.get("last")),
                "start": _local(details.get("start")),
                "end": _local(details.get("end")),
            },
        )
    if err.problem is MediaProblem.TRUNCATED:
        return ExportError("export_truncated", {"file": name})
    return ExportError("export_unreadable", {"file": name})


def _local(value: str | None) -> str:
    """An ISO time of a media error, in Home Assistant's time zone to the second."""
    if not value:
        return "?"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return "?"
    return dt_util.as_local(moment).isoformat(timespec="seconds")
