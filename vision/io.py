"""Bytes become arrays here and nowhere else in :mod:`vision`.

``decode_image`` reads a JPEG/PNG from memory, applies its EXIF orientation and returns the
upright photo as H×W×3 **BGR** uint8 (OpenCV's layout), origin top-left.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from vision.errors import ImageDecodeError, ImageTooLargeError, ImageTooSmallError
from vision.types import Image

log = logging.getLogger(__name__)

MAX_PIXELS = 100_000_000
"""Refuse images above ~100 MP (48 MP phones are fine) before decoding them."""

MIN_SIDE = 320
"""Below this the notes cannot be read at all."""

ORIENTATION_TAG = 0x0112

# Pillow warns about large images before our own MAX_PIXELS check can refuse them; set once at
# import (catch_warnings() in the decode path is not thread-safe).
warnings.filterwarnings("ignore", category=PILImage.DecompressionBombWarning)


@dataclass(frozen=True, eq=False)
class DecodedImage:
    """An upright photo.

    Attributes:
        image: H×W×3 BGR uint8, EXIF orientation applied.
        width, height: size of ``image`` in pixels (upright).
        orientation: the EXIF Orientation tag the file carried (1 when absent).
        format: ``JPEG`` or ``PNG``.
    """

    image: Image
    width: int
    height: int
    orientation: int
    format: str


def decode_image(data: bytes) -> DecodedImage:
    """Decode JPEG/PNG bytes to an upright BGR array.

    Raises:
        ImageDecodeError: not a decodable image (corrupt, truncated, another format).
        ImageTooLargeError: more than ``MAX_PIXELS`` pixels.
        ImageTooSmallError: shorter side under ``MIN_SIDE`` pixels.
    """
    try:
        pil = PILImage.open(io.BytesIO(data))
        fmt = pil.format or ""
        if fmt not in ("JPEG", "PNG", "MPO"):
            raise ImageDecodeError()
        if pil.width * pil.height > MAX_PIXELS:
            raise ImageTooLargeError()
        raw = pil.getexif().get(ORIENTATION_TAG, 1)
        # Only what exif_transpose itself acts on, so the recorded value matches the pixels.
        orientation = raw if raw in (1, 2, 3, 4, 5, 6, 7, 8) else 1
        pil.load()
        ImageOps.exif_transpose(pil, in_place=True)
    except PILImage.DecompressionBombError as exc:
        raise ImageTooLargeError() from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        log.info("cannot decode image: %s", exc)
        raise ImageDecodeError() from exc
    rgb = _to_rgb_array(pil)
    height, width = rgb.shape[:2]
    if min(width, height) < MIN_SIDE:
        raise ImageTooSmallError()
    bgr = np.ascontiguousarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return DecodedImage(
        image=bgr,
        width=width,
        height=height,
        orientation=int(orientation),
        format="JPEG" if fmt == "MPO" else fmt,
    )


def _to_rgb_array(pil: PILImage.Image) -> Image:
    if pil.mode == "I;16" or pil.mode == "I":
        # 16-bit greyscale PNG: scale to 8 bits before converting.
        arr16 = np.asarray(pil, dtype=np.uint32)
        pil = PILImage.fromarray((arr16 >> 8).astype(np.uint8))
    if pil.mode in ("RGBA", "LA", "P"):
        pil = pil.convert("RGBA")
        white = PILImage.new("RGBA", pil.size, (255, 255, 255, 255))
        pil = PILImage.alpha_composite(white, pil)
    if pil.mode != "RGB":
        pil = pil.convert("RGB")
    return np.asarray(pil, dtype=np.uint8)


def encode_jpeg(image: Image, quality: int = 90) -> bytes:
    """Encode an H×W×3 BGR array as JPEG bytes (note crops for the editor)."""
    out = io.BytesIO()
    PILImage.fromarray(np.ascontiguousarray(image[..., ::-1])).save(out, "JPEG", quality=quality)
    return out.getvalue()
