"""The recognition pipeline on real decoded photos (committed samples and generated ones).

Real OpenCV, no OCR here (``engine=None``: OCR has its own tests); thresholds are the v1
figures measured by ``fusen eval`` with margin, so a regression fails.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import Image

import photogen
from app.evaluate import Report, score_photo
from vision.errors import ImageDecodeError, ImageTooLargeError, ImageTooSmallError
from vision.geometry import order_clockwise, polygon_iou, quad_area
from vision.io import decode_image
from vision.pipeline import recognize
from vision.serialize import to_extract_json
from vision.types import BOARD_WIDTH, PALETTE

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_photos").glob("*.jpg"))


def _truth(photo: Path) -> dict[str, Any]:
    return dict(json.loads(photo.with_suffix(".json").read_text("utf-8")))


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    out = {}
    for photo in SAMPLES:
        decoded = decode_image(photo.read_bytes())
        out[photo.stem] = (decoded, recognize(decoded.image, None), _truth(photo))
    return out


@pytest.mark.parametrize("name", [p.stem for p in SAMPLES])
def test_sample_photo_notes_are_found(results: dict[str, Any], name: str) -> None:
    decoded, result, truth = results[name]
    assert (result.width, result.height) == (truth["width"], truth["height"])
    score = score_photo(name, result, truth, 0.0, ocr=False)
    # Coloured notes: every one; white notes on off-white paper by their outline.
    coloured = [n for n in truth["notes"] if n["color"] != "white"]
    found_coloured = sum(
        any(polygon_iou(n["quad"], f.region.quad) >= 0.5 for f in result.notes) for n in coloured
    )
    assert found_coloured == len(coloured), f"{name}: coloured notes missed"
    assert score.recall >= 0.93, f"{name}: recall {score.recall:.2f}"
    assert score.precision >= 0.97, f"{name}: precision {score.precision:.2f}"
    assert score.mean_iou >= 0.90
    assert score.colour_ok >= 0.9 * score.matched


def test_totals_over_the_sample_set(results: dict[str, Any]) -> None:
    truth = found = matched = colour = 0
    for name, (_d, result, t) in results.items():
        s = score_photo(name, result, t, 0.0, ocr=False)
        truth, found, matched, colour = (
            truth + s.truth,
            found + s.found,
            matched + s.matched,
            colour + s.colour_ok,
        )
    assert matched / truth >= 0.97 and matched / found >= 0.99
    assert colour / matched >= 0.97


def test_exif_rotated_photo_is_upright(results: dict[str, Any]) -> None:
    decoded, result, truth = results["07_exif_rotated_s107"]
    assert decoded.orientation == 6
    assert (decoded.width, decoded.height) == (1500, 2000)
    assert len(result.notes) == len(truth["notes"])


def test_poster_found_when_visible_and_not_when_cut_off(results: dict[str, Any]) -> None:
    _d, front, t = results["01_front_s101"]
    assert front.poster_quad is not None
    assert polygon_iou(front.poster_quad, t["poster_quad"]) > 0.95
    assert front.board_width == BOARD_WIDTH
    assert front.board_height == pytest.approx(BOARD_WIDTH * 788 / 1091, rel=0.01)
    _d, cut, _t = results["08_cut_off_s108"]
    assert cut.poster_quad is None
    assert cut.board_height == pytest.approx(BOARD_WIDTH * cut.height / cut.width)


def test_board_positions_keep_the_poster_layout(results: dict[str, Any]) -> None:
    """On the rectified poster, notes of one swimlane row line up and stay in left-to-right
    order: the board is the poster seen front-on, even from a tilted photo."""
    _d, result, _t = results["02_tilted_s102"]
    assert result.poster_quad is not None
    boxes = [n.box for n in result.notes]
    assert all(b.x >= 0 and b.x + b.w <= result.board_width + 1 for b in boxes)
    sizes = [b.w for b in boxes]
    # 75 mm notes on a 1091 mm poster are ~137 units wide; perspective is removed.
    assert np.median(sizes) == pytest.approx(BOARD_WIDTH * 75 / 1091, rel=0.15)
    ids = [n.id for n in result.notes]
    assert ids == [f"n{i + 1}" for i in range(len(ids))]


def test_extract_json_shape(results: dict[str, Any]) -> None:
    _d, result, _t = results["01_front_s101"]
    doc = to_extract_json(result)
    assert list(doc) == ["width", "height", "notes", "links", "lanes", "notes_lane"]
    for note in doc["notes"]:
        assert note["color"] in PALETTE and note["writing"] in ("horizontal", "vertical")
        quad = np.array(note["quad"])
        assert quad.shape == (4, 2)
        assert np.allclose(order_clockwise(quad), quad)  # clockwise from top-left
    json.dumps(doc)  # serialisable


def test_generated_12mp_photo_maps_quads_to_full_resolution() -> None:
    spec = replace(photogen.preset("front", 31), size=(4000, 3000), note_count=12)
    rendered = photogen.render(spec)
    result = recognize(rendered.image, None)
    truth = rendered.truth
    score = score_photo("12mp", result, truth, 0.0, ocr=False)
    assert score.precision == 1.0 and score.recall >= 0.8
    assert score.mean_iou >= 0.9
    # Crops are rectified at the note's own resolution, capped at 600 px.
    assert all(max(n.crop.shape[:2]) <= 600 for n in result.notes)
    assert all(min(n.crop.shape[:2]) > 150 for n in result.notes)


def test_photo_without_notes_gives_a_warning_not_an_error() -> None:
    blank = np.full((900, 1200, 3), 235, np.uint8)
    result = recognize(blank, None)
    assert result.notes == ()
    assert any("付せんが見つかりません" in w for w in result.warnings)


def test_corrupt_and_tiny_images_raise_typed_errors() -> None:
    with pytest.raises(ImageDecodeError) as exc:
        decode_image(b"\xff\xd8\xff" + b"\x00" * 100)
    assert exc.value.code == "image_decode_failed" and "写真" in exc.value.message
    with pytest.raises(ImageDecodeError):
        decode_image(b"GIF89a....")
    buf = io.BytesIO()
    Image.new("RGB", (200, 150), "white").save(buf, "PNG")
    with pytest.raises(ImageTooSmallError):
        decode_image(buf.getvalue())


def test_truncated_jpeg_is_a_decode_error() -> None:
    data = SAMPLES[0].read_bytes()
    with pytest.raises(ImageDecodeError):
        decode_image(data[: len(data) // 3])


def test_png_with_alpha_decodes_on_white() -> None:
    buf = io.BytesIO()
    Image.new("RGBA", (640, 480), (0, 0, 0, 0)).save(buf, "PNG")
    decoded = decode_image(buf.getvalue())
    assert decoded.format == "PNG" and decoded.image.shape == (480, 640, 3)
    assert int(decoded.image.min()) == 255


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-1000, 1000), st.floats(-1000, 1000)), min_size=4, max_size=4))
def test_order_clockwise_is_a_permutation_starting_top_left(pts: list[tuple[float, float]]) -> None:
    arr = np.array(pts)
    out = order_clockwise(arr)
    assert sorted(map(tuple, out.tolist())) == sorted(map(tuple, arr.tolist()))
    assert out[0].sum() == pytest.approx(arr.sum(axis=1).min())


@hsettings(max_examples=40, deadline=None)
@given(st.floats(1, 500), st.floats(1, 500), st.floats(-50, 50), st.floats(-50, 50))
def test_iou_of_shifted_rectangles(w: float, h: float, dx: float, dy: float) -> None:
    a = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=float)
    b = a + [dx, dy]
    inter = max(0.0, w - abs(dx)) * max(0.0, h - abs(dy))
    expected = inter / (2 * w * h - inter)
    assert polygon_iou(a, b) == pytest.approx(expected, abs=1e-3)
    assert quad_area(a) == pytest.approx(w * h)


def _jpeg_with_orientation(orientation: object, size: tuple[int, int] = (640, 480)) -> bytes:
    img = Image.new("RGB", size, "white")
    img.paste((255, 0, 0), (0, 0, 40, 40))  # a red mark at the stored top-left
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_gives_upright_pixels(orientation: int) -> None:
    decoded = decode_image(_jpeg_with_orientation(orientation))
    assert decoded.orientation == orientation
    swapped = orientation in (5, 6, 7, 8)
    assert (decoded.width, decoded.height) == ((480, 640) if swapped else (640, 480))
    # Where the stored top-left mark lands, as a viewer applying the tag shows it.
    w, h = decoded.width, decoded.height
    corner = {1: (0, 0), 2: (w - 1, 0), 3: (w - 1, h - 1), 4: (0, h - 1),
              5: (0, 0), 6: (w - 1, 0), 7: (w - 1, h - 1), 8: (0, h - 1)}[orientation]
    x = min(max(corner[0], 10), w - 11)
    y = min(max(corner[1], 10), h - 11)
    b, g, r = decoded.image[y, x]
    assert r > 200 and g < 80 and b < 80


def test_decompression_bomb_is_too_large_not_a_crash() -> None:
    buf = io.BytesIO()
    Image.new("1", (20000, 10000)).save(buf, "PNG")
    with pytest.raises(ImageTooLargeError) as exc:
        decode_image(buf.getvalue())
    assert exc.value.code == "image_too_large"


@pytest.mark.parametrize("mode", ["L", "CMYK", "I;16", "P", "LA"])
def test_other_pixel_modes_decode_to_bgr(mode: str) -> None:
    img = Image.new("RGB", (400, 340), (200, 30, 30)).convert(mode if mode != "I;16" else "L")
    if mode == "I;16":
        img = Image.fromarray(np.full((340, 400), 40000, np.uint16))
    buf = io.BytesIO()
    img.save(buf, "JPEG" if mode in ("L", "CMYK") else "PNG")
    decoded = decode_image(buf.getvalue())
    assert decoded.image.shape == (340, 400, 3) and decoded.image.dtype == np.uint8


@pytest.mark.parametrize("kind", ["black", "white", "noise", "one_colour", "thin", "checker"])
def test_odd_images_give_a_result_not_an_exception(kind: str) -> None:
    rng = np.random.default_rng(7)
    image = {
        "black": np.zeros((900, 1200, 3), np.uint8),
        "white": np.full((900, 1200, 3), 255, np.uint8),
        "noise": rng.integers(0, 256, (900, 1200, 3), dtype=np.uint8),
        "one_colour": np.tile(np.array([40, 200, 250], np.uint8), (700, 700, 1)),
        "thin": rng.integers(100, 200, (320, 4000, 3), dtype=np.uint8),
        "checker": ((np.indices((900, 1200)).sum(0) // 60 % 2) * 255).astype(np.uint8)[
            ..., None
        ].repeat(3, 2),
    }[kind]
    result = recognize(image, None)
    assert result.notes == ()
    assert result.warnings  # at least "no notes found"


def test_eval_scores_the_poster_outline(results: dict[str, Any]) -> None:
    scores = [score_photo(n, r, t, 0.0, ocr=False) for n, (_d, r, t) in results.items()]
    by_name = {s.name: s for s in scores}
    assert by_name["08_cut_off_s108"].poster_iou is None  # the frame cuts it off
    assert not by_name["08_cut_off_s108"].poster_guessed
    assert by_name["01_front_s101"].poster_iou is not None
    assert by_name["01_front_s101"].poster_iou > 0.95
    # a wrong outline scores low, a missing one 0
    _d, front, t = results["01_front_s101"]
    shifted = replace(front, poster_quad=tuple((x + 400.0, y) for x, y in front.poster_quad))
    assert score_photo("x", shifted, t, 0.0, ocr=False).poster_iou < 0.8
    assert score_photo("x", replace(front, poster_quad=None), t, 0.0, ocr=False).poster_iou == 0
    poster = Report(scores).totals()["poster"]
    assert poster["shown"] == sum(s.poster_iou is not None for s in scores) >= 6
    assert poster["found"] == poster["shown"] and poster["mean_iou"] > 0.9


def test_a_poster_outline_with_corners_cut_off_by_tape_is_the_four_long_sides() -> None:
    from vision.paper import _long_sides_quad

    # a slightly tilted 500×350 sheet whose flood stopped short of two corners (tape)
    corners = np.array([[40, 30], [540, 50], [530, 400], [30, 380]], np.float64)
    cut = []
    for i in range(4):
        a, b, c = corners[i - 1], corners[i], corners[(i + 1) % 4]
        if i in (0, 2):
            cut += [b + (a - b) * 0.08, b + (c - b) * 0.08]
        else:
            cut.append(b)
    quad = _long_sides_quad(np.array(cut))
    assert quad is not None
    assert np.abs(quad - order_clockwise(corners)).max() < 1.0
    assert polygon_iou(quad, corners) > 0.99
