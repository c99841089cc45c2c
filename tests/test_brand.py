"""The brand images: their sizes and transparency, and that scripts/brand draws exactly them."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

ROOT = Path(__file__).parents[1]
BRAND = ROOT / "custom_components/axis_edge_storage/brand"

# Home Assistant's brand guidelines: the icon square, 256 (and 512 at @2x); the logo landscape
# with its shortest side 128 to 256 (256 to 512 at @2x).
SIZES = {
    "icon.png": (256, 256),
    "icon@2x.png": (512, 512),
    "logo.png": (629, 128),
    "logo@2x.png": (1258, 256),
    "dark_logo.png": (629, 128),
    "dark_logo@2x.png": (1258, 256),
}


@pytest.fixture(scope="module")
def drawings() -> Iterator[dict[str, Callable[[], NDArray[np.uint8]]]]:
    """The drawing functions of scripts/brand (scripts/brand_lib)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from brand_lib.draw import IMAGES

        yield IMAGES
    finally:
        sys.path.remove(str(ROOT / "scripts"))


def _load(name: str) -> Image.Image:
    image = Image.open(BRAND / name)
    image.load()
    return image


def test_the_folder_holds_exactly_the_images() -> None:
    """No image is missing, none is left over from an older drawing."""
    assert sorted(path.name for path in BRAND.iterdir()) == sorted(SIZES)


@pytest.mark.parametrize(("name", "size"), SIZES.items())
def test_size_mode_and_transparent_corners(name: str, size: tuple[int, int]) -> None:
    """Each image is RGBA PNG of its size with transparent corners, trimmed.

    Trimmed: drawn from top to bottom, and from left to right or (the portrait card in the
    square icon) centred between equal transparent margins.
    """
    image = _load(name)
    assert (image.format, image.mode, image.size) == ("PNG", "RGBA", size)
    alpha = np.asarray(image)[..., 3]
    w, h = size
    assert [alpha[0, 0], alpha[0, w - 1], alpha[h - 1, 0], alpha[h - 1, w - 1]] == [0, 0, 0, 0]
    rows = np.flatnonzero(alpha.max(axis=1))
    cols = np.flatnonzero(alpha.max(axis=0))
    margin = h // 32  # trimmed: at most a few pixels of empty border
    assert rows[0] <= margin and rows[-1] >= h - 1 - margin
    left, right = int(cols[0]), w - 1 - int(cols[-1])
    assert (left <= margin and right <= margin) or abs(left - right) <= 1


def test_logos_are_landscape_and_doubled() -> None:
    """The logos are wider than high; each @2x image is exactly twice its 1x image."""
    for base in ("icon", "logo", "dark_logo"):
        one, two = _load(f"{base}.png").size, _load(f"{base}@2x.png").size
        assert two == (2 * one[0], 2 * one[1])
    assert SIZES["logo.png"][0] > 2 * SIZES["logo.png"][1]


def test_dark_logo_differs_only_in_its_lettering() -> None:
    """The dark logo keeps the card (left square) and lightens the name."""
    light = np.asarray(_load("logo.png")).astype(int)
    dark = np.asarray(_load("dark_logo.png")).astype(int)
    assert np.array_equal(light[:, :100], dark[:, :100])
    ink = light[..., 3] > 200
    assert light[..., :3][ink].mean() < dark[..., :3][ink].mean() - 100


@pytest.mark.parametrize("name", SIZES)
def test_files_are_what_the_script_draws(
    name: str, drawings: dict[str, Callable[[], NDArray[np.uint8]]]
) -> None:
    """scripts/brand reproduces every file (at most one step of rounding per channel)."""
    drawn = drawings[name]().astype(int)
    stored = np.asarray(_load(name)).astype(int)
    assert drawn.shape == stored.shape
    assert int(np.abs(drawn - stored).max()) <= 1
