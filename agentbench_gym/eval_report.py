"""Evaluate a run folder offline: task metrics, the overall score, outcome distribution, plots.

Everything is recomputed from the saved records (no LLM call): per (agent, task) the task's own
aggregate over scored samples (``task_error``/``agent_error`` left out and counted apart), the
outcome distribution (Completed / IF / IA / TLE / CLE), mean turns, and per agent AgentBench's
overall score OA over the tasks it played (``metrics.overall_score``, paper weights by default).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentbench_gym.core import AgentBenchEnv, Outcome
from agentbench_gym.errors import MissingExtra
from agentbench_gym.metrics import PAPER_WEIGHTS, outcome_distribution, overall_score, scored
from agentbench_gym.registration import ENV_ENTRY_POINTS, env_class

OUTCOME_COLUMNS = (Outcome.COMPLETED, Outcome.INVALID_FORMAT, Outcome.INVALID_ACTION, Outcome.TASK_LIMIT,
                   Outcome.CONTEXT_LIMIT)


@dataclass
class PairReport:
    """One agent on one task."""

    agent: str
    task: str
    samples: int
    scored: int
    metrics: dict[str, float]
    outcomes: dict[str, float]
    errors: int
    unresolved: int
    mean_turns: float

    @property
    def main(self) -> float:
        """The task's headline metric in [0, 1] (0 when no sample was scored; see ``shown``)."""
        return float(self.metrics.get("main", 0.0))

    @property
    def shown(self) -> str:
        """The metric in percent for tables, ``-`` when every sample ended in an error."""
        return f"{100 * self.main:.1f}" if self.scored else "-"


