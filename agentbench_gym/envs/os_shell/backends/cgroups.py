"""Optional cgroup v1 limits (memory, pids) for local sandboxes.

Only used where the host has writable v1 controllers (cgroup v2 with delegated controllers
is not offered on our machines, SANDBOX.md). Without them the sandbox still has its rlimits
and tmpfs size; ``create`` then returns no groups.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from agentbench_gym.envs.os_shell.backends.base import Limits

logger = logging.getLogger(__name__)
ROOT = Path("/sys/fs/cgroup")
PREFIX = "agentbench-os-"


@dataclass
class Groups:
    """The cgroup directories of one sandbox."""

    dirs: list[Path] = field(default_factory=list)

    @property
    def procs_files(self) -> list[str]:
        """Where the sandbox's first process writes its pid to join every group."""
        return [str(d / "cgroup.procs") for d in self.dirs]


def _own_path(controller: str) -> str:
    """This process's group in a v1 hierarchy (new groups go below it, keeping accounting)."""
    try:
        with open("/proc/self/cgroup") as handle:
            for line in handle:
                _, names, path = line.rstrip("\n").split(":", 2)
                if controller in names.split(","):
                    return path.lstrip("/")
    except OSError:
        pass
    return ""


def _parent(controller: str) -> Path | None:
    base = ROOT / controller
    if not (base / "cgroup.procs").exists() or not os.access(base, os.W_OK):
        return None
    parent = base / _own_path(controller)
    return parent if parent.is_dir() else None


def create(limits: Limits, name: str) -> Groups:
    """Create memory and pids groups for one sandbox (none where unsupported)."""
    groups = Groups()
    settings = {
        "memory": {"memory.limit_in_bytes": limits.memory_mb << 20,
                   "memory.memsw.limit_in_bytes": limits.memory_mb << 20},
        "pids": {"pids.max": limits.pids},
    }
    for controller, values in settings.items():
        parent = _parent(controller)
        if parent is None:
            continue
        path = parent / (PREFIX + name)
        try:
            path.mkdir()
            for key, value in values.items():
                if (path / key).exists():
                    (path / key).write_text(str(value))
        except OSError as exc:
            logger.debug("cgroup %s unavailable: %s", path, exc)
            _rmdir(path)
            continue
        groups.dirs.append(path)
    return groups


def _rmdir(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass


def remove(groups: Groups) -> None:
    """Remove a sandbox's groups once its processes are gone."""
    for path in groups.dirs:
        _rmdir(path)
    groups.dirs.clear()


def sweep_stale() -> int:
    """Remove empty groups left by processes that died without closing them.

    A group's name holds its creator's pid. Processes that exit without running atexit
    handlers (e.g. multiprocessing workers) leave their groups behind; their sandboxes die
    with their pipes, and the next backend to start, anywhere in the hierarchy, removes them.
    """
    removed = 0
    for controller in ("memory", "pids"):
        if _parent(controller) is None:
            continue
        for path in (ROOT / controller).glob(f"**/{PREFIX}*"):
            match = re.match(re.escape(PREFIX) + r"(\d+)-", path.name)
            if match and not Path(f"/proc/{match.group(1)}").exists():
                _rmdir(path)  # fails (and is kept) while processes are still inside
                removed += not path.exists()
    return removed
