"""``fusen eval DIR``: recognition measured against labelled photos.

A labelled photo is ``NAME.jpg`` (or ``.png``) with ``NAME.json`` in the ``fusen extract``
format. Notes are matched one-to-one by IoU of their quads (greedy, best first, IoU ≥ 0.5);
precision, recall and F1 count matches; colour accuracy and character error rate (CER: edit
distance / truth length, NFKC, whitespace removed) are over matched notes.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from vision.geometry import polygon_iou
from vision.io import decode_image
from vision.ocr_eval import clean, levenshtein
from vision.pipeline import recognize
from vision.types import OcrEngine, PhotoResult

log = logging.getLogger(__name__)

IOU_MATCH = 0.5


@dataclass
class PhotoScore:
    """Scores of one photo."""

    name: str
    truth: int
    found: int
    matched: int
    mean_iou: float
    colour_ok: int
    char_errors: int
    chars: int
    seconds: float
    misses: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    """The photo's conditions (truth ``cases``: ``tilted``, ``glare``…)."""
    note_tags: dict[str, int] = field(default_factory=dict)
    """How many truth notes carry each per-note tag (``color:white``, ``touching``…)."""
    poster_iou: float | None = None
    """IoU of the poster outline found with the truth's when the whole poster is in the photo
    (0 when none was found); ``None`` when the frame cuts it off or the truth has none."""
    poster_guessed: bool = False
    """An outline was given although the frame cuts the poster off (it should fall back)."""

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.truth if self.truth else 1.0


@dataclass
class Report:
    """Totals over a labelled set."""

    photos: list[PhotoScore]

    def totals(self) -> dict[str, Any]:
        """Pooled figures (every note counts once)."""
        truth = sum(p.truth for p in self.photos)
        found = sum(p.found for p in self.photos)
        matched = sum(p.matched for p in self.photos)
        precision = matched / found if found else 1.0
        recall = matched / truth if truth else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        ious = [p.mean_iou * p.matched for p in self.photos]
        chars = sum(p.chars for p in self.photos)
        seconds = sorted(p.seconds for p in self.photos)
        return {
            "photos": len(self.photos),
            "notes": truth,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "mean_iou": round(sum(ious) / matched, 4) if matched else 0.0,
            "colour_accuracy": round(sum(p.colour_ok for p in self.photos) / matched, 4)
            if matched
            else 0.0,
            "cer": round(sum(p.char_errors for p in self.photos) / chars, 4) if chars else None,
            "median_seconds": round(float(np.median(seconds)), 3) if seconds else 0.0,
            "poster": self.poster(),
            "misses_by_case": dict(Counter(c for p in self.photos for c in p.misses).most_common()),
            "by_case": self.by_case(),
            "recall_by_note_tag": self.recall_by_note_tag(),
        }

    def poster(self) -> dict[str, Any]:
        """The poster outline: how often it was found where the whole poster shows, its mean
        and lowest IoU there, and how often one was given for a poster the frame cuts off."""
        shown = [p.poster_iou for p in self.photos if p.poster_iou is not None]
        return {
            "shown": len(shown),
            "found": sum(1 for v in shown if v > 0),
            "mean_iou": round(float(np.mean(shown)), 4) if shown else None,
            "min_iou": round(min(shown), 4) if shown else None,
            "guessed_when_cut_off": sum(p.poster_guessed for p in self.photos),
        }

    def by_case(self) -> dict[str, dict[str, float]]:
        """Precision, recall and F1 over the photos that show each condition."""
        out: dict[str, dict[str, float]] = {}
        for case in sorted({c for p in self.photos for c in p.cases}):
            group = [p for p in self.photos if case in p.cases]
            found = sum(p.found for p in group)
            truth = sum(p.truth for p in group)
            matched = sum(p.matched for p in group)
            pr = matched / found if found else 1.0
            rc = matched / truth if truth else 1.0
            out[case] = {
                "photos": len(group),
                "notes": truth,
                "precision": round(pr, 4),
                "recall": round(rc, 4),
                "f1": round(2 * pr * rc / (pr + rc), 4) if pr + rc else 0.0,
            }
        return out

    def recall_by_note_tag(self) -> dict[str, float]:
        """Recall over the notes that carry each tag (a miss has no precision to share)."""
        counts: Counter[str] = Counter()
        for p in self.photos:
            counts.update(p.note_tags)
        missed = Counter(c for p in self.photos for c in p.misses)
        return {tag: round(1 - missed[tag] / n, 4) for tag, n in sorted(counts.items()) if n}


def labelled_photos(directory: Path) -> list[tuple[Path, Path]]:
    """(photo, truth) pairs in a directory, by name."""
    pairs = []
    for photo in sorted(directory.iterdir()):
        truth = photo.with_suffix(".json")
        if photo.suffix.lower() in (".jpg", ".jpeg", ".png") and truth.exists():
            pairs.append((photo, truth))
    return pairs


