"""``fusen eval-ocr``: every OCR engine on the same labelled note crops, side by side.

The crops come from :mod:`app.ocr_crops` (seeded, so every run reads the same set). Each
engine is built once and its models are loaded before timing; notes are then read one by
one in this process (one core, preprocessing included) and scored with
:mod:`vision.ocr_eval`: CER per font class × writing (NFKC, whitespace removed,
Levenshtein / truth length, pooled), exact-match rate, the review flag (share of notes below
the engine's confidence threshold and share of all character errors inside them) and the
median milliseconds per note. Optionally the notes of a generated 12 MP, 40-note photo are
read with ``workers`` processes, and each engine's peak memory is taken in a fresh process.

``run_ocr_bench(...)`` returns the lines ``make bench`` prints. The default seed, 11, was
held out: the PP-OCRv5 tuning in :mod:`vision.ocr_ppocr` was measured on seeds 4, 7 and 9.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2

from vision.ocr import make_engine
from vision.ocr_eval import EvalItem, OcrReport, score
from vision.types import Image, NoteText, OcrEngine

from .ocr_crops import CropInfo, make_crops

log = logging.getLogger(__name__)

ENGINES: tuple[str, ...] = ("tesseract", "ppocr")
TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")
CLASS_KEYS: tuple[str, ...] = (
    "print/horizontal", "print/vertical", "hand/horizontal", "hand/vertical",
    "brush/horizontal", "brush/vertical", "print", "hand", "brush", "all",
)


@dataclass(frozen=True)
class EngineResult:
    """One engine's figures on the labelled crops.

    Attributes:
        engine: engine name.
        report: CER per class and the other :class:`vision.ocr_eval.OcrReport` figures
            (``ms_per_note`` is the mean).
        median_ms: median wall time of one ``read`` (one core, preprocessing included).
        cpu_ms: CPU time of this process per note over the same reads (less sensitive to
            other load on the machine than wall time).
        load_s: time to build the engine and load its models.
        threshold: the review-flag threshold used for this engine.
        photo_s: seconds to read every note of the 40-note photo with ``workers`` processes
            (best of 3 runs: the least disturbed by other load), or ``None`` when not measured.
        photo_cpu_s: CPU seconds to read the same notes one after another in this process:
            with two free cores the pool needs about half of it.
        peak_mb: peak resident memory of a fresh process that loads the engine and reads
            20 crops, or ``None`` when not measured.
        cer_by_face: pooled CER and crop count per ``class/font file`` (which faces the
            errors of a class come from), or ``None`` when not measured.
    """

    engine: str
    report: OcrReport
    median_ms: float
    cpu_ms: float
    load_s: float
    threshold: float
    photo_s: float | None = None
    photo_cpu_s: float | None = None
    peak_mb: float | None = None
    cer_by_face: dict[str, tuple[float, int]] | None = None


def build(engine: str, workers: int = 1, tessdata: Path = TESSDATA) -> tuple[OcrEngine, float]:
    """Build ``engine`` with its models loaded; returns it and the seconds that took."""
    start = time.perf_counter()
    eng = make_engine(engine, workers=workers, tessdata=tessdata)
    warm = getattr(eng, "warm_up", None)
    if callable(warm):
        warm()
    return eng, time.perf_counter() - start


def read_timed(engine: OcrEngine, crops: Sequence[Image]) -> tuple[list[NoteText], list[float]]:
    """Read each crop on its own in this process: results and milliseconds per crop."""
    results, ms = [], []
    for crop in crops:
        start = time.perf_counter()
        results.append(engine.read(crop))
        ms.append(1000 * (time.perf_counter() - start))
    return results, ms


def measure(engine: str, items: Sequence[EvalItem], tessdata: Path = TESSDATA,
            threshold: float | None = None) -> tuple[EngineResult, list[NoteText]]:
    """One engine on ``items`` (one core); also returns what it read, in order."""
    eng, load_s = build(engine, 1, tessdata)
    try:
        eng.read(items[0].crop)  # first-call costs (lazy language loads) are not per note
        cpu = time.process_time()
        results, ms = read_timed(eng, [i.crop for i in items])
        cpu_ms = 1000 * (time.process_time() - cpu) / len(items)
    finally:
        eng.close()
    flag = eng.review_below if threshold is None else threshold
    report = score(items, results, sum(ms) / 1000, flag)
    return EngineResult(engine, report, statistics.median(ms), cpu_ms, load_s, flag), results


def photo_crops(seed: int = 4242) -> list[Image]:
    """Crops of every note of a generated 12 MP photo with 40 notes (as the pipeline cuts them
    from the truth quads)."""
    import photogen
    from photogen.spec import SceneSpec
    from vision.geometry import crop_size, warp_quad

    # 5 lanes: with the bench's 4, only 32 of the 40 notes fit on the poster
    spec = SceneSpec(seed=seed, size=(4000, 3000), note_count=40, lane_count=5,
                     note_sizes_mm=((50.0, 50.0), (75.0, 75.0)))
    rendered = photogen.render(spec)
    return [warp_quad(rendered.image, n["quad"], crop_size(n["quad"]))
            for n in rendered.truth["notes"]]


def photo_seconds(engine: str, crops: Sequence[Image], workers: int, runs: int = 3,
                  tessdata: Path = TESSDATA) -> float:
    """Best-of-``runs`` seconds of ``read_many`` over every crop of one photo with ``workers``
    processes, after the pool has started and loaded its models."""
    eng, _ = build(engine, workers, tessdata)
    try:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            eng.read_many(crops)
            times.append(time.perf_counter() - start)
    finally:
        eng.close()
    return min(times)


def photo_cpu_seconds(engine: str, crops: Sequence[Image], tessdata: Path = TESSDATA) -> float:
    """CPU seconds of reading ``crops`` one by one in this process (models loaded first)."""
    eng, _ = build(engine, 1, tessdata)
    try:
        eng.read(crops[0])
        start = time.process_time()
        for crop in crops:
            eng.read(crop)
        return time.process_time() - start
    finally:
        eng.close()


def peak_mb(engine: str) -> float:
    """Peak RSS (MB) of a fresh process that loads ``engine`` and reads 20 crops."""
    args = [sys.executable, "-m", "app.evaluate_ocr", "--peak", engine]
    done = subprocess.run(args, capture_output=True, text=True, check=True, timeout=300)
    return float(json.loads(done.stdout.strip().splitlines()[-1])["peak_mb"])


def _peak_main(engine: str) -> int:
    items = [i for i, _ in make_crops(per_class=4, seed=1)][:20]
    eng, _ = build(engine)
    read_timed(eng, [i.crop for i in items])
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            sys.stdout.write(json.dumps({"peak_mb": round(int(line.split()[1]) / 1024, 1)}) + "\n")
    return 0


def compare(engines: Sequence[str] = ENGINES, *, per_class: int = 60, seed: int = 11,
            photo: bool = False, workers: int = 2, memory: bool = False,
            tessdata: Path = TESSDATA
            ) -> tuple[list[EngineResult], list[tuple[EvalItem, CropInfo]]]:
    """Measure every engine on the same crops (and, optionally, the 40-note photo and memory).

    Args:
        engines: engine names as ``FUSEN_OCR_ENGINE`` spells them.
        per_class: crops per font class × writing.
        seed: the crop set's seed.
        photo: also time the notes of a generated 12 MP, 40-note photo.
        workers: processes for the photo timing.
        memory: also take each engine's peak memory in a fresh process.
        tessdata: Tesseract language data.

    Returns:
        Each engine's result, and the labelled crops with how they were made.
    """
    made = make_crops(per_class=per_class, seed=seed)
    items = [i for i, _ in made]
    crops = photo_crops() if photo else []
    results = []
    for name in engines:
        res, read = measure(name, items, tessdata)
        extra: dict[str, object] = {"cer_by_face": cer_by_face(made, read)}
        if photo:
            extra["photo_s"] = photo_seconds(name, crops, workers, tessdata=tessdata)
            extra["photo_cpu_s"] = photo_cpu_seconds(name, crops, tessdata)
        if memory:
            extra["peak_mb"] = peak_mb(name)
        results.append(EngineResult(**{**res.__dict__, **extra}))
    return results, made


def cer_by_face(made: Sequence[tuple[EvalItem, CropInfo]], read: Sequence[NoteText]
                ) -> dict[str, tuple[float, int]]:
    """Pooled CER (NFKC, whitespace removed) and crop count per ``class/font file``."""
    from vision.ocr_eval import clean, levenshtein

    edits: dict[str, list[int]] = {}
    for (item, info), note in zip(made, read, strict=True):
        truth = clean(item.truth)
        tally = edits.setdefault(f"{item.font_class}/{info.font}", [0, 0, 0])
        tally[0] += levenshtein(truth, clean(note.text))
        tally[1] += len(truth)
        tally[2] += 1
    return {k: (e / max(1, n), c) for k, (e, n, c) in sorted(edits.items())}


def format_table(results: Sequence[EngineResult], n_items: int, workers: int = 2) -> list[str]:
    """The side-by-side table, one line per figure."""
    head = f"{'':30}" + "".join(f"{r.engine:>12}" for r in results)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [f"OCR on {n_items} generated note crops (ground truth), one run; "
             f"load average {load} on {os.cpu_count()} cores", head]

    def row(label: str, values: Sequence[str]) -> None:
        lines.append(f"{label:30}" + "".join(f"{v:>12}" for v in values))

    for key in CLASS_KEYS:
        n = results[0].report.counts.get(key, 0)
        row(f"CER {key} ({n})", [f"{r.report.cer.get(key, float('nan')):.3f}" for r in results])
    faces = results[0].cer_by_face or {}
    for face, (_, n) in faces.items():
        # the font file names are unique across classes; the class is in CropInfo and the JSON
        row(f"  {face.split('/', 1)[1].rsplit('.', 1)[0][:22]} ({n})",
            [f"{r.cer_by_face[face][0]:.3f}" if r.cer_by_face and face in r.cer_by_face
             else "-" for r in results])
    row("exact match", [f"{r.report.exact:.3f}" for r in results])
    row("writing right", [f"{r.report.writing_accuracy:.3f}" for r in results])
    row("review threshold", [f"{r.threshold:.2f}" for r in results])
    row("notes flagged", [f"{r.report.flagged_share:.3f}" for r in results])
    row("errors in flagged", [f"{r.report.flagged_error_share:.3f}" for r in results])
    row("ms/note (median, 1 core)", [f"{r.median_ms:.1f}" for r in results])
    row("ms/note (mean, 1 core)", [f"{r.report.ms_per_note:.1f}" for r in results])
    row("CPU ms/note (1 core)", [f"{r.cpu_ms:.1f}" for r in results])
    row("load s", [f"{r.load_s:.2f}" for r in results])
    if any(r.photo_s is not None for r in results):
        row(f"40 notes s ({workers} proc, best of 3)",
            [f"{r.photo_s:.2f}" if r.photo_s is not None else "-" for r in results])
        row("40-note photo CPU s (1 core)",
            [f"{r.photo_cpu_s:.2f}" if r.photo_cpu_s is not None else "-" for r in results])
    if any(r.peak_mb is not None for r in results):
        row("peak MB (fresh process)",
            [f"{r.peak_mb:.0f}" if r.peak_mb is not None else "-" for r in results])
    return lines


def end_to_end(directory: Path, engine: str, workers: int = 2, tessdata: Path = TESSDATA
               ) -> tuple[dict[str, float], dict[str, int]]:
    """CER per font class × writing from labelled photos (detection + OCR), over the notes
    matched to the truth (IoU ≥ 0.5, greedy best first, as ``fusen eval`` matches them).

    Returns:
        CER per key of :data:`CLASS_KEYS` that occurs, and the matched notes per key.
    """
    import json

    from vision.geometry import polygon_iou
    from vision.io import decode_image
    from vision.ocr_eval import clean, levenshtein
    from vision.pipeline import recognize

    from .evaluate import IOU_MATCH, labelled_photos

    eng, _ = build(engine, workers, tessdata)
    edits: dict[str, int] = {}
    chars: dict[str, int] = {}
    counts: dict[str, int] = {}
    try:
        for photo, truth_path in labelled_photos(directory):
            truth = json.loads(truth_path.read_text("utf-8"))["notes"]
            found = recognize(decode_image(photo.read_bytes()).image, eng).notes
            pairs = sorted(((polygon_iou(t["quad"], f.region.quad), ti, fi)
                            for ti, t in enumerate(truth) for fi, f in enumerate(found)),
                           reverse=True)
            used_t: set[int] = set()
            used_f: set[int] = set()
            for iou, ti, fi in pairs:
                if iou < IOU_MATCH or ti in used_t or fi in used_f:
                    continue
                used_t.add(ti)
                used_f.add(fi)
                t = truth[ti]
                e = levenshtein(clean(t["text"]), clean(found[fi].text.text))
                for key in (f"{t['font_class']}/{t['writing']}", t["font_class"], "all"):
                    edits[key] = edits.get(key, 0) + e
                    chars[key] = chars.get(key, 0) + len(clean(t["text"]))
                    counts[key] = counts.get(key, 0) + 1
    finally:
        eng.close()
    return {k: edits[k] / max(1, chars[k]) for k in edits}, counts


def format_end_to_end(results: dict[str, tuple[dict[str, float], dict[str, int]]]) -> list[str]:
    """Side-by-side end-to-end CER lines (``results`` by engine name)."""
    names = list(results)
    lines = [f"{'end to end (photos)':30}" + "".join(f"{n:>12}" for n in names)]
    for key in CLASS_KEYS:
        cers = [results[n][0].get(key) for n in names]
        n_notes = results[names[0]][1].get(key, 0)
        if all(c is None for c in cers):
            continue
        lines.append(f"{f'CER {key} ({n_notes})':30}"
                     + "".join(f"{c:>12.3f}" if c is not None else f"{'-':>12}" for c in cers))
    return lines


def run_ocr_bench(engines: Sequence[str] = ENGINES, *, per_class: int = 60, seed: int = 11,
                  photo: bool = True, workers: int = 2, memory: bool = True) -> list[str]:
    """What ``make bench`` prints for OCR: the side-by-side table as lines.

    Args:
        engines: engines to compare.
        per_class: crops per font class × writing (6 classes).
        seed: the crop set's seed.
        photo: time the notes of a 12 MP, 40-note photo with ``workers`` processes.
        workers: processes for the photo timing.
        memory: peak memory of each engine in a fresh process.
    """
    results, made = compare(engines, per_class=per_class, seed=seed, photo=photo,
                            workers=workers, memory=memory)
    return format_table(results, len(made), workers)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m app.evaluate_ocr`` (also ``fusen eval-ocr``)."""
    p = argparse.ArgumentParser(prog="fusen eval-ocr")
    p.add_argument("--engines", default=",".join(ENGINES), help="comma-separated engine names")
    p.add_argument("--per-class", type=int, default=60, help="crops per font class × writing")
    p.add_argument("--seed", type=int, default=11, help="crop-set seed (11: not used for tuning)")
    p.add_argument("--photo", action="store_true", help="also time a 12 MP 40-note photo")
    p.add_argument("--workers", type=int, default=2, help="processes for the photo timing")
    p.add_argument("--memory", action="store_true", help="also peak memory (fresh process)")
    p.add_argument("--photos", type=Path, help="also CER per class end to end from the "
                   "labelled photos in this directory (e.g. sample_photos)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--peak", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    cv2.setNumThreads(1)  # per-note figures are for one core, as in make bench
    if args.peak:
        return _peak_main(args.peak)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    results, made = compare(engines, per_class=args.per_class, seed=args.seed,
                            photo=args.photo, workers=args.workers, memory=args.memory)
    e2e = {name: end_to_end(args.photos, name, args.workers) for name in engines
           } if args.photos else {}
    if args.json:
        doc = {"crops": [asdict(r) for r in results],
               "end_to_end": {n: {"cer": c, "counts": k} for n, (c, k) in e2e.items()}}
        sys.stdout.write(json.dumps(doc, indent=1) + "\n")
    else:
        lines = format_table(results, len(made), args.workers)
        lines += format_end_to_end(e2e) if e2e else []
        sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
