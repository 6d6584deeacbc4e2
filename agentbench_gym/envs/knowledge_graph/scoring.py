"""AgentBench's KG scores: per-sample F1, exact match and executability, and their means."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def f1(prediction: Iterable[str], gold: Iterable[str]) -> float:
    """F1 between the predicted and gold answer sets (0 when they share nothing)."""
    predicted, expected = set(prediction), set(gold)
    hits = len(predicted & expected)
    if hits == 0:
        return 0.0
    precision, recall = hits / len(predicted), hits / len(expected)
    return 2 * precision * recall / (precision + recall)


def exact_match(prediction: Iterable[str], gold: Iterable[str]) -> float:
    """1.0 when the sets are equal."""
    return float(set(prediction) == set(gold))


def sample_metrics(prediction: Sequence[str], gold: Sequence[str]) -> dict[str, float]:
    """``f1``, ``em`` and ``executability`` (a non-empty prediction) of one answer."""
    return {"f1": f1(prediction, gold), "em": exact_match(prediction, gold),
            "executability": float(len(prediction) > 0)}


def aggregate(episodes: Sequence[Mapping[str, Any]], n_samples: int | None = None) -> dict[str, float]:
    """Means over episodes as AgentBench's ``calculate_overall`` (``main`` = F1).

    Upstream divides by the size of the whole split, so a sample with no result counts 0; pass
    ``n_samples`` to do the same, else the mean runs over the given episodes.
    """
    total = n_samples if n_samples is not None else len(episodes)
    if total == 0:
        return {"main": 0.0, "F1": 0.0, "EM": 0.0, "executability": 0.0}
    sums = {"f1": 0.0, "em": 0.0, "executability": 0.0}
    for episode in episodes:
        metrics = episode.get("metrics") or {}
        for key in sums:
            sums[key] += float(metrics.get(key, episode.get("score", 0.0) if key == "f1" else 0.0))
    f1_mean = sums["f1"] / total
    return {"main": f1_mean, "F1": f1_mean, "EM": sums["em"] / total,
            "executability": sums["executability"] / total}
