"""Video files of the camera: verify (demux, no decode), remux to MP4 or an HLS segment, thumbnail.

Built on PyAV alone, with no Home Assistant import (like ``vapix/``). Every function blocks
(file I/O, FFmpeg): run them in an executor thread.
"""

from .ends import probe_ends
from .errors import MediaError, MediaProblem
from .probe import probe
from .remux import Faststart, remux_to_mp4
from .segment import SegmentSpan, remux_to_ts
from .span import VideoSpan, check_covers
from .thumbnail import write_thumbnail

__all__ = [
    "Faststart",
    "MediaError",
    "MediaProblem",
    "SegmentSpan",
    "VideoSpan",
    "check_covers",
    "probe",
    "probe_ends",
    "remux_to_mp4",
    "remux_to_ts",
    "write_thumbnail",
]
