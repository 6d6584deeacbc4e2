"""One step's knockout tournament over the top-ranked candidates (AgentBench's ``start_sample``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from agentbench_gym.envs.web_browsing import prompts
from agentbench_gym.envs.web_browsing.data import Step
from agentbench_gym.envs.web_browsing.dom import Page
from agentbench_gym.envs.web_browsing.rank import rank_candidates
from agentbench_gym.envs.web_browsing.scoring import StepScore, gold_action, score_step


@lru_cache(maxsize=8)
def parse_page(html: str) -> Page:
    """Parse a page once per episode (task mode revisits none, so a small cache suffices)."""
    return Page.parse(html)


@lru_cache(maxsize=64)
def candidate_ranks(step: Step, use_data_ranks: bool) -> dict[str, int]:
    """Each candidate's rank: the data's ranker ranks when present, else BM25 of the task and
    previous actions against the element's words (ties in document order)."""
    candidates = (*step.positives, *step.negatives)
    if use_data_ranks and step.ranked:
        return {c.uid: int(c.rank) for c in candidates}  # type: ignore[arg-type]
    query = " ".join((step.task, *step.previous_actions))
    uids = list(dict.fromkeys(c.uid for c in candidates))
    return {uid: rank for uid, (rank, _score) in rank_candidates(parse_page(step.cleaned_html), query, uids).items()}


@dataclass(frozen=True, slots=True)
class StepOutcome:
    """How one step ended: the prediction, the gold action and the scores."""

    element: str
    action: str
    gold: str | None
    score: StepScore
    invalid: bool
    gold_in_pool: float

    @classmethod
    def missing(cls) -> StepOutcome:
        """A step never reached (the episode ended before it): scored 0."""
        return cls("", "", None, StepScore(0.0, 0.0, 0.0), False, 0.0)

    def prediction(self) -> dict[str, str]:
        """The prediction and target as strings, so that saved trajectories can be re-scored."""
        return {"predicted_element": self.element, "predicted_action": self.action,
                "gold_action": self.gold or ""}

    def summary(self) -> str:
        """The closing observation of a step."""
        if self.invalid:
            return "The tournament ended without a selected element (invalid action)."
        verdict = "correct" if self.score.success >= 1.0 else "not correct"
        return f"Your final choice was recorded: {self.action.strip() or '(no action)'} ({verdict})."


class Tournament:
    """Candidates in groups of ``group_size``; a pick returns to the pool until one is left.

    Args:
        step: the step to play.
        topk: candidates ranked below this enter the pool (positives first, then negatives).
        group_size: candidates per round (AgentBench: 5, letters B-F).
        use_data_ranks: use the data's ranker ranks when every candidate has one.
        rng: shuffles the pool (AgentBench shuffles with ``random.seed(123)``).
    """

    def __init__(self, step: Step, *, topk: int, group_size: int, use_data_ranks: bool,
                 rng: np.random.Generator) -> None:
        """Rank the candidates, build the shuffled pool of the top ``topk``."""
        self.step = step
        self.page = parse_page(step.cleaned_html)
        ranks = candidate_ranks(step, use_data_ranks)
        self.positives = [c.uid for c in step.positives if ranks.get(c.uid, topk) < topk]
        negatives = [c.uid for c in step.negatives if ranks.get(c.uid, topk) < topk]
        pool = self.positives + negatives
        self.pool = [pool[i] for i in rng.permutation(len(pool))]
        self.gold = gold_action(step.op, step.value) if self.positives else None
        self.group_size = group_size
        self.picked: tuple[str, str] | None = None
        self.choices: list[str] = []
        self.rounds = 0

    def first_question(self) -> str:
        """The first round's question (played even for a pool of one, which upstream scores 0)."""
        return self._next()

    def answer(self, letter: str, action: str) -> str | None:
        """Apply a round's answer; return the next round's question, or None when the step is over."""
        if letter != "A":
            k = ord(letter) - ord("B")
            if 0 <= k < len(self.choices):  # a letter past the options is ignored, as upstream
                self.pool.append(self.choices[k])
                self.picked = (self.choices[k], action)
        return self._next() if len(self.pool) > 1 else None

    def result(self) -> StepOutcome:
        """Score the finished tournament (no pick, or an empty pool, is an invalid action)."""
        invalid = self.picked is None or not self.pool
        element, action = ("", "") if invalid or self.picked is None else self.picked
        score = score_step(element, action, self.positives, self.gold)
        return StepOutcome(element, action, self.gold, score, invalid, float(bool(self.positives)))

    def abandon(self) -> StepOutcome:
        """The step ended early (format error, turn limit): scored 0."""
        return StepOutcome("", "", self.gold, StepScore(0.0, 0.0, 0.0), False, float(bool(self.positives)))

    def _next(self) -> str:
        group, self.pool = self.pool[: self.group_size], self.pool[self.group_size:]
        pruned = self.page.prune(group)
        self.choices = pruned.choices
        self.rounds += 1
        options = [pruned.option(k) for k in range(len(self.choices))]
        question = prompts.format_question(self.step.task, self.step.previous_actions, options)
        return prompts.format_query(pruned.html(), question)


def recall_at_k(steps: Sequence[Step], ks: Sequence[int] = (1, 5, 10, 20, 50), *,
                use_data_ranks: bool = True) -> dict[int, float]:
    """Share of steps (with a positive) whose best-ranked positive is in the top ``k``.

    With ``use_data_ranks`` the data's ranker ranks are used where every candidate has one,
    else the env's BM25 ranking; this is the ceiling on step success at ``topk = k``.
    """
    ranked = [candidate_ranks(s, use_data_ranks) for s in steps if s.positives]
    best = [min(r.get(c.uid, len(r)) for c in s.positives) for s, r in
            zip([s for s in steps if s.positives], ranked, strict=True)]
    return {k: (sum(b < k for b in best) / len(best) if best else 0.0) for k in ks}
