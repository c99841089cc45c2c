"""A small stroke font: the capitals of the integration's name as polylines.

Each glyph is drawn in a box one unit high (y down) and `width` wide; curves are elliptic arcs
cut into short segments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from brand_lib.sdf import Point

ARC_STEPS = 32


@dataclass(frozen=True)
class Glyph:
    """A letter: its advance width and its polylines."""

    width: float
    lines: tuple[tuple[Point, ...], ...]


def _arc(centre: Point, radii: Point, start: float, end: float) -> list[Point]:
    """Points of an elliptic arc from one angle to another (degrees, y down)."""
    (cx, cy), (rx, ry) = centre, radii
    steps = max(2, round(ARC_STEPS * abs(end - start) / 360))
    angles = (math.radians(start + (end - start) * i / steps) for i in range(steps + 1))
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


def _glyphs() -> dict[str, Glyph]:
    """Every letter the name needs."""
    w = 0.62
    leg = 0.5 * w * (1 - 0.66)
    return {
        "A": Glyph(w, (((0, 1), (w / 2, 0), (w, 1)), ((leg, 0.66), (w - leg, 0.66)))),
        "X": Glyph(w, (((0, 0), (w, 1)), ((w, 0), (0, 1)))),
        "I": Glyph(0.0, (((0, 0), (0, 1)),)),
        "E": Glyph(0.5, (((0.5, 0), (0, 0), (0, 1), (0.5, 1)), ((0, 0.5), (0.42, 0.5)))),
        "T": Glyph(w, (((0, 0), (w, 0)), ((w / 2, 0), (w / 2, 1)))),
        "O": Glyph(0.7, (tuple(_arc((0.35, 0.5), (0.35, 0.5), 0, 360)),)),
        "D": Glyph(
            w,
            (((0.2, 1), (0, 1), (0, 0), (0.2, 0), *_arc((0.2, 0.5), (w - 0.2, 0.5), -90, 90)),),
        ),
        "G": Glyph(
            0.66,
            (
                (
                    *_arc((0.33, 0.5), (0.33, 0.5), -40, -360),
                    (0.66, 0.56),
                    (0.38, 0.56),
                ),
            ),
        ),
        "S": Glyph(
            0.54,
            (
                (
                    *_arc((0.27, 0.25), (0.26, 0.25), -25, -270),
                    *_arc((0.27, 0.75), (0.27, 0.25), -90, 155)[1:],
                ),
            ),
        ),
        "R": Glyph(
            0.56,
            (
                ((0, 1), (0, 0), (0.28, 0), *_arc((0.28, 0.27), (0.26, 0.27), -90, 90), (0, 0.54)),
                ((0.26, 0.54), (0.56, 1)),
            ),
        ),
    }


GLYPHS = _glyphs()


def text_lines(
    text: str, left: float, top: float, size: float, gap: float
) -> tuple[list[list[Point]], float]:
    """The polylines of a line of capitals at (left, top), `size` high; and its right end."""
    lines: list[list[Point]] = []
    x = left
    for char in text:
        if char == " ":
            x += size * 0.45
            continue
        glyph = GLYPHS[char]
        lines.extend(
            [[(x + px * size, top + py * size) for px, py in line] for line in glyph.lines]
        )
        x += (glyph.width + gap) * size
    return lines, x - gap * size
