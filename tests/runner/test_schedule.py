"""The max-flow assignment: graph construction, hand-checked plans, and properties over random configs."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentbench_gym.runner import Job, Scheduler, build_flow_graph, plan_assignment
from agentbench_gym.runner.schedule import edmonds_karp_plan


def test_flow_graph_has_agentbench_capacities_and_drops_zero_edges():
    g = build_flow_graph({"a": 2, "b": 0}, {"x": 3, "y": 1}, {("a", "x"): 5, ("a", "y"): 0, ("b", "x"): 4})
    assert g[("source",)][("agent", "a")]["capacity"] == 2
    assert g[("agent", "a")][("task", "x")]["capacity"] == 5
    assert g[("task", "x")][("sink",)]["capacity"] == 3
    assert g[("task", "y")][("sink",)]["capacity"] == 1
    assert not g.has_edge(("source",), ("agent", "b"))  # no free worker
    assert not g.has_edge(("agent", "a"), ("task", "y"))  # no sample left
    assert not g.has_edge(("agent", "b"), ("task", "x"))  # its agent has no worker


def test_agent_and_task_may_share_a_name():
    assert plan_assignment({"x": 1}, {"x": 1}, {("x", "x"): 3}) == {("x", "x"): 1}


@pytest.mark.parametrize(("agents", "tasks", "remaining", "expected"), [
    # one agent, one task: the smallest of the three limits
    ({"a": 3}, {"x": 5}, {("a", "x"): 10}, {("a", "x"): 3}),
    ({"a": 8}, {"x": 2}, {("a", "x"): 10}, {("a", "x"): 2}),
    ({"a": 8}, {"x": 5}, {("a", "x"): 1}, {("a", "x"): 1}),
    # zero capacities give nothing
    ({"a": 0}, {"x": 5}, {("a", "x"): 10}, {}),
    ({"a": 4}, {"x": 0}, {("a", "x"): 10}, {}),
    ({"a": 4}, {"x": 4}, {("a", "x"): 0}, {}),
    ({}, {}, {}, {}),
    # unbalanced pairs: agent b can only play y, so a must take x to reach the maximum of 4
    ({"a": 2, "b": 2}, {"x": 2, "y": 2}, {("a", "x"): 9, ("a", "y"): 9, ("b", "y"): 9},
     {("a", "x"): 2, ("b", "y"): 2}),
    # the same, listed so that a greedy fill would stop at 2: Edmonds–Karp finds the 4
    ({"a": 2, "b": 2}, {"x": 2, "y": 2}, {("a", "y"): 9, ("a", "x"): 9, ("b", "y"): 9},
     {("a", "x"): 2, ("b", "y"): 2}),
    # a pair with one sample left caps its edge; the task's spare worker goes to the other agent
    ({"a": 3, "b": 3}, {"x": 3}, {("a", "x"): 1, ("b", "x"): 9}, {("a", "x"): 1, ("b", "x"): 2}),
])
def test_hand_checked_plans(agents, tasks, remaining, expected):
    assert plan_assignment(agents, tasks, remaining) == expected
    assert sum(edmonds_karp_plan(agents, tasks, remaining).values()) == sum(expected.values())


def test_bottleneck_task_shared_by_agents_is_filled_exactly():
    plan = plan_assignment({"a": 5, "b": 5}, {"x": 4, "y": 1}, {("a", "x"): 9, ("b", "x"): 9, ("b", "y"): 9})
    assert sum(v for (_, t), v in plan.items() if t == "x") == 4
    assert plan.get(("b", "y")) == 1
    assert sum(plan.values()) == 5


configs = st.integers(1, 4).flatmap(lambda na: st.integers(1, 4).flatmap(lambda nt: st.tuples(
    st.lists(st.integers(0, 4), min_size=na, max_size=na),
    st.lists(st.integers(0, 4), min_size=nt, max_size=nt),
    st.lists(st.integers(0, 6), min_size=na * nt, max_size=na * nt))))


def _unpack(config):
    wa, wt, rem = config
    agents = {f"a{i}": w for i, w in enumerate(wa)}
    tasks = {f"t{j}": w for j, w in enumerate(wt)}
    remaining = {(f"a{i}", f"t{j}"): rem[i * len(wt) + j] for i in range(len(wa)) for j in range(len(wt))}
    return agents, tasks, remaining


@settings(max_examples=300, deadline=None)
@given(configs)
def test_plan_respects_limits_and_is_maximum(config):
    agents, tasks, remaining = _unpack(config)
    plan = plan_assignment(agents, tasks, remaining)
    for agent, w in agents.items():
        assert sum(v for (a, _), v in plan.items() if a == agent) <= w
    for task, w in tasks.items():
        assert sum(v for (_, t), v in plan.items() if t == task) <= w
    for pair, v in plan.items():
        assert 0 < v <= remaining[pair]
    # Maximum: equal to an independent max-flow algorithm's value on the same network.
    graph = build_flow_graph(agents, tasks, remaining)
    best = nx.maximum_flow_value(graph, ("source",), ("sink",), flow_func=nx.algorithms.flow.preflow_push)
    assert sum(plan.values()) == best == sum(edmonds_karp_plan(agents, tasks, remaining).values())
    # Hence no capacity is left idle while a pair it could serve still has work.
    for (agent, task), count in remaining.items():
        used_a = sum(v for (a, _), v in plan.items() if a == agent)
        used_t = sum(v for (_, t), v in plan.items() if t == task)
        if count > plan.get((agent, task), 0):
            assert used_a == agents[agent] or used_t == tasks[task]


@settings(max_examples=150, deadline=None)
@given(configs, st.randoms(use_true_random=False))
def test_scheduler_runs_every_job_once_within_limits(config, rnd):
    agents, tasks, remaining = _unpack(config)
    jobs = [Job(a, t, i, f"{a}-{t}-{i}", i) for (a, t), n in remaining.items() for i in range(n)]
    scheduler = Scheduler(agents, tasks, jobs)
    running: list[Job] = []
    started: list[Job] = []
    while True:
        # The scheduler looks only at pairs that can carry flow: the same value as a solve over every pair.
        full = {pair: len(q) for pair, q in scheduler.queues.items()}
        best = sum(edmonds_karp_plan(scheduler.free_agent, scheduler.free_task, full).values())
        new = scheduler.assign()
        assert len(new) == best
        started += new
        running += new
        for agent, w in agents.items():
            assert sum(j.agent == agent for j in running) <= w
        for task, w in tasks.items():
            assert sum(j.task == task for j in running) <= w
        # All capacity used while work remains: no queued pair has both a free agent and a free task worker.
        for (agent, task), queue in scheduler.queues.items():
            if queue:
                assert scheduler.free_agent[agent] == 0 or scheduler.free_task[task] == 0
        if not running:
            break
        scheduler.release(running.pop(rnd.randrange(len(running))))  # episodes end in any order
    runnable = [j for j in jobs if agents[j.agent] > 0 and tasks[j.task] > 0]
    assert sorted(started, key=lambda j: j.sample_id) == sorted(runnable, key=lambda j: j.sample_id)
    assert scheduler.running == 0


def test_scheduler_rejects_unknown_names_and_negative_workers():
    with pytest.raises(ValueError):
        Scheduler({"a": -1}, {"x": 1})
    with pytest.raises(KeyError):
        Scheduler({"a": 1}, {"x": 1}, [Job("b", "x", 0, "s", 0)])
