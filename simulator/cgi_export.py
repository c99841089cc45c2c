"""Export recording API: ``/axis-cgi/record/export/*.cgi``."""

from __future__ import annotations

import asyncio
import functools
import logging
import string
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from .auth import Role
from .cgi_common import ApiError, Args, Cgi, CgiSet, get_camera, require
from .clock import compact, format_time, parse_time
from .export_body import send_export
from .media_mp4 import build_mp4
from .model import Recording
from .xmlout import EXPORT, elem, general_error, xml_response

_LOGGER = logging.getLogger(__name__)

BASE = "/axis-cgi/record/export"
API = CgiSet(BASE, EXPORT)
#: The CGIs of this API, for the application.
CGIS: list[Cgi] = API
MATROSKA, MP4 = "matroska", "mp4"
#: What each export format answers: content type and file extension.
_FORMAT_FILES = {MATROSKA: ("video/x-matroska", "mkv"), MP4: ("video/mp4", "mp4")}
ENCRYPTION_FORMATS = ("zip-aes256",)
#: Encryption formats the device knows but does not offer with matroska (error 280).
KNOWN_ENCRYPTION_FORMATS = ("zip-aes256", "zip-aes128", "zip-aes192", "zipcrypto")
MAX_PASSWORD = 512


@dataclass(frozen=True)
class ExportRange:
    """What an export request resolves to."""

    recording: Recording
    start: datetime
    stop: datetime

    @property
    def default_name(self) -> str:
        """``YYYYMMDD_HHMMSS_YYYYMMDD_HHMMSS``."""
        return f"{compact(self.start)}_{compact(self.stop)}"


def _resolve(request: web.Request, args: Args, *, format_required: bool) -> ExportRange:
    sim = get_camera(request)
    state = sim.state
    require(args, "recordingid", "diskid")
    if format_required:
        require(args, "exportformat")
    rec = state.recordings.get(args["recordingid"])
    disk = state.disks.get(args["diskid"])
    if rec is None or rec.diskid != args["diskid"] or disk is None or not disk.mounted:
        raise ApiError(110, "Recording not found.")
    fmt = args.get("exportformat")
    if fmt is not None and fmt not in sim.config.export_formats:
        raise ApiError(170, f"Invalid export format: {fmt}.")
    if rec.mimetype not in ("video/x-h264", "video/x-h265"):
        raise ApiError(180, "Requested export format is not compatible with the media type.")
    try:
        start = parse_time(args["starttime"]) if args.get("starttime") else None
    except ValueError as err:
        raise ApiError(120, "Invalid start time.") from err
    try:
        stop = parse_time(args["stoptime"]) if args.get("stoptime") else None
    except ValueError as err:
        raise ApiError(130, "Invalid stop time.") from err
    now = state.now().replace(microsecond=0)
    rec_end = rec.stop if rec.stop is not None else max(now, rec.start)
    if start is not None and stop is not None and start >= stop:
        raise ApiError(140, "Invalid start time. The requested start time is after the stop time.")
    if start is not None and start >= rec_end:
        raise ApiError(
            150, "Invalid start time. The requested start time is after the recording's stop time."
        )
    if stop is not None and stop <= rec.start:
        raise ApiError(
            160, "Invalid stop time. The requested stop time is before the recording's start time."
        )
    eff_start = max(start or rec.start, rec.start)
    eff_stop = min(stop or rec_end, rec_end)
    aligned = sim.media.align_to_keyframe(rec.start, eff_start)
    return ExportRange(rec, aligned, eff_stop)


def _check_encryption(args: Args) -> str | None:
    """Validate password/encryptionformat (codes 240-280); returns the password if any.

    The AES zip holds a Matroska file only: with ``exportformat=mp4`` any encryption is 280.
    """
    password = args.get("password")
    fmt = args.get("encryptionformat")
    if password is not None and len(password.encode("utf-8")) > MAX_PASSWORD:
        raise ApiError(240, "Invalid password.")
    if password is not None and password == "":
        raise ApiError(240, "Invalid password.")
    if fmt is not None and fmt not in KNOWN_ENCRYPTION_FORMATS:
        raise ApiError(250, f"Invalid encryption format: {fmt}.")
    if fmt is not None and password is None:
        raise ApiError(260, "Password not set.")
    if password is not None and fmt is None:
        raise ApiError(270, "Encryption format not set.")
    if fmt is not None and (fmt not in ENCRYPTION_FORMATS or args.get("exportformat") == MP4):
        raise ApiError(
            280, "Requested encryption format is not compatible with requested export format."
        )
    return password


@API.cgi("schemaversions.cgi", Role.VIEWER, schema=False)
async def schemaversions(_request: web.Request, _args: Args) -> web.StreamResponse:
    """``schemaversions.cgi``."""
    return xml_response(EXPORT.schema_versions())


@API.cgi("capabilities.cgi", Role.VIEWER)
async def capabilities(request: web.Request, _args: Args) -> web.StreamResponse:
    """``capabilities.cgi?schemaversion=1``: one ``ExportCapabilities`` per export format.

    The encryption (an AES zip of the Matroska file) is listed under ``matroska`` only.
    """
    encryption = "".join(
        elem("ExportEncryption", {"EncryptionFormat": enc}) for enc in ENCRYPTION_FORMATS
    )
    inner = "".join(
        elem("ExportCapabilities", {"ExportFormat": fmt}, encryption if fmt == MATROSKA else "")
        for fmt in get_camera(request).config.export_formats
    )
    return xml_response(EXPORT.success(elem("CapabilitiesSuccess", children=inner)))


