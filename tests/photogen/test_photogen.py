"""The poster-photo generator: determinism, truth geometry and schema, EXIF, colours, CLI."""

from __future__ import annotations

import colorsys
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps

from photogen import PRESETS, SceneSpec, preset, render, text, vocab, write
from photogen.__main__ import main as cli_main
from photogen.io import ORIENTATION_TAG

ROOT = Path(__file__).resolve().parents[2]
SMALL = (960, 720)


def small(name: str, seed: int) -> SceneSpec:
    """A preset at a small photo size (same orientation) so tests stay fast."""
    spec = preset(name, seed)
    w, h = SMALL
    return replace(spec, size=(w, h) if spec.size[0] >= spec.size[1] else (h, w))


@pytest.fixture(scope="module")
def front() -> Any:
    return render(preset("front", 7))


def test_vocabulary_is_jis_x_0208() -> None:
    phrases = [*vocab.FLOW_PHRASES, *vocab.SHORT_PHRASES, *vocab.LANE_LABELS,
               *vocab.FLOW_TITLES, *vocab.KPT_TITLES]
    phrases += [p for group in vocab.KPT_PHRASES.values() for p in group]
    bad = [p for p in phrases if not vocab.is_jis_x_0208(p)]
    assert not bad
    assert not vocab.is_jis_x_0208("ABC") and not vocab.is_jis_x_0208("𠮷野家")


def test_render_is_deterministic() -> None:
    a, b = render(small("tilted", 3)), render(small("tilted", 3))
    assert np.array_equal(a.image, b.image)
    assert a.truth == b.truth
    c = render(small("tilted", 4))
    assert not np.array_equal(a.image, c.image)


def _check_schema(truth: dict[str, Any], image: np.ndarray) -> None:
    assert list(truth)[:6] == ["width", "height", "notes", "links", "lanes", "notes_lane"]
    assert (truth["height"], truth["width"]) == image.shape[:2]
    ids = [n["id"] for n in truth["notes"]]
    assert ids == [f"n{i + 1}" for i in range(len(ids))]
    for n in truth["notes"]:
        assert list(n)[:6] == ["id", "quad", "color", "text", "confidence", "writing"]
        assert n["color"] in ("yellow", "pink", "blue", "green", "orange", "purple", "white")
        assert n["writing"] in ("horizontal", "vertical") and n["confidence"] == 1.0
        assert n["font_class"] in ("print", "hand", "brush")
        assert vocab.is_jis_x_0208(n["text"]) and "".join(n["lines"]) == n["text"]
    for link in truth["links"]:
        assert link["source"] in ids and link["target"] in ids
        assert link["source"] != link["target"]
    lane_ids = {lane["id"] for lane in truth["lanes"]}
    assert all(len(lane["quad"]) == 4 and lane["label"] for lane in truth["lanes"])
    assert set(truth["notes_lane"]) <= set(ids) and set(truth["notes_lane"].values()) <= lane_ids
    assert len(truth["poster_quad"]) == 4 and isinstance(truth["cases"], list)
    json.dumps(truth)


def _convex_clockwise(quad: list[list[float]]) -> bool:
    """All turns have the same sign; in y-down image coordinates clockwise means positive."""
    pts = np.array(quad, float)
    crosses = []
    for i in range(4):
        a, b, c = pts[i], pts[(i + 1) % 4], pts[(i + 2) % 4]
        ab, bc = b - a, c - b
        crosses.append(ab[0] * bc[1] - ab[1] * bc[0])
    return all(c > 0 for c in crosses)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_gives_valid_truth(name: str) -> None:
    r = render(small(name, 11))
    _check_schema(r.truth, r.image)
    assert r.image.dtype == np.uint8 and r.image.shape[2] == 3
    assert len(r.truth["notes"]) >= 5
    w, h = r.truth["width"], r.truth["height"]
    for n in r.truth["notes"]:
        assert all(0 <= x <= w and 0 <= y <= h for x, y in n["quad"]), n
        assert _convex_clockwise(n["quad"]), n
        # the note's own top-left corner is the upper-left one (rotation ≤ 6°, roll ≤ 3°)
        (x0, y0), (x1, _), (_, y2), _ = n["quad"]
        assert x0 < x1 and y0 < y2
    assert _convex_clockwise(r.truth["poster_quad"])
    if PRESETS[name].layout == "flow":
        assert r.truth["lanes"] and r.truth["links"]
        assert set(r.truth["notes_lane"]) == {n["id"] for n in r.truth["notes"]}


def test_cut_off_poster_runs_over_the_frame() -> None:
    r = render(small("cut_off", 5))
    w, h = r.truth["width"], r.truth["height"]
    outside = [p for p in r.truth["poster_quad"] if not (0 <= p[0] <= w and 0 <= p[1] <= h)]
    assert outside and "poster_cut_off" in r.truth["cases"]


def test_notes_are_in_reading_order(front: Any) -> None:
    lanes = [lane["id"] for lane in front.truth["lanes"]]
    firsts = [lanes.index(front.truth["notes_lane"][n["id"]]) for n in front.truth["notes"]]
    assert firsts == sorted(firsts)


