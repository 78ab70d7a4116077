"""Issue 3: the sides of white notes on bright paper that the edge map misses are found in the
profile across them (``vision.sides``), and recognition finds such notes in generated photos.

The unit tests build Lab planes the way such a photo looks at working resolution (measured on
the generator's bright-paper renders): paper at L 90, a white note 0.7 L darker and 1 b
yellower, its cut edge a 1 px line 1.5 L darker, a drop shadow 10 L deep along its lower and
right sides, and pixel noise of σ 1.5 L.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

import photogen
from app.evaluate import score_photo
from photogen.evalset import EVAL_SET
from vision import sides
from vision.pipeline import recognize

TOP, BOTTOM, LEFT, RIGHT = 100, 180, 100, 180
"""The note's rows and columns on the test plane."""


def _plane(seed: int = 0, note: bool = True) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lab = np.zeros((280, 280, 3), np.float32)
    lab[..., 0] = 90.0
    lab[..., 2] = -4.6
    if note:
        lab[TOP:BOTTOM, LEFT:RIGHT, 0] -= 0.7
        lab[TOP:BOTTOM, LEFT:RIGHT, 2] += 1.0
        lab[TOP, LEFT:RIGHT, 0] -= 1.5  # the cut edge along the unshadowed top
        lab[BOTTOM : BOTTOM + 2, LEFT + 2 : RIGHT + 2, 0] -= 10.0  # drop shadow
        lab[TOP + 2 : BOTTOM + 2, RIGHT : RIGHT + 2, 0] -= 10.0
    lab[..., 0] += rng.normal(0.0, 1.5, lab.shape[:2]).astype(np.float32)
    return lab


def _pt(x: float, y: float) -> np.ndarray:
    return np.array([x, y], np.float64)


def test_a_faint_top_side_is_seen_and_plain_paper_is_not() -> None:
    for seed in range(3):
        lab = _plane(seed)
        top = sides.side_evidence(lab, _pt(LEFT, TOP), _pt(RIGHT, TOP), _pt(0, 1))
        assert top[0] >= 1.0 and abs(top[1]) <= 1, f"seed {seed}: {top}"
        nothing = sides.side_evidence(lab, _pt(LEFT, 50), _pt(RIGHT, 50), _pt(0, 1))
        assert nothing[0] < 1.0, f"seed {seed}: plain paper read as a side {nothing}"
    # without the note the same line shows nothing
    bare = _plane(note=False)
    assert sides.side_evidence(bare, _pt(LEFT, TOP), _pt(RIGHT, TOP), _pt(0, 1))[0] < 1.0


def test_light_falling_off_is_no_side() -> None:
    lab = _plane(note=False)
    rows = np.arange(lab.shape[0], dtype=np.float32)[:, None]
    lab[..., 0] -= np.clip((rows - 80) * 0.15, 0, None)  # a glare patch fading: 3 L in 20 px
    assert sides.side_evidence(lab, _pt(LEFT, 90), _pt(RIGHT, 90), _pt(0, 1))[0] < 1.0


def test_a_marker_line_is_no_side_but_writing_across_it_does_not_hide_one() -> None:
    lab = _plane()
    line = lab.copy()
    line[TOP - 4 : TOP - 1, :, 0] = 25.0  # a lane line just above the note
    assert sides.side_evidence(line, _pt(LEFT, TOP), _pt(RIGHT, TOP), _pt(0, 1))[0] == 0.0
    crossed = lab.copy()
    for x in range(LEFT + 10, RIGHT - 10, 14):  # strokes of writing crossing the top side
        crossed[TOP - 6 : TOP + 20, x : x + 3, 0] = 30.0
    assert sides.side_evidence(crossed, _pt(LEFT, TOP), _pt(RIGHT, TOP), _pt(0, 1))[0] >= 1.0


def test_an_unseen_end_of_a_side_pair_is_moved_to_the_note() -> None:
    lab = _plane()
    near = np.zeros(lab.shape[:2], np.uint8)  # the edge map saw neither end
    # the pair's segments were found on the lower half of the note's sides only
    quad = np.array([[LEFT, 140.0], [LEFT, BOTTOM], [RIGHT, BOTTOM], [RIGHT, 140.0]])
    done = sides.complete_ends(lab, near, quad, min_length=30.0)
    assert abs(done[:, 1].min() - TOP) <= 2, done
    assert abs(done[:, 1].max() - BOTTOM) <= 2, done


def test_a_note_casts_a_shadow_and_paper_boxed_in_by_a_line_does_not() -> None:
    lab = _plane()
    note = np.array([[LEFT, TOP], [RIGHT, TOP], [RIGHT, BOTTOM], [LEFT, BOTTOM]], np.float64)
    assert sides.casts_shadow(lab, note)
    box = _plane(note=False)
    box[BOTTOM : BOTTOM + 2, :, 0] -= 10.0  # one long dark line along the bottom only
    assert not sides.casts_shadow(box, note)


def test_white_notes_on_bright_paper_are_found_on_an_unseen_render() -> None:
    # Seed +3000 was never looked at while tuning; before the side profiles it gave 14 of 20.
    spec = dict(EVAL_SET)["white_bright_paper"]
    rendered = photogen.render(replace(spec, seed=spec.seed + 3000))
    score = score_photo("white_bright_paper", recognize(rendered.image, None), rendered.truth,
                        0.0, ocr=False)
    assert score.recall >= 0.85, f"recall {score.recall:.2f}"
    assert score.precision >= 0.94, f"precision {score.precision:.2f}"
