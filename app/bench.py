"""``make bench``: quality and speed figures, printed (never asserted by tests).

1. quality over ``sample_photos/`` with the configured OCR engine (``fusen eval``);
2. seconds per photo: detection only and the whole pipeline with OCR, medians over runs;
3. peak memory per photo, each photo recognised in a fresh process (max RSS);
4. a generated 12 MP photo with 40 notes: detection median and peak memory.

Everything is measured in this one run, side by side, on this machine.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_photos"

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
    from vision.io import decode_image
    from vision.pipeline import recognize

    from .config import get_settings
    from .ocr_setup import build_ocr_engine

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


def _big_photo(directory: Path) -> tuple[Path, int]:
    import photogen
    from photogen.spec import SceneSpec

    spec = SceneSpec(
        seed=4242,
        size=(4000, 3000),
        note_count=40,
        lane_count=4,
        note_sizes_mm=((50.0, 50.0), (75.0, 75.0)),
    )
    rendered = photogen.render(spec)
    img, _ = photogen.write(rendered, directory / "big_12mp")
    return img, len(rendered.truth["notes"])


def run(ocr: bool, runs: int) -> int:
    """Print every figure."""
    from vision.io import decode_image

    from .config import get_settings
    from .evaluate import evaluate, format_report
    from .ocr_setup import build_ocr_engine

    settings = get_settings()
    engine = build_ocr_engine(settings) if ocr else None
    _out(
        f"# Fusen bench — OCR engine: {settings.ocr_engine if ocr else 'none'}, "
        f"{settings.ocr_workers} OCR workers"
    )
    _out("\n## Quality over sample_photos/ (IoU ≥ 0.5)")
    _out(format_report(evaluate(SAMPLES, engine)))

    images = [decode_image(p.read_bytes()).image for p in sorted(SAMPLES.glob("*.jpg"))]
    _out(f"\n## Seconds per photo (median over {len(images)} photos, best of {runs} runs)")
    _out(f"detection only:        {_median_seconds(images, None, runs):.3f} s")
    if engine is not None:
        _out(f"with OCR (whole photo): {_median_seconds(images, engine, 1):.3f} s")
        engine.close()

    _out("\n## Peak memory per photo (fresh process, max RSS, OCR with 1 worker)")
    peaks = [_peak_child(p, ocr) for p in sorted(SAMPLES.glob("*.jpg"))]
    _out(f"median {statistics.median(peaks):.0f} MB, max {max(peaks):.0f} MB")

    with tempfile.TemporaryDirectory() as tmp:
        big, count = _big_photo(Path(tmp))
        image = decode_image(big.read_bytes()).image
        _out(f"\n## 12 MP photo (4000×3000, {count} notes), detection + crops, no OCR")
        _out(
            f"median {_median_seconds([image], None, max(3, runs)):.3f} s; "
            f"peak {_peak_child(big, False):.0f} MB"
        )
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
