"""The labelled evaluation set of issue 3: ``python -m photogen.evalset OUT_DIR``.

``EVAL_SET`` names 46 seeded photos that cover every case of the issue, usually several at
once as in real photos (a tilted portrait shot under a cool light with a hand in it). Most
are 2-12 MP so that the whole set renders in about three minutes on one core; three are
48 MP. :func:`ensure_evalset` writes ``NN_NAME.jpg`` + ``.json`` pairs and a
``manifest.json`` keyed by a hash of each spec and of the generator's code and libraries, so
a rerun only renders what is missing or stale.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import PIL

from photogen.io import write
from photogen.render import render
from photogen.spec import SceneSpec

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"

_BASE = SceneSpec(size=(2592, 1944), noise_sigma=3.0)
_MIXED = ((50.0, 50.0), (75.0, 75.0), (75.0, 75.0), (75.0, 127.0), (127.0, 75.0), (75.0, 50.0))
_SMALL = ((50.0, 50.0), (50.0, 50.0), (75.0, 75.0))
_WHITE = ("white", "white", "white", "yellow", "pink", "blue")
_P3, _P5, _P8, _P12, _P48 = (2048, 1536), (2592, 1944), (3264, 2448), (4032, 3024), (8000, 6000)


def _portrait(size: tuple[int, int]) -> tuple[int, int]:
    return (min(size), max(size))


def _spec(seed: int, **kw: Any) -> SceneSpec:
    return replace(_BASE, seed=seed, **kw)


EVAL_SET: list[tuple[str, SceneSpec]] = [
    # perspective, orientation, EXIF, photo size
    ("front_plain", _spec(301, size=_P3, tilt_deg=3.0, light_gradient=0.1)),
    ("tilted30_glare", _spec(302, tilt_deg=30.0, glare=0.2, background="whiteboard")),
    ("tilted28_kpt_warm", _spec(303, size=_P8, layout="kpt", note_count=24, tilt_deg=28.0,
                                warmth=0.14, link_ratio=0.0)),
    ("tilted25_portrait_poster", _spec(304, size=_portrait(_P12), poster_portrait=True,
                                       tilt_deg=25.0, lane_count=4, note_count=20,
                                       curl=0.3)),
    ("portrait_exif6_cool", _spec(305, size=_portrait(_P3), poster_portrait=True,
                                  lane_count=4, note_count=16, exif_orientation=6,
                                  warmth=-0.12)),
    ("portrait_exif8_hand", _spec(306, size=_portrait(_P8), exif_orientation=8, hand=True,
                                  tilt_deg=14.0)),
    ("upside_down_exif3", _spec(307, size=(1920, 1440), exif_orientation=3, tilt_deg=22.0)),
    ("landscape_exif6_tape", _spec(308, size=_P12, exif_orientation=6, tape_strips=4)),
    ("small15_front", _spec(309, size=(1500, 1000), note_count=14, noise_sigma=3.5)),
    ("small15_portrait_exif6", _spec(310, size=(1000, 1500), poster_portrait=True,
                                     lane_count=4, note_count=12, exif_orientation=6,
                                     tilt_deg=20.0)),
    ("small15_dim_blur", _spec(311, size=(1500, 1000), note_count=14, exposure=0.6,
                               noise_sigma=6.0, blur_sigma=1.6, warmth=0.15)),
    ("small15_kpt_magnets", _spec(312, size=(1536, 1024), layout="kpt", note_count=15,
                                  link_ratio=0.0, magnets=5, background="whiteboard")),
    ("big48_40notes_mixed", _spec(313, size=_P48, packing="shelf", note_count=40,
                                  note_sizes_mm=_MIXED, touching=0.25, tilt_deg=12.0,
                                  lane_count=4, gap_mm=(6.0, 20.0))),
    ("big48_portrait_exif6_band", _spec(314, size=_portrait(_P48), poster_portrait=True,
                                        lane_count=4, note_count=24, exif_orientation=6,
                                        shadow_band=True, tilt_deg=18.0)),
    ("big48_far_small", _spec(315, size=_P48, fill=0.55, note_sizes_mm=_SMALL, note_count=30,
                              lane_count=4, tilt_deg=8.0)),
    ("big12_40notes_grid", _spec(316, size=(4000, 3000), note_count=40, lane_count=4,
                                 note_sizes_mm=((50.0, 50.0), (75.0, 75.0)))),
    ("big12_40notes_shelf", _spec(317, size=_P12, packing="shelf", note_count=40,
                                  note_sizes_mm=_MIXED, touching=0.3, overlap=0.1,
                                  lane_count=4, gap_mm=(6.0, 18.0), tilt_deg=15.0)),
    # uneven light and white balance
    ("band_person_warm", _spec(318, shadow_band=True, warmth=0.13, light_gradient=0.3)),
    ("band_partition_cool_wb", _spec(319, size=_P8, shadow_band=True, warmth=-0.13,
                                     background="whiteboard", magnets=3)),
    ("band_kpt_curled", _spec(320, size=_P3, layout="kpt", note_count=21, link_ratio=0.0,
                              shadow_band=True, curl=0.4)),
    ("glare_laminated", _spec(321, size=_P8, glare=0.25, laminated=True, tilt_deg=16.0)),
    ("glare_neon", _spec(322, glare=0.2, neon=0.7, vignette=0.45)),
    ("glare_white_pale", _spec(323, size=_P3, glare=0.2, colors=_WHITE, pastel=0.5,
                               paper_tone="bright")),
    ("warm_tungsten_dim", _spec(324, size=_P3, warmth=0.17, exposure=0.65, noise_sigma=5.5,
                                light_gradient=0.35, vignette=0.4)),
    ("cool_daylight_touching", _spec(325, warmth=-0.14, packing="shelf", touching=0.5,
                                     note_count=22)),
    ("cool_fluorescent_tilted", _spec(326, size=_P12, warmth=-0.11, tilt_deg=24.0,
                                      note_count=24)),
    # touching, overlapping, rotated, curled notes
    ("touching_overlap", _spec(327, size=_P8, packing="shelf", touching=0.35, overlap=0.25,
                               note_count=26, note_sizes_mm=_MIXED)),
    ("overlap_heavy", _spec(328, size=_P3, packing="shelf", overlap=0.45, note_count=20)),
    ("overlap_kpt", _spec(329, layout="kpt", packing="shelf", overlap=0.3, touching=0.3,
                          note_count=27, link_ratio=0.0, background="whiteboard")),
    ("rotated10_grid", _spec(330, size=_P3, note_rotation_deg=10.0, note_count=18)),
    ("rotated10_shelf_curled", _spec(331, size=_P8, packing="shelf", note_rotation_deg=10.0,
                                     curl=0.35, note_count=24, note_sizes_mm=_MIXED)),
    ("curled_rotated_touching", _spec(332, packing="shelf", curl=0.5, touching=0.3,
                                      note_rotation_deg=9.0, note_count=22)),
    # palette
    ("neon_cut_off", _spec(333, neon=0.8, poster_cut_off=True, fill=1.12, tilt_deg=12.0,
                           note_count=20)),
    ("pastel_cream", _spec(334, size=_P3, pastel=0.8, paper_tone="cream", note_count=20)),
    ("neon_pastel_mixed", _spec(335, size=_P8, neon=0.4, pastel=0.4, packing="shelf",
                                note_sizes_mm=_MIXED, note_count=28)),
    ("white_bright_paper", _spec(336, colors=_WHITE, paper_tone="bright", note_count=20)),
    ("white_cream_tilted", _spec(337, size=_P8, colors=_WHITE, paper_tone="cream",
                                 tilt_deg=22.0, note_count=20)),
    ("white_kpt_band", _spec(338, size=_P3, layout="kpt", colors=_WHITE, note_count=21,
                             link_ratio=0.0, shadow_band=True)),
    # sizes, far away
    ("mixed_sizes_tape", _spec(339, packing="shelf", note_sizes_mm=_MIXED, note_count=24,
                               tape_strips=3)),
    ("far_small_12mp", _spec(340, size=_P12, fill=0.55, note_sizes_mm=_SMALL, note_count=30,
                             lane_count=4)),
    ("far_small_magnets", _spec(341, fill=0.6, note_sizes_mm=_SMALL, note_count=26,
                                lane_count=4, magnets=5, background="whiteboard")),
    # distractors, poster cut off, blur
    ("hand_pen_tape", _spec(342, size=_P8, hand=True, pen=True, tape_strips=3)),
    ("pen_magnets_cut_off", _spec(343, size=_P3, pen=True, magnets=4, poster_cut_off=True,
                                  fill=1.1, background="whiteboard")),
    ("hand_cut_off_portrait", _spec(344, size=_portrait(_P5), poster_portrait=True,
                                    lane_count=4, note_count=16, hand=True,
                                    poster_cut_off=True, fill=1.1)),
    ("motion_blur_dim", _spec(345, size=_P3, motion_blur_px=7.0, exposure=0.7,
                              noise_sigma=5.0)),
    ("defocus_pen_tape", _spec(346, blur_sigma=2.4, pen=True, tape_strips=2)),
]
"""(name, spec) of every photo of the evaluation set, in file order."""


@cache
def _code_digest() -> str:
    """Hash of the generator's sources and the library versions that shape its pixels."""
    h = hashlib.sha256()
    for src in sorted(Path(__file__).parent.glob("*.py")):
        h.update(src.name.encode())
        h.update(src.read_bytes())
    h.update(f"{np.__version__} {cv2.__version__} {PIL.__version__}".encode())
    return h.hexdigest()


