"""A warm pool of ready sandboxes, filled by a background thread (shared by the backends)."""

from __future__ import annotations

import atexit
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)


class WarmPool:
    """Keeps ``size`` sandboxes from ``create`` ready; ``take`` hands one over or makes one now.

    Args:
        create: builds a new ready sandbox (may raise).
        size: sandboxes kept ready; 0 disables the pool.
    """

    def __init__(self, create: Callable[[], Any], size: int) -> None:
        """Start filling the pool in the background."""
        self.create = create
        self.size = size
        self._ready: deque[Any] = deque()
        self._lock = threading.Lock()
        self._filling = False
        self._closed = False
        self._thread: threading.Thread | None = None
        atexit.register(self.close)
        self._refill()

    def take(self) -> Any:
        """A ready sandbox: a pooled one when available, else a new one (synchronously)."""
        with self._lock:
            sandbox = self._ready.popleft() if self._ready else None
        self._refill()
        return sandbox if sandbox is not None else self.create()

    def _refill(self) -> None:
        with self._lock:
            if self._filling or self._closed or len(self._ready) >= self.size:
                return
            self._filling = True
        self._thread = threading.Thread(target=self._fill, name="os-sandbox-pool", daemon=True)
        self._thread.start()

    def _fill(self) -> None:
        try:
            while True:
                with self._lock:
                    if self._closed or len(self._ready) >= self.size:
                        return
                try:
                    sandbox = self.create()
                except Exception:  # the pool is an optimisation; take() retries synchronously
                    logger.exception("OS sandbox pool: start failed")
                    return
                with self._lock:
                    if not self._closed:
                        self._ready.append(sandbox)
                        continue
                sandbox.close()
                return
        finally:
            with self._lock:
                self._filling = False

    def forget(self) -> None:
        """In a forked child: drop the parent's sandboxes without stopping them."""
        self._lock = threading.Lock()
        self._closed = True
        for sandbox in self._ready:
            forget = getattr(sandbox, "forget", None)
            if forget is not None:
                forget()
        self._ready.clear()

    def close(self) -> None:
        """Destroy the ready sandboxes (waiting for one being made); the pool stays closed."""
        with self._lock:
            self._closed = True
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)  # a sandbox being created is closed by the filler itself
        with self._lock:
            ready = list(self._ready)
            self._ready.clear()
        for sandbox in ready:
            try:
                sandbox.close()
            except Exception:
                logger.exception("OS sandbox pool: close failed")