def score_photo(
    name: str, result: PhotoResult, truth: dict[str, Any], seconds: float, *, ocr: bool
) -> PhotoScore:
    """Match the recognised notes to the truth and score them."""
    found = list(result.notes)
    pairs = []
    for ti, t in enumerate(truth["notes"]):
        for fi, f in enumerate(found):
            iou = polygon_iou(t["quad"], f.region.quad)
            if iou >= IOU_MATCH:
                pairs.append((iou, ti, fi))
    used_t: set[int] = set()
    used_f: set[int] = set()
    ious: list[float] = []
    colour_ok = errors = chars = 0
    for iou, ti, fi in sorted(pairs, reverse=True):
        if ti in used_t or fi in used_f:
            continue
        used_t.add(ti)
        used_f.add(fi)
        ious.append(iou)
        t, f = truth["notes"][ti], found[fi]
        colour_ok += int(t["color"] == f.region.color)
        if ocr:
            e = levenshtein(clean(t["text"]), clean(f.text.text))
            n = len(clean(t["text"]))
            errors, chars = errors + e, chars + n
    # A note the frame cuts off is in no truth list; finding it is neither right nor wrong.
    partial = truth.get("partial_notes", [])
    ignored = sum(
        1
        for fi, f in enumerate(found)
        if fi not in used_f and any(polygon_iou(p["quad"], f.region.quad) >= 0.3 for p in partial)
    )
    misses = []
    for ti, t in enumerate(truth["notes"]):
        if ti not in used_t:
            misses.extend([f"color:{t['color']}", *t.get("case", [])])
    poster_iou, guessed = _poster_score(result, truth)
    return PhotoScore(
        poster_iou=poster_iou,
        poster_guessed=guessed,
        name=name,
        truth=len(truth["notes"]),
        found=len(found) - ignored,
        matched=len(ious),
        mean_iou=float(np.mean(ious)) if ious else 0.0,
        colour_ok=colour_ok,
        char_errors=errors,
        chars=chars,
        seconds=round(seconds, 3),
        misses=[m for m in misses if not m.startswith("ink:")],
        cases=list(truth.get("cases", [])),
        note_tags=dict(
            Counter(
                tag
                for t in truth["notes"]
                for tag in [f"color:{t['color']}", *t.get("case", [])]
                if not tag.startswith("ink:")
            )
        ),
    )


def _poster_score(result: PhotoResult, truth: dict[str, Any]) -> tuple[float | None, bool]:
    cut_off = "poster_cut_off" in truth.get("cases", [])
    if cut_off or truth.get("poster_quad") is None:
        return None, cut_off and result.poster_quad is not None
    if result.poster_quad is None:
        return 0.0, False
    return round(polygon_iou(truth["poster_quad"], result.poster_quad), 4), False


def evaluate(directory: Path, engine: OcrEngine | None) -> Report:
    """Recognise every labelled photo in ``directory`` and score it."""
    scores = []
    for photo, truth_path in labelled_photos(directory):
        truth = json.loads(truth_path.read_text("utf-8"))
        decoded = decode_image(photo.read_bytes())
        start = time.perf_counter()
        result = recognize(decoded.image, engine)
        seconds = time.perf_counter() - start
        scores.append(score_photo(photo.stem, result, truth, seconds, ocr=engine is not None))
    return Report(scores)


def format_report(report: Report) -> str:
    """A plain-text table, one line per photo, then the totals."""
    lines = [
        f"{'photo':28} {'notes':>5} {'found':>5} {'P':>6} {'R':>6} {'IoU':>6} "
        f"{'colour':>6} {'CER':>6} {'s':>6}"
    ]
    for p in report.photos:
        cer = f"{p.char_errors / p.chars:6.3f}" if p.chars else "     -"
        colour = p.colour_ok / p.matched if p.matched else 0.0
        lines.append(
            f"{p.name:28} {p.truth:5d} {p.found:5d} {p.precision:6.3f} {p.recall:6.3f} "
            f"{p.mean_iou:6.3f} {colour:6.3f} {cer} {p.seconds:6.2f}"
        )
    t = report.totals()
    cer = f"{t['cer']:.3f}" if t["cer"] is not None else "-"
    lines.append(
        f"TOTAL {t['photos']} photos, {t['notes']} notes: precision {t['precision']:.3f} "
        f"recall {t['recall']:.3f} F1 {t['f1']:.3f} mean IoU {t['mean_iou']:.3f} "
        f"colour {t['colour_accuracy']:.3f} CER {cer} median {t['median_seconds']:.2f} s/photo"
    )
    poster = t["poster"]
    if poster["shown"]:
        lines.append(
            f"poster outline: found on {poster['found']} of {poster['shown']} photos that show "
            f"all of it, mean IoU {poster['mean_iou']:.3f} (lowest {poster['min_iou']:.3f}); "
            f"given for {poster['guessed_when_cut_off']} poster(s) the frame cuts off"
        )
    worst = sorted(t["by_case"].items(), key=lambda kv: kv[1]["f1"])
    if worst:
        lines.append(
            "F1 by case (lowest first): "
            + ", ".join(f"{k} {v['f1']:.3f} ({v['photos']})" for k, v in worst)
        )
    weak = sorted(t["recall_by_note_tag"].items(), key=lambda kv: kv[1])[:8]
    if weak:
        lines.append("recall by note tag (lowest): " + ", ".join(f"{k} {v:.3f}" for k, v in weak))
    if t["misses_by_case"]:
        lines.append(
            "misses by case: " + ", ".join(f"{k} {v}" for k, v in t["misses_by_case"].items())
        )
    return "\n".join(lines)


def run_eval(directory: Path, *, ocr: bool, as_json: bool) -> int:
    """The ``fusen eval`` command."""
    from .config import get_settings
    from .ocr_setup import build_ocr_engine

    if not directory.is_dir():
        sys.stderr.write(f"fusen: {directory}: フォルダが見つかりません\n")
        return 1
    engine = build_ocr_engine(get_settings()) if ocr else None
    try:
        report = evaluate(directory, engine)
    finally:
        if engine is not None:
            engine.close()
    if as_json:
        doc = {"photos": [asdict(p) for p in report.photos], "totals": report.totals()}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(format_report(report) + "\n")
    return 0
