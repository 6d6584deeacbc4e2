"""One episode of a run, played with ``agentbench_gym.episode`` and recorded as a trajectory record.

The records are ``agentbench_gym.trajectory.TrajectoryRecord.to_dict()`` dicts (the project's
schema: run id, agent, task, split, sample id, seed, outcome, score, metrics, turns, messages,
steps with latencies, versions) with two runner fields: ``task`` is the run's name of the task,
and ``attempt`` counts the tries of the sample (errors are re-run).

A policy is guarded so that whatever it does wrong ends only its episode: any exception (not only
``AgentError``) or a reply that is not a ``str`` becomes ``agent_error`` — the transcript so far
is kept; an env whose reset fails gives a ``task_error`` record.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from typing import Any

import gymnasium as gym

import agentbench_gym
from agentbench_gym.core import Outcome
from agentbench_gym.episode import aplay_episode as _aplay_episode
from agentbench_gym.episode import play_episode as _play_episode
from agentbench_gym.errors import AgentError, ContextLimitExceeded
from agentbench_gym.trajectory import TrajectoryRecord, data_version

logger = logging.getLogger(__name__)


class _Guard:
    """Wraps a policy: its failures and non-str replies become ``AgentError``."""

    def __init__(self, policy: Any, agent: str) -> None:
        self.policy, self.name = policy, agent

    def reset(self) -> None:
        self.policy.reset()

    def _check(self, reply: Any) -> str:
        if not isinstance(reply, str):
            raise AgentError(f"the policy replied with a {type(reply).__name__}, not a str")
        return reply

    def act(self, observation: str, info: Any) -> str:
        try:
            return self._check(self.policy.act(observation, info))
        except (AgentError, ContextLimitExceeded):
            raise
        except Exception as exc:
            logger.warning("policy %s raised %s", self.name, "".join(traceback.format_exception(exc))[-2000:])
            raise AgentError(_describe(exc)) from exc


class _AsyncGuard(_Guard):
    """``_Guard`` for a policy with ``aact``."""

    async def aact(self, observation: str, info: Any) -> str:
        try:
            return self._check(await self.policy.aact(observation, info))
        except (AgentError, ContextLimitExceeded):
            raise
        except Exception as exc:
            raise AgentError(_describe(exc)) from exc


def guard(policy: Any, agent: str) -> _Guard:
    """The guarded form of ``policy`` (async when it has ``aact``)."""
    return (_AsyncGuard if hasattr(policy, "aact") else _Guard)(policy, agent)


def finish_record(record: TrajectoryRecord, task: str, attempt: int) -> dict[str, Any]:
    """The record as the runner stores it: ``to_dict()`` with the run's task name and the attempt."""
    data = record.to_dict()
    data["task"] = task
    data["attempt"] = attempt
    return data


def play_episode(env: gym.Env, policy: Any, *, index: int, seed: int | None, run_id: str, agent: str,
                 task: str, attempt: int = 1) -> dict[str, Any]:
    """Play sample ``index`` of ``env`` with ``policy`` (seeded ``seed``) and return its record dict."""
    try:
        record = _play_episode(env, guard(policy, agent), seed=seed, options={"sample": index}, run_id=run_id,
                               agent=agent)
    except Exception as exc:  # the policy cannot raise here (guarded): the env failed
        logger.exception("%s: sample %s failed outside a step", task, index)
        record = error_record(env, index=index, seed=seed, run_id=run_id, agent=agent, error=exc)
    return finish_record(record, task, attempt)


async def aplay_episode(env: gym.Env, policy: Any, *, index: int, seed: int | None, run_id: str, agent: str,
                        task: str, attempt: int = 1) -> dict[str, Any]:
    """Async ``play_episode``: the policy's ``aact`` on the loop, the env's calls on the env's thread."""
    try:
        record = await _aplay_episode(env, guard(policy, agent), seed=seed, options={"sample": index},
                                      run_id=run_id, agent=agent)
    except Exception as exc:
        logger.exception("%s: sample %s failed outside a step", task, index)
        record = error_record(env, index=index, seed=seed, run_id=run_id, agent=agent, error=exc)
    return finish_record(record, task, attempt)


def error_record(env: gym.Env, *, index: int, seed: int | None, run_id: str, agent: str,
                 error: BaseException) -> TrajectoryRecord:
    """A ``task_error`` record for an episode that could not be played (e.g. its reset failed)."""
    base = env.unwrapped
    spec = getattr(env, "spec", None)
    try:
        sample_id = str(base.samples[index].id)
    except (IndexError, AttributeError, TypeError):
        sample_id = str(index)
    return TrajectoryRecord(
        run_id=run_id, agent=agent, task=str(getattr(base, "task", "")), sample_id=sample_id,
        outcome=Outcome.TASK_ERROR.value, score=0.0, turns=0, messages=[], steps=[],
        env_id=spec.id if spec is not None else None, split=getattr(base, "split", None), seed=seed,
        started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        versions={"agentbench_gym": agentbench_gym.__version__, "data": data_version(env)},
        error=_describe(error))


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(exc)).strip()[:2000]
