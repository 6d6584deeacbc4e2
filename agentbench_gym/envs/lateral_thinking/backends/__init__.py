"""Host/judge backends of the LTP env: ``offline`` (default) and ``llm``."""

from __future__ import annotations

from agentbench_gym.envs.lateral_thinking.backends.base import HostReply, Judge

__all__ = ["HostReply", "Judge"]
