"""Shared fixtures: a real app on a real SQLite database in a temporary data dir."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tesseract uses OpenMP threads; with several processes on 2 cores one thread each is faster.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_photos"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
