"""Fusen image pipeline: pure functions on numpy arrays (no file, network or DB I/O).

Bytes become arrays only in :mod:`vision.io`. Data flows one way:
decode -> normalize -> find poster -> find notes -> crop -> OCR -> assemble.
"""
