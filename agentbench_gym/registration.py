"""The registration table: task code -> env id and entry point (string, imported lazily)."""

from __future__ import annotations

import importlib

import gymnasium as gym

# Only tasks whose env really works are listed; each issue that lands a task adds its line.
ENV_ENTRY_POINTS: dict[str, tuple[str, str]] = {
    "DCG": ("AgentBench/DCG-v0", "agentbench_gym.envs.card_game.env:CardGameEnv"),
    "DB": ("AgentBench/DB-v0", "agentbench_gym.envs.database.env:DatabaseEnv"),
    "WB": ("AgentBench/WB-v0", "agentbench_gym.envs.web_browsing.env:WebBrowsingEnv"),
    "KG": ("AgentBench/KG-v0", "agentbench_gym.envs.knowledge_graph.env:KnowledgeGraphEnv"),
    "WS": ("AgentBench/WS-v0", "agentbench_gym.envs.web_shopping.env:WebShopEnv"),
    "LTP": ("AgentBench/LTP-v0", "agentbench_gym.envs.lateral_thinking.env:LateralThinkingEnv"),
    "OS": ("AgentBench/OS-v0", "agentbench_gym.envs.os_shell.env:OSShellEnv"),
    "HH": ("AgentBench/HH-v0", "agentbench_gym.envs.household.env:HouseholdEnv"),
}

TASKS: dict[str, str] = {code: env_id for code, (env_id, _) in ENV_ENTRY_POINTS.items()}
"""Registered task codes -> their env ids."""


def register_envs() -> None:
    """Register every id in the table with Gymnasium (idempotent)."""
    for env_id, entry_point in ENV_ENTRY_POINTS.values():
        if env_id not in gym.registry:
            # No max_episode_steps: each env enforces its own limit so `outcome` is always set.
            gym.register(id=env_id, entry_point=entry_point)


def env_class(task: str) -> type:
    """Import and return the env class of a task code (e.g. ``"DCG"``) without building it."""
    module, _, name = ENV_ENTRY_POINTS[task][1].partition(":")
    return getattr(importlib.import_module(module), name)
