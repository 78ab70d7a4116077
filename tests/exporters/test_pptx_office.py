"""Render the deck with real LibreOffice: colours where the notes are, Japanese from a CJK font."""

from __future__ import annotations

import shutil
import statistics
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from exporters.pptx import NOTE_FILL, layout, render_pptx

from .pptx_boards import flow_board

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DPI = 60
EMU_PER_PX = 914_400 / DPI

pytestmark = [
    pytest.mark.office,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) missing"),
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils missing"),
]


def _run(args: list[str]) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(PDF, PNG) of the flow board, rendered with a fresh LibreOffice profile."""
    tmp = tmp_path_factory.mktemp("office")
    deck = tmp / "board.pptx"
    deck.write_bytes(render_pptx(flow_board()))
    profile = tmp / "profile"  # never share a profile with another running soffice
    _run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
          "--convert-to", "pdf", "--outdir", str(tmp), str(deck)])  # fmt: skip
    pdf = tmp / "board.pdf"
    _run(["pdftoppm", "-png", "-r", str(DPI), "-singlefile", str(pdf), str(tmp / "board")])
    png = tmp / "board.png"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(png, ARTIFACTS / "pptx-flow-board.png")
    return pdf, png


def _band_colour(img: Image.Image, left: int, top: int, width: int, height: int) -> tuple[int, ...]:
    """Median colour of a strip near the top of a box (the text sits in the middle)."""
    y = round((top + height * 0.12) / EMU_PER_PX)
    xs = range(round((left + width * 0.25) / EMU_PER_PX), round((left + width * 0.75) / EMU_PER_PX))
    pixels = [img.getpixel((x, y)) for x in xs]
    return tuple(int(statistics.median(p[i] for p in pixels)) for i in range(3))  # type: ignore[index]


def test_notes_show_their_colours_where_expected(rendered: tuple[Path, Path]) -> None:
    _, png = rendered
    img = Image.open(png).convert("RGB")
    assert abs(img.size[0] - 800) <= 1 and abs(img.size[1] - 450) <= 1  # 13.333×7.5 in, 60 dpi
    for box in layout(flow_board()).boxes:
        if box.kind != "note":
            continue
        got = _band_colour(img, box.left, box.top, box.width, box.height)
        assert box.fill is not None
        assert max(abs(g - w) for g, w in zip(got, box.fill, strict=True)) <= 24, box.name
    assert set(NOTE_FILL) >= {"yellow", "other"}


def test_japanese_comes_from_a_cjk_font(rendered: tuple[Path, Path]) -> None:
    pdf, _ = rendered
    fonts = _run(["pdffonts", str(pdf)])
    assert "CJK" in fonts or "IPAex" in fonts, fonts
