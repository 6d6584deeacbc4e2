"""AgentBench's DB task (``AgentBench/DB-v0``): SQL on SQLite or MySQL/MariaDB."""

from __future__ import annotations

from agentbench_gym.envs.database.env import DatabaseEnv

__all__ = ["DatabaseEnv"]
