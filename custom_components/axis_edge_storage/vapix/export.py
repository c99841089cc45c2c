"""Export recording API: capabilities, properties, streamed export, export to USB, jobs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TypedDict, Unpack

from .api import SCHEMA_VERSION, ApiHandler
from .body import parse_off_loop
from .device_models import SchemaVersion
from .errors import Api, VapixRequestError, VapixResponseError
from .recording_models import (
    ExportCapabilities,
    ExportJob,
    ExportJobState,
    ExportJobStatus,
    ExportProperties,
)
from .stream import Stream
from .xml import (
    Node,
    format_time,
    parse_xml,
    raise_for_error,
    require,
    to_datetime,
    to_int,
    to_str,
)

BASE = "axis-cgi/record/export"
MATROSKA = "matroska"
MP4 = "mp4"
ZIP_AES256 = "zip-aes256"
USB_DISK = "USB_DISK"
_ERROR_BODY_LIMIT = 64 * 1024
_MEDIA_TYPES = (
    "video/x-matroska",
    "video/matroska",
    "video/mp4",
    "application/zip",
    "application/octet-stream",
)


def parse_capabilities(root: Node) -> ExportCapabilities:
    """Read a capabilities.cgi answer."""
    formats = tuple(
        f for node in root.iter("ExportCapabilities") if (f := to_str(node.get("ExportFormat")))
    )
    encryptions = tuple(
        e for node in root.iter("ExportEncryption") if (e := to_str(node.get("EncryptionFormat")))
    )
    return ExportCapabilities(formats, encryptions)


def parse_properties(root: Node) -> tuple[ExportProperties, ...]:
    """Read a properties.cgi answer; `start` is the proper (key-frame) start."""
    return tuple(
        ExportProperties(
            recording_id=recording_id,
            export_format=to_str(node.get("ExportFormat")),
            encryption_format=to_str(node.get("EncryptionFormat")),
            estimated_size_kb=to_int(node.get("EstimatedFileSize")),
            start=to_datetime(node.get("Starttime")),
            stop=to_datetime(node.get("Stoptime")),
        )
        for node in root.iter("ExportProperties")
        if (recording_id := to_str(node.get("RecordingId", "RecordingID"))) is not None
    )


def parse_job_status(job_id: int, root: Node) -> ExportJobStatus:
    """Read a getjobstatus.cgi answer. A failed job is a status, not an exception.

    A failed job may come as ``<JobStatus Status="Failed">`` or as a ``GeneralError`` inside
    the success wrapper; an error outside it (unknown job: 190) raises.
    """
    node = root.find("JobStatus")
    if node is None:
        wrapper = root.find("GetJobStatusSuccess")
        if wrapper is not None and wrapper.find("ErrorCode") is not None:
            try:
                raise_for_error(Api.EXPORT_RECORDING, wrapper)
            except VapixRequestError as err:
                return ExportJobStatus(
                    job_id, ExportJobState.FAILED, None, err.description or err.meaning, err.code
                )
        raise_for_error(Api.EXPORT_RECORDING, root)
        raise VapixResponseError("unexpected getjobstatus.cgi answer: no <JobStatus>")
    description = to_str(node.get("ErrorDescription", "Description"))
    if description is None and (error := root.find("ErrorDescription")) is not None:
        description = to_str(error.text)
    return ExportJobStatus(
        job_id=job_id,
        state=ExportJobState(to_str(node.get("Status")) or "Failed"),
        progress=progress
        if (progress := to_int(node.get("Progress"))) is None or progress >= 0
        else None,
        description=description,
        error_code=to_int(node.get("ErrorCode")),
    )


class RangeOptions(TypedDict, total=False):
    """The keyword arguments every export CGI takes besides the recording and the disk.

    ``export_format`` defaults to ``matroska``; a ``password`` implies ``zip-aes256``.
    """

    start: datetime | None
    stop: datetime | None
    export_format: str | None
    password: str | None
    encryption_format: str | None


def _range_params(recording_id: str, disk_id: str, options: RangeOptions) -> dict[str, object]:
    """The arguments every export CGI shares; a password implies zip-aes256."""
    start, stop = options.get("start"), options.get("stop")
    password = options.get("password")
    encryption_format = options.get("encryption_format")
    if password is not None and encryption_format is None:
        encryption_format = ZIP_AES256
    return {
        "schemaversion": SCHEMA_VERSION,
        "recordingid": recording_id,
        "diskid": disk_id,
        "starttime": format_time(start) if start is not None else None,
        "stoptime": format_time(stop) if stop is not None else None,
        "exportformat": options.get("export_format", MATROSKA),
        "password": password,
        "encryptionformat": encryption_format,
    }


class ExportStream:
    """An export being downloaded: file name, media type, length and the body in chunks."""

    def __init__(self, stream: Stream) -> None:
        """Wrap a checked stream."""
        self._stream = stream

    @property
    def filename(self) -> str | None:
        """The file name the device proposes (Content-Disposition)."""
        return self._stream.content_disposition_filename

    @property
    def content_type(self) -> str:
        """video/x-matroska, or application/zip for an encrypted export."""
        return self._stream.content_type

    @property
    def content_length(self) -> int | None:
        """The length the device announced, if any."""
        return self._stream.content_length

    def iter_chunks(self) -> AsyncIterator[bytes]:
        """Yield the file as it arrives; a broken connection raises `VapixConnectionError`."""
        return self._stream.iter_chunks()


class ExportApi(ApiHandler):
    """record/export/*.cgi."""

    api = Api.EXPORT_RECORDING

    async def schema_versions(self) -> tuple[SchemaVersion, ...]:
        """Return the XML schema versions of the Export recording API."""
        return await self._schema_versions(f"{BASE}/schemaversions.cgi")

    async def capabilities(self) -> ExportCapabilities:
        """Return the export and encryption formats."""
        root = await self._xml(f"{BASE}/capabilities.cgi", {"schemaversion": SCHEMA_VERSION})
        return parse_capabilities(root)

    async def properties(
        self, recording_id: str, disk_id: str, **options: Unpack[RangeOptions]
    ) -> ExportProperties:
        """Return the proper start (key frame), stop and estimated size of an export."""
        params = _range_params(recording_id, disk_id, options)
        found = parse_properties(await self._xml(f"{BASE}/properties.cgi", params))
        if not found:
            raise VapixResponseError("properties.cgi answered no <ExportProperties>")
        return found[0]

    @asynccontextmanager
    async def export(
        self,
        recording_id: str,
        disk_id: str,
        *,
        filename: str | None = None,
        **options: Unpack[RangeOptions],
    ) -> AsyncIterator[ExportStream]:
        """Open an export as a stream; never holds the file in memory.

        The device reports errors as HTTP 200 with an XML body, so the Content-Type decides:
        an XML answer raises the device's `VapixRequestError`.
        """
        params = _range_params(recording_id, disk_id, options)
        params["filename"] = filename
        async with self._client.stream(f"{BASE}/exportrecording.cgi", params) as stream:
            if stream.content_type not in _MEDIA_TYPES:
                body = await stream.read_all(_ERROR_BODY_LIMIT)
                root = await parse_off_loop(body, parse_xml)
                raise_for_error(self.api, root)
                raise VapixResponseError(
                    f"exportrecording.cgi answered {stream.content_type or 'no content type'}"
                )
            yield ExportStream(stream)

    async def export_to_external(
        self,
        recording_id: str,
        disk_id: str,
        *,
        external_disk_id: str = USB_DISK,
        file_path: str | None = None,
        **options: Unpack[RangeOptions],
    ) -> ExportJob:
        """Start exporting to an external disk (USB); one job at a time per device."""
        params = _range_params(recording_id, disk_id, options)
        params |= {"externaldiskid": external_disk_id, "filepath": file_path}
        root = await self._xml(f"{BASE}/exporttoexternal.cgi", params)
        node = require(root, "ExportToExternal")
        job_id = to_int(node.get("JobId", "JobID"))
        if job_id is None:
            raise VapixResponseError("exporttoexternal.cgi answered no JobId")
        return ExportJob(job_id, to_str(node.get("FilePath")))

    async def job_status(self, job_id: int) -> ExportJobStatus:
        """Return the status of an export-to-external job."""
        params = {"schemaversion": SCHEMA_VERSION, "jobid": job_id}
        text = await self._text("GET", f"{BASE}/getjobstatus.cgi", params)
        return await parse_off_loop(
            text, lambda document: parse_job_status(job_id, parse_xml(document))
        )
