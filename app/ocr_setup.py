"""Builds the OCR engine once at start-up from the settings."""

from __future__ import annotations

import logging

from vision.ocr import make_engine, probe_tesseract
from vision.types import OcrEngine

from .config import Settings

log = logging.getLogger(__name__)


def build_ocr_engine(settings: Settings) -> OcrEngine | None:
    """The configured engine, after checking that Tesseract and its Japanese data are there.

    Raises:
        OcrUnavailableError: Tesseract or ``jpn``/``jpn_vert`` is missing (with the remedy).
    """
    if settings.ocr_engine == "none":
        log.warning("OCR disabled (FUSEN_OCR_ENGINE=none): notes will have no text")
        return None
    info = probe_tesseract(settings.tessdata_dir)
    log.info("OCR: %s", info)
    return make_engine(
        settings.ocr_engine, workers=settings.ocr_workers, tessdata=settings.tessdata_dir
    )
