"""Trivial tasks and instant policies for the runner tests (a tiny AgentBenchEnv, not a registered id)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from agentbench_gym.core import AgentBenchEnv, Outcome, TurnResult
from agentbench_gym.errors import AgentError


@dataclass(frozen=True)
class CountSample:
    """Say the number ``n`` (after ``turns - 1`` ``WAIT`` replies) to score 1."""

    id: str
    n: int
    turns: int


class CountEnv(AgentBenchEnv):
    """``SAY n`` ends the episode (1 if right), ``WAIT`` costs a turn, ``BOOM`` breaks the env."""

    task = "COUNT"
    default_max_turns = 6
    reply_examples = ("WAIT", "SAY 1")
    size = 12

    def __init__(self, size: int | None = None, **kwargs):
        if size is not None:
            self.size = size
        super().__init__(**kwargs)

    def _load_samples(self, split, data_dir):
        return [CountSample(f"c{i:03d}", i, 1 + i % 3) for i in range(self.size)]

    def _start(self, sample):
        return f"Count to {sample.n}.", []

    def _turn(self, reply):
        if reply == "BOOM":
            raise RuntimeError("the backend fell over")
        if reply == "WAIT":
            return TurnResult("Go on.")
        if reply.startswith("SAY "):
            return TurnResult("Done.", Outcome.COMPLETED, score=float(reply == f"SAY {self.sample.n}"))
        return TurnResult("Bad format.", Outcome.INVALID_FORMAT, score=0.0)


class CountOracle:
    """Waits ``turns - 1`` times, then says the number; ``delay`` seconds per reply."""

    def __init__(self, env, delay: float = 0.0, wrong_every: int = 0):
        self.env = env.unwrapped
        self.delay = delay
        self.wrong_every = wrong_every
        self.turn = 0

    def reset(self):
        self.turn = 0

    def act(self, observation, info):
        if self.delay:
            time.sleep(self.delay)
        self.turn += 1
        sample = self.env.sample
        if self.turn < sample.turns:
            return "WAIT"
        wrong = self.wrong_every and sample.n % self.wrong_every == 0
        return f"SAY {sample.n + 1 if wrong else sample.n}"


class ConcurrencyMeter:
    """Counts concurrent episodes per agent and per task (to check the worker limits)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.peak: dict[str, int] = {}

    def enter(self, *keys):
        with self.lock:
            for key in keys:
                self.now[key] = self.now.get(key, 0) + 1
                self.peak[key] = max(self.peak.get(key, 0), self.now[key])

    def leave(self, *keys):
        with self.lock:
            for key in keys:
                self.now[key] -= 1


class MeteredPolicy(CountOracle):
    """A CountOracle that reports to a meter while its episode runs."""

    def __init__(self, env, meter, agent, delay=0.002):
        super().__init__(env, delay=delay)
        self.meter, self.agent, self.inside = meter, agent, False

    def act(self, observation, info):
        if not self.inside:
            self.inside = True
            self.meter.enter(f"agent:{self.agent}", f"task:{self.env.task_label}")
        reply = super().act(observation, info)
        if reply.startswith("SAY"):
            self.meter.leave(f"agent:{self.agent}", f"task:{self.env.task_label}")
            self.inside = False
        return reply


class FlakyPolicy(CountOracle):
    """Fails as the agent (``AgentError``) or breaks the env on chosen samples, a set number of times."""

    def __init__(self, env, failures: dict, kind: str = "agent"):
        super().__init__(env)
        self.failures, self.kind = failures, kind

    def act(self, observation, info):
        sid = self.env.sample.id
        if self.failures.get(sid, 0) > 0:
            self.failures[sid] -= 1
            if self.kind == "agent":
                raise AgentError("HTTP 500 after 3 tries")
            return "BOOM"
        return super().act(observation, info)
