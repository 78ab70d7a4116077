"""Photo-quality advice for the facilitator, while they are still in the room.

Cheap checks on the working copy; each warning is a Japanese sentence that says what to do.
"""

from __future__ import annotations

import cv2
import numpy as np

from vision.geometry import FloatArray, side_lengths
from vision.paper import Float32
from vision.types import Image

BLURRY = "写真がぼやけています。手ぶれに注意して、ピントを合わせてから撮影し直してください。"
NO_NOTES = "付せんが見つかりませんでした。模造紙全体が写るように撮影してください。"
TOO_SMALL = "付せんの文字が小さすぎます。もう少し近づいて撮影してください。"
TOO_DARK = "写真が暗すぎます。照明をつけるか、明るい場所で撮影してください。"
CUT_OFF = "模造紙の端が写真からはみ出しています。模造紙全体が写るように撮影してください。"

MIN_NOTE_SIDE_PX = 80.0
"""A note narrower than this in the original photo has characters under ~12 px: hard to read."""


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
    if float(np.median(lab[..., 0])) < 35.0:
        out.append(TOO_DARK)
    if quads and _sharpness(grey, quads) < 12.0:
        out.append(BLURRY)
    if quads:
        sides = [min(side_lengths(q)) / scale for q in quads]
        if float(np.median(sides)) < MIN_NOTE_SIDE_PX:
            out.append(TOO_SMALL)
    if quads and poster is None and _notes_at_frame(quads, work.shape[1], work.shape[0]):
        out.append(CUT_OFF)
    return out


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
