"""Constants of the Axis Edge storage integration."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Final

DOMAIN: Final = "axis_edge_storage"
LOGGER = logging.getLogger(__package__)

CONF_PROTOCOL: Final = "protocol"
CONF_EXPORT_FOLDER: Final = "export_folder"
CONF_EXPORT_RETENTION_DAYS: Final = "export_retention_days"
CONF_LINK_VALIDITY_HOURS: Final = "link_validity_hours"
# Follow the camera's event stream (websocket); off: polling alone.
CONF_EVENTS: Final = "events"
DEFAULT_EVENTS: Final = True
# Entry data of the connection's security: the SHA-256 fingerprint (lower-case hex) of the
# certificate trusted on first use (HTTPS without certificate verification), and whether the
# device answered Digest once, after which a Basic-only challenge is refused.
CONF_SSL_FINGERPRINT: Final = "ssl_fingerprint"
CONF_REQUIRE_DIGEST: Final = "require_digest"

PROTOCOL_HTTP: Final = "http"
PROTOCOL_HTTPS: Final = "https"
DEFAULT_PORTS: Final = {PROTOCOL_HTTP: 80, PROTOCOL_HTTPS: 443}
DEFAULT_USERNAME: Final = "root"

DEFAULT_SCAN_INTERVAL: Final = 30
MIN_SCAN_INTERVAL: Final = 10
MAX_SCAN_INTERVAL: Final = 3600
DEFAULT_RETENTION_DAYS: Final = 7
MAX_RETENTION_DAYS: Final = 3650
DEFAULT_LINK_VALIDITY_HOURS: Final = 24
MAX_LINK_VALIDITY_HOURS: Final = 24 * 365

EVENT_EXPORT_STARTED: Final = f"{DOMAIN}_export_started"
EVENT_EXPORT_COMPLETED: Final = f"{DOMAIN}_export_completed"
EVENT_EXPORT_FAILED: Final = f"{DOMAIN}_export_failed"
EVENT_USB_EXPORT_FINISHED: Final = f"{DOMAIN}_usb_export_finished"
EVENT_JOB_FINISHED: Final = f"{DOMAIN}_job_finished"
# A change of a disk or the camera that a device trigger follows (data: device_id, type).
EVENT_STORAGE_CHANGED: Final = f"{DOMAIN}_storage_changed"

# While the camera's event stream is up, polling only guards against a missed event.
PUSH_SAFETY_INTERVAL: Final = timedelta(minutes=10)
# Cameras set up together (at start) are spread over 15 ms each, at most 4 s.
SETUP_SPREAD_PER_CAMERA: Final = 0.015
SETUP_SPREAD_MAX: Final = 4.0
# Events within this many seconds are confirmed by one refresh.
CONFIRM_COOLDOWN: Final = 0.3

# The storage settings (shares, limits, alert levels, capabilities) are read again when the disks
# change and at this interval, never on every poll.
SETTINGS_REFRESH_INTERVAL: Final = timedelta(hours=6)
# Recordings that ended this long before a poll may still be listed; the window is wide enough
# to tolerate a device clock that is off by a few minutes.
ONGOING_WINDOW: Final = timedelta(minutes=10)
ONGOING_PAGE_SIZE: Final = 50

# The disk that represents a network share; unbound, it reads "disconnected" with size 0.
NETWORK_SHARE_FILESYSTEMS: Final = frozenset({"cifs", "nfs"})

# Axis MAC address prefixes (the serial number is the MAC without colons).
AXIS_MAC_PREFIXES: Final = ("00408C", "ACCC8E", "B8A44F", "E82725")
