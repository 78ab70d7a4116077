"""Fusen application: HTTP API, persistence and background jobs.

``app`` may import :mod:`vision` and :mod:`exporters`; neither of those imports ``app``.
"""

__version__ = "0.1.0"
