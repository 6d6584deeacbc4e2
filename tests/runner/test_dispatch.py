"""The dispatcher starts the next episodes from the thread an episode ends on, not from the loop."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

from agentbench_gym.runner import AgentSpec, TaskSpec
from agentbench_gym.runner.dispatch import Dispatcher, Inbox
from agentbench_gym.runner.pool import EnvPool
from agentbench_gym.runner.schedule import Job, Scheduler


class FakeWorker:
    """A worker thread that 'plays' a job by recording it; counts concurrency per agent and task."""

    def __init__(self, meter: dict, lock: threading.Lock, outcome=lambda job: "completed"):
        self._thread = ThreadPoolExecutor(max_workers=1)
        self.meter, self.lock, self.outcome = meter, lock, outcome

    def start_job(self, agent, job: Job, run_id, freed_at, gaps) -> Future:
        return self._thread.submit(self._play, job)

    def _play(self, job: Job):
        started = time.perf_counter()
        keys = (("agent", job.agent), ("task", job.task))
        with self.lock:
            for key in keys:
                self.meter["now"][key] = self.meter["now"].get(key, 0) + 1
                self.meter["peak"][key] = max(self.meter["peak"].get(key, 0), self.meter["now"][key])
            self.meter["played"].append((job.agent, job.task, job.sample_id, job.attempt))
        time.sleep(0.0005)
        with self.lock:
            for key in keys:
                self.meter["now"][key] -= 1
        return True, {"outcome": self.outcome(job)}, started, time.perf_counter()

    def close(self):
        self._thread.shutdown(wait=True)


def _setup(agent_workers, task_workers, samples, outcome=lambda job: "completed"):
    meter = {"now": {}, "peak": {}, "played": []}
    lock = threading.Lock()
    pools = {}
    for task, w in task_workers.items():
        pool = EnvPool(TaskSpec(task, env=lambda **kw: None, workers=w))
        for _ in range(w):
            worker = FakeWorker(meter, lock, outcome)
            pool.all.append(worker)
            pool.free.append(worker)
        pools[task] = pool
    scheduler = Scheduler(agent_workers, task_workers)
    for agent in agent_workers:
        for task in task_workers:
            for i in range(samples):
                scheduler.add(Job(agent, task, i, f"s{i}", i))
    agents = {a: AgentSpec(a, lambda env, seed: None, workers=w) for a, w in agent_workers.items()}
    return meter, pools, scheduler, agents


def test_episodes_chain_while_the_event_loop_is_blocked():
    agent_workers = {"a": 2, "b": 1, "c": 3}
    task_workers = {"x": 2, "y": 3}
    meter, pools, scheduler, agents = _setup(agent_workers, task_workers, samples=15)

    async def main():
        inbox = Inbox(asyncio.get_running_loop())
        dispatcher = Dispatcher(scheduler, pools, agents, "run", 0, inbox)
        dispatcher.start()
        deadline = time.monotonic() + 20
        while True:  # the loop never runs while this waits: every start after the first ones is off-loop
            with dispatcher.lock:
                if scheduler.finished:
                    break
            assert time.monotonic() < deadline, "episodes stopped without the event loop"
            time.sleep(0.005)
        items = await inbox.take()
        return dispatcher, items

    dispatcher, items = asyncio.run(main())
    for pool in pools.values():
        pool.close()
    played = meter["played"]
    assert len(played) == len(set(played)) == 6 * 15  # every sample exactly once
    for agent, w in agent_workers.items():
        assert meter["peak"][("agent", agent)] <= w
    for task, w in task_workers.items():
        assert meter["peak"][("task", task)] <= w
    assert max(running for _, running, _, _ in dispatcher.timeline) == 5  # min(Σ w(A), Σ w(T))
    assert [i[0] for i in items].count("record") == 6 * 15 and items[-1] == ("done",)
    assert dispatcher.scheduler.free_agent == agent_workers and dispatcher.scheduler.free_task == task_workers


def test_failed_episodes_are_queued_again_and_broken_envs_go_to_the_loop():
    def outcome(job):
        return "task_error" if job.attempt == 1 else "completed"

    meter, pools, scheduler, agents = _setup({"a": 2}, {"x": 2}, samples=4, outcome=outcome)
    lock = pools["x"].all[0].lock

    async def main():
        inbox = Inbox(asyncio.get_running_loop())
        dispatcher = Dispatcher(scheduler, pools, agents, "run", 1, inbox)
        dispatcher.start()
        items = []
        while not items or items[-1][0] != "done":
            for item in await inbox.take():
                items.append(item)
                if item[0] == "build":  # a broken env is not reused: give the job a new worker
                    worker = FakeWorker(meter, lock, outcome)
                    pools[item[1].task].all.append(worker)
                    dispatcher.submit(worker, item[1], item[2])
        return items

    items = asyncio.run(main())
    for pool in pools.values():
        pool.close()
    attempts = sorted((s, a) for _, _, s, a in meter["played"])
    assert attempts == sorted((f"s{i}", a) for i in range(4) for a in (1, 2))
    assert sum(1 for i in items if i[0] == "discard") == 4
