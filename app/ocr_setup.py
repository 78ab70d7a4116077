"""Builds the OCR engine once at start-up from the settings."""

from __future__ import annotations

import logging

from vision.ocr import make_engine, probe_tesseract
from vision.types import OcrEngine

from .config import Settings

log = logging.getLogger(__name__)


def build_ocr_engine(settings: Settings) -> OcrEngine | None:
    """The configured engine, after checking that its models are there.

    PP-OCRv5 worker processes are started and their models loaded here, so the first photo
    does not pay for it.

    Raises:
        OcrUnavailableError: the engine or its data is missing (with the remedy).
    """
    if settings.ocr_engine == "none":
        log.warning("OCR disabled (FUSEN_OCR_ENGINE=none): notes will have no text")
        return None
    if settings.ocr_engine == "ppocr":
        from vision.ocr_ppocr import probe_ppocr

        info = probe_ppocr()
    else:
        info = probe_tesseract(settings.tessdata_dir)
    log.info("OCR: %s", info)
    engine = make_engine(
        settings.ocr_engine, workers=settings.ocr_workers, tessdata=settings.tessdata_dir
    )
    warm_up = getattr(engine, "warm_up", None)
    if callable(warm_up):
        try:
            warm_up()
        except Exception as exc:  # the pool is started again on the first photo
            log.warning("OCR workers did not start (%r); they start with the first photo", exc)
    return engine
