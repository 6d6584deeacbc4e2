"""TrajectoryRecorder: append one trajectory record per finished episode to a JSONL file."""

from __future__ import annotations

import os
import time
import uuid

import gymnasium as gym
from agentbench_gym.wrappers._base import AgentBenchWrapper, StepResult

from agentbench_gym.trajectory import RecordBuilder, TrajectoryRecord, append_record


class TrajectoryRecorder(AgentBenchWrapper):
    """Write every finished episode as one JSON line (``agentbench_gym.trajectory`` schema).

    The file is opened in append mode, written and flushed once per episode, so a crash loses
    at most the running episode. An episode abandoned by an early ``reset`` is not written.
    ``latency`` of a step is the time between the previous observation being returned and the
    reply arriving (the agent's time); ``env_latency`` is the env's own step time.

    Args:
        env: the env to wrap (outermost, so that it sees the final outcome of every wrapper).
        path: the JSONL file (created with its folder if missing).
        run_id: id shared by the records of one run (default: a fresh random id).
        agent: the agent's name stored in each record.
    """

    def __init__(self, env: gym.Env, path: str | os.PathLike[str], *, run_id: str | None = None,
                 agent: str = "agent") -> None:
        """Wrap ``env``; see the class docstring for the arguments."""
        run_id = run_id or uuid.uuid4().hex[:12]
        super().__init__(env, path=str(path), run_id=run_id, agent=agent)
        self.path = str(path)
        self.run_id = run_id
        self.agent = agent
        self.builder = RecordBuilder(env, run_id=run_id, agent=agent)
        self.last_record: TrajectoryRecord | None = None
        self.episodes_written = 0
        self._ready = time.perf_counter()
        self._started = False

    def _after_reset(self, observation, info, seed, options):
        self.builder.start(observation, info, seed, time.perf_counter())
        self._started = True
        self._ready = time.perf_counter()
        return observation, info

    def step(self, action: str) -> StepResult:
        """Step the env and record the step (and the episode once it ends)."""
        called = time.perf_counter()
        result = self.env.step(action)
        done = time.perf_counter()
        self._record(action, result, latency=called - self._ready, env_latency=done - called)
        self._ready = time.perf_counter()
        return result

    def _after_step(self, action, observation, reward, terminated, truncated, info) -> StepResult:
        # Agent-side ends (end_episode) only: no reply, no env time.
        result = (observation, reward, terminated, truncated, info)
        self._record(action, result, latency=None, env_latency=None)
        return result

    def _record(self, action: str | None, result: StepResult, *, latency: float | None,
                env_latency: float | None) -> None:
        if not self._started:
            return
        observation, reward, _, _, info = result
        record = self.builder.step(action, observation, reward, info, latency=latency,
                                   env_latency=env_latency, now=time.perf_counter())
        if record is not None:
            self._started = False
            append_record(self.path, record)
            self.last_record = record
            self.episodes_written += 1
