"""Thread-safe dispatch: an episode that ends starts the next ones from its own thread.

The scheduler sits behind one lock. When an episode ends, the thread it ended on (the env
worker's thread; a Ray callback thread; the event loop for an async policy) takes the lock, gives
the episode's agent and task worker back, queues a retry if the sample may be re-run, solves the
max flow again and starts what it allows at once — the freed env first (the pool is LIFO), so a
worker goes from one episode to the next without a round trip through the event loop. The loop
only does the bookkeeping (records to the store, progress bars) and what must not run on an env
thread: building a new env, closing a broken one, playing an async policy.

What the loop receives, through an ``Inbox``:

- ``("record", job, record)``: an episode ended (its capacity is already back);
- ``("build", job, freed_at)``: the job's task has no free env; build one and ``submit`` it;
- ``("discard", worker, task)``: close a worker whose env failed;
- ``("async", worker, job, policy, started)``: play the episode on the loop, then ``finish``;
- ``("error", exc, worker, job)``: stop the run with ``exc``;
- ``("done",)``: nothing is queued or running any more (always the last item of a run).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Mapping
from functools import partial
from typing import Any

from agentbench_gym.core import Outcome
from agentbench_gym.runner.config import AgentSpec
from agentbench_gym.runner.pool import EnvPool
from agentbench_gym.runner.schedule import Job, Scheduler


class Inbox:
    """Items posted from any thread, taken in batches on the event loop (one wake-up per batch)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        """An empty inbox of ``loop``."""
        self._loop = loop
        self._items: deque[tuple] = deque()
        self._lock = threading.Lock()
        self._ready = asyncio.Event()
        self._wake_pending = False

    def post(self, item: tuple) -> None:
        """Add an item (thread-safe); the loop is woken only if no wake-up is pending."""
        with self._lock:
            self._items.append(item)
            wake, self._wake_pending = not self._wake_pending, True
        if wake:
            try:
                self._loop.call_soon_threadsafe(self._ready.set)
            except RuntimeError:  # the loop is closed: the run is over, nobody reads the item
                pass

    async def take(self) -> list[tuple]:
        """Wait for items and return all of them, in the order they were posted."""
        await self._ready.wait()
        with self._lock:
            self._ready.clear()
            self._wake_pending = False
            items = list(self._items)
            self._items.clear()
        return items


class Dispatcher:
    """Starts episodes on the env workers as the max flow allows; see the module docstring.

    Args:
        scheduler: capacities and queued jobs (used only under this dispatcher's lock).
        pools: task name -> its env pool.
        agents: agent name -> its spec.
        run_id: id stored in the records.
        max_retries: how many times a ``task_error``/``agent_error`` sample is queued again.
        inbox: where the loop's work is posted.
    """

    def __init__(self, scheduler: Scheduler, pools: Mapping[str, EnvPool], agents: Mapping[str, AgentSpec],
                 run_id: str, max_retries: int, inbox: Inbox) -> None:
        """Set up; nothing starts before ``start``."""
        self.scheduler, self.pools, self.agents = scheduler, pools, agents
        self.run_id, self.max_retries, self.inbox = run_id, max_retries, inbox
        # Re-entrant: a future that is already done runs its callback (``finish``) inside ``_start``.
        self.lock = threading.RLock()
        self.stopped = False
        self.t0 = time.perf_counter()
        self.gaps: list[float] = []
        self.spans: list[tuple[float, float]] = []
        self.timeline: list[tuple[float, int, int, int]] = []  # (time, running, queued, usable capacity)

    def start(self) -> None:
        """Start the first episodes (``("done",)`` is posted at once when there is nothing to run)."""
        with self.lock:
            self._launch(None)
            self._post_done_if_finished()

    def stop(self) -> None:
        """Start nothing more (episodes already running end normally)."""
        with self.lock:
            self.stopped = True

    def submit(self, worker: Any, job: Job, freed_at: float | None) -> None:
        """Start an assigned ``job`` on a newly built ``worker`` (after a ``("build", ...)`` item)."""
        with self.lock:
            if self.stopped:
                self.pools[job.task].give_back(worker)
                return
            self._start(worker, job, freed_at)

    def finish(self, worker: Any, job: Job, record: dict[str, Any], started: float, ended: float) -> None:
        """An episode ended: give its capacity back, queue a retry, re-solve and start what it allows."""
        outcome = Outcome(record["outcome"])
        with self.lock:
            self.spans.append((started - self.t0, ended - self.t0))
            self.scheduler.release(job)
            if not outcome.scored and job.attempt <= self.max_retries:
                self.scheduler.add(Job(job.agent, job.task, job.index, job.sample_id, job.seed, job.attempt + 1))
            if outcome == Outcome.TASK_ERROR:  # closed on the loop: a worker cannot close itself
                self.inbox.post(("discard", worker, job.task))
            else:
                self.pools[job.task].give_back(worker)
            self.inbox.post(("record", job, record))
            self._launch(ended)
            self._post_done_if_finished()

    # ------------------------------------------------------------ under the lock
    def _launch(self, freed_at: float | None) -> None:
        if self.stopped:
            return
        for job in self.scheduler.assign():
            worker = self.pools[job.task].try_take()
            if worker is None:
                self.inbox.post(("build", job, freed_at))
            else:
                self._start(worker, job, freed_at)
        s = self.scheduler
        self.timeline.append((time.perf_counter() - self.t0, s.running, s.queued, s.usable_capacity()))

    def _start(self, worker: Any, job: Job, freed_at: float | None) -> None:
        future = worker.start_job(self.agents[job.agent], job, self.run_id, freed_at, self.gaps)
        # A local worker's future completes on its own thread, which then runs ``_landed``.
        future.add_done_callback(partial(self._landed, worker, job))

    def _post_done_if_finished(self) -> None:
        if self.scheduler.finished:
            self.inbox.post(("done",))

    # ------------------------------------------------------- on the ending thread
    def _landed(self, worker: Any, job: Job, future: Any) -> None:
        try:
            error = future.exception()
            if error is not None:
                self.inbox.post(("error", error, worker, job))
                return
            done, value, started, ended = future.result()
            if done:
                self.finish(worker, job, value, started, ended)
            else:  # an async policy: it answers on the loop, the env works on its thread
                self.inbox.post(("async", worker, job, value, started))
        except BaseException as exc:  # a callback's exception would be lost: stop the run with it
            self.inbox.post(("error", exc, None, None))
