"""The images: an SD card with a camera lens and a record dot; the logo adds the name.

Palette (our own): a deep teal card with light contacts, a white lens ring around a
midnight lens and a coral record dot. The logo's lettering is midnight on light
backgrounds and near-white in the dark variants; the icon reads on both, so it has no dark
variant.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from brand_lib.glyphs import text_lines
from brand_lib.sdf import Canvas, box, circle, polygon, ring, strokes

CARD = "#136f73"
CONTACT = "#bfe3dc"
LENS_RING = "#f4f7f5"
LENS = "#14213d"
RECORD = "#ef5b4c"
INK = "#14213d"
INK_DARK = "#eef3f1"
ACCENT = "#136f73"
ACCENT_DARK = "#5cc3b8"

CARD_WIDTH = 0.76  # of the card's height (an SD card is 24 x 32 mm)


def _card(canvas: Canvas, left: float) -> None:
    """The card, one unit high, from `left`: body, contacts, lens and record dot."""
    w, r, notch = CARD_WIDTH, 0.06, 0.2
    x0, x1 = left + r, left + w - r
    inset = r * (2**0.5 - 1)
    outline = [(x0, r), (x1 - notch + inset, r), (x1, r + notch - inset), (x1, 1 - r), (x0, 1 - r)]
    canvas.paint(polygon(outline, r), CARD)
    for i in range(4):
        cx = left + 0.16 + i * 0.1
        canvas.paint(box(cx - 0.03, 0.07, cx + 0.03, 0.27, 0.015), CONTACT)
    cx, cy = left + w / 2, 0.62
    canvas.paint(circle(cx, cy, 0.25), LENS_RING)
    canvas.paint(circle(cx, cy, 0.19), LENS)
    canvas.paint(ring(cx, cy, 0.155, 0.012), CONTACT, 0.5)
    canvas.paint(circle(cx, cy, 0.085), RECORD)
    canvas.paint(circle(cx - 0.07, cy - 0.08, 0.025), LENS_RING, 0.8)


def icon(size: int) -> NDArray[np.uint8]:
    """The square icon: the card over the full height, centred."""
    canvas = Canvas(size, size)
    _card(canvas, (1 - CARD_WIDTH) / 2)
    return canvas.pixels()


def logo(height: int, *, dark: bool) -> NDArray[np.uint8]:
    """The landscape logo: the card, then AXIS over EDGE STORAGE."""
    left = CARD_WIDTH + 0.16
    small, _ = text_lines("AXIS", left, 0.1, 0.22, 0.2)
    large, end = text_lines("EDGE STORAGE", left, 0.44, 0.44, 0.2)
    width = int(np.ceil((end + 0.06) * 128)) * height // 128  # @2x: exactly twice
    canvas = Canvas(width, height)
    _card(canvas, 0.0)
    canvas.paint(strokes(small, 0.05), ACCENT_DARK if dark else ACCENT)
    canvas.paint(strokes(large, 0.075), INK_DARK if dark else INK)
    return canvas.pixels()


IMAGES: dict[str, Callable[[], NDArray[np.uint8]]] = {
    "icon.png": lambda: icon(256),
    "icon@2x.png": lambda: icon(512),
    "logo.png": lambda: logo(128, dark=False),
    "logo@2x.png": lambda: logo(256, dark=False),
    "dark_logo.png": lambda: logo(128, dark=True),
    "dark_logo@2x.png": lambda: logo(256, dark=True),
}
