"""The issue-3 cases of the generator: each effect changes the photo where (and only where)
it should, the truth still matches what is drawn, and the evaluation set covers every case."""

from __future__ import annotations

import itertools
import json
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from photogen import SceneSpec, compose, evalset, render
from photogen.plans import dress, plan_poster
from photogen.render import scene_cases

SIZE = (960, 720)
EFFECTS = ("packing", "gap_mm", "touching", "overlap", "curl", "neon", "pastel", "paper_tone",
           "glare", "laminated", "shadow_band", "tape_strips", "magnets", "hand", "pen",
           "motion_blur_px")
REQUIRED = {
    "tilted", "portrait", "poster_portrait", "exif_6", "large_48mp", "small_1.5mp", "mp12",
    "shadow_band", "glare", "warm", "cool", "gradient", "touching", "overlap", "rotated",
    "curled", "neon", "pastel", "white_notes", "mixed_sizes", "far_small", "small_notes",
    "distractor_tape", "distractor_magnet", "distractor_hand", "distractor_pen", "whiteboard",
    "poster_cut_off", "poster_visible", "blur", "dim", "kpt", "flow",
}
"""Case tags the evaluation set must hold (each in at least three photos)."""
ONCE = {"gradient", "mp12"}
"""Required cases for which fewer photos suffice (they ride along with others)."""


def spec(seed: int = 41, **kw: Any) -> SceneSpec:
    return SceneSpec(seed=seed, size=SIZE, **kw)


def pair(seed: int = 41, **effect: Any) -> tuple[Any, Any]:
    """The same photo without and with an effect."""
    base = spec(seed, **{k: v for k, v in effect.items() if k in ("packing", "background")})
    return render(base), render(replace(base, **effect))


def mask(shape: tuple[int, ...], poly: Any) -> np.ndarray:
    m = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(m, [np.round(np.array(poly, float) * 16).astype(np.int32)], 255, cv2.LINE_8,
                 4)
    return m > 0


def gray(img: np.ndarray) -> np.ndarray:
    return np.asarray(img, float).mean(axis=2)


def area(quad: Any) -> float:
    return abs(float(cv2.contourArea(np.array(quad, np.float32))))


def overlap_area(a: Any, b: Any) -> float:
    inter, _ = cv2.intersectConvexConvex(np.array(a, np.float32), np.array(b, np.float32))
    return float(inter)


def test_new_effects_are_off_by_default() -> None:
    default = SceneSpec()
    names = {f.name for f in fields(SceneSpec)}
    assert set(EFFECTS) <= names
    assert not any(getattr(default, k) for k in EFFECTS if k not in ("packing", "gap_mm",
                                                                     "paper_tone"))
    assert (default.packing, default.paper_tone) == ("grid", "standard")
    cases = set(scene_cases(spec()))
    assert not cases & {"shadow_band", "glare", "touching", "overlap", "curled", "neon",
                        "distractor_tape", "distractor_magnet", "distractor_hand",
                        "distractor_pen", "motion_blur"}


