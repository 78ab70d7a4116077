"""Issue 3: every photo condition of the labelled set has a test that its photo's notes are
found. One photo per condition — the smallest of the set's photos that shows it — rendered
by the project's own generator (``photogen.evalset``) and recognised by the real pipeline.

The bounds are this photo's measured figures less a margin, so a regression fails; the set as
a whole is scored by ``make bench`` (``fusen eval``)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

import pytest

import photogen
from app.evaluate import PhotoScore, score_photo
from photogen.evalset import EVAL_SET
from photogen.render import scene_cases
from photogen.spec import SceneSpec
from vision.pipeline import recognize

CASES = (
    "tilted", "portrait", "poster_portrait", "exif_6", "small_1.5mp", "mp12", "large_48mp",
    "shadow_band", "glare", "warm", "cool", "dim", "touching", "overlap", "rotated", "curled",
    "neon", "pastel", "white_notes", "bright_paper", "cream_paper", "mixed_sizes", "far_small",
    "small_notes", "distractor_tape", "distractor_magnet", "distractor_hand", "distractor_pen",
    "whiteboard", "poster_cut_off", "blur", "motion_blur", "kpt", "gradient", "vignette",
    "laminated", "exif_3", "exif_8", "landscape", "notes_cut_off", "flow", "poster_visible",
)
"""The conditions issue 3 names, as the generator tags them."""

FLOOR: dict[str, tuple[float, float]] = {
    # (precision, recall) floors where this photo is still below the target: white
    # notes on bright paper under glare (glare_white_pale rendered directly: R 0.78 before the
    # side profiles of vision.sides, 0.83 with them, 2026-12-02)
    "glare": (0.95, 0.8),
    "pastel": (0.95, 0.8),
    "bright_paper": (0.95, 0.8),
}
DEFAULT_FLOOR = (0.92, 0.88)
"""Every other condition's photo measured P ≥ 0.93 and R ≥ 0.90 (2026-12-01)."""


@cache
def _catalogue() -> list[tuple[str, SceneSpec, frozenset[str]]]:
    return [(name, spec, frozenset(scene_cases(spec))) for name, spec in EVAL_SET]


def photo_for(case: str) -> tuple[str, SceneSpec]:
    """The smallest photo of the set that shows ``case``."""
    options = [(n, s) for n, s, cases in _catalogue() if case in cases]
    assert options, f"no photo in the labelled set shows {case}"
    return min(options, key=lambda ns: ns[1].size[0] * ns[1].size[1])


@cache
def _score(name: str) -> tuple[PhotoScore, dict[str, Any]]:
    spec = dict(EVAL_SET)[name]
    rendered = photogen.render(spec)
    result = recognize(rendered.image, None)
    return score_photo(name, result, rendered.truth, 0.0, ocr=False), rendered.truth


@pytest.mark.parametrize("case", CASES)
def test_notes_of_each_condition_are_found(case: str) -> None:
    name, _spec = photo_for(case)
    score, truth = _score(name)
    assert case in truth["cases"]
    floor_p, floor_r = FLOOR.get(case, DEFAULT_FLOOR)
    assert score.recall >= floor_r, f"{case} ({name}): recall {score.recall:.2f}"
    assert score.precision >= floor_p, f"{case} ({name}): precision {score.precision:.2f}"
    assert score.mean_iou >= 0.88, f"{case} ({name}): mean IoU {score.mean_iou:.2f}"
    assert score.colour_ok >= 0.85 * score.matched, f"{case} ({name}): colours"


HELD_OUT = ("portrait_exif6_cool", "band_partition_cool_wb", "motion_blur_dim")
"""Photos of the set rendered with other seeds (``--seed-offset 1000``) where a lane label's
cell, boxed in by the poster's edge and the lane lines, came out as a white note (in the
stored JPEGs; rendered directly, as here, the first still shows it without the fix)."""


@pytest.mark.parametrize("name", HELD_OUT)
def test_lane_label_cells_at_the_poster_edge_are_not_notes(name: str) -> None:
    spec = dict(EVAL_SET)[name]
    rendered = photogen.render(replace(spec, seed=spec.seed + 1000))
    result = recognize(rendered.image, None)
    score = score_photo(name, result, rendered.truth, 0.0, ocr=False)
    assert score.found == score.matched, f"{name}: {score.found - score.matched} false notes"
    assert score.recall >= 0.9
