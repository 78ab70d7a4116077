"""Finding sticky notes on the working copy of a photo.

Two kinds of evidence, merged:

* **colour** – a note's paper differs in chroma from the poster paper around it (compared with
  the lighting-aware paper estimate, so gradients and casts do not matter); ink inside a note
  is filled in, thin marker lines and arrows are opened away;
* **edges** – white and very pale notes barely differ in colour from off-white paper, but their
  border (and soft shadow) makes a closed outline; regions enclosed by edges that are
  note-shaped and lighter than ink are notes too.

The evidence lives in :mod:`vision.coloured` and :mod:`vision.pale`, the shared shape tests in
:mod:`vision.shapes`; this module runs them and merges what they find. Coordinates here are
**working pixels**; the pipeline maps them to photo pixels.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vision.coloured import colour_candidates, split_at_seams, split_evenly
from vision.geometry import (
    FloatArray,
    local_mask,
    quad_area,
)
from vision.pale import pale_candidates, pale_edges, ring_chroma_step
from vision.paper import Float32, dominant_colour
from vision.quantiles import channel_medians
from vision.shapes import (
    Candidate,
    DetectParams,
    Mask,
    aspect,
    boxes_meet,
    lightness_gradient,
    overlap,
)

__all__ = ["Candidate", "DetectParams", "detect"]


def detect(lab: Float32, bg: Float32, roi: Mask, params: DetectParams) -> list[Candidate]:
    """All notes in ``roi`` (255 where notes may be), colour and edge evidence merged."""
    h, w = lab.shape[:2]
    long_side = max(h, w)
    min_side = params.min_side_frac * long_side
    grad = lightness_gradient(lab)
    rel = lab - bg  # both kinds of evidence look at the photo relative to its paper
    edges, segments = pale_edges(lab, rel, min_side)
    colour = colour_candidates(lab, bg, roi, params, min_side, rel)
    light = np.ascontiguousarray(lab[..., 0])  # OpenCV copies a strided view at every call
    typical = float(np.median([quad_area(c.quad) for c in colour])) if len(colour) >= 3 else None
    colour = [
        replace(c, quad=q)
        for c in colour
        for seamed in split_at_seams(c.quad, grad, light, min_side, typical)
        for q in split_evenly(seamed, typical, params.max_aspect)
        if aspect(q) <= params.max_aspect
    ]
    pale = pale_candidates(
        lab, bg, grad, edges, segments, roi, params, min_side, [c.quad for c in colour]
    )
    # A note from two facing sides alone must be paper-coloured: near the poster paper's own
    # chroma (off the poster the local paper estimate is the wall or table itself, where wood
    # grain and panel joints make facing lines too).
    paper_ab = dominant_colour(lab[::4, ::4])[1:].astype(np.float64)
    pale = [
        c
        for c in pale
        if c.source != "pair"
        or _chroma_distance(lab, c.quad, paper_ab) < PAIR_MAX_CHROMA
        or ring_chroma_step(lab, bg, c.quad) >= PAIR_RING_CHROMA
    ]
    if len(colour) >= 3:
        # Pads on one poster come in a few sizes: a pale "note" far off the coloured ones'
        # size is paper boxed in by lines, a hand or a shadow.
        typical = float(np.median([quad_area(c.quad) for c in colour]))
        pale = [c for c in pale if typical / 4.5 <= quad_area(c.quad) <= typical * 4.5]
    return _merge(colour, pale)


def _merge(colour: list[Candidate], edges: list[Candidate]) -> list[Candidate]:
    """Colour candidates win; an edge candidate is kept only where it overlaps no other note
    (paper enclosed by arrows and neighbouring notes is not a note)."""
    kept = list(colour)
    for cand in sorted(edges, key=lambda c: -quad_area(c.quad)):
        if all(not boxes_meet(cand.quad, k.quad) or overlap(cand.quad, k.quad) < 0.1 for k in kept):
            kept.append(cand)
    return kept


PAIR_MAX_CHROMA = 8.0
"""Lab chroma distance from the poster paper beyond which a side-pair hypothesis is no note
(unless it differs from the paper right around it, ``PAIR_RING_CHROMA``)."""
PAIR_RING_CHROMA = 6.0
"""Chroma step from the plain paper just outside a side pair to its inside from which it is a
pastel note on the poster, too faint for the colour evidence (pastel green on cream paper:
9.8 from the local paper estimate, 11 needed), rather than wall or wood between two lines
(the same surface inside and out)."""


def _chroma_distance(lab: Float32, quad: FloatArray, paper_ab: FloatArray) -> float:
    box, inside = local_mask(lab.shape, quad)
    if not inside.any():
        return float("inf")
    ab = channel_medians(lab[box][..., 1:], inside)
    return float(np.hypot(*(ab - paper_ab)))
