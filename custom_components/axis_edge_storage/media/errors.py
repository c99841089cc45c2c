"""The one error of the media room: what is wrong with a video file, never whose or where."""

from __future__ import annotations

from enum import StrEnum


class MediaProblem(StrEnum):
    """What is wrong with a video file."""

    UNREADABLE = "unreadable"  # not a video container PyAV can read, or nothing in it
    NO_VIDEO = "no_video"  # a container without a video stream
    TRUNCATED = "truncated"  # packets were read, but the file ends inside its own structure
    NOT_COVERED = "not_covered"  # a sound file whose video does not cover the asked range


_MESSAGES: dict[MediaProblem, str] = {
    MediaProblem.UNREADABLE: "the file is not a readable video",
    MediaProblem.NO_VIDEO: "the file holds no video stream",
    MediaProblem.TRUNCATED: "the file ends before its end: it was cut short",
    MediaProblem.NOT_COVERED: "the video does not cover the asked range",
}


class MediaError(Exception):
    """A video file that cannot be used.

    ``str()`` is a short English sentence for logs; it never holds a path, a file's content or
    FFmpeg's own message (which names the file). ``details`` holds facts such as the ISO times of
    ``first``, ``last``, ``start`` and ``end``, or ``reason``.
    """

    problem: MediaProblem
    details: dict[str, str]

    def __init__(self, problem: MediaProblem, details: dict[str, str] | None = None) -> None:
        self.problem = problem
        self.details = dict(details or {})
        text = _MESSAGES[problem]
        if self.details:
            text += " (" + ", ".join(f"{key} {value}" for key, value in self.details.items()) + ")"
        super().__init__(text)
