"""Gymnasium wrappers for AgentBench envs (installed as ``agentbench_gym.wrappers``)."""

from __future__ import annotations

__all__: list[str] = []
