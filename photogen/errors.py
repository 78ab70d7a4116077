"""The one exception tree of :mod:`photogen`."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class PhotogenError(Exception):
    """Base of photogen errors; ``code`` is stable, the message says what to do."""

    code = "photogen_error"


class FontUnavailableError(PhotogenError):
    """No Japanese font was found for a font class."""

    code = "font_unavailable"
