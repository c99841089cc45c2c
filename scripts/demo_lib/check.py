"""`scripts/demo --check`: export the last minute through Home Assistant's API and verify it."""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .demo import DOMAIN, Demo
from .processes import DemoError

ACTION = "export_clip"
EBML_MAGIC = bytes.fromhex("1A45DFA3")  # every Matroska (and WebM) file starts with it
MP4_FTYP = b"ftyp"  # an MP4's first box, after its 4-byte size
SHA256_HEX_LENGTH = 64
CLIP = timedelta(seconds=60)


@dataclass(frozen=True)
class ExportedFile:
    """A file the action reported, verified on disk."""

    path: Path
    size: int
    sha256: str
    start: str
    stop: str
    media: str  # what PyAV read in it


def _probe(path: Path) -> tuple[float | None, str]:
    """Demux the file with PyAV (in .venv for the tests): its duration and a description."""
    try:
        import av  # noqa: PLC0415 (only the check needs it)
    except ImportError:
        return None, "not probed (PyAV is not installed)"
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise DemoError(f"{path} holds no video stream")
            stream = container.streams.video[0]
            frames = sum(1 for packet in container.demux(stream) if packet.pts is not None)
            seconds = (container.duration or 0) / 1_000_000
            description = (
                f"{container.format.name}, {stream.codec_context.name} video, "
                f"{seconds:.1f} s, {frames} frames"
            )
    except av.FFmpegError as err:
        raise DemoError(f"{path} does not open as a video: {err}") from None
    return seconds, description


@dataclass(frozen=True)
class ExportResult:
    """What the check exported, and how long the action took."""

    start: datetime
    end: datetime
    files: list[ExportedFile]
    total_bytes: int
    proper_start: Any
    seconds: float


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _verify_file(entry: Any, allowed: Path) -> ExportedFile:
    """One `files` item of the response against the file it names."""
    if not isinstance(entry, dict):
        raise DemoError(f"a `files` item is not an object: {entry!r}")
    missing = [key for key in ("path", "size", "sha256") if key not in entry]
    if missing:
        raise DemoError(f"a `files` item lacks {', '.join(missing)}: {entry}")
    path = Path(str(entry["path"]))
    size, sha256 = entry["size"], str(entry["sha256"]).lower()
    if not path.is_absolute():
        raise DemoError(f"the exported path is not absolute: {path}")
    if not path.resolve().is_relative_to(allowed.resolve()):
        raise DemoError(f"the file {path} is outside the demo's media folder {allowed}")
    if not path.is_file():
        raise DemoError(f"the action reported {path}, but there is no such file")
    on_disk = path.stat().st_size
    if not isinstance(size, int) or size <= 0:
        raise DemoError(f"the action reported a size of {size!r} bytes for {path}")
    if on_disk != size:
        raise DemoError(f"{path} has {on_disk} bytes; the action reported {size}")
    if len(sha256) != SHA256_HEX_LENGTH:
        raise DemoError(f"the reported sha256 {sha256!r} is not 64 hex digits")
    actual = _sha256(path)
    if actual != sha256:
        raise DemoError(f"sha256 of {path} is {actual}; the action reported {sha256}")
    with path.open("rb") as handle:
        head = handle.read(8)
    if path.suffix == ".mp4":  # the default format: an ISO BMFF file starts with its ftyp box
        if head[4:8] != MP4_FTYP:
            raise DemoError(f"{path} does not start with an ftyp box (got {head.hex()})")
    elif head[: len(EBML_MAGIC)] != EBML_MAGIC:
        raise DemoError(f"{path} does not start with the EBML magic 1A45DFA3 (got {head.hex()})")
    seconds, media = _probe(path)
    if seconds is not None and seconds < CLIP.total_seconds() - 1:
        raise DemoError(f"{path} lasts {seconds:.1f} s; {CLIP.total_seconds():.0f} s were asked")
    leftovers = sorted(p.name for p in path.parent.glob("*.part"))
    if leftovers:
        raise DemoError(f"partial files left next to the export: {', '.join(leftovers)}")
    return ExportedFile(
        path=path,
        size=size,
        sha256=sha256,
        start=str(entry.get("start", "")),
        stop=str(entry.get("stop", "")),
        media=media,
    )


def _log_since(log: Path, offset: int) -> str:
    """What Home Assistant logged after `offset` (to explain a failed call)."""
    try:
        with log.open("rb") as handle:
            handle.seek(offset)
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.strip().splitlines()[-30:])


async def check_export(demo: Demo) -> ExportResult:
    """Call `axis_edge_storage.export_clip` for the last minute; verify what it wrote."""
    services = await demo.hass.get("/api/services")
    ours: dict[str, Any] = next((s["services"] for s in services if s["domain"] == DOMAIN), {})
    if ACTION not in ours:
        available = ", ".join(sorted(ours)) or "none"
        raise DemoError(
            f"the action {DOMAIN}.{ACTION} is not registered in Home Assistant "
            f"(actions of {DOMAIN}: {available}); the integration does not provide it yet"
        )
    end = datetime.now(UTC).replace(microsecond=0)
    start = end - CLIP
    log_offset = demo.log.stat().st_size if demo.log.exists() else 0
    began = time.monotonic()
    try:
        answer = await demo.hass.post(
            f"/api/services/{DOMAIN}/{ACTION}?return_response",
            {
                "device_id": demo.camera_device_id,
                "start": start.isoformat(),
                "end": end.isoformat(),
            },
            limit=600,
        )
    except DemoError as err:
        await asyncio.sleep(0.5)  # let the log catch up
        raise DemoError(
            f"{DOMAIN}.{ACTION} failed: {err}\n"
            f"Home Assistant logged:\n{_log_since(demo.log, log_offset) or '(nothing)'}"
        ) from None
    seconds = time.monotonic() - began
    response = answer.get("service_response") if isinstance(answer, dict) else None
    if not isinstance(response, dict):
        raise DemoError(f"{DOMAIN}.{ACTION} returned no response data: {answer!r}")
    files = response.get("files")
    if not isinstance(files, list) or not files:
        raise DemoError(f"{DOMAIN}.{ACTION} returned no files: {response}")
    verified = [await asyncio.to_thread(_verify_file, entry, demo.media_dir) for entry in files]
    total = sum(f.size for f in verified)
    if response.get("total_bytes") != total:
        raise DemoError(
            f"total_bytes is {response.get('total_bytes')!r}; the files add up to {total}"
        )
    return ExportResult(
        start=start,
        end=end,
        files=verified,
        total_bytes=total,
        proper_start=response.get("proper_start"),
        seconds=seconds,
    )
