"""``python -m photogen OUT_DIR [--count N] [--seed S] [--preset NAME] [--png]``.

Writes ``NN_PRESET_sSEED.jpg`` + ``.json`` pairs. Without ``--preset`` the photos cycle
through every preset; photo ``i`` uses seed ``S + i``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from photogen.io import write
from photogen.render import render
from photogen.spec import PRESETS, SceneSpec, preset

log = logging.getLogger(__name__)


def plan_set(count: int, seed: int, preset_name: str | None) -> list[tuple[str, SceneSpec]]:
    """(file stem, spec) for each photo of a set."""
    names = [preset_name] if preset_name else list(PRESETS)
    out = []
    for i in range(count):
        name = names[i % len(names)]
        out.append((f"{i + 1:02d}_{name}_s{seed + i}", preset(name, seed + i)))
    return out


def write_set(out_dir: Path, specs: Sequence[tuple[str, SceneSpec]], fmt: str = "jpg"
              ) -> list[Path]:
    """Render and write every (stem, spec); returns the image paths."""
    paths = []
    for stem, spec in specs:
        t0 = time.perf_counter()
        img_path, _ = write(render(spec), out_dir / stem, fmt)
        log.info("%s: %.2f s", img_path.name, time.perf_counter() - t0)
        paths.append(img_path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m photogen", description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=len(PRESETS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--preset", choices=sorted(PRESETS))
    parser.add_argument("--size", help="override photo size, e.g. 2400x1800")
    parser.add_argument("--png", action="store_true", help="write PNG instead of JPEG")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    specs = plan_set(args.count, args.seed, args.preset)
    if args.size:
        w, h = (int(v) for v in args.size.lower().split("x"))
        specs = [(stem, replace(s, size=(w, h) if w >= h or s.size[0] < s.size[1] else (h, w)))
                 for stem, s in specs]
    for path in write_set(args.out_dir, specs, "png" if args.png else "jpg"):
        print(path)  # noqa: T201 - the CLI lists what it wrote
    return 0


if __name__ == "__main__":
    sys.exit(main())
