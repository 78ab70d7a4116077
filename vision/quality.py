"""Photo-quality advice for the facilitator, while they are still in the room.

Cheap checks on the working copy; each warning is a Japanese sentence that says what to do.
"""

from __future__ import annotations

import cv2
import numpy as np

from vision.geometry import FloatArray, quad_area, side_lengths
from vision.paper import Float32
from vision.quantiles import median
from vision.types import Image

BLURRY = "写真がぼやけています。手ぶれに注意して、ピントを合わせてから撮影し直してください。"
NO_NOTES = "付せんが見つかりませんでした。模造紙全体が写るように撮影してください。"
TOO_SMALL = "付せんの文字が小さすぎます。もう少し近づいて撮影してください。"
TOO_DARK = "写真が暗すぎます。照明をつけるか、明るい場所で撮影してください。"
CUT_OFF = "模造紙の端が写真からはみ出しています。模造紙全体が写るように撮影してください。"
GLARE = "付せんに照明が反射しています。照明の反射を避けて、少し角度を変えて撮影してください。"
SLANTED = "斜めから撮影されています。模造紙の正面から撮影すると文字が読みやすくなります。"

MIN_NOTE_SIDE_PX = 80.0
"""A note narrower than this in the original photo has characters under ~12 px: hard to read."""

GLARE_SHARE = 0.06
"""Share of a note's face blown out by a reflection above which its writing may be lost."""

MAX_TILT_DEG = 25.0
"""Camera angle off the poster's axis beyond which the far notes get small and slanted."""

PHONE_FOCAL = 0.77
"""Focal length of a phone's main camera as a share of the photo's long side (~66° across)."""

POSTER_ASPECT = 1091.0 / 788.0


def assess(
    work: Image,
    lab: Float32,
    quads: list[FloatArray],
    poster: FloatArray | None,
    scale: float,
) -> list[str]:
    """Warnings for one photo (empty when it looks good).

    Args:
        work: working copy (H×W×3 BGR uint8).
        lab: its Lab image.
        quads: note quads in working pixels.
        poster: poster quad in working pixels, or ``None`` when not found.
        scale: working pixels per photo pixel.
    """
    out: list[str] = []
    if not quads:
        out.append(NO_NOTES)
    grey = cv2.cvtColor(work, cv2.COLOR_BGR2GRAY)
    if float(median(lab[::4, ::4, 0].ravel())) < 35.0:  # every 16th pixel tells as well
        out.append(TOO_DARK)
    if quads and _sharpness(grey, quads) < 12.0:
        out.append(BLURRY)
    if quads:
        sides = [min(side_lengths(q)) / scale for q in quads]
        if float(np.median(sides)) < MIN_NOTE_SIDE_PX:
            out.append(TOO_SMALL)
    if quads and poster is None and _notes_at_frame(quads, work.shape[1], work.shape[0]):
        out.append(CUT_OFF)
    if quads and _glare(work, lab, quads):
        out.append(GLARE)
    if poster is not None and camera_tilt_deg(poster, work.shape[1], work.shape[0]) > MAX_TILT_DEG:
        out.append(SLANTED)
    return out


def camera_tilt_deg(poster: FloatArray, width: int, height: int) -> float:
    """How far off the poster's axis the camera looked, in degrees (0 = straight at it).

    The poster is a flat 模造紙 seen through a phone-like pinhole camera: the homography from
    the sheet to the photo, with the camera's intrinsics taken out, holds the sheet's first
    two axes; their cross product is the sheet's normal in camera coordinates.
    """
    w, h = side_lengths(poster)
    aspect = POSTER_ASPECT if w >= h else 1.0 / POSTER_ASPECT
    sheet = np.array([[0, 0], [aspect, 0], [aspect, 1], [0, 1]], np.float32)
    hom = cv2.getPerspectiveTransform(sheet, poster.astype(np.float32))
    f = PHONE_FOCAL * max(width, height)
    k_inv = np.linalg.inv(np.array([[f, 0, width / 2], [0, f, height / 2], [0, 0, 1]]))
    m = k_inv @ hom
    r1 = m[:, 0] / np.linalg.norm(m[:, 0])
    r2 = m[:, 1] / np.linalg.norm(m[:, 1])
    normal = np.cross(r1, r2)
    return float(np.degrees(np.arccos(min(1.0, abs(normal[2]) / np.linalg.norm(normal)))))


def _glare(work: Image, lab: Float32, quads: list[FloatArray]) -> bool:
    """A note with a reflection: a patch far lighter than the rest of its face, and nearly
    white (all channels close to the sensor's top), over a noticeable share of the note."""
    b, g, r = cv2.split(work)
    bright = cv2.min(cv2.min(b, g), r) >= 235  # all channels near the top
    for q in quads:
        x0, y0 = np.maximum(np.floor(q.min(axis=0)).astype(int), 0)
        x1, y1 = np.ceil(q.max(axis=0)).astype(int) + 1
        if np.count_nonzero(bright[y0:y1, x0:x1]) <= GLARE_SHARE * quad_area(q):
            continue
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillConvexPoly(mask, np.round(q - [x0, y0]).astype(np.int32), 255)
        inside = mask > 0
        light = lab[y0:y1, x0:x1, 0]
        if light.shape != inside.shape or not inside.any():
            continue
        face = float(median(light[inside]))
        blown = inside & bright[y0:y1, x0:x1] & (light > face + 6.0)
        if blown.sum() > GLARE_SHARE * inside.sum():
            return True
    return False


def _sharpness(grey: Image, quads: list[FloatArray]) -> float:
    """Variance of the Laplacian inside the notes (where the writing is)."""
    mask = np.zeros(grey.shape, np.uint8)
    for q in quads:
        cv2.fillConvexPoly(mask, np.round(q).astype(np.int32), 255)
    lap = cv2.Laplacian(grey, cv2.CV_32F)
    return float(lap[mask > 0].var())


def _notes_at_frame(quads: list[FloatArray], w: int, h: int) -> bool:
    margin = 0.01 * max(w, h)
    for q in quads:
        if (
            q[:, 0].min() < margin
            or q[:, 1].min() < margin
            or q[:, 0].max() > w - margin
            or q[:, 1].max() > h - margin
        ):
            return True
    return False
