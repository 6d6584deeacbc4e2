"""Max-flow assignment of (agent, task) episodes under worker limits (AgentBench's assigner).

The graph is AgentBench's: source → agent ``A`` with capacity the agent's free workers,
``A`` → task ``T`` with capacity the pair's remaining samples, ``T`` → sink with capacity the
task's free workers. The maximum flow (Edmonds–Karp, networkx) says how many episodes to start
on each (agent, task) pair now. ``Scheduler`` keeps the capacities and the queues of samples,
and re-solves whenever capacity comes back (event-driven, no polling).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
from networkx.algorithms.flow import edmonds_karp

Pair = tuple[Hashable, Hashable]

_SOURCE = ("source",)
_SINK = ("sink",)


def build_flow_graph(free_agent_workers: Mapping[Hashable, int], free_task_workers: Mapping[Hashable, int],
                     remaining: Mapping[Pair, int]) -> nx.DiGraph:
    """The flow network of one assignment step (edges of zero capacity are left out).

    Nodes are ``("source",)``, ``("agent", a)``, ``("task", t)`` and ``("sink",)``, so that an
    agent and a task may share a name.
    """
    graph = nx.DiGraph()
    graph.add_node(_SOURCE)
    graph.add_node(_SINK)
    for agent, free in free_agent_workers.items():
        if free > 0:
            graph.add_edge(_SOURCE, ("agent", agent), capacity=int(free))
    for task, free in free_task_workers.items():
        if free > 0:
            graph.add_edge(("task", task), _SINK, capacity=int(free))
    for (agent, task), count in remaining.items():
        # A pair whose agent or task is unknown or has no free worker cannot carry flow.
        if count > 0 and free_agent_workers.get(agent, 0) > 0 and free_task_workers.get(task, 0) > 0:
            graph.add_edge(("agent", agent), ("task", task), capacity=int(count))
    return graph


def plan_assignment(free_agent_workers: Mapping[Hashable, int], free_task_workers: Mapping[Hashable, int],
                    remaining: Mapping[Pair, int]) -> dict[Pair, int]:
    """How many episodes to start on each (agent, task) pair now: one max-flow step, a pure function.

    Args:
        free_agent_workers: agent -> number of its workers that are free (w(A) minus running).
        free_task_workers: task -> number of its env workers that are free.
        remaining: (agent, task) -> samples of the pair still to run.

    Returns:
        (agent, task) -> number of episodes to start (pairs with zero flow are left out). The
        total is the largest possible: no agent or task gets more than its free workers and no
        pair more than its remaining samples.

    >>> plan_assignment({"a": 2}, {"x": 1, "y": 5}, {("a", "x"): 3, ("a", "y"): 1})
    {('a', 'x'): 1, ('a', 'y'): 1}
    """
    graph = build_flow_graph(free_agent_workers, free_task_workers, remaining)
    if graph.number_of_edges() == 0 or not nx.has_path(graph, _SOURCE, _SINK):
        return {}
    residual = edmonds_karp(graph, _SOURCE, _SINK, capacity="capacity")
    plan: dict[Pair, int] = {}
    for (agent, task) in remaining:
        u, v = ("agent", agent), ("task", task)
        if graph.has_edge(u, v):
            flow = int(residual[u][v]["flow"])
            if flow > 0:
                plan[(agent, task)] = flow
    return plan


@dataclass(frozen=True, slots=True)
class Job:
    """One episode to play: ``agent`` plays sample ``index`` (id ``sample_id``) of ``task``."""

    agent: str
    task: str
    index: int
    sample_id: str
    seed: int | None
    attempt: int = 1


class Scheduler:
    """Capacities and sample queues of a run; ``assign`` starts jobs, ``release`` gives capacity back.

    Args:
        agent_workers: agent -> w(A), its concurrent episodes at most.
        task_workers: task -> w(T), its concurrent envs at most.
        jobs: the jobs to run, in the order each pair should play them.
    """

    def __init__(self, agent_workers: Mapping[str, int], task_workers: Mapping[str, int],
                 jobs: Iterable[Job] = ()) -> None:
        """Set up the capacities and queue ``jobs``."""
        for name, count in [*agent_workers.items(), *task_workers.items()]:
            if count < 0:
                raise ValueError(f"worker count of {name!r} must be >= 0, got {count}")
        self.agent_workers = dict(agent_workers)
        self.task_workers = dict(task_workers)
        self.free_agent = dict(agent_workers)
        self.free_task = dict(task_workers)
        self.queues: dict[Pair, deque[Job]] = {}
        self.running = 0
        self.solve_times: list[float] = []
        for job in jobs:
            self.add(job)

    def add(self, job: Job) -> None:
        """Queue a job (a new one, or a retry) at the end of its pair's queue."""
        if job.agent not in self.agent_workers or job.task not in self.task_workers:
            raise KeyError(f"job {job} names an unknown agent or task")
        self.queues.setdefault((job.agent, job.task), deque()).append(job)

    @property
    def queued(self) -> int:
        """Jobs waiting to start."""
        return sum(len(q) for q in self.queues.values())

    @property
    def finished(self) -> bool:
        """True when nothing is queued or running."""
        return self.running == 0 and self.queued == 0

    def assign(self) -> list[Job]:
        """Solve the max flow on the free capacity and take the jobs it starts off their queues."""
        remaining = {pair: len(q) for pair, q in self.queues.items() if q}
        if not remaining:
            return []
        started = time.perf_counter()
        plan = plan_assignment(self.free_agent, self.free_task, remaining)
        jobs: list[Job] = []
        for (agent, task), count in plan.items():
            queue = self.queues[(agent, task)]
            for _ in range(count):
                jobs.append(queue.popleft())
            self.free_agent[agent] -= count
            self.free_task[task] -= count
        self.running += len(jobs)
        self.solve_times.append(time.perf_counter() - started)
        return jobs

    def release(self, job: Job) -> None:
        """Give back the agent and task worker a finished job held."""
        self.free_agent[job.agent] += 1
        self.free_task[job.task] += 1
        self.running -= 1

    def usable_capacity(self) -> int:
        """The most episodes the limits allow at once given which agents and tasks still have work.

        An upper bound of the max flow with every worker free: min(Σ w(A), Σ w(T)) over the agents
        and tasks with queued or running jobs.
        """
        agents = {a for (a, _), q in self.queues.items() if q}
        tasks = {t for (_, t), q in self.queues.items() if q}
        agents |= {a for a, free in self.free_agent.items() if free < self.agent_workers[a]}
        tasks |= {t for t, free in self.free_task.items() if free < self.task_workers[t]}
        return min(sum(self.agent_workers[a] for a in agents), sum(self.task_workers[t] for t in tasks))

    def stats(self) -> dict[str, Any]:
        """Number of max-flow solves and their mean time (seconds)."""
        n = len(self.solve_times)
        return {"solves": n, "mean_solve_seconds": sum(self.solve_times) / n if n else 0.0}
