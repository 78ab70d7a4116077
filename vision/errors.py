"""The vision package's one exception tree.

Every error carries a stable ``code`` (what the API puts in its problem JSON, what the photo
row records and what tests match on) and a Japanese ``message`` that tells the user what to do.
``app/errors.py`` is the one place that turns these into HTTP responses.

Benign outcomes are not errors: an empty note or an OCR timeout on one note is a
``NoteText`` with a status, and a photo without notes is a result with no notes.
"""

from __future__ import annotations


class VisionError(Exception):
    """Base of every error the vision pipeline raises.

    Attributes:
        code: stable machine-readable code, e.g. ``"image_decode_failed"``.
        message: Japanese message for the user, saying what to do.
    """

    code: str = "vision_failed"
    default_message: str = "写真を認識できませんでした。別の写真でもう一度お試しください。"

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        super().__init__(self.message)


class ImageDecodeError(VisionError):
    """The bytes are not a JPEG/PNG image that can be decoded (corrupt or truncated)."""

    code = "image_decode_failed"
    default_message = (
        "写真のファイルを読み込めませんでした（壊れているか、途中までしか保存されていません）。"
        "撮影し直すか、元の写真をもう一度アップロードしてください。"
    )


class ImageTooSmallError(VisionError):
    """The image is too small to hold readable notes."""

    code = "image_too_small"
    default_message = (
        "写真が小さすぎて付せんを読み取れません。"
        "スマートフォンの標準の画質（横 1500 ピクセル以上）で撮影してください。"
    )


class ImageTooLargeError(VisionError):
    """The image has more pixels than the pipeline accepts (memory guard)."""

    code = "image_too_large"
    default_message = (
        "写真の画素数が多すぎます（上限 約 1 億画素）。カメラの画質設定を下げて撮影してください。"
    )


class OcrUnavailableError(VisionError):
    """Tesseract or its Japanese data is missing; the message names the remedy."""

    code = "ocr_unavailable"
    default_message = (
        "文字認識エンジン（Tesseract）が使えません。管理者が "
        "tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert をインストールしてください。"
    )
