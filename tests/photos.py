"""Photos the tests render with the project's generator and recognise with the real pipeline."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

import photogen
from photogen.evalset import EVAL_SET
from photogen.io import write
from vision.geometry import FloatArray
from vision.io import decode_image
from vision.pipeline import recognize


def found_on_photo(condition: str, seed_offset: int, tmp: Path) -> tuple[list[FloatArray], Any]:
    """Notes found on the labelled set's ``condition`` rendered with other seeds, written as
    the JPEG a phone would give (the set's photos are JPEGs too), and its truth."""
    spec = dict(EVAL_SET)[condition]
    rendered = photogen.render(replace(spec, seed=spec.seed + seed_offset))
    photo, _ = write(rendered, tmp / condition)
    result = recognize(decode_image(photo.read_bytes()).image, None)
    return [np.asarray(n.region.quad) for n in result.notes], rendered.truth
