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
    live = [(pair, int(count)) for pair, count in remaining.items()
            if count > 0 and free_agent_workers.get(pair[0], 0) > 0 and free_task_workers.get(pair[1], 0) > 0]
    if not live:
        return {}
    # Fast path: fill the pairs greedily; when that flow equals the capacity of a cut (every agent
    # cut at its source edge or at its pair edges, or the same on the task side) it is a maximum
    # flow and networkx is not needed. This is the usual case right after an episode ends.
    plan = _greedy(live, dict(free_agent_workers), dict(free_task_workers))
    if sum(plan.values()) == _cut_bound(live, free_agent_workers, free_task_workers):
        return plan
    return edmonds_karp_plan(free_agent_workers, free_task_workers, remaining)


def edmonds_karp_plan(free_agent_workers: Mapping[Hashable, int], free_task_workers: Mapping[Hashable, int],
                      remaining: Mapping[Pair, int]) -> dict[Pair, int]:
    """``plan_assignment`` always through networkx's Edmonds–Karp (no greedy fast path)."""
    graph = build_flow_graph(free_agent_workers, free_task_workers, remaining)
    residual = edmonds_karp(graph, _SOURCE, _SINK, capacity="capacity")
    plan: dict[Pair, int] = {}
    for (agent, task) in remaining:
        u, v = ("agent", agent), ("task", task)
        if graph.has_edge(u, v):
            flow = int(residual[u][v]["flow"])
            if flow > 0:
                plan[(agent, task)] = flow
    return plan


def _greedy(live: list[tuple[Pair, int]], free_agent: dict, free_task: dict) -> dict[Pair, int]:
    plan: dict[Pair, int] = {}
    for (agent, task), count in live:
        flow = min(count, free_agent[agent], free_task[task])
        if flow > 0:
            plan[(agent, task)] = flow
            free_agent[agent] -= flow
            free_task[task] -= flow
    return plan


def _cut_bound(live: list[tuple[Pair, int]], free_agent: Mapping, free_task: Mapping) -> int:
    """The smaller of two cut capacities, an upper bound of the maximum flow."""
    by_agent: dict[Hashable, int] = {}
    by_task: dict[Hashable, int] = {}
    for (agent, task), count in live:
        by_agent[agent] = by_agent.get(agent, 0) + count
        by_task[task] = by_task.get(task, 0) + count
    return min(sum(min(free_agent[a], n) for a, n in by_agent.items()),
               sum(min(free_task[t], n) for t, n in by_task.items()))


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
        # The pairs of each agent and of each task, so that ``assign`` looks only at pairs that can
        # carry flow (both ends with a free worker), not at every pair of the run.
        self._pairs_of: dict[tuple[str, str], list[Pair]] = {}
        self.running = 0
        # Queued jobs per agent and per task, kept up to date so that the counts cost O(1).
        self._queued_agent = dict.fromkeys(agent_workers, 0)
        self._queued_task = dict.fromkeys(task_workers, 0)
        self._queued = 0
        self.solve_times: list[float] = []
        for job in jobs:
            self.add(job)

    def add(self, job: Job) -> None:
        """Queue a job (a new one, or a retry) at the end of its pair's queue."""
        if job.agent not in self.agent_workers or job.task not in self.task_workers:
            raise KeyError(f"job {job} names an unknown agent or task")
        pair = (job.agent, job.task)
        if pair not in self.queues:
            self.queues[pair] = deque()
            self._pairs_of.setdefault(("agent", job.agent), []).append(pair)
            self._pairs_of.setdefault(("task", job.task), []).append(pair)
        self.queues[pair].append(job)
        self._queued_agent[job.agent] += 1
        self._queued_task[job.task] += 1
        self._queued += 1

    @property
    def queued(self) -> int:
        """Jobs waiting to start."""
        return self._queued

    @property
    def finished(self) -> bool:
        """True when nothing is queued or running."""
        return self.running == 0 and self.queued == 0

    def assign(self) -> list[Job]:
        """Solve the max flow on the free capacity and take the jobs it starts off their queues."""
        if not self._queued:
            return []
        started = time.perf_counter()
        remaining = self._live_pairs()
        plan = plan_assignment(self.free_agent, self.free_task, remaining)
        jobs: list[Job] = []
        for (agent, task), count in plan.items():
            queue = self.queues[(agent, task)]
            for _ in range(count):
                jobs.append(queue.popleft())
            self.free_agent[agent] -= count
            self.free_task[task] -= count
            self._queued_agent[agent] -= count
            self._queued_task[task] -= count
            self._queued -= count
        self.running += len(jobs)
        self.solve_times.append(time.perf_counter() - started)
        return jobs

    def _live_pairs(self) -> dict[Pair, int]:
        """Queued jobs of the pairs whose agent and task both have a free worker (the rest get no flow).

        Only the pairs of the smaller side with free workers are looked at: after one episode ends
        that is usually the one task (or agent) it gave back.
        """
        free_agent, free_task = self.free_agent, self.free_task
        agents = [("agent", a) for a, n in free_agent.items() if n > 0 and self._queued_agent[a]]
        tasks = [("task", t) for t, n in free_task.items() if n > 0 and self._queued_task[t]]
        remaining: dict[Pair, int] = {}
        for key in tasks if len(tasks) <= len(agents) else agents:
            for pair in self._pairs_of.get(key, ()):
                count = len(self.queues[pair])
                if count and free_agent[pair[0]] > 0 and free_task[pair[1]] > 0:
                    remaining[pair] = count
        return remaining

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
        agents = sum(w for a, w in self.agent_workers.items() if self._queued_agent[a] or self.free_agent[a] < w)
        tasks = sum(w for t, w in self.task_workers.items() if self._queued_task[t] or self.free_task[t] < w)
        return min(agents, tasks)

    def stats(self) -> dict[str, Any]:
        """Number of max-flow solves and their mean time (seconds)."""
        n = len(self.solve_times)
        return {"solves": n, "mean_solve_seconds": sum(self.solve_times) / n if n else 0.0}
