"""Trajectory records: one per finished episode, written as JSON Lines (DESIGN.md schema).

A record holds who played what (run id, agent, task, split, sample, seed), how it ended
(outcome, score, metrics, turns), the whole conversation (``messages``), every step (action,
observation, reward, agent and env latency) and the versions of the package and the data.
``agentbench_gym.trajectory_export`` turns records into fine-tuning formats.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import weakref
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import gymnasium as gym

from agentbench_gym.core import Message, Outcome

SCHEMA_VERSION = 1


@dataclasses.dataclass(slots=True)
class StepRecord:
    """One agent turn: the reply, what came back, and how long each side took (seconds)."""

    action: str
    observation: str
    reward: float
    latency: float | None = None
    env_latency: float | None = None


@dataclasses.dataclass(slots=True)
class TrajectoryRecord:
    """One finished episode (see the module docstring); ``to_dict``/``from_dict`` give its JSON form.

    ``messages`` is the whole conversation: the task's prefix (its first ``prefix_length``
    messages: instructions, canned replies, demonstrations), the first observation, then one
    ``assistant`` reply and one ``user`` observation per step. ``score`` is the sample score;
    it means nothing for ``task_error``/``agent_error`` episodes, which are re-run, never scored.
    """

    run_id: str
    agent: str
    task: str
    sample_id: str
    outcome: str
    score: float
    turns: int
    messages: list[Message]
    steps: list[StepRecord]
    metrics: dict[str, Any] = dataclasses.field(default_factory=dict)
    env_id: str | None = None
    split: str | None = None
    seed: int | None = None
    prefix_length: int = 0
    started_at: str = ""
    duration: float = 0.0
    versions: dict[str, str] = dataclasses.field(default_factory=dict)
    error: str | None = None
    schema_version: int = SCHEMA_VERSION

    @property
    def scored(self) -> bool:
        """False for ``task_error``/``agent_error`` episodes."""
        return Outcome(self.outcome).scored

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON-ready data (fresh lists and dicts, strings shared)."""
        # Written by hand: dataclasses.asdict deep-copies every string and is 5x slower.
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["messages"] = [{"role": m["role"], "content": m["content"]} for m in self.messages]
        data["steps"] = [{"action": s.action, "observation": s.observation, "reward": s.reward,
                          "latency": s.latency, "env_latency": s.env_latency} for s in self.steps]
        data["metrics"] = dict(self.metrics)
        data["versions"] = dict(self.versions)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrajectoryRecord:
        """Rebuild a record from ``to_dict`` output (unknown keys are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["steps"] = [s if isinstance(s, StepRecord) else StepRecord(**s)
                           for s in values.get("steps") or []]
        values["messages"] = [{"role": m["role"], "content": m["content"]}
                              for m in values.get("messages") or []]
        return cls(**values)


_FINGERPRINTS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def data_version(env: gym.Env) -> str:
    """A short fingerprint of the env's split (its samples), so records name the data they used."""
    base = env.unwrapped
    try:
        return _FINGERPRINTS[base]
    except (KeyError, TypeError):
        pass
    digest = hashlib.sha256()
    for sample in getattr(base, "samples", ()):
        digest.update(repr(sample).encode("utf-8", "surrogatepass"))
    value = f"{getattr(base, 'split', '?')}:{digest.hexdigest()[:16]}"
    try:
        _FINGERPRINTS[base] = value
    except TypeError:
        pass
    return value


def _package_version() -> str:
    import agentbench_gym

    return agentbench_gym.__version__


