"""How the simulated camera's video looks: media profiles (no PyAV here; see ``media.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

US_PER_S = 1_000_000


@dataclass(frozen=True)
class MediaProfile:
    """How the simulated camera's video looks: size, rate, GOP length and content.

    Attributes:
        name: Profile name, part of the cache key of every export.
        width: Frame width in pixels (even).
        height: Frame height in pixels (even).
        fps: Frames per second; a divisor of 1000 keeps Matroska's millisecond timestamps exact.
        gop_seconds: Distance between key frames; ``gop_seconds * fps`` must be a whole number.
        content: ``"pattern"`` (a gradient with a moving bar, compresses to almost nothing) or
            ``"noise"`` (the same pattern plus random noise, for a high bit rate).
        noise_amplitude: Peak amplitude of the noise added for ``content="noise"``.
        qp: Constant quantiser given to x264 (lower is bigger).
        nominal_bytes_per_second: Expected size of one second of video, used by
            :meth:`MediaLibrary.estimated_size_kb` until the GOP has been encoded in this process.
    """

    name: str
    width: int
    height: int
    fps: int
    gop_seconds: float = 2.0
    content: Literal["pattern", "noise"] = "pattern"
    noise_amplitude: int = 16
    qp: int = 23
    nominal_bytes_per_second: int = 4_000

    def __post_init__(self) -> None:
        """Validate the profile."""
        if self.width <= 0 or self.height <= 0 or self.width % 2 or self.height % 2:
            raise ValueError(f"width and height must be positive and even: {self}")
        if self.fps <= 0:
            raise ValueError(f"fps must be positive: {self}")
        frames = self.gop_seconds * self.fps
        if frames < 1 or abs(frames - round(frames)) > 1e-9:
            raise ValueError(f"gop_seconds * fps must be a whole number of frames: {self}")
        if self.content not in ("pattern", "noise"):
            raise ValueError(f"unknown content {self.content!r}")

    @property
    def gop_frames(self) -> int:
        """Number of frames in one GOP (key frame included)."""
        return round(self.gop_seconds * self.fps)

    @property
    def gop_us(self) -> int:
        """Length of one GOP in microseconds."""
        return round(self.gop_seconds * US_PER_S)

    @property
    def cache_tag(self) -> str:
        """Identify every parameter that changes the encoded bytes."""
        return (
            f"{self.name}:{self.width}x{self.height}@{self.fps}:g{self.gop_seconds}"
            f":{self.content}:{self.noise_amplitude}:qp{self.qp}"
        )


# Figures measured with av 19.0.2 (libx264 165): light about 3.2 kB/s (26 kbit/s), heavy about
# 3.9 MB/s (31 Mbit/s, so a 1 GiB export is about 4.6 minutes of recording).
PROFILES: dict[str, MediaProfile] = {
    "light": MediaProfile("light", 320, 180, 10, qp=23, nominal_bytes_per_second=3_200),
    "heavy": MediaProfile(
        "heavy", 1280, 720, 25, content="noise", qp=30, nominal_bytes_per_second=3_900_000
    ),
}
DEFAULT_PROFILE = "light"


def get_profile(name: str) -> MediaProfile:
    """Return the named profile: ``"light"`` (tests, default) or ``"heavy"`` (benchmarks).

    Raises:
        ValueError: The name is unknown.
    """
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(
            f"unknown media profile {name!r}; known: {', '.join(sorted(PROFILES))}"
        ) from None


def video_attributes(profile: MediaProfile) -> dict[str, str]:
    """The ``video`` attributes of a recording in ``record/list.cgi`` made with ``profile``."""
    return {
        "framerate": f"{float(profile.fps):g}",
        "resolution": f"{profile.width}x{profile.height}",
        "width": str(profile.width),
        "height": str(profile.height),
    }
