"""OS sandbox backends behind one interface (``base.Backend`` / ``base.Sandbox``).

``BACKENDS`` maps a name to ``"module:Class"``; a new backend (remote, Kubernetes, ...) is
one new module and one line here. Backends are shared per process and per configuration,
so every env of a process draws from the same warm pool.
"""

from __future__ import annotations

import atexit
import importlib
import os
import threading
from typing import Any

from agentbench_gym.envs.os_shell.backends.base import Backend, Limits

BACKENDS: dict[str, str] = {
    "local": "agentbench_gym.envs.os_shell.backends.local:LocalBackend",
    "docker": "agentbench_gym.envs.os_shell.backends.docker_backend:DockerBackend",
}

_shared: dict[tuple[Any, ...], Backend] = {}
_lock = threading.Lock()


def backend_class(name: str) -> Any:
    """The backend class registered under ``name`` (imported on first use)."""
    module, _, attr = BACKENDS[name].partition(":")
    return getattr(importlib.import_module(module), attr)


def get_backend(name: str, limits: Limits, pool_size: int) -> Backend:
    """The process-wide backend for this configuration, created on first use."""
    key = (name, limits, pool_size)
    with _lock:
        backend = _shared.get(key)
        if backend is None:
            backend = backend_class(name)(limits=limits, pool_size=pool_size)
            _shared[key] = backend
        return backend


def shutdown() -> None:
    """Close every shared backend (warm pools included); new envs start them again."""
    with _lock:
        backends = list(_shared.values())
        _shared.clear()
    for backend in backends:
        backend.close()


def _forget_inherited() -> None:
    """In a forked child: drop the parent's backends without touching its sandboxes.

    The child must not hand out the parent's pooled sandboxes (both would drive the same
    shell) and must not hold their pipes open; it starts its own backends when needed.
    """
    global _lock
    _lock = threading.Lock()
    for backend in _shared.values():
        forget = getattr(backend, "forget", None)
        if forget is not None:
            forget()
    _shared.clear()


atexit.register(shutdown)
os.register_at_fork(after_in_child=_forget_inherited)
