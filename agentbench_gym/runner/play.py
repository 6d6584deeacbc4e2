"""Play one episode and build its trajectory record (DESIGN.md's schema, as a plain dict).

The record's keys match ``agentbench_gym.trajectory.TrajectoryRecord.to_dict`` (run id, agent,
task, env id, split, sample id, seed, outcome, score, metrics, turns, messages, steps with
action/observation/reward/latency, versions), plus the runner's ``attempt`` number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import traceback
from typing import Any

import gymnasium as gym

import agentbench_gym
from agentbench_gym.core import Outcome
from agentbench_gym.errors import AgentError

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1


def data_fingerprint(env: gym.Env) -> str:
    """``split:hash`` of the env's samples, so records and manifests name the data they used."""
    base = env.unwrapped
    cached = getattr(base, "_runner_fingerprint", None)
    if cached:
        return cached
    digest = hashlib.sha256()
    for sample in getattr(base, "samples", ()):
        digest.update(repr(sample).encode("utf-8", "surrogatepass"))
    value = f"{getattr(base, 'split', '?')}:{digest.hexdigest()[:16]}"
    try:
        base._runner_fingerprint = value
    except AttributeError:
        pass
    return value


class RecordBuilder:
    """Accumulate one episode (reset, then steps) into a record dict."""

    def __init__(self, env: gym.Env, *, run_id: str, agent: str, seed: int | None, attempt: int = 1,
                 task: str | None = None) -> None:
        """Start an empty record for ``agent`` on ``env`` (``task``: the run's name of the task)."""
        base = env.unwrapped
        spec = getattr(env, "spec", None) or getattr(base, "spec", None)
        self.t0 = time.perf_counter()
        self.record: dict[str, Any] = {
            "run_id": run_id, "agent": agent, "task": task or getattr(base, "task", ""),
            "env_id": spec.id if spec is not None else None, "split": getattr(base, "split", None),
            "sample_id": "", "seed": seed, "attempt": attempt,
            "outcome": Outcome.RUNNING.value, "score": 0.0, "metrics": {}, "turns": 0,
            "messages": [], "steps": [], "prefix_length": 0,
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), "duration": 0.0,
            "versions": {"agentbench_gym": agentbench_gym.__version__, "data": data_fingerprint(env)},
            "error": None, "schema_version": SCHEMA_VERSION,
        }

    def start(self, observation: str, info: dict[str, Any]) -> None:
        """Record the reset: prefix messages and the first observation."""
        prefix = [{"role": m["role"], "content": m["content"]} for m in info.get("prefix", [])]
        self.record.update(sample_id=str(info.get("sample_id", "")), prefix_length=len(prefix))
        self.record["messages"] = [*prefix, {"role": "user", "content": observation}]

    def step(self, action: str, observation: str, reward: float, info: dict[str, Any],
             latency: float, env_latency: float) -> bool:
        """Record one step; return True when the episode ended."""
        r = self.record
        r["messages"] += [{"role": "assistant", "content": action}, {"role": "user", "content": observation}]
        r["steps"].append({"action": action, "observation": observation, "reward": float(reward),
                           "latency": latency, "env_latency": env_latency})
        r["turns"] = int(info.get("turn", len(r["steps"])))
        outcome = Outcome(info.get("outcome", Outcome.RUNNING))
        if not outcome.ended:
            return False
        self.finish(outcome, float(info.get("score", reward)), dict(info.get("metrics", {})), info.get("error"))
        return True

    def finish(self, outcome: Outcome, score: float, metrics: dict[str, Any], error: str | None = None) -> dict:
        """Close the record with its outcome (errors are never scored)."""
        r = self.record
        r["outcome"] = Outcome(outcome).value
        r["score"] = score if Outcome(outcome).scored else 0.0
        r["metrics"] = metrics
        if error is not None:
            r["error"] = str(error)
        r["duration"] = round(time.perf_counter() - self.t0, 6)
        return r


