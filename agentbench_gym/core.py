"""The core contract: outcomes, turn results and the base class of every AgentBench env."""

from __future__ import annotations

import atexit
import enum
import logging
import traceback
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import gymnasium as gym

from agentbench_gym.errors import ResetNeeded
from agentbench_gym.spaces import UnicodeText

logger = logging.getLogger(__name__)

MAX_OBSERVATION_CHARS = 1 << 17
"""Observation space bound (131,072 characters). AgentBench's observations are far shorter; the
bound keeps ``gym.make_vec(..., "async")`` cheap, since Gymnasium's shared memory for a text space
holds ``max_length`` code points per env and copies all of them on every step."""

_CUT_NOTE = "\n[observation cut: it exceeded the observation space's length]"

Message = dict[str, str]
"""A chat message ``{"role": "user" | "assistant", "content": str}``."""


class Outcome(enum.StrEnum):
    """How an episode ended (``running`` while it goes on); values as in DESIGN.md."""

    RUNNING = "running"
    COMPLETED = "completed"
    INVALID_FORMAT = "invalid_format"
    INVALID_ACTION = "invalid_action"
    TASK_LIMIT = "task_limit"
    CONTEXT_LIMIT = "context_limit"
    TASK_ERROR = "task_error"
    AGENT_ERROR = "agent_error"

    @property
    def ended(self) -> bool:
        """True for every outcome but ``running``."""
        return self is not Outcome.RUNNING

    @property
    def truncates(self) -> bool:
        """True when the episode ends by truncation (limits and errors), not termination."""
        return self in _TRUNCATING

    @property
    def terminates(self) -> bool:
        """True when the episode ends by termination (completed, IF, IA)."""
        return self.ended and not self.truncates

    @property
    def scored(self) -> bool:
        """False for infrastructure and agent errors, which are re-run and never scored."""
        return self not in (Outcome.TASK_ERROR, Outcome.AGENT_ERROR)

    @property
    def paper_label(self) -> str:
        """The label AgentBench's paper uses (Completed, IF, IA, TLE, CLE), or '-'."""
        return _PAPER_LABELS.get(self, "-")


_TRUNCATING = frozenset(
    {Outcome.TASK_LIMIT, Outcome.CONTEXT_LIMIT, Outcome.TASK_ERROR, Outcome.AGENT_ERROR}
)
# Upstream counts TASK_ERROR with TLE (analysis.py); we keep errors apart and unscored.
_PAPER_LABELS = {
    Outcome.COMPLETED: "Completed",
    Outcome.INVALID_FORMAT: "IF",
    Outcome.INVALID_ACTION: "IA",
    Outcome.TASK_LIMIT: "TLE",
    Outcome.CONTEXT_LIMIT: "CLE",
}


@dataclass(frozen=True, slots=True)
class TurnResult:
    """What a task's ``_turn`` hook returns for one agent reply.

    Attributes:
        observation: the next user message (or the closing message when the episode ends).
        outcome: ``Outcome.RUNNING`` to go on, anything else ends the episode.
        score: the sample score; required when the episode ends with a scored outcome.
        metrics: task-specific metrics, reported in ``info["metrics"]`` at the end.
        progress: optional shaped progress in [0, 1] used when the env runs with ``dense=True``.
    """

    observation: str
    outcome: Outcome = Outcome.RUNNING
    score: float | None = None
    metrics: Mapping[str, Any] = field(default_factory=dict)
    progress: float | None = None


_LIVE_ENVS: weakref.WeakSet[AgentBenchEnv] = weakref.WeakSet()


@atexit.register
def _release_live_envs() -> None:
    """Free what envs still hold when the interpreter exits (sandboxes, databases, temp dirs)."""
    for env in list(_LIVE_ENVS):
        try:
            env.close()
        except Exception:  # one env's failure must not keep the others' resources alive
            logger.exception("%s: close at exit failed", env.task)


