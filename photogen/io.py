"""Write a rendered photo (JPEG or PNG, EXIF Orientation applied to the stored pixels) and its
truth JSON."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
from PIL import Image

from photogen.render import GENERATOR, Rendered

log = logging.getLogger(__name__)

ORIENTATION_TAG = 0x0112
SOFTWARE_TAG = 0x0131
_STORE_ROT90: dict[int, int] = {1: 0, 3: 2, 6: 1, 8: -1}
"""``np.rot90`` turns (counter-clockwise) that give the stored pixels for each orientation,
so that a viewer applying the EXIF tag shows the upright image."""


def stored_pixels(upright_rgb: np.ndarray, orientation: int) -> np.ndarray:
    """Pixels as a camera with EXIF ``orientation`` stores them (H×W×3, same channel order)."""
    return np.ascontiguousarray(np.rot90(upright_rgb, _STORE_ROT90[orientation]))


def write(rendered: Rendered, path_without_ext: Path | str, fmt: str = "jpg") -> tuple[Path, Path]:
    """Write ``NAME.jpg`` (or ``.png``) and ``NAME.json``.

    Args:
        rendered: the photo and truth.
        path_without_ext: destination without extension; parents are created.
        fmt: ``jpg`` or ``png``.

    Returns:
        (image path, truth path).
    """
    if fmt not in ("jpg", "png"):
        raise ValueError(f"fmt must be jpg or png, not {fmt!r}")
    base = Path(path_without_ext)
    base.parent.mkdir(parents=True, exist_ok=True)
    img_path, json_path = base.with_suffix(f".{fmt}"), base.with_suffix(".json")
    rgb = stored_pixels(rendered.image[..., ::-1], rendered.exif_orientation)
    pil = Image.fromarray(rgb)
    exif = Image.Exif()
    exif[SOFTWARE_TAG] = GENERATOR
    if rendered.exif_orientation != 1:
        exif[ORIENTATION_TAG] = rendered.exif_orientation
    if fmt == "jpg":
        pil.save(img_path, "JPEG", quality=rendered.jpeg_quality, exif=exif, optimize=True)
    else:
        pil.save(img_path, "PNG", exif=exif)
    json_path.write_text(json.dumps(rendered.truth, ensure_ascii=False, indent=1) + "\n", "utf-8")
    log.info("wrote %s and %s", img_path, json_path)
    return img_path, json_path
