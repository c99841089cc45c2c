"""Write the brand images: python -m brand_lib [folder] (default: the integration's brand/)."""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

from brand_lib.draw import IMAGES

DEFAULT = Path(__file__).parents[2] / "custom_components/axis_edge_storage/brand"


def main(argv: list[str]) -> int:
    """Draw every image into the folder and print what was written."""
    folder = Path(argv[0]) if argv else DEFAULT
    folder.mkdir(parents=True, exist_ok=True)
    for name, draw in IMAGES.items():
        pixels = draw()
        Image.fromarray(pixels, "RGBA").save(folder / name, optimize=True)
        print(f"{folder / name}: {pixels.shape[1]}x{pixels.shape[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
