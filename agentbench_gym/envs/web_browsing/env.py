"""``AgentBench/WB-v0``: Mind2Web web-browsing steps as AgentBench's multiple-choice tournament."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from agentbench_gym.core import AgentBenchEnv, Message, Outcome, TurnResult
from agentbench_gym.envs.web_browsing import prompts
from agentbench_gym.envs.web_browsing.data import Step, TaskSample, load_builtin, load_data_dir, load_prompt
from agentbench_gym.envs.web_browsing.parse import parse_reply
from agentbench_gym.envs.web_browsing.scoring import aggregate
from agentbench_gym.envs.web_browsing.tournament import StepOutcome, Tournament


class WebBrowsingEnv(AgentBenchEnv):
    """Mind2Web web browsing as AgentBench v0.2 poses it: pick the next element and operation.

    **Description.** Each step of a Mind2Web task gives a web page (cleaned HTML), the task and
    the actions taken so far; the agent must name the element to act on and the operation
    (``CLICK``, ``TYPE`` with a value, ``SELECT`` with a value). As in AgentBench, the ranker's
    top-``topk`` (10) candidate elements are shuffled and played as a knockout tournament in
    groups of ``group_size`` (5): each group is one turn showing the HTML pruned around those
    candidates and options ``A. None of the above``, ``B.``... A pick goes back into the pool;
    ``A`` eliminates the group; the last pick is the prediction. Previous actions are the gold
    ones (teacher forcing, as Mind2Web evaluates).

    **Observation.** Each turn is a fresh conversation: ``info["prefix"]`` (AgentBench's three
    chain-of-thought demonstrations, also repeated in every step's ``info``) followed by the
    observation ``'''<pruned html>'''`` + task, the last five previous actions and the options.
    ``info["history_reset"]`` is True on every turn: AgentBench empties the history before each
    round, so a chat wrapper must send ``prefix + [observation]``, not the running transcript.

    **Reply format.** ``Answer: <A-F>`` (first match), ``Action: CLICK|SELECT|TYPE`` and
    ``Value: ...`` (to the end of its line), e.g. ``"Thought: ...\\nAnswer: C.\\nAction: SELECT\\nValue: Pickup"``.

    **Outcomes.** A reply without ``Answer: X`` ends the episode with ``invalid_format`` (score 0;
    with ``upstream_parsing=True`` it counts as ``A``, as AgentBench's parser defaults). A letter
    past the last option is ignored like ``A`` (as upstream). A step whose tournament ends with no
    pick, or whose final group is all rejected, is ``invalid_action`` (AgentBench's rule); in task
    mode that step scores 0 and the next step begins. Otherwise ``completed``. No turn limit by
    default: a pool of *n* candidates takes about *n*/4 turns (2-3 for ten).

    **Score & metrics.** Step mode: 1 when the element is right (in the gold ids) and the action's
    token-set F1 with ``"OP value"`` is 1 (step success). Task mode: the fraction of successful
    steps. ``info["metrics"]``: ``element_acc``, ``action_f1``, ``step_sr`` (means over the
    episode's steps), ``steps``, ``task_success``, ``gold_in_pool``, ``invalid_steps`` and the
    prediction (``predicted_element``, ``predicted_action``, ``gold_action``; a list of those,
    ``predictions``, in task mode).
    ``task_metrics`` pools steps: ``main`` = step SR (AgentBench's ``step_sr``/100).

    **Arguments.** ``split`` (``dev``, ``test``), ``data_dir`` (Mind2Web JSON:
    AgentBench's ``data_dev``/``data_std`` folders with ``scores_all_data.pkl``, Mind2Web's split
    folders, or JSON files; a ``prompt/llm_prompt_cot.json`` there replaces the built-in demos),
    ``mode`` (``"step"`` or ``"task"``), ``topk`` (10), ``group_size`` (5), ``ranker``
    (``"auto"``: the data's ranks, else BM25; ``"bm25"``), ``shuffle_seed`` (123: the pool order
    depends only on the sample; None: drawn from the env's seed), ``cot`` (True),
    ``upstream_parsing`` (False), ``max_turns`` (None).

    **Backends.** In-process only; no lxml: a standard-library XML parse with a tolerant HTML
    fallback, so malformed pages never crash. Huge pages are cut as AgentBench cuts them: pruned
    to the group's neighbourhood (ancestors, 50 descendants over six levels, three siblings each
    side), text nodes to 20 words, options to 10 tokens. AgentBench's 3,500-segment history
    truncation then applies to each round's ``prefix + [observation]`` (the ``HistoryTruncation``
    wrapper's job); with a query of 3,124 segments or more (3,146 without chain of thought: the
    budget less the first demo and the last demo reply) AgentBench sends only the first
    demonstration, with its ``[NOTICE]``.

    **Data.** Built-in: small sites written by this project (shopping, flights, hotels, contact
    forms, a library catalog, account pages) in Mind2Web's format without ranker scores, so BM25
    ranks them (plus a small documented prior for form controls, see ``rank.py``); dev 39 steps
    (6 tasks), test 117 steps (18 tasks); ``python -m agentbench_gym.envs.web_browsing.sitegen``
    regenerates them. Upstream: Mind2Web / AgentBench files via ``data_dir``.
    ``tournament.recall_at_k`` reports the ranker's recall (the ceiling on step SR).

    **Deviations from AgentBench v0.2** (all documented choices): the pool order is seeded per
    sample (``shuffle_seed``) rather than by a process-global ``random`` whose state depends on
    how many samples ran before; a reply with no ``Answer:`` is ``invalid_format`` unless
    ``upstream_parsing=True``; a step whose positive is outside the top-k is still played (scored
    0, ``gold_in_pool`` 0) where AgentBench skips it with status UNKNOWN; a pool of one candidate
    still gets one round (AgentBench scores it 0 without asking); candidate ids missing from the
    page are skipped where AgentBench raises.

    **Registered ids.** ``AgentBench/WB-v0``.

    **Version history.** v0: first version (AgentBench v0.2 protocol).
    """

    task: ClassVar[str] = "WB"
    default_max_turns: ClassVar[int | None] = None
    splits: ClassVar[tuple[str, ...]] = ("dev", "test")
    oracle: ClassVar[str] = "agentbench_gym.envs.web_browsing.oracle:WebBrowsingOracle"
    reply_examples: ClassVar[tuple[str, ...]] = (
        "Answer: A.",
        "Thought: the search box comes first.\nAnswer: B.\nAction: TYPE\nValue: red shoes",
        "Answer: C.\nAction: CLICK",
        "Answer: D.\nAction: SELECT\nValue: Medium",
        "Answer: F.\nAction: CLICK",
        "B",
    )

    def __init__(self, *, mode: str = "step", topk: int = 10, group_size: int = 5, ranker: str = "auto",
                 shuffle_seed: int | None = 123, cot: bool = True, upstream_parsing: bool = False,
                 **kwargs: Any) -> None:
        """Configure the protocol (see the class docstring), then load the split."""
        if mode not in ("step", "task"):
            raise ValueError(f"WB: mode must be 'step' or 'task', got {mode!r}")
        if ranker not in ("auto", "bm25"):
            raise ValueError(f"WB: ranker must be 'auto' or 'bm25', got {ranker!r}")
        if topk < 1 or not 2 <= group_size <= 5:
            raise ValueError("WB: topk must be >= 1 and group_size between 2 and 5 (letters B-F)")
        self.mode, self.topk, self.group_size, self.ranker = mode, topk, group_size, ranker
        self.shuffle_seed, self.upstream_parsing = shuffle_seed, upstream_parsing
        self._prefix: list[Message] = prompts.demo_prefix(cot)
        super().__init__(**kwargs)
        if self.data_dir is not None:
            name = "llm_prompt_cot.json" if cot else "llm_prompt.json"
            template = Path(self.data_dir) / "prompt" / name
            if template.is_file():
                self._prefix = load_prompt(template)
        self._steps: Sequence[Step] = ()
        self._round: Tournament | None = None
        self._results: list[StepOutcome] = []

    # ------------------------------------------------------------------ hooks
    def _load_samples(self, split: str, data_dir: str | None) -> Sequence[Any]:
        tasks = load_builtin(split) if data_dir is None else load_data_dir(data_dir, split)
        if self.mode == "task":
            return tasks
        return [step for task in tasks for step in task.steps]

    def _start(self, sample: Step | TaskSample) -> tuple[str, list[Message]]:
        self._steps = sample.steps if isinstance(sample, TaskSample) else (sample,)
        self._results = []
        return self._open_step(0), list(self._prefix)

    def _turn(self, reply: str) -> TurnResult:
        assert self._round is not None
        parsed = parse_reply(reply)
        if parsed.letter is None and not self.upstream_parsing:
            self._results.append(self._round.abandon())
            return self._close(Outcome.INVALID_FORMAT,
                               "Invalid format: the reply must contain 'Answer: <letter>' (A-F).")
        observation = self._round.answer(parsed.letter or "A", parsed.action)
        if observation is not None:
            return TurnResult(observation)
        result = self._round.result()
        self._results.append(result)
        if len(self._results) < len(self._steps):
            return TurnResult(self._open_step(len(self._results)),
                              progress=sum(r.score.success for r in self._results) / len(self._steps))
        invalid = self.mode == "step" and result.invalid
        return self._close(Outcome.INVALID_ACTION if invalid else Outcome.COMPLETED, result.summary())

    def _on_limit(self, last: TurnResult, outcome: Outcome) -> TurnResult:
        if self._round is not None and len(self._results) < len(self._steps):
            self._results.append(self._round.abandon())
        return self._close(outcome, last.observation)

    def _release(self) -> None:
        self._round = None

    def _step_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"prefix": list(self._prefix), "history_reset": True}
        if self._round is not None:
            info["step"] = len(self._results)
            info["round"] = self._round.rounds
        return info

    # ----------------------------------------------------------------- helpers
    @property
    def current_step(self) -> Step | None:
        """The step being played (for the oracle and tests)."""
        return self._round.step if self._round is not None else None

    @property
    def current_choices(self) -> list[str]:
        """The backend ids behind letters B, C, ... of the current round (for the oracle)."""
        return list(self._round.choices) if self._round is not None else []

    def _open_step(self, index: int) -> str:
        step = self._steps[index]
        if self.shuffle_seed is None:
            rng = np.random.default_rng(int(self.np_random.integers(1 << 63)))
        else:
            rng = np.random.default_rng([self.shuffle_seed, zlib.crc32(step.id.encode("utf-8", "replace"))])
        self._round = Tournament(step, topk=self.topk, group_size=self.group_size,
                                 use_data_ranks=self.ranker == "auto", rng=rng)
        return self._round.first_question()

    def _close(self, outcome: Outcome, observation: str) -> TurnResult:
        results = self._results + [StepOutcome.missing()] * (len(self._steps) - len(self._results))
        n = len(results)
        metrics: dict[str, Any] = {
            "element_acc": sum(r.score.element for r in results) / n,
            "action_f1": sum(r.score.action_f1 for r in results) / n,
            "step_sr": sum(r.score.success for r in results) / n,
            "steps": n,
            "task_success": float(all(r.score.success >= 1.0 for r in results)),
            "gold_in_pool": sum(r.gold_in_pool for r in results) / n,
            "invalid_steps": sum(r.invalid for r in results),
        }
        if self.mode == "step" and self._results:
            metrics.update(self._results[0].prediction())
        elif self.mode == "task":  # per-step predictions, so that saved trajectories can be re-scored
            metrics["predictions"] = [r.prediction() for r in self._results]
        self._round = None
        return TurnResult(observation, outcome, score=metrics["step_sr"], metrics=metrics)

    @classmethod
    def task_metrics(cls, episodes: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        """Pool steps over episodes: ``main`` = step SR, plus element_acc, action_f1, task_success."""
        return aggregate(episodes)
