"""Mind2Web's step metrics as AgentBench computes them: element accuracy, action F1, step success."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agentbench_gym.envs.web_browsing.parse import parse_reply


def gold_action(op: str, value: str) -> str:
    """The target ``"OP value"`` string, built as AgentBench does from its own gold reply.

    AgentBench renders ``"X.\\nAction: OP\\nValue: value"`` (no Value line for CLICK) and parses it
    back, so a CLICK's target is ``"CLICK "`` and only the value's first line counts.
    """
    text = f"B.\nAction: {op}\n" + (f"Value: {value}" if op != "CLICK" else "")
    return parse_reply(text).action


def action_f1(predicted: str, gold: str) -> float:
    """Token-set F1 of two action strings (case-sensitive whitespace tokens; both empty -> 1)."""
    pred, label = set(predicted.split()), set(gold.split())
    if not pred and not label:
        return 1.0
    if not pred or not label:
        return 0.0
    hits = len(pred & label)
    if hits == 0:
        return 0.0
    precision, recall = hits / len(pred), hits / len(label)
    return 2 * precision * recall / (precision + recall)


@dataclass(frozen=True, slots=True)
class StepScore:
    """One step's scores (each 0/1 except ``action_f1``)."""

    element: float
    action_f1: float
    success: float


def score_step(element: str, action: str, positives: Collection[str], gold: str | None) -> StepScore:
    """Score a prediction; ``gold`` None (no positive among the top-k) scores 0 everywhere."""
    if gold is None:
        return StepScore(0.0, 0.0, 0.0)
    right = 1.0 if element in positives else 0.0
    f1 = action_f1(action, gold)
    return StepScore(right, f1, 1.0 if right > 0 and f1 >= 1.0 else 0.0)


def aggregate(episodes: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Pool episode metrics over steps: element_acc, action_f1, step_sr (main) and task_success.

    Each episode's ``metrics`` holds per-episode means and ``steps``; steps are weighted equally,
    as AgentBench averages over step samples. Values are fractions in [0, 1] (AgentBench x 100).
    """
    totals = {"element_acc": 0.0, "action_f1": 0.0, "step_sr": 0.0}
    steps = 0
    tasks, solved = 0, 0.0
    for episode in episodes:
        metrics = episode.get("metrics") or {}
        n = int(metrics.get("steps", 1) or 1)
        steps += n
        for key in totals:
            totals[key] += float(metrics.get(key, 0.0)) * n
        tasks += 1
        solved += float(metrics.get("task_success", metrics.get("step_sr", 0.0)) >= 1.0)
    if steps == 0:
        return {"main": 0.0, **totals, "task_success": 0.0, "steps": 0.0}
    out = {key: value / steps for key, value in totals.items()}
    return {"main": out["step_sr"], **out, "task_success": solved / tasks, "steps": float(steps)}
