"""The bench's machine-speed reference (``make bench`` prints figures; nothing is asserted
about speed here, only that the reference workload runs on the committed photo)."""

from __future__ import annotations

import math

from app.bench import REFERENCE_PHOTO, reference_seconds


def test_reference_workload_runs_on_a_committed_photo() -> None:
    assert REFERENCE_PHOTO.is_file()
    seconds = reference_seconds(runs=1)
    assert math.isfinite(seconds) and 0.0 < seconds < 60.0
