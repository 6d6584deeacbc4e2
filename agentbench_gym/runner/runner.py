"""The runner: max-flow scheduled episodes on asyncio, env work in threads, results to a folder.

When an episode ends, the thread it ended on gives its agent and task workers back and solves
the max flow again under the scheduler's lock (``dispatch``), so the next episode starts at once,
without a round trip through the event loop (AgentBench's assigner polls every few seconds).
Envs of a task are kept in a pool and reused by later episodes (an env is reset between
episodes; one that failed is closed and replaced).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import platform
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym

import agentbench_gym
from agentbench_gym.core import Outcome
from agentbench_gym.runner.config import AgentSpec, TaskSpec, parse_agent, parse_task
from agentbench_gym.runner.dispatch import Dispatcher, Inbox
from agentbench_gym.runner.play import aplay_episode
from agentbench_gym.runner.pool import EnvPool, EnvWorker
from agentbench_gym.runner.progress import RunProgress
from agentbench_gym.runner.schedule import Job, Scheduler
from agentbench_gym.runner.store import RunStore


@dataclass
class RunResult:
    """What ``run`` returns.

    Attributes:
        records: the final record of every (agent, task, sample) — this run's and, when resuming,
            the earlier runs' — plus the error records of samples that used up their retries.
        out: the output folder (None for an in-memory run).
        stats: scheduler and timing numbers (episodes, solves, idle gaps, timeline).
    """

    records: list[dict[str, Any]]
    out: Path | None
    stats: dict[str, Any] = field(default_factory=dict)


def _agents(agents: Sequence[AgentSpec | str] | dict[str, str]) -> list[AgentSpec]:
    if isinstance(agents, dict):
        return [AgentSpec(name, spec) for name, spec in agents.items()]
    return [a if isinstance(a, AgentSpec) else parse_agent(a) for a in agents]


def _tasks(tasks: Sequence[TaskSpec | str]) -> list[TaskSpec]:
    return [t if isinstance(t, TaskSpec) else parse_task(t) for t in tasks]


def run(agents: Sequence[AgentSpec | str] | dict[str, str], tasks: Sequence[TaskSpec | str], *,
        out: str | Path | None = None, split: str | None = None, seed: int = 0, limit: int | None = None,
        max_retries: int = 2, progress: bool = False, run_id: str | None = None, backend: str = "thread",
        ray_address: str | None = None) -> RunResult:
    """Run every (agent, task) pair on its task's samples under the worker limits.

    Args:
        agents: ``AgentSpec`` objects, CLI forms ``"NAME=SPEC[:workers]"``, or ``{name: spec}``.
        tasks: ``TaskSpec`` objects or CLI forms ``"CODE[:workers]"``.
        out: output folder; a folder holding an earlier run of the same settings is resumed
            (finished samples are skipped, error ones re-run while attempts remain).
        split: split for every task (default: each task's built-in dev split).
        seed: base seed; sample ``i`` is played with seed ``seed + i`` (same seeds for every agent).
        limit: at most this many samples per task (the first ones of the split).
        max_retries: how many times a ``task_error``/``agent_error`` sample is run again.
        progress: show rich progress bars on stderr.
        run_id: id stored in the records (default: a new one per call).
        backend: ``"thread"`` (env workers are threads of this process) or ``"ray"`` (Ray actors;
            extra ``[ray]``; ``ray_address`` as for ``ray.init``, default a local instance).
    """
    return asyncio.run(arun(agents, tasks, out=out, split=split, seed=seed, limit=limit, max_retries=max_retries,
                            progress=progress, run_id=run_id, backend=backend, ray_address=ray_address))


async def arun(agents: Sequence[AgentSpec | str] | dict[str, str], tasks: Sequence[TaskSpec | str], *,
               out: str | Path | None = None, split: str | None = None, seed: int = 0, limit: int | None = None,
               max_retries: int = 2, progress: bool = False, run_id: str | None = None, backend: str = "thread",
        ray_address: str | None = None) -> RunResult:
    """``run`` as a coroutine (for callers that already have an event loop)."""
    agent_specs, task_specs = _agents(agents), [t.with_split(split) for t in _tasks(tasks)]
    _check_unique([a.name for a in agent_specs], "agent"), _check_unique([t.name for t in task_specs], "task")
    run_id = run_id or uuid.uuid4().hex[:12]
    store = RunStore(out) if out is not None else None
    if backend == "ray":
        from agentbench_gym.runner.ray_backend import RayEnvPool, ensure_ray

        ensure_ray(ray_address)
        pool_class: type[EnvPool] = RayEnvPool
    elif backend == "thread":
        pool_class = EnvPool
    else:
        raise ValueError(f"backend must be 'thread' or 'ray', got {backend!r}")
    pools = {t.name: pool_class(t) for t in task_specs}
    loop = asyncio.get_running_loop()
    bars = RunProgress(enabled=progress)
    try:
        # One env worker per task up front: its env gives the sample list (and it joins the pool).
        first = await asyncio.gather(*(loop.run_in_executor(None, pools[t.name].take) for t in task_specs))
        samples: dict[str, list[str]] = {}
        for spec, worker in zip(task_specs, first, strict=True):
            pools[spec.name].give_back(worker)
            ids = worker.sample_ids()
            samples[spec.name] = ids[:limit] if limit is not None else ids
        manifest = _manifest(run_id, agent_specs, task_specs, split, seed, limit, max_retries,
                             [w.data_version() for w in first])
        if store is not None:
            _merge_manifest(store, manifest)
        pairs = [(a, t) for a in agent_specs for t in task_specs if a.tasks is None or t.name in a.tasks]
        scheduler = Scheduler({a.name: a.workers for a in agent_specs}, {t.name: t.workers for t in task_specs})
        finals: dict[tuple[str, str, str], dict[str, Any]] = {}
        for agent, task in pairs:
            state = store.state(agent.name, task.name) if store is not None else None
            todo = 0
            for index, sample_id in enumerate(samples[task.name]):
                if state is not None and sample_id in state.done:
                    finals[(agent.name, task.name, sample_id)] = state.done[sample_id]
                    continue
                tried = state.attempts.get(sample_id, 0) if state is not None else 0
                if tried > max_retries:
                    finals[(agent.name, task.name, sample_id)] = state.last_error[sample_id]
                    continue
                scheduler.add(Job(agent.name, task.name, index, sample_id, seed + index, tried + 1))
                todo += 1
            bars.add_pair(agent.name, task.name, total=len(samples[task.name]),
                          done=len(samples[task.name]) - todo)
        # Build the rest of each task's env workers now, in parallel, so that no episode waits for one.
        queued = {t.name: sum(len(q) for (_, task), q in scheduler.queues.items() if task == t.name)
                  for t in task_specs}
        extra = [pools[t.name] for t in task_specs for _ in range(min(t.workers, queued[t.name]) - 1)]
        for pool, worker in zip(extra, await asyncio.gather(*(loop.run_in_executor(None, p.take) for p in extra)),
                                strict=True):
            pool.give_back(worker)
        agent_by_name = {a.name: a for a in agent_specs}
        stats = await _loop(scheduler, pools, agent_by_name, store, bars, finals, run_id, max_retries)
        stats.update(scheduler.stats())
        return RunResult(list(finals.values()), Path(out) if out is not None else None, stats)
    finally:
        bars.close()
        await asyncio.gather(*(loop.run_in_executor(None, p.close) for p in pools.values()), return_exceptions=True)
        if store is not None:
            store.close()


async def _loop(scheduler: Scheduler, pools: dict[str, EnvPool], agents: dict[str, AgentSpec],
                store: RunStore | None, bars: RunProgress,
                finals: dict[tuple[str, str, str], dict[str, Any]], run_id: str, max_retries: int) -> dict[str, Any]:
    """Let the dispatcher start episodes from the threads they end on; keep the books on the loop.

    See ``dispatch``: the loop stores the records, moves the bars, builds envs a task lacks,
    closes broken ones and plays async policies, until the dispatcher says all is done.
    """
    loop = asyncio.get_running_loop()
    inbox = Inbox(loop)
    dispatcher = Dispatcher(scheduler, pools, agents, run_id, max_retries, inbox)
    tasks: set[asyncio.Task] = set()
    episodes = 0

    def keep(task: asyncio.Task) -> None:
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def build_then_submit(job: Job, freed_at: float | None) -> None:
        try:
            worker = await loop.run_in_executor(None, pools[job.task].take)
        except BaseException as exc:  # an env that cannot be built stops the run with its error
            inbox.post(("error", exc, None, None))
            return
        dispatcher.submit(worker, job, freed_at)

    async def play_async(worker: EnvWorker, job: Job, policy: Any, started: float) -> None:
        try:  # the env's calls run on episode.py's own thread for this env, one thread per env as here
            record = await aplay_episode(worker.env, policy, index=job.index, seed=job.seed, run_id=run_id,
                                         agent=job.agent, attempt=job.attempt, task=job.task)
        except BaseException as exc:
            inbox.post(("error", exc, worker, job))
            return
        dispatcher.finish(worker, job, record, started, time.perf_counter())

    try:
        dispatcher.start()
        while True:
            for item in await inbox.take():
                kind = item[0]
                if kind == "record":
                    _, job, record = item
                    episodes += 1
                    if store is not None:
                        store.append(record)
                    finals[(job.agent, job.task, job.sample_id)] = record
                    failed = not Outcome(record["outcome"]).scored
                    bars.episode(job.agent, job.task, record["outcome"],
                                 final=not failed or job.attempt > max_retries)
                elif kind == "build":
                    keep(loop.create_task(build_then_submit(item[1], item[2])))
                elif kind == "discard":
                    pools[item[2]].discard(item[1])
                elif kind == "async":
                    keep(loop.create_task(play_async(*item[1:])))
                elif kind == "error":
                    _, error, worker, job = item
                    if worker is not None:
                        pools[job.task].give_back(worker, broken=True)
                    raise error
                else:  # "done": the last item of the run
                    return {"episodes": episodes, "wall_seconds": time.perf_counter() - dispatcher.t0,
                            "idle_gaps": dispatcher.gaps, "timeline": dispatcher.timeline,
                            "spans": dispatcher.spans}
    finally:
        dispatcher.stop()
        for task in tasks:
            task.cancel()


def _check_unique(names: list[str], what: str) -> None:
    seen = {n for n in names if names.count(n) > 1}
    if seen:
        raise ValueError(f"{what} names must be unique; repeated: {sorted(seen)}")


def _manifest(run_id: str, agents: list[AgentSpec], tasks: list[TaskSpec], split: str | None, seed: int,
              limit: int | None, max_retries: int, data: list[str]) -> dict[str, Any]:
    import numpy

    return {
        "run_id": run_id,
        "config": {"agents": {a.name: a.describe() for a in agents}, "tasks": {t.name: t.describe() for t in tasks},
                   "split": split, "limit": limit, "max_retries": max_retries},
        "seeds": {"base": seed, "rule": "sample i of a task is played with seed base + i"},
        "versions": {"agentbench_gym": agentbench_gym.__version__, "gymnasium": gym.__version__,
                     "numpy": numpy.__version__, "python": platform.python_version(),
                     "data": {t.name: version for t, version in zip(tasks, data, strict=True)}},
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _merge_manifest(store: RunStore, manifest: dict[str, Any]) -> None:
    """Write the manifest; on resume, refuse settings that would mix incomparable records."""
    old = store.read_manifest()
    if old is not None:
        for key in ("split", "limit"):
            if old["config"].get(key) != manifest["config"][key]:
                raise ValueError(f"{store.root} holds a run with {key}={old['config'].get(key)!r}, "
                                 f"not {manifest['config'][key]!r}; use another --out")
        if old["seeds"]["base"] != manifest["seeds"]["base"]:
            raise ValueError(f"{store.root} holds a run with seed {old['seeds']['base']}; use another --out")
        for key in ("agents", "tasks"):
            manifest["config"][key] = {**old["config"].get(key, {}), **manifest["config"][key]}
        manifest["versions"]["data"] = {**old["versions"].get("data", {}), **manifest["versions"]["data"]}
        manifest["history"] = [*old.get("history", []), {"run_id": old["run_id"], "started_at": old["started_at"]}]
    store.write_manifest(manifest)
