"""The committed ``sample_photos/`` set: ``python -m photogen.samples sample_photos``.

Writes exactly what ``python -m photogen sample_photos --count 8 --seed 101`` writes: one
photo per preset, seeds 101-108.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from photogen.__main__ import plan_set, write_set
from photogen.spec import PRESETS

log = logging.getLogger(__name__)

SAMPLE_SEED = 101
SAMPLE_COUNT = len(PRESETS)


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the sample set into the directory given as the only argument."""
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0] if args else "sample_photos")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for path in write_set(out, plan_set(SAMPLE_COUNT, SAMPLE_SEED, None)):
        log.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