def test_shadow_band_darkens_its_band_only() -> None:
    off, on = pair(shadow_band=True)
    band = on.truth["shadow_band"]
    ratio = gray(on.image) / np.maximum(gray(off.image), 1.0)
    core = mask(on.image.shape, band["quad"])
    core = cv2.erode(core.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    assert core.sum() > 2000
    assert np.median(ratio[core]) == pytest.approx(band["brightness"], abs=0.05)
    far = cv2.distanceTransform((~mask(on.image.shape, band["quad"])).astype(np.uint8),
                                cv2.DIST_L2, 5) > 0.2 * max(SIZE)
    assert np.median(ratio[far]) == pytest.approx(1.0, abs=0.01)
    assert "shadow_band" in on.truth["cases"] and "shadow_band" not in off.truth["cases"]


def test_glare_brightens_its_notes_and_nothing_else() -> None:
    off, on = pair(glare=0.3)
    shiny = [n for n in on.truth["notes"] if "glare" in n["case"]]
    assert shiny and "glare" in on.truth["cases"]
    changed = np.abs(on.image.astype(int) - off.image.astype(int)).max(axis=2) > 3
    allowed = np.zeros(SIZE[::-1], bool)
    for n in shiny:
        allowed |= mask(on.image.shape, n["quad"])
        inside = mask(on.image.shape, n["quad"])
        lift = gray(on.image)[inside] - gray(off.image)[inside]
        assert lift.mean() > 2.0 and np.percentile(lift, 99.5) > 12.0, n["text"]
    allowed = cv2.dilate(allowed.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    assert changed[~allowed].sum() <= 0.001 * changed.size


def test_magnets_are_distractors_not_notes() -> None:
    off, on = pair(magnets=6, background="whiteboard")
    mags = [d for d in on.truth["distractors"] if d["kind"] == "magnet"]
    assert len(mags) >= 3 and "distractor_magnet" in on.truth["cases"]
    assert len(on.truth["notes"]) == len(off.truth["notes"])
    for m in mags:
        assert m["color"] in ("red", "blue", "black", "white")
        for n in on.truth["notes"]:
            assert overlap_area(m["polygon"], n["quad"]) == 0.0
        inside = mask(on.image.shape, m["polygon"])
        if inside.sum() > 30:  # drawn where recorded (unless cut by the frame)
            diff = np.abs(on.image.astype(int) - off.image.astype(int))[inside].mean()
            assert diff > 6.0, m


def _groups(truth: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for n in truth["notes"]:
        if "group" in n:
            out.setdefault(n["group"], []).append(n)
    return out


def test_overlap_truth_is_consistent() -> None:
    r = render(spec(43, packing="shelf", overlap=0.7, note_count=18))
    pairs = [g for g in _groups(r.truth).values() if any("occluded" in n["case"] for n in g)]
    assert len(pairs) >= 2 and "overlap" in r.truth["cases"]
    for g in pairs:
        lower = next(n for n in g if "occluded" in n["case"])
        upper = next(n for n in g if "overlapped" in n["case"])
        assert upper["visible_fraction"] == 1.0 and len({n["color"] for n in g}) == 1
        hidden = overlap_area(lower["quad"], upper["quad"]) / area(lower["quad"])
        assert 0.03 <= hidden <= 0.27
        assert 1.0 - lower["visible_fraction"] == pytest.approx(hidden, abs=0.03)
    for a, b in itertools.combinations(r.truth["notes"], 2):  # nothing else overlaps
        if a.get("group") is None or a.get("group") != b.get("group"):
            assert overlap_area(a["quad"], b["quad"]) < 1.0


def test_touching_notes_touch_without_overlapping() -> None:
    r = render(spec(44, packing="shelf", touching=0.9, note_count=18))
    groups = [g for g in _groups(r.truth).values() if "touching" in g[0]["case"]]
    assert groups and "touching" in r.truth["cases"]
    for g in groups:
        assert len({n["color"] for n in g}) == 1 and len({tuple(n["rgb"]) for n in g}) == 1
        px_mm = np.linalg.norm(np.subtract(g[0]["quad"][1], g[0]["quad"][0])) / g[0]["size_mm"][0]
        for a, b in zip(g, g[1:], strict=False):
            assert overlap_area(a["quad"], b["quad"]) <= 0.005 * area(a["quad"])
            gap = min(abs(cv2.pointPolygonTest(np.array(b["quad"], np.float32),
                                               (float(x), float(y)), True))
                      for x, y in a["quad"])
            assert gap <= 2.0 * px_mm + 2.0 or _edge_gap(a, b) <= 2.0 * px_mm + 2.0


def _edge_gap(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Smallest distance between the outlines of two quads (sampled along a's edges)."""
    qa, qb = np.array(a["quad"], float), np.array(b["quad"], np.float32)
    pts = [qa[i] + t * (qa[(i + 1) % 4] - qa[i]) for i in range(4) for t in np.linspace(0, 1, 21)]
    return min(abs(cv2.pointPolygonTest(qb, (float(p[0]), float(p[1])), True)) for p in pts)


@pytest.mark.parametrize(("layout", "packing"), [("flow", "grid"), ("flow", "shelf"),
                                                 ("kpt", "shelf")])
def test_layouts_place_mixed_sizes_without_collisions(layout: str, packing: str) -> None:
    sizes = ((50.0, 50.0), (75.0, 75.0), (75.0, 127.0), (127.0, 75.0), (75.0, 50.0))
    for seed in range(3):
        s = SceneSpec(seed=seed, layout=layout, packing=packing, note_sizes_mm=sizes,
                      note_count=24, note_rotation_deg=10.0, link_ratio=0.0)
        notes = plan_poster(s, np.random.default_rng(seed)).notes
        assert {(n.w, n.h) for n in notes} >= {(75.0, 127.0), (127.0, 75.0)}
        for a, b in itertools.combinations(notes, 2):
            assert overlap_area(a.corners(), b.corners()) < 0.5, (a.text, b.text)


@pytest.mark.parametrize("packing", ["grid", "shelf"])
def test_forty_notes_fit_in_four_lanes(packing: str) -> None:
    s = SceneSpec(seed=4242, size=(4000, 3000), note_count=40, lane_count=4,
                  note_sizes_mm=((50.0, 50.0), (75.0, 75.0)), packing=packing)
    notes = plan_poster(s, np.random.default_rng(1)).notes
    assert len(notes) == 40
    for a, b in itertools.combinations(notes, 2):
        assert overlap_area(a.corners(), b.corners()) < 0.5


def _saturation(img: np.ndarray, m: np.ndarray) -> float:
    px = img[m].astype(float)
    return float(np.median(px.max(axis=1) - px.min(axis=1)))


def test_curled_notes_are_drawn_foreshortened_as_their_truth_says() -> None:
    colors = ("yellow", "pink", "blue", "green", "orange")
    off, on = pair(45, curl=1.0, colors=colors, background="wall")
    assert "curled" in on.truth["cases"]
    good = 0
    for a, b in zip(off.truth["notes"], on.truth["notes"], strict=True):
        assert "curled" in b["case"] and a["text"] == b["text"]
        ha = np.linalg.norm(np.subtract(a["quad"][3], a["quad"][0]))
        hb = np.linalg.norm(np.subtract(b["quad"][3], b["quad"][0]))
        assert 0.92 < hb / ha < 0.99  # bottom edge lifted by 2-6 %
        # just inside the drawn bottom edge: note paper; just below it: shadowed poster paper
        q = np.array(b["quad"], float)
        inward = (q[0] - q[3]) / np.linalg.norm(q[0] - q[3])
        inner = [q[3] + t * (q[2] - q[3]) + 3 * inward for t in np.linspace(0.2, 0.8, 7)]
        outer = [q[3] + t * (q[2] - q[3]) - 4 * inward for t in np.linspace(0.2, 0.8, 7)]
        sat_in = np.median([np.ptp(on.image[int(p[1]), int(p[0])].astype(int)) for p in inner])
        sat_out = np.median([np.ptp(on.image[int(p[1]), int(p[0])].astype(int)) for p in outer])
        good += int(sat_in > sat_out + 25)
    assert good >= 0.85 * len(on.truth["notes"])


def test_hand_and_pen_are_recorded_where_drawn() -> None:
    off, on = pair(46, hand=True, pen=True)
    kinds = {d["kind"]: d for d in on.truth["distractors"]}
    assert {"hand", "pen"} <= set(kinds)
    assert {"distractor_hand", "distractor_pen"} <= set(on.truth["cases"])
    diff = np.abs(on.image.astype(int) - off.image.astype(int)).max(axis=2)
    near = np.zeros(SIZE[::-1], bool)
    for kind in ("hand", "pen"):
        inside = mask(on.image.shape, kinds[kind]["polygon"])
        assert inside.sum() > 500 and diff[inside].mean() > 15.0, kind
        near |= inside
    near = cv2.dilate(near.astype(np.uint8), np.ones((61, 61), np.uint8)) > 0
    assert (diff[~near] > 3).mean() < 0.001  # shadows stay close to what casts them
    for n in on.truth["notes"]:
        if "occluded" in n["case"]:
            assert 0.6 <= n["visible_fraction"] < 1.0


def test_tape_strips_are_recorded_and_hold_notes() -> None:
    r = render(spec(47, tape_strips=6))
    tapes = [d for d in r.truth["distractors"] if d["kind"] == "tape"]
    assert len(tapes) == 6 and "distractor_tape" in r.truth["cases"]
    held = {d["on_note"] for d in tapes if "on_note" in d}
    assert held
    for n in r.truth["notes"]:
        assert ("taped" in n["case"]) == (n["id"] in held)


def test_motion_blur_softens_the_photo() -> None:
    off, on = pair(48, motion_blur_px=9.0)
    sharp = [cv2.Laplacian(cv2.cvtColor(x.image, cv2.COLOR_BGR2GRAY), cv2.CV_64F).var()
             for x in (off, on)]
    assert sharp[1] < 0.6 * sharp[0]
    assert {"blur", "motion_blur"} <= set(on.truth["cases"])


def test_neon_pastel_and_paper_tones() -> None:
    base = SceneSpec(seed=5, note_count=24)
    neon = dress(plan_poster(replace(base, neon=1.0), np.random.default_rng(5)),
                 replace(base, neon=1.0))
    pastel = dress(plan_poster(replace(base, pastel=1.0), np.random.default_rng(5)),
                   replace(base, pastel=1.0))
    for n in neon.notes:
        assert n.paper == ("neon" if n.color in ("yellow", "pink", "green", "orange")
                           else "standard")
        if n.paper == "neon":
            assert max(n.rgb) - min(n.rgb) > 150
    plain = plan_poster(base, np.random.default_rng(5))
    assert all(n.paper == "pastel" for n in pastel.notes if n.color != "white")
    assert all(max(n.rgb) - min(n.rgb) < 80 for n in pastel.notes)
    assert np.mean([np.ptp(n.rgb) for n in pastel.notes]) < 0.6 * np.mean(
        [np.ptp(n.rgb) for n in plain.notes])
    tones = {t: plan_poster(replace(base, paper_tone=t), np.random.default_rng(5)).paper
             for t in ("standard", "cream", "bright")}
    assert tones["bright"][2] > tones["standard"][2] > tones["cream"][2]


def test_effects_render_deterministically_and_band_height_barely_matters(
        monkeypatch: pytest.MonkeyPatch) -> None:
    s = spec(49, packing="shelf", touching=0.3, overlap=0.2, curl=0.3, glare=0.2,
             laminated=True, shadow_band=True, tape_strips=2, magnets=3, hand=True, pen=True,
             neon=0.3, motion_blur_px=3.0, blur_sigma=1.0)
    a, b = render(s), render(s)
    assert np.array_equal(a.image, b.image) and a.truth == b.truth
    json.dumps(a.truth)
    monkeypatch.setattr(compose, "BAND_PX", 60_000.0)  # ~11 bands instead of one
    c = render(s)
    diff = np.abs(a.image.astype(int) - c.image.astype(int))
    assert c.truth == a.truth and diff.max() <= 2 and (diff > 0).mean() < 0.002


def test_evalset_covers_every_case() -> None:
    assert len(evalset.EVAL_SET) >= 44
    names = [n for n, _ in evalset.EVAL_SET]
    assert len(set(names)) == len(names)
    counts: dict[str, int] = {}
    for _, s in evalset.EVAL_SET:
        for c in set(scene_cases(s)):
            counts[c] = counts.get(c, 0) + 1
    missing = REQUIRED - set(counts)
    assert not missing
    thin = {c: counts[c] for c in REQUIRED - ONCE if counts[c] < 3}
    assert not thin
    megapixels = [s.size[0] * s.size[1] / 1e6 for _, s in evalset.EVAL_SET]
    assert sum(2.0 <= mp <= 12.5 for mp in megapixels) >= 0.7 * len(megapixels)
    big40 = [s for _, s in evalset.EVAL_SET if 11.0 < s.size[0] * s.size[1] / 1e6 < 13.0
             and len(plan_poster(s, np.random.default_rng(0)).notes) >= 40]
    assert big40


def test_ensure_evalset_renders_only_what_is_missing_or_stale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tiny = [("a", SceneSpec(seed=1, size=(480, 360), note_count=6)),
            ("b", SceneSpec(seed=2, size=(480, 360), note_count=6, magnets=2))]
    monkeypatch.setattr(evalset, "EVAL_SET", tiny)
    calls: list[int] = []
    real = evalset.render
    monkeypatch.setattr(evalset, "render", lambda s: calls.append(s.seed) or real(s))
    paths = evalset.ensure_evalset(tmp_path)
    assert [p.name for p in paths] == ["01_a.jpg", "02_b.jpg"] and calls == [1, 2]
    assert evalset.ensure_evalset(tmp_path) == paths and calls == [1, 2]
    monkeypatch.setattr(evalset, "EVAL_SET", [tiny[0], ("c", replace(tiny[1][1], seed=3))])
    assert [p.name for p in evalset.ensure_evalset(tmp_path)] == ["01_a.jpg", "02_c.jpg"]
    assert calls == [1, 2, 3] and not (tmp_path / "02_b.jpg").exists()
    manifest = json.loads((tmp_path / evalset.MANIFEST).read_text("utf-8"))
    assert set(manifest) == {"01_a", "02_c"}
