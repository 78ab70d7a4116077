"""``make bench``: quality and speed figures, printed (never asserted by tests).

1. detection quality over the generated labelled set (``photogen.evalset``, ≥ 40 photos, one
   per condition and combinations), in total and per condition (``fusen eval --no-ocr``);
2. quality over ``sample_photos/`` with the configured OCR engine, end to end;
3. seconds per photo: detection only and the whole pipeline with OCR, medians over runs;
4. peak memory per photo, each photo recognised in a fresh process (max RSS);
5. the set's 12 MP photos with 40 notes and its 48 MP photos: detection median, peak memory;
6. the OCR engines side by side (``app.evaluate_ocr``) and the editor's speed
   (``app.bench_editor``).

Everything is measured in this one run, side by side, on this machine. The machine's own
speed drifts (a VM: the same code and photo measured 0.24 s and 0.76 s in different weeks),
so the bench first times a fixed reference workload that no Fusen change touches and prints
the 12 MP figures in its units too: runs from different periods compare by those.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_photos"
EVALSET = ROOT / "cache" / "evalset"
"""Where the generated labelled set is written (regenerated only when its specs change)."""
HELDOUT = ROOT / "cache" / "heldout"
HELDOUT_SEED_OFFSET = 1000
"""The held-out set: the same conditions, every seed shifted by this much."""

log = logging.getLogger(__name__)


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _peak_child(photo: Path, ocr: bool) -> float:
    """Max RSS (MB) of a fresh process that decodes and recognises ``photo``."""
    args = [sys.executable, "-m", "app.bench", "--peak", str(photo)]
    if not ocr:
        args.append("--no-ocr")
    done = subprocess.run(args, capture_output=True, text=True, check=True, timeout=600)
    return float(json.loads(done.stdout.strip().splitlines()[-1])["peak_mb"])


def _peak_rss_kb() -> int:
    """This process's peak resident set (VmHWM). Not ``ru_maxrss``: Linux carries that over
    from the parent across fork + exec, so a child would report the bench's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _peak_main(photo: Path, ocr: bool) -> int:
    import cv2

    from vision.io import decode_image
    from vision.pipeline import recognize

    from .config import get_settings
    from .ocr_setup import build_ocr_engine

    cv2.setNumThreads(1)
    settings = get_settings().model_copy(update={"ocr_workers": 1})
    engine = build_ocr_engine(settings) if ocr else None
    recognize(decode_image(photo.read_bytes()).image, engine)
    _out(json.dumps({"peak_mb": round(_peak_rss_kb() / 1024, 1)}))
    return 0


def _median_seconds(images: Sequence[object], engine: object, runs: int) -> float:
    from vision.pipeline import recognize

    times = []
    for image in images:
        per = []
        for _ in range(runs):
            start = time.perf_counter()
            recognize(image, engine)  # type: ignore[arg-type]
            per.append(time.perf_counter() - start)
        times.append(min(per))
    return statistics.median(times)


REFERENCE_PHOTO = SAMPLES / "01_front_s101.jpg"
REFERENCE_RUNS = 7