def spec_hash(spec: SceneSpec) -> str:
    """Key of one photo in the manifest: its spec and the generator that renders it."""
    return hashlib.sha256(f"{spec!r} {_code_digest()}".encode()).hexdigest()[:20]


def stems() -> list[str]:
    """File names (without extension) of the set, ``NN_NAME``."""
    return [f"{i + 1:02d}_{name}" for i, (name, _) in enumerate(EVAL_SET)]


def ensure_evalset(out_dir: Path, seed_offset: int = 0) -> list[Path]:
    """Render whatever of the set is missing or stale in ``out_dir``; return every photo.

    Args:
        out_dir: directory for ``NN_NAME.jpg`` / ``.json`` and ``manifest.json`` (created).
        seed_offset: added to every photo's seed: the same conditions with other layouts,
            words, light and noise, a held-out set for what was tuned on the set itself.

    Returns:
        The photo paths in ``EVAL_SET`` order.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / MANIFEST
    manifest: dict[str, str] = {}
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text("utf-8"))
    specs = (replace(spec, seed=spec.seed + seed_offset) for _, spec in EVAL_SET)
    wanted = dict(zip(stems(), specs, strict=True))
    for stale in set(manifest) - set(wanted):
        for ext in (".jpg", ".json"):
            (out_dir / f"{stale}{ext}").unlink(missing_ok=True)
        del manifest[stale]
    paths = []
    for stem, spec in wanted.items():
        img, truth = out_dir / f"{stem}.jpg", out_dir / f"{stem}.json"
        key = spec_hash(spec)
        if manifest.get(stem) != key or not (img.is_file() and truth.is_file()):
            t0 = time.perf_counter()
            write(render(spec), out_dir / stem)
            manifest[stem] = key
            manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                                     "utf-8")
            log.info("%s: %.1f s", stem, time.perf_counter() - t0)
        paths.append(img)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", "utf-8")
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m photogen.evalset",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed-offset", type=int, default=0,
                        help="shift every seed: the same conditions, a held-out set")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    t0 = time.perf_counter()
    paths = ensure_evalset(args.out_dir, args.seed_offset)
    log.info("%d photos in %s (%.0f s)", len(paths), args.out_dir, time.perf_counter() - t0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