@pytest.mark.parametrize("orientation", [6, 8, 3])
def test_exif_round_trip(tmp_path: Path, orientation: int) -> None:
    r = render(replace(small("front", 2), exif_orientation=orientation))
    img_path, json_path = write(r, tmp_path / "photo")
    with Image.open(img_path) as im:
        assert im.getexif()[ORIENTATION_TAG] == orientation
        stored = im.size
        upright = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
    w, h = r.truth["width"], r.truth["height"]
    assert stored == ((h, w) if orientation in (6, 8) else (w, h))
    assert upright.shape[:2] == (h, w)
    diff = np.abs(upright.astype(int) - r.image[..., ::-1].astype(int))
    assert diff.mean() < 4.0
    assert json.loads(json_path.read_text("utf-8"))["exif_orientation"] == orientation


def test_png_is_lossless(tmp_path: Path) -> None:
    r = render(small("kpt", 1))
    img_path, _ = write(r, tmp_path / "p", fmt="png")
    assert np.array_equal(cv2.imread(str(img_path)), r.image)


def _family(rgb: np.ndarray) -> str:
    """Colour family of a white-balanced RGB (0-255) colour."""
    h, s, _ = colorsys.rgb_to_hsv(*(np.clip(rgb, 0, 255) / 255.0))
    deg = h * 360
    if s < 0.12:
        return "white"
    for name, upper in (("pink", 15), ("orange", 40), ("yellow", 70), ("green", 170),
                        ("blue", 250), ("purple", 305)):
        if deg < upper:
            return name
    return "pink"


def _note_colours(truth: dict[str, Any], bgr: np.ndarray) -> list[tuple[str, str]]:
    h, w = bgr.shape[:2]
    notes_mask = np.zeros((h, w), np.uint8)
    for n in truth["notes"]:
        cv2.fillConvexPoly(notes_mask, np.array(n["quad"], np.int32), 255)
    poster = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(poster, np.array(truth["poster_quad"], np.int32), 255)
    paper_mask = (poster > 0) & (cv2.dilate(notes_mask, np.ones((25, 25), np.uint8)) == 0)
    paper = np.median(bgr[paper_mask][:, ::-1].astype(float), axis=0)
    out = []
    for n in truth["notes"]:
        m = np.zeros((h, w), np.uint8)
        cv2.fillConvexPoly(m, np.array(n["quad"], np.int32), 255)
        m = cv2.erode(m, np.ones((9, 9), np.uint8))
        note = np.median(bgr[m > 0][:, ::-1].astype(float), axis=0)
        out.append((n["color"], _family(note / paper * 242.0)))
    return out


@pytest.mark.parametrize("name", ["front", "dim_warm"])
def test_note_pixels_have_the_note_colour(name: str) -> None:
    r = render(small(name, 21)) if name != "front" else render(preset("front", 21))
    pairs = _note_colours(r.truth, r.image)
    wrong = [(want, got) for want, got in pairs if want != got]
    assert len(wrong) <= len(pairs) // 20, wrong


def test_text_is_large_enough(front: Any) -> None:
    sizes = [n["char_px"] for n in front.truth["notes"]]
    assert np.median(sizes) >= 20.0
    assert min(sizes) >= 14.0


def test_note_text_is_ink_on_the_note(front: Any) -> None:
    """Each note holds dark marker strokes (the text really was drawn)."""
    gray = cv2.cvtColor(front.image, cv2.COLOR_BGR2GRAY)
    for n in front.truth["notes"]:
        m = np.zeros(gray.shape, np.uint8)
        cv2.fillConvexPoly(m, np.array(n["quad"], np.int32), 255)
        vals = gray[cv2.erode(m, np.ones((7, 7), np.uint8)) > 0]
        dark = (vals < np.median(vals) * 0.6).mean()
        assert 0.02 < dark < 0.45, (n["text"], dark)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="申請書を受付の確認ー窓口でシステム", min_size=1, max_size=14),
       st.booleans())
def test_fit_keeps_the_text_and_at_most_three_lines(words: str, vertical: bool) -> None:
    fitted = text.fit(words, 63.0, 60.0, vertical)
    assert "".join(fitted.lines) == words
    assert 1 <= len(fitted.lines) <= 3 and fitted.char_size > 0


def test_render_is_fast_enough() -> None:
    import time

    render(small("front", 1))  # warm font caches
    t0 = time.perf_counter()
    render(preset("tilted", 9))  # 2000×1500 = 3 MP
    assert time.perf_counter() - t0 < 3.0  # target ≲1.5 s; slack for loaded CI machines


def test_cli_writes_a_set(tmp_path: Path) -> None:
    out = tmp_path / "set"
    assert cli_main([str(out), "--count", "2", "--seed", "5", "--size", "800x600"]) == 0
    jpgs = sorted(out.glob("*.jpg"))
    assert [p.name for p in jpgs] == ["01_front_s5.jpg", "02_tilted_s6.jpg"]
    for p in jpgs:
        truth = json.loads(p.with_suffix(".json").read_text("utf-8"))
        assert truth["seed"] in (5, 6)
        with Image.open(p) as im:
            assert ImageOps.exif_transpose(im).size == (truth["width"], truth["height"])


SAMPLES = sorted((ROOT / "sample_photos").glob("*.jpg"))


@pytest.mark.skipif(not SAMPLES, reason="sample_photos/ not generated yet")
@pytest.mark.parametrize("photo", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_committed_samples_match_their_truth(photo: Path) -> None:
    truth = json.loads(photo.with_suffix(".json").read_text("utf-8"))
    with Image.open(photo) as im:
        upright = ImageOps.exif_transpose(im)
        assert upright.size == (truth["width"], truth["height"])
        assert im.getexif().get(ORIENTATION_TAG, 1) == truth["exif_orientation"]
    _check_schema(truth, np.zeros((truth["height"], truth["width"], 3), np.uint8))