@dataclass
class Report:
    """The evaluation of a run: one ``PairReport`` per (agent, task) and OA per agent."""

    pairs: list[PairReport]
    overall: dict[str, float | None]
    weights: dict[str, float]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"pairs": [vars(p) | {"main": p.main} for p in self.pairs], "overall": self.overall,
                "weights": self.weights, "notes": self.notes}

    def to_markdown(self) -> str:
        """A Markdown table of the pairs, then OA per agent."""
        head = ["agent", "task", "samples", "metric (%)", *(o.paper_label for o in OUTCOME_COLUMNS), "errors",
                "mean turns"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for p in self.pairs:
            cells = [p.agent, p.task, str(p.samples), p.shown,
                     *(f"{100 * p.outcomes.get(o.value, 0.0):.0f}%" for o in OUTCOME_COLUMNS), str(p.errors),
                     f"{p.mean_turns:.1f}"]
            lines.append("| " + " | ".join(cells) + " |")
        lines += ["", "| agent | overall score (OA) |", "|---|---|"]
        lines += [f"| {agent} | {'-' if oa is None else f'{oa:.2f}'} |" for agent, oa in self.overall.items()]
        lines += [f"\n{note}" for note in self.notes]
        return "\n".join(lines) + "\n"

    def table(self) -> Any:
        """A rich table of the pairs with OA in the caption."""
        from rich import box
        from rich.table import Table

        table = Table(title="AgentBench results", caption_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        longest = max((len(p.agent) for p in self.pairs), default=5)
        table.add_column("agent", min_width=min(longest, 30), overflow="fold")
        table.add_column("task")
        # Short headers so that the table fits 80 columns: n = samples, score = the task metric (%).
        for column in ("n", "score", "Done", *(o.paper_label for o in OUTCOME_COLUMNS[1:]), "err", "turns"):
            table.add_column(column, justify="right", no_wrap=True)
        for p in self.pairs:
            table.add_row(p.agent, p.task, str(p.samples), p.shown,
                          *(f"{100 * p.outcomes.get(o.value, 0.0):.0f}" for o in OUTCOME_COLUMNS),
                          str(p.errors), f"{p.mean_turns:.1f}")
        table.caption = "score: task metric in %; Done..CLE: outcome shares in %; err: error attempts\n"
        table.caption += "overall score (OA): " + ", ".join(
            f"{agent} {'-' if oa is None else f'{oa:.2f}'}" for agent, oa in self.overall.items())
        return table


def final_records(records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One record per (agent, task, sample): the first scored one, else the last error one."""
    finals: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    for record in records:
        key = (str(record["agent"]), str(record["task"]), str(record["sample_id"]))
        old = finals.get(key)
        if old is None or not Outcome(old["outcome"]).scored:
            finals[key] = record
    return list(finals.values())


def _task_metrics(task: str, episodes: list[Mapping[str, Any]]) -> dict[str, float]:
    cls = env_class(task) if task in ENV_ENTRY_POINTS else AgentBenchEnv
    return dict(cls.task_metrics(episodes))


def evaluate_records(records: Iterable[Mapping[str, Any]], weights: Mapping[str, float] | None = None) -> Report:
    """Build the report from records (every attempt; errors are counted, finals deduplicated)."""
    all_records = list(records)
    errors: dict[tuple[str, str], int] = defaultdict(int)
    for record in all_records:
        if not Outcome(record["outcome"]).scored:
            errors[(str(record["agent"]), str(record["task"]))] += 1
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for record in final_records(all_records):
        groups[(str(record["agent"]), str(record["task"]))].append(record)
    pairs = []
    for (agent, task), episodes in sorted(groups.items()):
        good = scored(episodes)
        pairs.append(PairReport(
            agent=agent, task=task, samples=len(episodes), scored=len(good),
            metrics=_task_metrics(task, good) if good else {},
            outcomes=outcome_distribution(e["outcome"] for e in episodes), errors=errors[(agent, task)],
            unresolved=len(episodes) - len(good),
            mean_turns=sum(int(e.get("turns", 0)) for e in good) / len(good) if good else 0.0))
    table = dict(PAPER_WEIGHTS if weights is None else weights)
    overall: dict[str, float | None] = {}
    notes: list[str] = []
    for agent in sorted({p.agent for p in pairs}):
        scores = {p.task: 100 * p.main for p in pairs if p.agent == agent and p.task in table and p.scored}
        skipped = sorted(p.task for p in pairs if p.agent == agent and p.task not in table)
        if skipped:
            notes.append(f"OA of {agent} leaves out {', '.join(skipped)} (no weight)")
        unscored = sorted(p.task for p in pairs if p.agent == agent and p.task in table and not p.scored)
        if unscored:
            notes.append(f"OA of {agent} leaves out {', '.join(unscored)} (no scored sample: only errors)")
        overall[agent] = overall_score(scores, table) if scores else None
    notes.append("OA = mean over the agent's tasks of score_t / W_t (scores in %, W = "
                 + ("AgentBench's published average scores" if weights is None else "user weights") + ")")
    return Report(pairs, overall, table, notes)


def evaluate_run(path: str | os.PathLike[str], weights: Mapping[str, float] | None = None) -> Report:
    """Evaluate a run folder (or a single JSONL file) written by the runner."""
    from agentbench_gym.runner.store import iter_run_records

    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"no run at {root}")
    return evaluate_records(iter_run_records(root), weights)


def parse_weights(text: str) -> dict[str, float]:
    """Parse ``OS=10.8,DB=13`` into weights."""
    weights = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        task, eq, value = item.partition("=")
        if not eq:
            raise ValueError(f"weight {item!r} is not TASK=VALUE")
        weights[task.strip()] = float(value)
    return weights


def write_outputs(report: Report, out: str | os.PathLike[str], *, plots: bool = False) -> list[Path]:
    """Write ``report.json`` and ``report.md`` (and the PNG plots) into ``out``; return the paths."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "report.json", folder / "report.md"]
    written[0].write_text(json.dumps(report.to_dict(), indent=2), encoding="utf-8")
    written[1].write_text(report.to_markdown(), encoding="utf-8")
    if plots:
        written += plot_report(report, folder)
    return written


def plot_report(report: Report, folder: str | os.PathLike[str]) -> list[Path]:
    """PNG plots: per-task scores per agent, and the outcome distribution per (agent, task)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MissingExtra("plots", "plotting the evaluation", exc) from exc
    folder = Path(folder)
    agents = sorted({p.agent for p in report.pairs})
    tasks = sorted({p.task for p in report.pairs})
    scores = {(p.agent, p.task): 100 * p.main for p in report.pairs}
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(tasks) * max(1, len(agents)) / 2), 4))
    width = 0.8 / max(1, len(agents))
    for i, agent in enumerate(agents):
        xs = [t + i * width for t in range(len(tasks))]
        ax.bar(xs, [scores.get((agent, task), 0.0) for task in tasks], width, label=agent)
    ax.set_xticks([t + 0.4 - width / 2 for t in range(len(tasks))], tasks)
    ax.set_ylabel("task metric (%)")
    ax.set_title("Per-task score per agent")
    ax.legend()
    fig.tight_layout()
    scores_png = folder / "scores.png"
    fig.savefig(scores_png, dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(max(6, 0.8 * len(report.pairs)), 4))
    labels = [f"{p.agent}\n{p.task}" for p in report.pairs]
    bottom = [0.0] * len(report.pairs)
    for outcome in (*OUTCOME_COLUMNS, Outcome.TASK_ERROR, Outcome.AGENT_ERROR):
        values = [100 * p.outcomes.get(outcome.value, 0.0) for p in report.pairs]
        ax.bar(labels, values, bottom=bottom, label=outcome.paper_label if outcome.scored else outcome.value)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("share of samples (%)")
    ax.set_title("Outcome distribution")
    ax.legend(fontsize="small")
    fig.tight_layout()
    outcomes_png = folder / "outcomes.png"
    fig.savefig(outcomes_png, dpi=100)
    plt.close(fig)
    return [scores_png, outcomes_png]
