"""Background jobs. The interface is one method, ``submit(photo_id)``, so a real queue
(RQ, Celery, a PostgreSQL ``SKIP LOCKED`` poller) can replace the in-process worker later.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)


class JobQueue(Protocol):
    """Where upload handlers hand photos for recognition."""

    def submit(self, photo_id: int) -> None:
        """Recognise ``photo_id`` soon; returns at once."""
        ...


class InProcessWorker:
    """Threads in this process that run ``handler(photo_id)`` for each submitted photo.

    Jobs are not persisted here: the photo rows are the durable queue. On start the app
    resubmits every photo still ``queued`` or ``processing``, so a restart loses nothing.
    """

    def __init__(self, handler: Callable[[int], None], *, threads: int = 1) -> None:
        self._handler = handler
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._run, name=f"fusen-worker-{i}", daemon=True)
            for i in range(threads)
        ]
        self._idle = threading.Condition()
        self._pending = 0

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def submit(self, photo_id: int) -> None:
        with self._idle:
            self._pending += 1
        self._queue.put(photo_id)

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the job in hand and stop (queued photos resume on the next start)."""
        for _ in self._threads:
            self._queue.put(None)
        for t in self._threads:
            t.join(timeout)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every submitted job has run (used by tests and the CLI)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def _run(self) -> None:
        while (photo_id := self._queue.get()) is not None:
            try:
                self._handler(photo_id)
            except Exception:  # the handler records failures; this is the last guard
                log.exception("recognition job for photo %s crashed", photo_id)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()
