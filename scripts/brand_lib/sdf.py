"""Signed distance fields on a pixel grid and their antialiased painting.

A shape is a function of the pixel centres' coordinates (in the image's own unit: the height
is 1) that returns the signed distance to its outline, negative inside. Painting turns the
distance into coverage over one pixel's width, so edges are antialiased without supersampling,
and the result depends only on IEEE arithmetic: the same pixels on every machine.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

Field = NDArray[np.float64]
Shape = Callable[[Field, Field], Field]
Point = tuple[float, float]


class Canvas:
    """A straight-alpha RGBA float canvas whose unit length is its height."""

    def __init__(self, width: int, height: int) -> None:
        """Make a transparent canvas of width x height pixels."""
        self.width, self.height = width, height
        self.rgba = np.zeros((height, width, 4))
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
        self.x = (xs + 0.5) / height
        self.y = (ys + 0.5) / height

    def paint(self, shape: Shape, colour: str, opacity: float = 1.0) -> None:
        """Lay the shape in a colour (#rrggbb) over what is there (Porter-Duff over)."""
        distance = shape(self.x, self.y) * self.height
        alpha = np.clip(0.5 - distance, 0.0, 1.0) * opacity
        rgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
        below = self.rgba[..., 3]
        out = alpha + below * (1 - alpha)
        safe = np.where(out > 0, out, 1.0)
        for channel in range(3):
            mixed = rgb[channel] * alpha + self.rgba[..., channel] * below * (1 - alpha)
            self.rgba[..., channel] = mixed / safe
        self.rgba[..., 3] = out

    def pixels(self) -> NDArray[np.uint8]:
        """The canvas as 8-bit RGBA, fully transparent pixels black."""
        rgba = self.rgba.copy()
        rgba[rgba[..., 3] == 0] = 0
        return np.asarray(np.floor(rgba * 255 + 0.5), dtype=np.uint8)


def circle(cx: float, cy: float, r: float) -> Shape:
    """A disc."""
    return lambda x, y: np.hypot(x - cx, y - cy) - r


def ring(cx: float, cy: float, r: float, width: float) -> Shape:
    """An annulus of the given width centred on radius r."""
    return lambda x, y: np.abs(np.hypot(x - cx, y - cy) - r) - width / 2


def box(x0: float, y0: float, x1: float, y1: float, r: float = 0.0) -> Shape:
    """A rectangle with corners rounded by r."""
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2 - r, (y1 - y0) / 2 - r

    def field(x: Field, y: Field) -> Field:
        qx, qy = np.abs(x - cx) - hx, np.abs(y - cy) - hy
        outside: Field = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0))
        inside: Field = np.minimum(np.maximum(qx, qy), 0)
        return outside + inside - r

    return field


def polygon(points: Sequence[Point], r: float = 0.0) -> Shape:
    """A closed polygon, grown by r (rounded corners when its points are inset by r)."""

    def field(x: Field, y: Field) -> Field:
        best = np.full(x.shape, np.inf)
        inside = np.zeros(x.shape, dtype=bool)
        for (ax, ay), (bx, by) in zip(points, [*points[1:], points[0]], strict=True):
            best = np.minimum(best, _segment(x, y, (ax, ay), (bx, by)))
            crosses = (ay > y) != (by > y)
            at = (bx - ax) * (y - ay) / ((by - ay) or 1e-12) + ax
            inside ^= crosses & (x < at)
        return np.where(inside, -best, best) - r

    return field


def strokes(lines: Sequence[Sequence[Point]], width: float) -> Shape:
    """Polylines drawn with round caps and joins, only evaluated near each segment."""
    segments = [(a, b) for line in lines for a, b in itertools.pairwise(line)]

    def field(x: Field, y: Field) -> Field:
        best = np.full(x.shape, np.inf)
        step = float(y[1, 0] - y[0, 0]) if y.shape[0] > 1 else 1.0
        margin = width / 2 + 2 * step
        for (ax, ay), (bx, by) in segments:
            rows = _span(y[:, 0], min(ay, by) - margin, max(ay, by) + margin)
            cols = _span(x[0, :], min(ax, bx) - margin, max(ax, bx) + margin)
            part = _segment(x[rows, cols], y[rows, cols], (ax, ay), (bx, by))
            best[rows, cols] = np.minimum(best[rows, cols], part)
        return best - width / 2

    return field


def union(*shapes: Shape) -> Shape:
    """All the shapes as one (so they are antialiased once, without seams)."""
    return lambda x, y: np.minimum.reduce([shape(x, y) for shape in shapes])


def _span(axis: Field, low: float, high: float) -> slice:
    """The index range of a sorted coordinate axis within [low, high]."""
    start = int(np.searchsorted(axis, low, side="left"))
    return slice(start, max(start, int(np.searchsorted(axis, high, side="right"))))


def _segment(x: Field, y: Field, a: Point, b: Point) -> Field:
    """Distance from each point to the segment a-b."""
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy or 1e-12
    t = np.clip(((x - ax) * dx + (y - ay) * dy) / length, 0.0, 1.0)
    return np.hypot(x - ax - t * dx, y - ay - t * dy)