def _reference_work(data: bytes) -> None:
    """OpenCV and numpy only, the kinds of work detection does on a 12 MP photo: decode,
    upscale to 12 MP, area-downscale to the working size, float Lab, a wide blur, two line
    segment detections, a labelling and a median."""
    import cv2
    import numpy as np

    small = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    big = cv2.resize(small, (4000, 3000), interpolation=cv2.INTER_LINEAR)
    work = cv2.resize(big, (1400, 1050), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(work.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)
    light = np.ascontiguousarray(lab[..., 0])
    cv2.GaussianBlur(lab, (0, 0), 12.0)
    grey = np.clip(light * 2.55, 0, 255).astype(np.uint8)
    lsd = cv2.createLineSegmentDetector(cv2.LSD_REFINE_NONE, 0.6)
    lsd.detect(grey)
    lsd.detect(cv2.GaussianBlur(grey, (0, 0), 1.0))
    cv2.connectedComponentsWithStats((grey > np.median(grey)).astype(np.uint8), connectivity=8)


def reference_seconds(runs: int = REFERENCE_RUNS) -> float:
    """Median seconds of :func:`_reference_work` on a committed sample photo (one thread)."""
    data = REFERENCE_PHOTO.read_bytes()
    _reference_work(data)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        _reference_work(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _pixels(truth_path: Path) -> tuple[int, int]:
    truth = json.loads(truth_path.read_text("utf-8"))
    return int(truth["width"]) * int(truth["height"]), len(truth["notes"])


def _big_photo_figures(photo: Path, runs: int, reference_s: float) -> str:
    from vision.io import decode_image

    pixels, notes = _pixels(photo.with_suffix(".json"))
    data = photo.read_bytes()
    start = time.perf_counter()
    image = decode_image(data).image
    decode_s = time.perf_counter() - start
    h, w = image.shape[:2]
    median = _median_seconds([image], None, runs)
    del image
    return (
        f"{photo.name} ({w}×{h}, {pixels / 1e6:.0f} MP, {notes} notes): detection + "
        f"rectification median {median:.3f} s = {median / reference_s:.2f} reference units "
        f"(decode {decode_s:.2f} s more); "
        f"peak {_peak_child(photo, False):.0f} MB (decode included)"
    )


def run(ocr: bool, runs: int) -> int:
    """Print every figure."""
    import cv2

    from photogen.evalset import ensure_evalset
    from vision.io import decode_image

    from .config import get_settings
    from .evaluate import evaluate, format_report
    from .ocr_setup import build_ocr_engine

    cv2.setNumThreads(1)  # the figures are for one core (OCR workers are processes)
    settings = get_settings()
    _out("# Fusen bench (OpenCV on one thread)")
    reference_s = reference_seconds()
    _out(
        f"machine speed: reference workload (OpenCV/numpy only, {REFERENCE_PHOTO.name}) "
        f"median {reference_s:.3f} s — compare runs from different periods in its units"
    )
    started = time.perf_counter()
    evalset = ensure_evalset(EVALSET)
    _out(f"\n## Detection over the labelled set ({len(evalset)} generated photos, IoU ≥ 0.5)")
    _out(f"(set ready in {time.perf_counter() - started:.0f} s under {EVALSET.relative_to(ROOT)})")
    _out(format_report(evaluate(EVALSET, None)))

    # Detection was tuned looking at that set: the same conditions with other seeds show how
    # much of it was fitted to those photos.
    started = time.perf_counter()
    ensure_evalset(HELDOUT, HELDOUT_SEED_OFFSET)
    _out(
        f"\n## Detection over the held-out set (the same {len(evalset)} conditions, seeds "
        f"+{HELDOUT_SEED_OFFSET}; ready in {time.perf_counter() - started:.0f} s, totals only)"
    )
    for line in format_report(evaluate(HELDOUT, None)).splitlines():
        if line.startswith(("TOTAL", "F1 by case", "recall by note tag", "misses by case")):
            _out(line)

    engine = build_ocr_engine(settings) if ocr else None
    _out(
        f"\n## End to end over sample_photos/ — OCR engine: "
        f"{settings.ocr_engine if ocr else 'none'}, {settings.ocr_workers} OCR workers"
    )
    _out(format_report(evaluate(SAMPLES, engine)))

    images = [decode_image(p.read_bytes()).image for p in sorted(SAMPLES.glob("*.jpg"))]
    _out(f"\n## Seconds per photo (median over {len(images)} photos, best of {runs} runs)")
    _out(f"detection only:        {_median_seconds(images, None, runs):.3f} s")
    if engine is not None:
        _out(f"with OCR (whole photo): {_median_seconds(images, engine, 1):.3f} s")
        engine.close()
    del images

    _out("\n## Peak memory per photo (fresh process, max RSS, OCR with 1 worker)")
    peaks = [_peak_child(p, ocr) for p in sorted(SAMPLES.glob("*.jpg"))]
    _out(f"median {statistics.median(peaks):.0f} MB, max {max(peaks):.0f} MB")

    _out("\n## Large photos of the labelled set (no OCR; one core)")
    for photo in evalset:
        pixels, notes = _pixels(photo.with_suffix(".json"))
        if pixels >= 40e6 or (pixels >= 10e6 and notes >= 40):
            _out(_big_photo_figures(photo, max(3, runs), reference_s))

    if ocr:
        from .evaluate_ocr import run_ocr_bench

        _out("\n## OCR engines side by side (issue 4)")
        for line in run_ocr_bench():
            _out(line)

    from .bench_editor import run as run_editor_bench

    _out("\n## Editor (issue 5)")
    for line in run_editor_bench():
        _out(line)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``python -m app.bench``."""
    p = argparse.ArgumentParser(prog="python -m app.bench")
    p.add_argument("--no-ocr", action="store_true")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--peak", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.peak:
        return _peak_main(args.peak, not args.no_ocr)
    return run(not args.no_ocr, args.runs)


if __name__ == "__main__":
    raise SystemExit(main())
