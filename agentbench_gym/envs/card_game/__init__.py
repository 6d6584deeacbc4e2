"""Aquawar, AgentBench's digital card game (DCG): engine, bots, prompts and the Gymnasium env."""

from __future__ import annotations

from agentbench_gym.envs.card_game.env import CardGameEnv, CardGameSample

__all__ = ["CardGameEnv", "CardGameSample"]
