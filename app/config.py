"""The one settings class. Nothing else in Fusen reads ``os.environ``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings, read from ``FUSEN_*`` environment variables.

    Attributes:
        data_dir: where originals, crops and the embedded SQLite database live.
        database_url: SQLAlchemy URL; empty means SQLite in ``data_dir``.
        max_upload_mb: uploads larger than this are refused with 413.
        ocr_engine: which OCR engine reads note text: ``ppocr`` (PP-OCRv5 on ONNX Runtime,
            the default: it reads better within the speed budget, measured in the README),
            ``tesseract``, or ``none``.
        ocr_workers: processes used to read the notes of one photo.
        tessdata_dir: Tesseract language data (``jpn``, ``jpn_vert``).
        worker_threads: photos recognised at the same time by the in-process worker.
    """

    model_config = SettingsConfigDict(env_prefix="FUSEN_", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str = ""
    max_upload_mb: int = Field(default=40, ge=1, le=1024)
    ocr_engine: Literal["ppocr", "tesseract", "none"] = "ppocr"
    ocr_workers: int = Field(default=2, ge=1, le=16)
    tessdata_dir: Path = Path("/usr/share/tesseract-ocr/5/tessdata")
    worker_threads: int = Field(default=1, ge=1, le=8)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "INFO"

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def db_url(self) -> str:
        """The database URL in force (SQLite under ``data_dir`` unless set)."""
        return self.database_url or f"sqlite:///{self.data_dir / 'fusen.db'}"

    @property
    def max_upload_bytes(self) -> int:
        """The upload limit in bytes."""
        return self.max_upload_mb * 1024 * 1024

    @property
    def originals_dir(self) -> Path:
        """Where original photos are stored byte-for-byte."""
        return self.data_dir / "originals"

    @property
    def crops_dir(self) -> Path:
        """Where rectified note crops are stored."""
        return self.data_dir / "crops"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (tests build their own ``Settings`` instead)."""
    return Settings()
