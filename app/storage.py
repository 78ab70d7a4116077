"""Files under the data dir: originals (byte-for-byte, by sha256) and note crops.

Writes go to a temporary file, are fsynced, then renamed, so a crash never leaves half a file
under a final name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    """An original stored on disk. ``key`` is relative to the data dir."""

    key: str
    sha256: str
    size: int
    head: bytes


class TooLargeError(Exception):
    """The stream was longer than the allowed size; nothing was kept."""


class FileStore:
    """The data dir's file area."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "originals").mkdir(parents=True, exist_ok=True)
        (root / "crops").mkdir(parents=True, exist_ok=True)
        (root / "tmp").mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        """Absolute path of a stored key."""
        return self.root / key

    def save_original(self, stream: BinaryIO, *, limit: int, suffix: str) -> StoredFile:
        """Copy ``stream`` durably to ``originals/<sha256><suffix>``.

        Raises:
            TooLargeError: when the stream exceeds ``limit`` bytes (the partial copy is removed).
        """
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd, tmp_name = tempfile.mkstemp(dir=self.root / "tmp")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    if not head:
                        head = chunk[:64]
                    size += len(chunk)
                    if size > limit:
                        raise TooLargeError
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            key = f"originals/{digest.hexdigest()}{suffix}"
            tmp.replace(self.path(key))
            _fsync_dir(self.root / "originals")
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return StoredFile(key=key, sha256=digest.hexdigest(), size=size, head=head)

    def write_bytes(self, key: str, data: bytes) -> None:
        """Write ``data`` under ``key`` atomically."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self.root / "tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        Path(tmp_name).replace(target)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
