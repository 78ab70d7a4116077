"""The ``fusen`` command, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_photos").glob("*.jpg"))


def _fusen(*args: str, cwd: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FUSEN_DATA_DIR": str(cwd / "data"), **extra_env}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )


def test_extract_prints_the_documented_json(tmp_path: Path) -> None:
    photo = SAMPLES[0]
    truth = json.loads(photo.with_suffix(".json").read_text("utf-8"))
    r = _fusen("extract", str(photo), "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert list(doc) == ["width", "height", "notes", "links", "lanes", "notes_lane"]
    assert (doc["width"], doc["height"]) == (truth["width"], truth["height"])
    assert doc["notes"], "no note found"
    note = doc["notes"][0]
    assert list(note) == ["id", "quad", "color", "text", "confidence", "writing"]
    assert note["id"] == "n1" and len(note["quad"]) == 4
    assert 0.0 <= note["confidence"] <= 1.0 and note["writing"] in ("horizontal", "vertical")


def test_extract_several_photos_prints_a_list(tmp_path: Path) -> None:
    r = _fusen("extract", str(SAMPLES[0]), str(SAMPLES[1]), "--json", "--no-ocr", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    docs = json.loads(r.stdout)
    assert isinstance(docs, list) and len(docs) == 2


def test_extract_unreadable_file_fails_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xffnot really")
    r = _fusen("extract", str(bad), "--json", cwd=tmp_path)
    assert r.returncode != 0 and r.stdout == ""
    assert "broken.jpg" in r.stderr and "fusen:" in r.stderr
    r = _fusen("extract", str(tmp_path / "missing.jpg"), cwd=tmp_path)
    assert r.returncode != 0 and "missing.jpg" in r.stderr


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    r = _fusen("db", "upgrade", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "data" / "fusen.db").exists()


def test_extract_without_japanese_data_names_the_remedy(tmp_path: Path) -> None:
    env_dir = tmp_path / "no-tessdata"
    env_dir.mkdir()
    r = _fusen("extract", str(SAMPLES[0]), cwd=tmp_path, FUSEN_TESSDATA_DIR=str(env_dir),
               FUSEN_OCR_ENGINE="tesseract")
    assert r.returncode == 1 and r.stdout == ""
    assert "tesseract-ocr-jpn" in r.stderr and "Traceback" not in r.stderr
