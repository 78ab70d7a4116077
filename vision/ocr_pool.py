"""The notes of one photo read on several processes, each holding its own loaded engine.

Shared by every engine (issue 4): a ``forkserver`` ``ProcessPoolExecutor`` (the app runs
threads, so it never forks itself) whose initializer builds the engine once per process from a
picklable factory; models stay loaded for the life of the pool. One photo at a time uses the
pool, since it already has every core. A hung worker makes its note a ``timeout``; a crashed
worker breaks every pending future, and those notes are read again in the calling process.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import threading
from collections.abc import Callable, Sequence

import cv2

from vision.types import Image, NoteText, OcrEngine

log = logging.getLogger(__name__)

EngineFactory = Callable[[], OcrEngine]
"""Builds a single-process engine; must be picklable (a module-level class or a partial)."""


class NotePool:
    """``read_many`` over ``workers`` processes.

    Args:
        factory: builds the engine inside each worker process.
        workers: processes in the pool.
        fallback: reads one crop in the calling process (after a worker crashed).
        wait_s: longest wait for one note's result before it becomes a ``timeout``.
        tag: log prefix such as ``"[ppocr]"``.
    """

    def __init__(self, factory: EngineFactory, workers: int, fallback: Callable[[Image], NoteText],
                 wait_s: float, tag: str) -> None:
        self.factory = factory
        self.workers = max(1, workers)
        self.fallback = fallback
        self.wait_s = wait_s
        self.tag = tag
        self._pool: cf.ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def read_many(self, crops: Sequence[Image]) -> list[NoteText]:
        """Read ``crops`` on the pool; results in the same order."""
        # One photo at a time uses the pool (it already has every core); this also keeps a
        # second worker thread from replacing or cancelling a pool another photo is using.
        with self._lock:
            try:
                futures = [self._ensure().submit(_worker_read, c) for c in crops]
            except cf.BrokenExecutor as exc:  # a worker died since the last photo
                log.warning("%s pool broken (%r), starting a new one", self.tag, exc)
                self._drop()
                futures = [self._ensure().submit(_worker_read, c) for c in crops]
            return [self._collect(f, c) for f, c in zip(futures, crops, strict=True)]

    def warm_up(self) -> None:
        """Start every worker and load its models now rather than on the first photo."""
        with self._lock:
            pool = self._ensure()
            for f in [pool.submit(_worker_ping) for _ in range(self.workers)]:
                f.result(timeout=self.wait_s + 60)

    def _collect(self, future: cf.Future[NoteText], crop: Image) -> NoteText:
        try:
            return future.result(timeout=self.wait_s)
        except cf.TimeoutError:
            self._drop()
            return NoteText("", 0.0, "horizontal", "timeout", "文字認識の処理が応答しません")
        except Exception as exc:  # BrokenProcessPool and the like
            log.warning("%s worker failed, reading the note in-process: %r", self.tag, exc)
            self._drop()
            return self.fallback(crop)

    def _ensure(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=_worker_init,
                initargs=(self.factory,),
            )
        return self._pool

    def _drop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        """Stop the worker processes."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None


_worker_engine: OcrEngine | None = None


def _worker_init(factory: EngineFactory) -> None:
    """Build this worker process's engine once."""
    global _worker_engine
    cv2.setNumThreads(1)  # each worker is one of the pool's cores: OpenCV's threads would contend
    _worker_engine = factory()


def _worker_read(crop: Image) -> NoteText:
    if _worker_engine is None:
        raise RuntimeError("OCR worker used before its initializer ran")
    return _worker_engine.read(crop)


def _worker_ping() -> bool:
    """Load the worker's models (engines that load lazily do so on a blank crop)."""
    if _worker_engine is None:
        raise RuntimeError("OCR worker used before its initializer ran")
    warm = getattr(_worker_engine, "load", None)
    if callable(warm):
        warm()
    return True
