"""The vector-env form of the runner: N slots spanning several tasks, fed by the max-flow plan.

A batched policy (a local model serving N prompts at once, an RL learner) steps N episodes of
different tasks in one call. The slots are the agent's N workers; each task holds at most its
own w(T) slots. When a slot's episode ends, the next ``step`` auto-resets it
(``AutoresetMode.NEXT_STEP``, Gymnasium's default) with the next sample the max-flow plan gives
it — possibly of another task. When no work is left for a slot it idles (observation ``""``,
``info["idle"]``) and ``finished`` turns True once every slot idles.

Finished episodes' trajectory records (the runner's schema) collect in ``records`` and, with
``out=``, in a run folder ``agentbench-gym eval`` reads.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from agentbench_gym.core import Outcome
from agentbench_gym.runner.config import TaskSpec, parse_task
from agentbench_gym.runner.play import error_record, finish_record
from agentbench_gym.runner.pool import EnvPool, EnvWorker
from agentbench_gym.runner.schedule import Job, Scheduler
from agentbench_gym.runner.store import RunStore
from agentbench_gym.spaces import UnicodeText
from agentbench_gym.trajectory import RecordBuilder


def slot_info(infos: dict[str, Any], i: int) -> dict[str, Any]:
    """Slot ``i``'s own info dict out of a vector ``infos`` (the keys whose ``_key`` mask is set)."""
    out: dict[str, Any] = {}
    for key, value in infos.items():
        if key.startswith("_"):
            continue
        mask = infos.get(f"_{key}")
        if mask is None or not mask[i]:
            continue
        out[key] = slot_info(value, i) if isinstance(value, dict) else value[i]
    return out