class RecordBuilder:
    """Accumulate one episode into a ``TrajectoryRecord`` (used by the recorder and ``play_episode``).

    Args:
        env: the (wrapped) env being played; its spec, split and data give the metadata.
        run_id: the run's id; agent: the agent's name.
    """

    def __init__(self, env: gym.Env, *, run_id: str, agent: str) -> None:
        """Create a builder; call ``start`` after each reset."""
        self.env = env
        self.run_id = run_id
        self.agent = agent
        self._record: TrajectoryRecord | None = None
        self._t0 = 0.0

    def start(self, observation: str, info: Mapping[str, Any], seed: int | None, now: float) -> None:
        """Begin a record from a reset's observation and info (``now``: a perf_counter time)."""
        prefix = [{"role": m["role"], "content": m["content"]} for m in info.get("prefix", [])]
        base = self.env.unwrapped
        spec = getattr(self.env, "spec", None)
        self._t0 = now
        self._record = TrajectoryRecord(
            run_id=self.run_id, agent=self.agent, task=str(info.get("task", getattr(base, "task", ""))),
            sample_id=str(info.get("sample_id", "")), outcome=Outcome.RUNNING.value, score=0.0,
            turns=0, messages=[*prefix, {"role": "user", "content": observation}], steps=[],
            env_id=spec.id if spec is not None else None, split=getattr(base, "split", None),
            seed=seed, prefix_length=len(prefix),
            started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            versions={"agentbench_gym": _package_version(), "data": data_version(self.env)})

    def step(self, action: str | None, observation: str, reward: float, info: Mapping[str, Any],
             *, latency: float | None, env_latency: float | None, now: float) -> TrajectoryRecord | None:
        """Add a step (``action=None``: an agent-side end); return the record once the episode ended."""
        record = self._record
        if record is None:
            raise RuntimeError("RecordBuilder.step before start")
        if action is not None:
            record.messages.append({"role": "assistant", "content": action})
            record.messages.append({"role": "user", "content": observation})
            record.steps.append(StepRecord(action, observation, float(reward), latency, env_latency))
        record.turns = int(info.get("turn", len(record.steps)))
        outcome = Outcome(info.get("outcome", Outcome.RUNNING))
        if not outcome.ended:
            return None
        record.outcome = outcome.value
        record.score = float(info.get("score", reward))
        record.metrics = dict(info.get("metrics", {}))
        if "error" in info:
            record.error = str(info["error"])
        record.duration = round(now - self._t0, 6)
        self._record = None
        return record


def write_record(handle: Any, record: TrajectoryRecord) -> None:
    """Append ``record`` as one JSON line to an open text file and flush it to the OS."""
    # ASCII escapes keep any str (lone surrogates included) exact and the file valid UTF-8.
    handle.write(json.dumps(record.to_dict(), default=str) + "\n")
    handle.flush()


def append_record(path: str | os.PathLike[str], record: TrajectoryRecord) -> None:
    """Append ``record`` to the JSONL file at ``path`` (created with its folder when missing)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        write_record(handle, record)


def _is_record(data: Any) -> bool:
    return isinstance(data, dict) and {"messages", "outcome", "sample_id"} <= data.keys()


def read_records(path: str | os.PathLike[str]) -> Iterator[TrajectoryRecord]:
    """Yield the records of a JSONL file, or of every ``*.jsonl`` under a folder (sorted).

    Lines that are not trajectory records (other run files, a half-written last line) are skipped.
    """
    root = Path(path)
    files = sorted(root.rglob("*.jsonl")) if root.is_dir() else [root]
    for file in files:
        with open(file, encoding="utf-8") as handle:
            for line in handle:
                try:
                    data = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if _is_record(data):
                    yield TrajectoryRecord.from_dict(data)


def select(records: Iterable[TrajectoryRecord], *, only_success: bool = False,
           min_score: float | None = None) -> Iterator[TrajectoryRecord]:
    """The records worth training on: scored ones, optionally only successes or a minimum score.

    ``only_success`` keeps episodes that completed with the full score (>= 1); ``min_score``
    keeps those scoring at least that much. Task and agent errors are always left out.
    """
    for record in records:
        if not record.scored:
            continue
        if only_success and not (record.outcome == Outcome.COMPLETED and record.score >= 1.0):
            continue
        if min_score is not None and record.score < min_score:
            continue
        yield record