class AgentBenchEnv(gym.Env[str, str]):
    """Base class of the AgentBench text environments.

    It owns what every task shares: sample selection and seeding, turn counting, the turn
    limit (``task_limit``), repetition detection, the ``info`` keys, reward on the last step
    only, infrastructure failures as ``task_error``, and resource cleanup. A task implements
    the hooks ``_load_samples``, ``_start``, ``_turn`` and, where needed, ``_on_limit``,
    ``_release`` and ``_step_info``.

    Class attributes a task sets:
        task: the task code, e.g. ``"DCG"``.
        default_max_turns: AgentBench's turn limit, or None when the game bounds itself.
        splits: the built-in split names; the first is the default.
        backends: backend names; the first is the default.
        oracle: ``"module:Class"`` of the task's scripted solver (reads the ground truth).
        reply_examples: well-formed replies, used by the random policy and hostile-input tests.
        repeat_limit: end the episode when this many identical replies come in a row.
        repeat_outcome: the outcome given for such a repetition.
    """

    task: ClassVar[str] = ""
    default_max_turns: ClassVar[int | None] = None
    splits: ClassVar[tuple[str, ...]] = ("dev",)
    backends: ClassVar[tuple[str, ...]] = ()
    oracle: ClassVar[str] = ""
    reply_examples: ClassVar[tuple[str, ...]] = ()
    repeat_limit: ClassVar[int | None] = None
    repeat_outcome: ClassVar[Outcome] = Outcome.TASK_LIMIT
    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"]}

    def __init__(
        self,
        *,
        split: str | None = None,
        data_dir: str | None = None,
        backend: str | None = None,
        max_turns: int | None = None,
        render_mode: str | None = None,
        dense: bool = False,
    ) -> None:
        """Validate the arguments and load the split (see the class docstring)."""
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}, "
                             f"got {render_mode!r}")
        if backend is not None and backend not in self.backends:
            raise ValueError(f"{self.task}: unknown backend {backend!r}; choose from {self.backends}")
        if max_turns is not None and max_turns < 1:
            raise ValueError(f"max_turns must be at least 1, got {max_turns}")
        self.split = split or self.splits[0]
        if data_dir is None and self.split not in self.splits:
            raise ValueError(f"{self.task}: unknown split {self.split!r}; built-in splits are "
                             f"{self.splits} (pass data_dir= for upstream data)")
        self.data_dir = data_dir
        self.backend = backend or (self.backends[0] if self.backends else None)
        self.max_turns = max_turns if max_turns is not None else self.default_max_turns
        self.render_mode = render_mode
        self.dense = dense
        self.observation_space = UnicodeText(max_length=MAX_OBSERVATION_CHARS)
        self.action_space = UnicodeText()
        self.samples: Sequence[Any] = tuple(self._load_samples(self.split, data_dir))
        if not self.samples:
            raise ValueError(f"{self.task}: split {self.split!r} has no samples")
        self._sample: Any = None
        self._turn_count = 0
        self._outcome = Outcome.RUNNING
        self._replies: list[str] = []
        self._transcript: list[Message] = []
        self._progress = 0.0
        self._active = False
        _LIVE_ENVS.add(self)

    # ----------------------------------------------------------------- hooks
    def _load_samples(self, split: str, data_dir: str | None) -> Sequence[Any]:
        """Return the samples of ``split`` (built-in, or upstream data under ``data_dir``)."""
        raise NotImplementedError

    def _start(self, sample: Any) -> tuple[str, list[Message]]:
        """Begin an episode on ``sample``; return the first observation and the prefix."""
        raise NotImplementedError

    def _turn(self, reply: str) -> TurnResult:
        """Apply one agent reply and say what happened."""
        raise NotImplementedError

    def _on_limit(self, last: TurnResult, outcome: Outcome) -> TurnResult:
        """Close an episode cut short by the turn limit or a repetition.

        The default scores 0; tasks whose score survives the limit (e.g. LTP progress)
        override it.
        """
        return TurnResult(last.observation, outcome, score=0.0, metrics=dict(last.metrics))

    def _release(self) -> None:
        """Free the episode's resources (processes, databases, temp dirs). Must be idempotent."""

    def _step_info(self) -> dict[str, Any]:
        """Extra task-specific ``info`` entries added on reset and on every step."""
        return {}

    # ------------------------------------------------------------ public API
    @property
    def sample(self) -> Any:
        """The current episode's sample (ground truth included); for oracles and tests."""
        return self._sample

    @property
    def outcome(self) -> Outcome:
        """The current episode's outcome so far."""
        return self._outcome

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        """Start an episode on ``options["sample"]`` (id or index) or a sample drawn with the seed."""
        super().reset(seed=seed)
        self._release()
        self._sample = self._select_sample(options or {})
        self._turn_count = 0
        self._outcome = Outcome.RUNNING
        self._replies = []
        self._progress = 0.0
        try:
            observation, prefix = self._start(self._sample)
        except BaseException:
            self._release()  # a failed start must not leak the half-built episode
            raise
        self._active = True
        observation = self._bounded(observation)
        self._transcript = [*prefix, {"role": "user", "content": observation}]
        info = self._info()
        info["prefix"] = list(prefix)
        return observation, info

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        """Apply the agent's raw reply; reward is the sample score on the last step, else 0."""
        if not self._active:
            raise ResetNeeded(f"{self.task}: call reset() before step() and after an episode ends")
        if not isinstance(action, str):
            raise TypeError(f"the action must be a str (the agent's reply), got {type(action).__name__}")
        self._turn_count += 1
        self._replies.append(action)
        self._transcript.append({"role": "assistant", "content": action})
        error: str | None = None
        try:
            result = self._turn(action)
        except Exception as exc:  # the task's infrastructure failed; the sample is re-run
            logger.exception("%s: sample %s failed", self.task, self._sample_id())
            error = "".join(traceback.format_exception_only(exc)).strip()
            result = TurnResult(f"Task error: {error}", Outcome.TASK_ERROR, metrics={"error": error})
        if result.outcome is Outcome.RUNNING:
            if self._repeating():
                result = self._on_limit(result, self.repeat_outcome)
            elif self.max_turns is not None and self._turn_count >= self.max_turns:
                result = self._on_limit(result, Outcome.TASK_LIMIT)
        return self._finish_step(result, error)

    def end_episode(self, outcome: Outcome | str, reason: str = ""):
        """End the running episode from the agent's side, returning what ``step`` would.

        For outcomes the env cannot see itself: ``context_limit`` (the conversation no longer
        fits the agent's context; scored by the task's ``_on_limit``, 0 by default) and
        ``agent_error`` (the policy failed; never scored). Resources are released as usual.
        """
        outcome = Outcome(outcome)
        if outcome not in (Outcome.CONTEXT_LIMIT, Outcome.AGENT_ERROR):
            raise ValueError(f"end_episode takes context_limit or agent_error, got {outcome.value!r}")
        if not self._active:
            raise ResetNeeded(f"{self.task}: no running episode to end")
        note = f"[{outcome.value}] {reason}".rstrip()
        result = TurnResult(note, outcome)
        if outcome is Outcome.CONTEXT_LIMIT:  # scored like the turn limit (partial credit per task)
            result = self._on_limit(TurnResult(note, Outcome.RUNNING), outcome)
        return self._finish_step(TurnResult(note, outcome, result.score, result.metrics), None)

    def render(self) -> str | None:
        """Return the transcript as text in ``"ansi"`` mode."""
        if self.render_mode != "ansi":
            return None
        return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in self._transcript)

    def close(self) -> None:
        """Release the episode's resources; safe to call more than once."""
        self._active = False
        self._release()
        _LIVE_ENVS.discard(self)
        super().close()

    # -------------------------------------------------------------- helpers
    def _select_sample(self, options: Mapping[str, Any]) -> Any:
        choice = options.get("sample")
        if choice is None:
            return self.samples[int(self.np_random.integers(len(self.samples)))]
        if isinstance(choice, bool):
            raise TypeError("options['sample'] must be a sample id or index")
        if isinstance(choice, int):
            if not -len(self.samples) <= choice < len(self.samples):
                raise ValueError(f"{self.task}: sample index {choice} out of range "
                                 f"(split {self.split!r} has {len(self.samples)} samples)")
            return self.samples[choice]
        for candidate in self.samples:
            if str(candidate.id) == str(choice):
                return candidate
        raise ValueError(f"{self.task}: no sample with id {choice!r} in split {self.split!r}")

    def _sample_id(self) -> str:
        return str(getattr(self._sample, "id", "?"))

    def _repeating(self) -> bool:
        n = self.repeat_limit
        return n is not None and len(self._replies) >= n and len(set(self._replies[-n:])) == 1

    def _bounded(self, observation: str) -> str:
        """Cut an observation that would not fit the observation space (never expected)."""
        limit = self.observation_space.max_length
        if len(observation) <= limit:
            return observation
        return observation[: limit - len(_CUT_NOTE)] + _CUT_NOTE

    def _finish_step(self, result: TurnResult, error: str | None):
        outcome = Outcome(result.outcome)
        self._outcome = outcome
        observation = self._bounded(result.observation)
        self._transcript.append({"role": "user", "content": observation})
        reward = 0.0
        if outcome.ended:
            self._active = False
            score = float(result.score) if result.score is not None else 0.0
            if not outcome.scored:
                score = 0.0
            reward = score - self._progress if self.dense else score
        elif self.dense and result.progress is not None:
            reward = float(result.progress) - self._progress
            self._progress = float(result.progress)
        info = self._info()
        if outcome.ended:
            info["score"] = score
            info["metrics"] = dict(result.metrics)
            self._release()
        if error is not None:
            info["error"] = error
        return observation, reward, outcome.terminates, outcome.truncates, info

    def _info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "task": self.task,
            "sample_id": self._sample_id(),
            "turn": self._turn_count,
            "outcome": self._outcome,
        }
        info.update(self._step_info())
        return info

    @classmethod
    def backend_status(cls) -> dict[str, str | None]:
        """Each backend name -> None when it works on this machine, else how to enable it.

        Used by ``agentbench-gym doctor``; tasks with optional backends override it (it must be
        quick and must not start services).
        """
        return {name: None for name in cls.backends} or {"builtin": None}

    @classmethod
    def task_metrics(cls, episodes: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        """Aggregate scored episodes (dicts with ``score`` and ``metrics``) into task metrics.

        The returned dict's ``"main"`` entry is the task's headline metric (AgentBench's), in
        [0, 1]. The default is the mean sample score; tasks override it where AgentBench
        aggregates differently.
        """
        if not episodes:
            return {"main": 0.0}
        return {"main": sum(float(e["score"]) for e in episodes) / len(episodes)}
