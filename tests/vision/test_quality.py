"""Photo-quality advice (issue 3): the checks that tell the facilitator, while still in the
room, to take the photo again. Real pipeline on generated photos; the geometry check against
a pinhole camera built here with a known angle."""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np
import pytest

import photogen
from photogen.spec import preset
from vision import quality
from vision.pipeline import recognize


def _project(tilt_deg: float, axis: str, width: int = 2000, height: int = 1500) -> np.ndarray:
    """Corners of a 模造紙 seen by a camera with the phone focal length, turned ``tilt_deg``
    about ``axis`` (x: looking up/down, y: looking sideways), poster centred."""
    f = quality.PHONE_FOCAL * max(width, height)
    t = math.radians(tilt_deg)
    c, s = math.cos(t), math.sin(t)
    rot = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]) if axis == "y" else np.array(
        [[1, 0, 0], [0, c, -s], [0, s, c]]
    )
    w, h = 1091.0, 788.0
    corners = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0],
                        [-w / 2, h / 2, 0]])
    cam = corners @ rot.T + np.array([0.0, 0.0, 1800.0])
    return np.asarray(f * cam[:, :2] / cam[:, 2:3] + [width / 2, height / 2], np.float64)


@pytest.mark.parametrize("axis", ["x", "y"])
@pytest.mark.parametrize("tilt", [0.0, 12.0, 24.0, 33.0])
def test_camera_tilt_is_recovered_from_the_poster_outline(tilt: float, axis: str) -> None:
    quad = _project(tilt, axis)
    assert quality.camera_tilt_deg(quad, 2000, 1500) == pytest.approx(tilt, abs=1.0)


def test_strong_perspective_is_flagged_and_a_front_view_is_not() -> None:
    slanted = photogen.render(replace(preset("tilted", 12), tilt_deg=36.0))
    front = photogen.render(preset("front", 11))
    assert quality.SLANTED in recognize(slanted.image, None).warnings
    assert quality.SLANTED not in recognize(front.image, None).warnings


def test_glare_on_a_note_is_flagged() -> None:
    rendered = photogen.render(preset("front", 12))
    clean = recognize(rendered.image, None)
    assert quality.GLARE not in clean.warnings
    # A reflection: a soft, blown-out ellipse over a fifth of one note's face.
    img = rendered.image.astype(np.float32)
    quad = np.array(rendered.truth["notes"][0]["quad"])
    cx, cy = quad.mean(axis=0)
    side = float(np.ptp(quad[:, 0]))
    spot = np.zeros(img.shape[:2], np.float32)
    cv2.ellipse(spot, (int(cx), int(cy)), (int(side * 0.3), int(side * 0.2)), 20, 0, 360, 1.0, -1)
    spot = cv2.GaussianBlur(spot, (0, 0), side * 0.03)[..., None]
    glared = np.clip(img * (1 - spot) + 255.0 * spot, 0, 255).astype(np.uint8)
    assert quality.GLARE in recognize(glared, None).warnings


def test_dark_and_blurred_photos_get_their_advice() -> None:
    rendered = photogen.render(preset("front", 13))
    dark = (rendered.image.astype(np.float32) * 0.25).astype(np.uint8)
    assert quality.TOO_DARK in recognize(dark, None).warnings
    blurred = cv2.GaussianBlur(rendered.image, (0, 0), 6.0)
    assert quality.BLURRY in recognize(blurred, None).warnings
    assert quality.BLURRY not in recognize(rendered.image, None).warnings
