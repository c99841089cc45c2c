"""The simulated camera without its HTTP front: model, accounts, faults, log, media, link.

``Simulator`` (``simulator/app.py``) serves it; the CGIs and the control surface reach it
through ``simulator/app_keys.py``.
"""

from __future__ import annotations

import asyncio
import functools
import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .auth import Authenticator
from .clock import Clock
from .config import SimulatorConfig
from .event_hub import EventHub
from .faults import Faults
from .media_profiles import get_profile, video_attributes
from .model import DeviceError, Disk
from .pacing import TokenBucket, link_bucket
from .request_log import RequestLog
from .state import DeviceState

if TYPE_CHECKING:
    from .media import MediaLibrary


def _publishing[F: Callable[..., Any]](method: F) -> F:
    """Publish the camera's events after a control call (even one the device refuses)."""

    @functools.wraps(method)
    def wrapper(self: Camera, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        finally:
            self.events.publish()

    return cast("F", wrapper)


class Camera:
    """A simulated Axis camera with edge storage, and the Python controls of tests and demos."""

    def __init__(
        self, config: SimulatorConfig | None = None, *, media: MediaLibrary | None = None
    ) -> None:
        """Create the device model."""
        self.config = config or SimulatorConfig()
        self.clock = Clock()
        self.rng = random.Random(self.config.seed)
        self._media = media
        self._tmp_cache: Path | None = None
        profile = media.profile if media is not None else get_profile(self.config.media_profile)
        self.state = DeviceState(self.config, self.clock, self.rng, video_attributes(profile))
        self.auth = Authenticator(self.config, self.clock)
        self.faults = Faults()
        self.request_log = RequestLog()
        self.events = EventHub(self.state, self.faults)
        self._export_locks: dict[tuple[str, datetime, datetime], asyncio.Lock] = {}
        self._link: TokenBucket | None = None

    # ----------------------------------------------------------------- media
    @property
    def cache_dir(self) -> Path:
        """Where generated media is cached."""
        if self.config.cache_dir is not None:
            return Path(self.config.cache_dir)
        if self._tmp_cache is None:
            self._tmp_cache = Path(tempfile.mkdtemp(prefix="axis-sim-media-"))
        return self._tmp_cache

    @property
    def media(self) -> MediaLibrary:
        """The media library (made on first use: it imports PyAV)."""
        if self._media is None:
            from .media import MediaLibrary  # noqa: PLC0415 - PyAV only when exporting

            self._media = MediaLibrary(self.cache_dir, get_profile(self.config.media_profile))
        return self._media

    def forget_media_cache(self) -> None:
        """Remove the temporary media cache, if one was made (the library is made again)."""
        if self._tmp_cache is not None:
            shutil.rmtree(self._tmp_cache, ignore_errors=True)
            self._tmp_cache = None
            self._media = None

    def export_lock(self, key: str, start: datetime, stop: datetime) -> asyncio.Lock:
        """A lock so that one export range is built once at a time."""
        return self._export_locks.setdefault((key, start, stop), asyncio.Lock())

    def link(self) -> TokenBucket | None:
        """The paced link export bodies share (``config.bandwidth_mbit``); None: unpaced."""
        mbit = self.config.bandwidth_mbit
        if mbit is None:
            return None
        if self._link is None or self._link.rate != mbit * 1_000_000 / 8:
            self._link = link_bucket(mbit)
        return self._link

    # --------------------------------------------------------------- control
    @_publishing
    def advance(self, seconds: float) -> None:
        """Move simulated time forward and apply what happened meanwhile."""
        self.clock.advance(seconds)
        self.state.tick()

    def reboot(self, downtime: float = 0.0) -> None:
        """Reboot: jobs forgotten, nonces and event streams cut, recordings restarted after remount.

        ``downtime`` simulated seconds during which VAPIX requests answer 503.
        """
        self.state.reboot(downtime)
        self.auth.forget_nonces()
        self.events.reboot()

    def set_password(self, username: str, password: str) -> None:
        """Change an account's password, as a user would on the camera's web page."""
        account = self.auth.accounts[username]
        self.auth.accounts[username] = replace(account, password=password)
        self.auth.forget_nonces()

    def expire_nonces(self) -> None:
        """Make every digest nonce issued so far stale."""
        self.auth.expire_nonces()

    @_publishing
    def start_recording(
        self,
        diskid: str = "SD_DISK",
        *,
        eventid: str = "continuous",
        recordingtype: str = "continuous",
    ) -> str:
        """Start an ongoing recording (as an event or profile would); returns its id."""
        self.state.tick()
        rec = self.state.start_recording(
            diskid, recordingtype=recordingtype, eventid=eventid, eventtrigger=eventid
        )
        return rec.recordingid

    @_publishing
    def stop_recording(self, recordingid: str | None = None) -> list[str]:
        """Stop one ongoing recording, or all of them; returns the stopped ids."""
        self.state.tick()
        stopped = []
        for rec in list(self.state.recordings.values()):
            if rec.ongoing and recordingid in (None, rec.recordingid):
                self.state.stop_recording(rec)
                stopped.append(rec.recordingid)
        if recordingid is not None and not stopped:
            raise DeviceError(f"no ongoing recording {recordingid}")
        return stopped

    @_publishing
    def add_disk(
        self, diskid: str = "SD_DISK_2", *, kind: str = "sd", totalsize_kb: int = 31166976
    ) -> Disk:
        """Insert a disk (e.g. a second SD card)."""
        return self.state.add_disk(diskid, kind=kind, totalsize_kb=totalsize_kb)

    @_publishing
    def remove_disk(self, diskid: str) -> None:
        """Pull a disk out; its recordings come back if it is inserted again."""
        self.state.remove_disk(diskid)

    @_publishing
    def patch_disk(self, diskid: str, **fields: Any) -> Disk:
        """Change a disk: status, locked, readonly, health, fs_errors, freesize, ..."""
        return self.state.patch_disk(diskid, fields)

    @_publishing
    def set_usb(self, present: bool) -> None:
        """Insert or remove the USB disk used by export-to-external."""
        self.state.set_usb(present)
