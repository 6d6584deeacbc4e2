"""Household scoring: success per episode, AgentBench's success rate and the rate per task type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agentbench_gym.envs.household.data import CATEGORIES, HouseholdSample


def episode_metrics(sample: HouseholdSample, success: bool, steps: int) -> dict[str, Any]:
    """The ``metrics`` of one episode: ``success`` (0/1), ``task_type`` (category key), ``steps``."""
    return {"success": 1.0 if success else 0.0, "task_type": sample.category, "steps": steps}


def success_rates(episodes: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """``main`` = success rate over all episodes (upstream's ``pass / total``), plus one per task type.

    Per-type entries are ``success_rate/<category>`` and ``count/<category>`` for the categories
    present. An episode counts as a success when its score is 1 (upstream: ``result == 1``).
    """
    total = len(episodes)
    passed = sum(1 for e in episodes if float(e.get("score", 0.0)) == 1.0)
    out: dict[str, float] = {"main": passed / total if total else 0.0, "success_rate": passed / total if total else 0.0}
    for category in CATEGORIES:
        group = [e for e in episodes if (e.get("metrics") or {}).get("task_type") == category]
        if group:
            out[f"success_rate/{category}"] = sum(float(e.get("score", 0.0)) == 1.0 for e in group) / len(group)
            out[f"count/{category}"] = float(len(group))
    return out