@API.cgi("properties.cgi", Role.VIEWER)
async def properties(request: web.Request, args: Args) -> web.StreamResponse:
    """``properties.cgi``: key-frame-aligned start, stop and estimated size."""
    rng = _resolve(request, args, format_required=False)
    enc = args.get("encryptionformat")
    if enc is not None and enc not in ENCRYPTION_FORMATS:
        raise ApiError(20, f"Invalid request: unsupported encryptionformat {enc}.")
    if enc is not None and args.get("exportformat") == MP4:
        raise ApiError(
            280, "Requested encryption format is not compatible with requested export format."
        )
    media = get_camera(request).media
    size = media.estimated_size_kb((rng.stop - rng.start).total_seconds())
    props = elem(
        "ExportProperties",
        {
            "RecordingId": rng.recording.recordingid,
            "ExportFormat": args.get("exportformat", MATROSKA),
            "EncryptionFormat": enc,
            "EstimatedFileSize": size,
            "Starttime": format_time(rng.start),
            "Stoptime": format_time(rng.stop),
        },
    )
    return xml_response(EXPORT.success(elem("PropertiesSuccess", children=props)))


def _random_name(request: web.Request) -> str:
    rng = get_camera(request).rng
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(6))


def _clean_filename(name: str) -> str:
    return name.replace("/", "_").replace("\\", "_").replace('"', "_")


@API.cgi("exportrecording.cgi", Role.VIEWER)
async def exportrecording(request: web.Request, args: Args) -> web.StreamResponse:
    """``exportrecording.cgi``: the Matroska or MP4 file (or an AES zip), see ``export_body.py``."""
    sim = get_camera(request)
    rng = _resolve(request, args, format_required=True)
    password = _check_encryption(args)
    loop = asyncio.get_running_loop()
    key = rng.recording.recordingid
    try:
        async with sim.export_lock(key, rng.start, rng.stop):
            mkv = await loop.run_in_executor(
                None,
                functools.partial(
                    sim.media.build_export,
                    key=key,
                    start=rng.start,
                    stop=rng.stop,
                    recording_start=rng.recording.start,
                ),
            )
            mkv_name = _clean_filename(args["filename"]) if args.get("filename") else None
            content_type, extension = _FORMAT_FILES[args["exportformat"]]
            inner_name = f"{mkv_name or rng.default_name}.{extension}"
            if args["exportformat"] == MP4:
                path = await loop.run_in_executor(
                    None, functools.partial(build_mp4, mkv, fps=sim.media.profile.fps)
                )
                filename = inner_name
            elif password is not None:
                path = await loop.run_in_executor(
                    None,
                    functools.partial(
                        sim.media.build_zip, mkv, password=password, inner_name=inner_name
                    ),
                )
                filename = f"{mkv_name or _random_name(request)}.zip"
                content_type = "application/zip"
            else:
                path, filename = mkv, inner_name
    except Exception as err:
        _LOGGER.exception("export of %s failed", key)
        raise ApiError(10, "Error while processing the request.") from err
    headers = {
        "Content-Type": content_type,
        "Content-Disposition": f'attachment; filename="{filename}"',
    }
    raw = sim.faults.take("close_delimited", request.path) or sim.faults.take(
        "cut_chunked", request.path
    )
    fault = sim.faults.take("drop_export", request.path) if raw is None else None
    drop_after = fault.bytes if fault is not None else None
    return await send_export(
        request, path, headers, link=sim.link(), drop_after=drop_after, raw=raw
    )


@API.cgi("exporttoexternal.cgi", Role.VIEWER)
async def exporttoexternal(request: web.Request, args: Args) -> web.StreamResponse:
    """``exporttoexternal.cgi``: start an export job to the USB disk."""
    state = get_camera(request).state
    require(args, "recordingid", "diskid", "externaldiskid", "exportformat")
    if args["externaldiskid"] != "USB_DISK":
        raise ApiError(200, f"Invalid external disk: {args['externaldiskid']}.")
    if not state.usb_present:
        raise ApiError(210, "Unusable external disk: no USB disk is inserted.")
    rng = _resolve(request, args, format_required=True)
    filepath = (
        args.get("filepath") or f"{rng.default_name}.{_FORMAT_FILES[args['exportformat']][1]}"
    )
    if ".." in filepath.replace("\\", "/").split("/") or ".." in filepath:
        raise ApiError(230, "Invalid file path.")
    _check_encryption(args)
    if state.usb_job_running():
        raise ApiError(220, "Maximum number of jobs reached.")
    job = state.start_usb_job(filepath)
    inner = elem(
        "ExportToExternalSuccess",
        children=elem("ExportToExternal", {"JobId": job.jobid, "FilePath": filepath}),
    )
    return xml_response(EXPORT.success(inner))


@API.cgi("getjobstatus.cgi", Role.VIEWER)
async def getjobstatus(request: web.Request, args: Args) -> web.StreamResponse:
    """``getjobstatus.cgi?schemaversion=1&jobid=``."""
    state = get_camera(request).state
    require(args, "jobid")
    raw = args["jobid"].strip()
    if not raw.isdigit():
        raise ApiError(20, "Invalid request: jobid must be an integer.")
    job = state.usb_jobs.get(int(raw))
    if job is None:
        raise ApiError(190, "Job not found.")
    if job.status == "Failed":
        code, description = job.error or (10, "Error while processing the request.")
        inner = general_error(code, description)
    else:
        inner = elem("JobStatus", {"Status": job.status, "Progress": job.progress(state.now())})
    return xml_response(EXPORT.success(elem("GetJobStatusSuccess", children=inner)))