class SchedulerVectorEnv(VectorEnv):
    """A ``VectorEnv`` of ``num_envs`` slots over several tasks (see the module docstring).

    Args:
        tasks: ``TaskSpec`` objects or ``"CODE[:workers]"`` forms (workers = w(T), slots it may hold).
        num_envs: number of slots (the batched agent's w(A)).
        agent: the agent's name in the records.
        split, limit: as for ``run`` (the same samples, seeds ``seed + index``).
        max_retries: re-runs of a ``task_error`` sample.
        out: optional run folder for the records (resumed like ``run``'s).
    """

    metadata: ClassVar[dict[str, Any]] = {"autoreset_mode": AutoresetMode.NEXT_STEP, "render_modes": []}

    def __init__(self, tasks: Sequence[TaskSpec | str], num_envs: int, *, agent: str = "policy",
                 split: str | None = None, limit: int | None = None, max_retries: int = 0,
                 out: str | None = None, run_id: str = "vector") -> None:
        """Build the pools and the spaces; call ``reset`` to start."""
        if num_envs < 1:
            raise ValueError("num_envs must be at least 1")
        self.num_envs = num_envs
        self.agent = agent
        self.task_specs = [(t if isinstance(t, TaskSpec) else parse_task(t)).with_split(split) for t in tasks]
        self.limit, self.max_retries, self.run_id = limit, max_retries, run_id
        self.single_observation_space = UnicodeText()
        self.single_action_space = UnicodeText()
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self.pools = {t.name: EnvPool(t) for t in self.task_specs}
        self.samples: dict[str, list[str]] = {}
        for spec in self.task_specs:
            worker = self.pools[spec.name].take()
            self.pools[spec.name].give_back(worker)
            ids = [str(getattr(s, "id", i)) for i, s in enumerate(worker.env.unwrapped.samples)]
            self.samples[spec.name] = ids[:limit] if limit is not None else ids
        self.store = RunStore(out) if out is not None else None
        self.records: list[dict[str, Any]] = []
        self.scheduler: Scheduler | None = None
        self._jobs: list[Job | None] = [None] * num_envs
        self._workers: list[EnvWorker | None] = [None] * num_envs
        self._builders: list[RecordBuilder | None] = [None] * num_envs
        self._last: list[dict[str, Any] | None] = [None] * num_envs  # each slot's finished record
        self._ended = np.zeros(num_envs, dtype=bool)
        self._obs: list[str] = [""] * num_envs
        self._base_seed = 0

    # ------------------------------------------------------------------ API
    @property
    def finished(self) -> bool:
        """True when every sample has been played and every slot idles."""
        return self.scheduler is not None and self.scheduler.finished and all(j is None for j in self._jobs)

    @property
    def slot_envs(self) -> list[gym.Env | None]:
        """The env each slot plays now (None when idle); scripted policies read their samples."""
        return [w.env if w is not None else None for w in self._workers]

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Plan the whole work afresh (sample ``i`` of a task gets seed ``seed + i``) and fill the slots."""
        self._release_all()
        if seed is not None:
            self._base_seed = int(seed)
        self.scheduler = Scheduler({self.agent: self.num_envs}, {t.name: t.workers for t in self.task_specs})
        for spec in self.task_specs:
            state = self.store.state(self.agent, spec.name) if self.store is not None else None
            for index, sample_id in enumerate(self.samples[spec.name]):
                if state is not None and sample_id in state.done:
                    continue
                # As in ``run``: error attempts already in the folder count toward the retry limit.
                tried = state.attempts.get(sample_id, 0) if state is not None else 0
                if tried > self.max_retries:
                    continue
                self.scheduler.add(Job(self.agent, spec.name, index, sample_id, self._base_seed + index, tried + 1))
        self._ended[:] = False
        infos: dict[str, Any] = {}
        self._fill(list(range(self.num_envs)), infos)
        return tuple(self._obs), infos

    def step(self, actions: Sequence[str]):
        """Step every busy slot with its action; ended slots are auto-reset (their action is ignored)."""
        if self.scheduler is None:
            raise gym.error.ResetNeeded("call reset() before step()")
        if len(actions) != self.num_envs:
            raise ValueError(f"expected {self.num_envs} actions, got {len(actions)}")
        rewards = np.zeros(self.num_envs, dtype=np.float64)
        terminated = np.zeros(self.num_envs, dtype=np.bool_)
        truncated = np.zeros(self.num_envs, dtype=np.bool_)
        infos: dict[str, Any] = {}
        to_fill = [i for i in range(self.num_envs) if self._ended[i] or self._jobs[i] is None]
        for i in to_fill:
            self._free(i)
        active = [i for i in range(self.num_envs) if i not in to_fill]
        # Every env steps on its own thread, all at once; the batch waits for the slowest.
        futures = [self._workers[i].submit(self._step_slot, i, actions[i]) for i in active]
        results = [f.result() for f in futures]
        for i, (obs, reward, term, trunc, info) in zip(active, results, strict=True):
            self._obs[i], rewards[i], terminated[i], truncated[i] = obs, reward, term, trunc
            self._ended[i] = term or trunc
            self._add_info(infos, info, i)
            if self._ended[i]:
                self._finish(i)
        self._fill(to_fill, infos)
        return tuple(self._obs), rewards, terminated, truncated, infos

    def close_extras(self, **kwargs: Any) -> None:
        """Close every env and the thread pool."""
        self._release_all()
        for pool in self.pools.values():
            pool.close()
        if self.store is not None:
            self.store.close()

    # -------------------------------------------------------------- helpers
    def _step_slot(self, i: int, action: Any):
        env = self._workers[i].env
        started = time.perf_counter()
        if not isinstance(action, str):  # a batched policy's bad output must not break the batch
            action = "" if action is None else str(action)
        obs, reward, term, trunc, info = env.step(action)
        now = time.perf_counter()
        record = self._builders[i].step(action, obs, reward, info, latency=None, env_latency=now - started, now=now)
        if record is not None:
            job = self._jobs[i]
            self._last[i] = finish_record(record, job.task, job.attempt)
        return obs, reward, term, trunc, info

    def _finish(self, i: int) -> None:
        record = self._last[i]
        self.records.append(record)
        if self.store is not None:
            self.store.append(record)
        job = self._jobs[i]
        if not Outcome(record["outcome"]).scored and job.attempt <= self.max_retries:
            self.scheduler.add(Job(job.agent, job.task, job.index, job.sample_id, job.seed, job.attempt + 1))

    def _free(self, i: int) -> None:
        """Give a slot's worker and env back (its episode ended, or it idled)."""
        job, worker = self._jobs[i], self._workers[i]
        if job is not None:
            self.scheduler.release(job)
            broken = self._last[i] is not None and self._last[i]["outcome"] == Outcome.TASK_ERROR
            self.pools[job.task].give_back(worker, broken)
        self._jobs[i] = self._workers[i] = self._builders[i] = self._last[i] = None
        self._ended[i] = False

    def _fill(self, slots: list[int], infos: dict[str, Any]) -> None:
        """Start the plan's next episodes on free slots; slots left without work idle."""
        free = list(slots)
        while free:
            jobs = self.scheduler.assign()
            if not jobs:
                break
            for job in jobs:
                i = free.pop(0)
                if not self._start(i, job, infos):
                    free.append(i)  # its reset failed: the slot takes the next job
        for i in free:
            self._obs[i] = ""
            self._add_info(infos, {"idle": True}, i)

    def _start(self, i: int, job: Job, infos: dict[str, Any]) -> bool:
        worker = self.pools[job.task].take()
        builder = RecordBuilder(worker.env, run_id=self.run_id, agent=self.agent)
        try:
            obs, info = worker.call(worker.env.reset, seed=job.seed, options={"sample": job.index})
        except Exception as exc:  # the task's infrastructure failed at reset: a task_error record
            record = error_record(worker.env, index=job.index, seed=job.seed, run_id=self.run_id, agent=self.agent,
                                  error=exc)
            self._jobs[i], self._workers[i], self._builders[i] = job, worker, builder
            self._last[i] = finish_record(record, job.task, job.attempt)
            self._finish(i)
            self._free(i)
            return False
        builder.start(obs, info, job.seed, time.perf_counter())
        self._jobs[i], self._workers[i], self._builders[i], self._obs[i] = job, worker, builder, obs
        self._add_info(infos, {**info, "slot_task": job.task}, i)
        return True

    def _release_all(self) -> None:
        for i in range(self.num_envs):
            if self._jobs[i] is not None and self.scheduler is not None:
                self._free(i)
        self._jobs = [None] * self.num_envs
        self._workers = [None] * self.num_envs
        self._builders = [None] * self.num_envs
        self._last = [None] * self.num_envs
