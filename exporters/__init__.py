"""Exporters: read the board domain model (:mod:`exporters.board`) and return bytes."""
