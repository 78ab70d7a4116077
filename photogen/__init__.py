"""Realistic phone photos of workshop posters (付せん on 模造紙) with exact ground truth.

``render(spec)`` paints a poster plan flat in poster mm, warps it with one homography onto a
background, applies light and sensor effects and returns the upright BGR photo plus its truth
in the ``fusen extract`` JSON format (photo pixels). ``write`` stores both, putting the EXIF
orientation into the stored pixels. ``python -m photogen OUT_DIR`` writes a set.
"""

from __future__ import annotations

import logging

from photogen.io import write
from photogen.render import Rendered, render
from photogen.spec import PRESETS, SceneSpec, preset

log = logging.getLogger(__name__)

__all__ = ["PRESETS", "Rendered", "SceneSpec", "preset", "render", "write"]
