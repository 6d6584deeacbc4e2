"""Sequential evaluation of policies on registered tasks, with a progress bar and a results table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from agentbench_gym.baselines import make_policy
from agentbench_gym.core import Outcome
from agentbench_gym.metrics import outcome_distribution, scored
from agentbench_gym.registration import TASKS, env_class


@dataclass
class TaskResult:
    """All episodes one policy played on one task, and the task metrics over them."""

    agent: str
    task: str
    episodes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def metrics(self) -> dict[str, float]:
        """The task's own aggregate (``"main"`` is AgentBench's headline metric)."""
        return env_class(self.task).task_metrics(scored(self.episodes))

    @property
    def outcomes(self) -> dict[str, float]:
        """Share of each outcome."""
        return outcome_distribution(e["outcome"] for e in self.episodes)


def evaluate(
    agents: Sequence[str],
    tasks: Iterable[str] | None = None,
    *,
    split: str | None = None,
    seed: int = 0,
    limit: int | None = None,
    console: Console | None = None,
) -> list[TaskResult]:
    """Play every sample of each task's split once with each policy spec; return the results.

    Args:
        agents: policy specs for ``make_policy`` (``"scripted"``, ``"random"``, a baseline name).
        tasks: task codes (default: every registered task).
        split: split name (default: each task's default split).
        seed: base seed; sample ``i`` is played with ``seed + i``.
        limit: play at most this many samples per task.
        console: where the progress bar goes (default: stderr).
    """
    console = console or Console(stderr=True)
    results = []
    task_list = list(tasks) if tasks is not None else list(TASKS)
    with Progress(console=console, transient=True) as progress:
        for task in task_list:
            env = gym.make(TASKS[task], **({"split": split} if split else {}))
            try:
                count = len(env.unwrapped.samples) if limit is None else min(limit, len(env.unwrapped.samples))
                for agent in agents:
                    result = TaskResult(agent, task)
                    bar = progress.add_task(f"{task} · {agent}", total=count)
                    policy = make_policy(agent, env, seed=seed)
                    for index in range(count):
                        result.episodes.append(_play(env, policy, seed + index, index))
                        progress.advance(bar)
                    results.append(result)
            finally:
                env.close()
    return results


def _play(env: gym.Env, policy: Any, seed: int, index: int) -> dict[str, Any]:
    policy.reset()
    obs, info = env.reset(seed=seed, options={"sample": index})
    while True:
        obs, _reward, terminated, truncated, info = env.step(policy.act(obs, info))
        if terminated or truncated:
            return {"sample_id": info["sample_id"], "outcome": info["outcome"], "score": info["score"],
                    "metrics": info["metrics"], "turns": info["turn"]}


def results_table(results: Sequence[TaskResult]) -> Table:
    """A rich table: one row per (agent, task) with the task metric and the outcome shares."""
    table = Table(title="AgentBench results")
    for column in ("agent", "task", "samples", "metric", "completed", "IF", "IA", "TLE", "errors"):
        table.add_column(column, justify="left" if column in ("agent", "task") else "right")
    for r in results:
        shares = r.outcomes
        errors = sum(1 for e in r.episodes if not Outcome(e["outcome"]).scored)
        table.add_row(
            r.agent, r.task, str(len(r.episodes)), f"{100 * r.metrics['main']:.1f}",
            *(f"{100 * shares.get(o.value, 0.0):.0f}%" for o in
              (Outcome.COMPLETED, Outcome.INVALID_FORMAT, Outcome.INVALID_ACTION, Outcome.TASK_LIMIT)),
            str(errors),
        )
    return table
