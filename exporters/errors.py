"""The exporters' one exception tree.

Every error carries a stable ``code`` (what the API puts in its problem JSON and what tests
match on) and a Japanese ``message`` that tells the user what to do. ``app/errors.py`` is the
one place that turns these into HTTP responses.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class ExportError(Exception):
    """Base of every error an exporter raises.

    Attributes:
        code: stable machine-readable code, e.g. ``"export_invalid_board"``.
        message: Japanese message for the user, saying what to do.
    """

    code: str = "export_failed"
    default_message: str = "書き出しに失敗しました。しばらくしてからもう一度お試しください。"

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        super().__init__(self.message)


class InvalidBoardError(ExportError):
    """The board cannot be drawn at all (no size, non-finite coordinates, duplicate note ids).

    A board that is merely odd (a link to a deleted note) is *not* an error: the exporter skips
    that piece with a warning, in the spirit of "benign outcomes are results".
    """

    code = "export_invalid_board"
    default_message = (
        "ボードの内容が不正なため書き出せません。付せんの位置や大きさを確認してください。"
    )


class PptxRenderError(ExportError):
    """python-pptx failed while building the deck (a bug, not the user's fault)."""

    code = "export_pptx_failed"
    default_message = "PowerPoint ファイルを作成できませんでした。管理者に連絡してください。"
