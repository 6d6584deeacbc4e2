"""Helpers shared by the OS env tests (imported by the test modules; not a test file)."""

from __future__ import annotations

import json
from pathlib import Path

import gymnasium as gym
import pytest

import agentbench_gym  # noqa: F401  (registers the ids)
from agentbench_gym.envs.os_shell.backends.local import LocalBackend

LOCAL_PROBLEM = LocalBackend.status()
needs_local = pytest.mark.skipif(LOCAL_PROBLEM is not None, reason=f"local OS sandbox: {LOCAL_PROBLEM}")


def bash(script: str) -> str:
    """A well-formed bash reply."""
    return f"Think: run it.\n\nAct: bash\n\n```bash\n{script}\n```"


def make_env(**kwargs) -> gym.Env:
    """The OS env with the given arguments (unwrapped checks need ``.unwrapped``)."""
    return gym.make("AgentBench/OS-v0", **kwargs)


def write_upstream(root: Path, records: list[dict] | None, scripts: dict[str, str] | None = None) -> Path:
    """An AgentBench-style os_interaction folder with ``records`` (if given) as data/dev.json."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    if records is not None:
        (root / "data" / "dev.json").write_text(json.dumps(records))
    for name, text in (scripts or {}).items():
        path = root / "scripts" / "dev" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
