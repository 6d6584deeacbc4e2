"""Benchmark metrics: per-task aggregation, AgentBench's overall score, outcome distribution."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from agentbench_gym.core import Outcome

# The paper's "Weight^-1" per task (Table 2): the average score of all models, in percent.
PAPER_WEIGHTS: dict[str, float] = {
    "OS": 10.8, "DB": 13.0, "KG": 13.9, "DCG": 12.0, "LTP": 3.5, "HH": 13.0, "WS": 30.7, "WB": 11.6,
}


def overall_score(task_scores: Mapping[str, float], weights: Mapping[str, float] | None = None) -> float:
    """AgentBench's overall score OA = mean over tasks of score_t / W_t (scores in percent).

    With a subset of tasks the mean runs over the tasks given, so OA stays on the paper's scale
    (a model scoring the average on every task gets 1.0 whatever the subset).

    >>> round(overall_score({"OS": 42.4, "DB": 32.0, "KG": 58.8, "DCG": 74.5,
    ...                      "LTP": 16.6, "HH": 78.0, "WS": 61.1, "WB": 29.0}), 2)
    4.01
    """
    if not task_scores:
        raise ValueError("overall_score needs at least one task score")
    table = PAPER_WEIGHTS if weights is None else weights
    missing = [task for task in task_scores if task not in table]
    if missing:
        raise ValueError(f"no weight for task(s) {missing}; pass weights=")
    if any(table[task] <= 0 for task in task_scores):
        raise ValueError("weights must be positive")
    return sum(score / table[task] for task, score in task_scores.items()) / len(task_scores)


def outcome_distribution(outcomes: Iterable[Outcome | str]) -> dict[str, float]:
    """Share of each ended outcome among the given episodes (errors included, shown apart)."""
    counts = Counter(Outcome(o) for o in outcomes)
    total = sum(counts.values())
    if total == 0:
        return {}
    return {outcome.value: counts[outcome] / total for outcome in Outcome if counts[outcome]}


def scored(episodes: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The episodes that count toward a metric (task and agent errors are re-run, never scored)."""
    return [e for e in episodes if Outcome(e["outcome"]).scored]
