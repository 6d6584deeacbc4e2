"""Env workers and per-task pools: every env lives on its own thread, reused across episodes.

Envs are synchronous and some hold thread-bound resources (an SQLite connection may only be used
by the thread that opened it), so each env is built, reset, stepped and closed on one dedicated
thread — its worker, the local counterpart of a Ray actor. A task's pool keeps at most w(T)
workers and hands a free one to the next episode; a worker whose env failed is closed instead.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import gymnasium as gym

from agentbench_gym.runner.config import AgentSpec, TaskSpec
from agentbench_gym.runner.play import play_episode
from agentbench_gym.runner.schedule import Job
from agentbench_gym.trajectory import data_version

T = TypeVar("T")


class EnvWorker:
    """One env on one thread; ``submit``/``call`` run functions of the env on that thread."""

    def __init__(self, make: Callable[[], gym.Env], name: str = "env") -> None:
        """Start the thread and build the env on it (raises what the env's constructor raises)."""
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"agentbench-{name}")
        self.policies: dict[str, Any] = {}
        try:
            self.env: gym.Env = self._thread.submit(make).result()
        except BaseException:
            self._thread.shutdown(wait=False)
            raise

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Run ``fn(*args, **kwargs)`` on the worker's thread."""
        return self._thread.submit(fn, *args, **kwargs)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``submit`` and wait for the result."""
        return self.submit(fn, *args, **kwargs).result()

    def sample_ids(self) -> list[str]:
        """The ids of the env's samples, in split order."""
        return [str(getattr(s, "id", i)) for i, s in enumerate(self.env.unwrapped.samples)]

    def data_version(self) -> str:
        """The env's data fingerprint (``split:hash``)."""
        return data_version(self.env)

    def start_job(self, agent: AgentSpec, job: Job, run_id: str, freed_at: float | None,
                  gaps: list[float]) -> Future[tuple[bool, Any, float, float]]:
        """Play ``job`` on this worker's thread (see ``_run_in_worker``)."""
        return self.submit(_run_in_worker, self, agent, job, run_id, freed_at, gaps)

    def close(self) -> None:
        """Close the env on its thread, then stop the thread."""
        try:
            self.call(self.env.close)
        except Exception:  # closing a broken env must not stop the run
            pass
        finally:
            self._thread.shutdown(wait=True)


class EnvPool:
    """Workers of one task, reused across episodes; at most as many as episodes run at once."""

    def __init__(self, spec: TaskSpec) -> None:
        """An empty pool for ``spec``."""
        self.spec = spec
        self.free: list[EnvWorker] = []
        self.all: list[EnvWorker] = []
        self._lock = threading.Lock()

    def try_take(self) -> EnvWorker | None:
        """A free worker, or None (never blocks)."""
        with self._lock:
            return self.free.pop() if self.free else None

    def take(self) -> EnvWorker:
        """A free worker, or a new one (blocks while the env is built)."""
        with self._lock:
            if self.free:
                return self.free.pop()
        worker = self._new_worker()
        with self._lock:
            self.all.append(worker)
        return worker

    def _new_worker(self) -> EnvWorker:
        return EnvWorker(self.spec.make, self.spec.name)

    def give_back(self, worker: EnvWorker, broken: bool = False) -> None:
        """Return a worker after an episode; a broken one is closed instead of reused."""
        if broken:
            self.discard(worker)
        else:
            with self._lock:
                self.free.append(worker)

    def discard(self, worker: EnvWorker) -> None:
        """Close a worker and forget it."""
        with self._lock:
            if worker in self.all:
                self.all.remove(worker)
            if worker in self.free:
                self.free.remove(worker)
        worker.close()

    def close(self) -> None:
        """Close every worker of the pool."""
        for worker in list(self.all):
            self.discard(worker)


def _run_in_worker(worker: EnvWorker, agent: AgentSpec, job: Job, run_id: str, freed_at: float | None,
                   gaps: list[float]) -> tuple[bool, Any, float, float]:
    """On the env's thread: build (or reuse) the policy and, unless it is async, play the episode.

    Returns ``(True, record, start, end)``, or ``(False, policy, start, start)`` for a policy with a
    coroutine ``aact`` (times from ``time.perf_counter`` on this thread).
    """
    started = time.perf_counter()
    if freed_at is not None:
        gaps.append(started - freed_at)  # idle time between an episode's end and this start
    if agent.per_episode:
        policy = agent.build(worker.env, job.seed)
    else:
        policy = worker.policies.get(job.agent)
        if policy is None:
            policy = worker.policies[job.agent] = agent.build(worker.env, job.seed)
    if inspect.iscoroutinefunction(getattr(policy, "aact", None)):
        return False, policy, started, started
    record = play_episode(worker.env, policy, index=job.index, seed=job.seed, run_id=run_id, agent=job.agent,
                          attempt=job.attempt, task=job.task)
    return True, record, started, time.perf_counter()