def play_episode(env: gym.Env, policy: Any, *, index: int, seed: int | None, run_id: str = "",
                 agent: str = "", attempt: int = 1, task: str | None = None) -> dict[str, Any]:
    """Play sample ``index`` of ``env`` with ``policy`` to the end and return its record.

    A policy that fails (``AgentError``, or any other exception: a broken policy must not stop a
    whole run) ends the episode as ``agent_error``; an env whose reset fails gives ``task_error``.
    Both are re-run by the runner, never scored.
    """
    builder = RecordBuilder(env, run_id=run_id, agent=agent, seed=seed, attempt=attempt, task=task)
    try:
        observation, info = env.reset(seed=seed, options={"sample": index})
        policy.reset()
    except Exception as exc:
        logger.exception("reset of sample %s failed", index)
        builder.record["sample_id"] = _sample_id(env, index)
        return builder.finish(Outcome.TASK_ERROR, 0.0, {}, _describe(exc))
    builder.start(observation, info)
    while True:
        started = time.perf_counter()
        try:
            action = policy.act(observation, info)
        except Exception as exc:
            if not isinstance(exc, AgentError):
                logger.warning("policy %s raised %s", agent, "".join(traceback.format_exception(exc))[-2000:])
            return builder.finish(Outcome.AGENT_ERROR, 0.0, {}, _describe(exc))
        if not isinstance(action, str):
            return builder.finish(Outcome.AGENT_ERROR, 0.0, {}, f"policy returned {type(action).__name__}, not str")
        called = time.perf_counter()
        try:
            observation, reward, _, _, info = env.step(action)
        except Exception as exc:  # the base class catches task failures; this is a last resort
            return builder.finish(Outcome.TASK_ERROR, 0.0, {}, _describe(exc))
        if builder.step(action, observation, reward, info, called - started, time.perf_counter() - called):
            return builder.record


async def aplay_episode(env: gym.Env, policy: Any, *, index: int, seed: int | None, run_id: str = "",
                        agent: str = "", attempt: int = 1, task: str | None = None,
                        call: Any = None) -> dict[str, Any]:
    """``play_episode`` for a policy with ``aact``: the policy runs on the loop, env calls in threads.

    ``call`` is ``async (fn, *args, **kwargs) -> result`` running env calls where the env lives
    (default ``asyncio.to_thread``; the runner passes the env's own worker thread).
    """
    import asyncio

    call = call or asyncio.to_thread

    builder = RecordBuilder(env, run_id=run_id, agent=agent, seed=seed, attempt=attempt, task=task)
    try:
        observation, info = await call(env.reset, seed=seed, options={"sample": index})
        policy.reset()
    except Exception as exc:
        builder.record["sample_id"] = _sample_id(env, index)
        return builder.finish(Outcome.TASK_ERROR, 0.0, {}, _describe(exc))
    builder.start(observation, info)
    while True:
        started = time.perf_counter()
        try:
            action = await policy.aact(observation, info)
        except Exception as exc:
            return builder.finish(Outcome.AGENT_ERROR, 0.0, {}, _describe(exc))
        if not isinstance(action, str):
            return builder.finish(Outcome.AGENT_ERROR, 0.0, {}, f"policy returned {type(action).__name__}, not str")
        called = time.perf_counter()
        try:
            observation, reward, _, _, info = await call(env.step, action)
        except Exception as exc:
            return builder.finish(Outcome.TASK_ERROR, 0.0, {}, _describe(exc))
        if builder.step(action, observation, reward, info, called - started, time.perf_counter() - called):
            return builder.record


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(exc)).strip()[:2000]


def _sample_id(env: gym.Env, index: int) -> str:
    samples = getattr(env.unwrapped, "samples", ())
    try:
        return str(samples[index].id)
    except (IndexError, AttributeError, TypeError):
        return str(index)
