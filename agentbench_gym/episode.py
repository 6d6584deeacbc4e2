"""Play one episode with a policy and get its trajectory record, agent failures included.

``play_episode`` is the loop every driver shares (the CLI, the runner, user scripts): reset,
ask the policy, step, until the episode ends. A policy that fails for good (``AgentError``,
e.g. an HTTP error after the last retry) ends the episode with ``agent_error`` (re-run later,
never scored); one whose model refuses the prompt as too long (``ContextLimitExceeded``) ends
it with ``context_limit``. ``aplay_episode`` is the asyncio form, for many episodes at once.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import weakref
from collections.abc import Generator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import gymnasium as gym

from agentbench_gym.core import Outcome
from agentbench_gym.errors import AgentError, ContextLimitExceeded
from agentbench_gym.policy import Policy
from agentbench_gym.trajectory import RecordBuilder, TrajectoryRecord, append_record


def _agent_name(policy: Any, agent: str | None) -> str:
    return agent or str(getattr(policy, "name", "") or type(policy).__name__)


def _agent_side_end(env: gym.Env, exc: BaseException | None):
    from agentbench_gym.wrappers import end_episode

    if exc is None:  # the ContextLimit wrapper found the first prompt too long
        return end_episode(env, Outcome.CONTEXT_LIMIT, "the first prompt exceeds the agent's context")
    outcome = Outcome.CONTEXT_LIMIT if isinstance(exc, ContextLimitExceeded) else Outcome.AGENT_ERROR
    result = end_episode(env, outcome, str(exc))
    result[4].setdefault("error", f"{type(exc).__name__}: {exc}")
    return result


def _failure(exc: BaseException) -> bool:
    return isinstance(exc, AgentError | ContextLimitExceeded)


def _episode(env: gym.Env, builder: RecordBuilder, seed: int | None) -> Generator[Any, Any, TrajectoryRecord]:
    """The episode loop as a generator: it yields ("reset"|"act"|"step"|"end", argument) requests.

    The sync and async drivers answer them, so both share one loop. An ``act`` request is
    answered with the reply, or with the policy's ``AgentError``/``ContextLimitExceeded``; an
    ``end`` request (an agent-side end) with the step result of ``_agent_side_end``.
    """
    observation, info = yield ("reset", None)
    builder.start(observation, info, seed, time.perf_counter())
    while True:
        action: str | None = None
        latency = env_latency = None
        if info.get("context_exceeded"):
            result = yield ("end", None)
        else:
            started = time.perf_counter()
            reply = yield ("act", (observation, info))
            if isinstance(reply, BaseException):
                result = yield ("end", reply)
            else:
                action = reply
                called = time.perf_counter()
                latency = called - started
                result = yield ("step", action)
                env_latency = time.perf_counter() - called
        observation, reward, _, _, info = result
        record = builder.step(action, observation, reward, info, latency=latency,
                              env_latency=env_latency, now=time.perf_counter())
        if record is not None:
            return record


def play_episode(env: gym.Env, policy: Policy, *, seed: int | None = None,
                 options: dict[str, Any] | None = None, run_id: str = "", agent: str | None = None,
                 record_path: str | os.PathLike[str] | None = None) -> TrajectoryRecord:
    """Run one episode of ``env`` (an AgentBench env, wrapped or not) with ``policy``.

    Args:
        env: the env; ``options`` and ``seed`` go to its ``reset``.
        policy: anything with ``reset()`` and ``act(observation, info)``.
        run_id, agent: stored in the record (agent defaults to the policy's ``name``/class).
        record_path: when given, the record is also appended to this JSONL file.

    Returns:
        The episode's ``TrajectoryRecord``; ``record.outcome`` is ``agent_error`` when the policy
        failed for good. Other exceptions from the policy propagate.
    """
    loop = _episode(env, RecordBuilder(env, run_id=run_id, agent=_agent_name(policy, agent)), seed)
    request = next(loop)
    while True:
        kind, argument = request
        if kind == "reset":
            answer = env.reset(seed=seed, options=options)
            policy.reset()
        elif kind == "act":
            try:
                answer = policy.act(*argument)
            except Exception as exc:
                if not _failure(exc):
                    raise
                answer = exc
        elif kind == "end":
            answer = _agent_side_end(env, argument)
        else:
            answer = env.step(argument)
        try:
            request = loop.send(answer)
        except StopIteration as stop:
            record: TrajectoryRecord = stop.value
            break
    if record_path is not None:
        append_record(record_path, record)
    return record


_ENV_THREADS: weakref.WeakKeyDictionary[Any, ThreadPoolExecutor] = weakref.WeakKeyDictionary()
_ENV_THREADS_LOCK = threading.Lock()


def _env_thread(env: gym.Env) -> ThreadPoolExecutor:
    """One thread per env for its blocking calls: backends such as SQLite connections must stay
    on the thread that opened them, and an env never runs two calls at once anyway."""
    with _ENV_THREADS_LOCK:
        executor = _ENV_THREADS.get(env.unwrapped)
        if executor is None:
            executor = _ENV_THREADS[env.unwrapped] = ThreadPoolExecutor(1, thread_name_prefix="agentbench-env")
        return executor


async def aplay_episode(env: gym.Env, policy: Policy, *, seed: int | None = None,
                        options: dict[str, Any] | None = None, run_id: str = "",
                        agent: str | None = None,
                        record_path: str | os.PathLike[str] | None = None) -> TrajectoryRecord:
    """Async ``play_episode``: awaits ``policy.aact`` when it exists (else runs ``act`` in a thread).

    The env's own calls run on a thread of their own, the same one for every episode of that
    env, so that many episodes on many envs proceed at once in one event loop.
    """
    run = asyncio.get_running_loop().run_in_executor
    executor = _env_thread(env)
    loop = _episode(env, RecordBuilder(env, run_id=run_id, agent=_agent_name(policy, agent)), seed)
    request = next(loop)
    while True:
        kind, argument = request
        if kind == "reset":
            answer = await run(executor, lambda: env.reset(seed=seed, options=options))
            policy.reset()
        elif kind == "act":
            try:
                if hasattr(policy, "aact"):
                    answer = await policy.aact(*argument)
                else:
                    answer = await asyncio.to_thread(policy.act, *argument)
            except Exception as exc:
                if not _failure(exc):
                    raise
                answer = exc
        elif kind == "end":
            answer = await run(executor, _agent_side_end, env, argument)
        else:
            answer = await run(executor, env.step, argument)
        try:
            request = loop.send(answer)
        except StopIteration as stop:
            record: TrajectoryRecord = stop.value
            break
    if record_path is not None:
        await asyncio.to_thread(append_record, record_path, record)
    return record
