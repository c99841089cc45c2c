"""Packets copied from one container to another, as the remux and the HLS segments do it."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

import av

from .errors import MediaError, MediaProblem

_LOGGER = logging.getLogger(__name__)


def demuxed(container: Any, indexes: Iterable[int]) -> Iterator[Any]:
    """The packets of the streams `indexes`, without the empty packets that end a stream.

    Raises:
        MediaError: ``TRUNCATED`` for a damaged packet, or when demuxing fails after a
            packet; ``UNREADABLE`` when it fails before any.
    """
    packets = container.demux([container.streams[index] for index in indexes])
    given = 0
    while True:
        try:
            packet = next(packets)
        except StopIteration:
            return
        except av.FFmpegError as err:
            _LOGGER.debug("Demuxing stopped early: %s", type(err).__name__)
            problem = MediaProblem.TRUNCATED if given else MediaProblem.UNREADABLE
            raise MediaError(problem, {"reason": "cannot read packets"}) from None
        if packet.dts is None and packet.pts is None:
            continue
        if packet.is_corrupt:
            raise MediaError(MediaProblem.TRUNCATED, {"reason": "damaged packet"})
        given += 1
        yield packet


def add_copy(output: Any, template: Any) -> Any:
    """A stream of `output` copying `template`'s packets (no codec opened)."""
    if hasattr(output, "add_stream_from_template"):  # PyAV 14 and later
        return output.add_stream_from_template(template, opaque=True)
    return output.add_stream(template=template)  # PyAV 13 (Home Assistant 2025.4)
