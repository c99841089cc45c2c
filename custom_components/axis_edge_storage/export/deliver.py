"""One part of an export to one verified file of the asked format, with its thumbnail.

The camera sends what it can: its AES-256 zip with a password, its MP4 when its export
capabilities list one and MP4 is asked, else its Matroska. A Matroska asked as MP4 is
remuxed as it arrives (`finish.remux_streamed`, a thread the download hands the body to in
memory), then checked whole, verified and hashed (`finish.remux`). When the remux cannot
reserve the index's room from the header, the Matroska is kept whole in a hidden ``.part`` and
remuxed after its download; when it fails after it stopped keeping it, the part is downloaded
again and remuxed whole (the error, if any, is then the whole file's); any other file is
downloaded (`download`), then verified by its content (`finish.verify`, `finish.verify_zip`).
A video file then gets its thumbnail. Everything written is listed in the `Delivery`, so that
the exporter removes it all when a later step or part fails.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Buffer, Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from homeassistant.core import HomeAssistant

from ..media import MediaError
from ..media.handoff import Handoff
from ..vapix import AxisEdgeStorage
from .download import Fetch, Report, async_download, async_fetch
from .files import PartFile
from .finish import (
    Asked,
    media_error,
    remux,
    remux_streamed,
    verify,
    verify_zip,
    write_thumbnail,
)
from .folders import file_stem
from .limits import ExportLimits
from .models import ExportedFile, ExportFormat, Planned
from .writeback import WriteBack

_LOGGER = logging.getLogger(__name__)

EXTENSIONS: Final = {
    ExportFormat.MP4: ".mp4",
    ExportFormat.MKV: ".mkv",
    ExportFormat.ZIP: ".zip",
}


class _KernelWriteBack(WriteBack):
    """No early write-back: the kernel writes the dirty pages when it sees fit."""

    def written(self, fd: int, size: int) -> None:
        """Do nothing (see `_SourcePart`)."""


class _SourcePart(PartFile):
    """The camera's Matroska of an MP4 export: handed to the remux as it arrives.

    Each block goes to the remux in memory (`handoff`), and to the ``.part`` file until the
    remux has reserved its index's room (`stream`): from then on the file is not needed (the
    remux makes the MP4 as the body arrives) and no longer written. Not hashed (its SHA-256
    is never answered: the MP4's is), and written through the page cache without an early
    write-back (never ``O_DIRECT``): when the whole file is remuxed after the download, it is
    read from memory, and pages still dirty when it is removed are never written.
    """

    def __init__(self, folder: Path, stem: str, ext: str, reserve: int = 0) -> None:
        super().__init__(folder, stem, ext, reserve)
        self._writeback = _KernelWriteBack()
        self.handoff = Handoff()
        self.streamed = False  # the file stopped: only the remux has the body

    def open(self, direct: bool = False) -> None:
        """Create the ``.part`` (through the cache)."""
        super().open(False)

    def write(self, chunks: Sequence[Buffer]) -> None:
        """Hand the chunks to the remux; append them to the file while it is needed."""
        for chunk in chunks:
            self.handoff.push(chunk)
        if not self.streamed:
            super().write(chunks)

    def stream(self) -> None:
        """The remux reserved its index's room: the file is no longer needed (a thread's call)."""
        self.streamed = True

    def hash(self, chunks: Sequence[Buffer]) -> None:
        """Hash nothing."""


@dataclass(slots=True)
class Delivery:
    """How the parts of one export are delivered, and everything written so far."""

    hass: HomeAssistant
    client: AxisEdgeStorage
    disk_id: str
    folder: Path
    prefix: str
    reserve: int
    limits: ExportLimits
    password: str | None
    wanted: ExportFormat  # what the user gets
    sent: ExportFormat  # what the camera sends
    files: list[PartFile] = field(default_factory=list)
    thumbnails: list[Path] = field(default_factory=list)

    async def _run[T](self, target: Callable[..., T], *args: Any) -> T:
        return await self.hass.async_add_executor_job(target, *args)

    def _fetch(
        self, item: Planned, part_file: PartFile, kind: ExportFormat, report: Report
    ) -> Fetch:
        return Fetch(
            self.hass,
            self.client,
            self.disk_id,
            item,
            part_file,
            self.password,
            kind,
            self.limits,
            report,
        )

    async def async_part(self, item: Planned, report: Report) -> ExportedFile:
        """Deliver one planned part as a verified file (see the module docstring)."""
        stem = file_stem(self.prefix, item.start, item.stop)
        asked = Asked.of(item)
        if self.sent is ExportFormat.MKV and self.wanted is ExportFormat.MP4:
            exported = await self._async_remuxed(item, stem, asked, report)
        else:
            exported = await self._async_as_sent(item, stem, asked, report)
        if exported.format is ExportFormat.ZIP:
            return exported
        try:
            thumbnail = await self._run(write_thumbnail, exported.path)
        except (MediaError, OSError) as err:
            _LOGGER.warning("No thumbnail for %s: %s", exported.path.name, err)
            return exported
        if thumbnail is None:
            _LOGGER.debug("No thumbnail for %s: its name is taken", exported.path.name)
            return exported
        self.thumbnails.append(thumbnail)
        return replace(exported, thumbnail=thumbnail)

    async def _async_as_sent(
        self, item: Planned, stem: str, asked: Asked, report: Report
    ) -> ExportedFile:
        part_file = PartFile(self.folder, stem, EXTENSIONS[self.sent], self.reserve)
        self.files.append(part_file)
        exported = await async_download(self._fetch(item, part_file, self.sent, report))
        try:
            if self.sent is ExportFormat.ZIP:
                await self._run(verify_zip, exported.path)
            else:
                await self._run(verify, exported.path, asked)
        except MediaError as err:
            raise media_error(err, exported.path.name) from None
        return exported

    async def _async_remuxed(
        self, item: Planned, stem: str, asked: Asked, report: Report
    ) -> ExportedFile:
        source = _SourcePart(self.folder, stem, EXTENSIONS[ExportFormat.MKV], self.reserve)
        target = PartFile(
            self.folder,
            stem,
            EXTENSIONS[ExportFormat.MP4],
            self.reserve,
            WriteBack(keep_cache=True),  # read back at once for its hash
        )
        self.files += [source, target]
        await self._run(target.open)  # the MP4's name is taken before the download
        remuxing = self.hass.async_add_executor_job(
            remux_streamed, source.handoff, target, asked, source.stream
        )
        try:
            await async_fetch(self._fetch(item, source, ExportFormat.MKV, report))
            source.handoff.finish()
            made = await _async_made(remuxing)
        except BaseException:
            source.handoff.fail()  # the remux stops reading
            with contextlib.suppress(Exception):
                await remuxing  # done before the caller removes what it wrote
            raise
        if not made and source.streamed:  # the Matroska was not kept: once more, whole
            _LOGGER.debug("The remux while downloading failed late; downloading again")
            await self._run(source.discard)
            source = _SourcePart(self.folder, stem, EXTENSIONS[ExportFormat.MKV], self.reserve)
            source.handoff.close()  # no remux while downloading
            self.files.append(source)
            await async_fetch(self._fetch(item, source, ExportFormat.MKV, report))
        received = source.handoff.received() if made else None
        try:
            path, size, sha256 = await self._run(remux, source, target, asked, received)
        except MediaError as err:
            raise media_error(err, target.name()) from None
        return ExportedFile(
            path=path,
            size=size,
            sha256=sha256,
            start=item.start,
            stop=item.stop,
            recording_id=item.part.recording.recording_id,
            disk_id=self.disk_id,
            format=ExportFormat.MP4,
        )


async def _async_made(remuxing: Awaitable[bool]) -> bool:
    """Whether the remux while downloading made the MP4 (False: it failed, or could not)."""
    try:
        return await remuxing
    except MediaError as err:  # the whole file says what is wrong (a cut, first)
        _LOGGER.debug("The remux while downloading failed: %s", err)
        return False


def discard_thumbnails(thumbnails: list[Path]) -> None:
    """Remove the thumbnails of a failed export (BLOCKING)."""
    for thumbnail in thumbnails:
        thumbnail.unlink(missing_ok=True)
