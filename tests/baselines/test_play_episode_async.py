"""aplay_episode: many episodes in one event loop, env calls pinned to one thread per env."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

from fake_env import EchoEnv, EchoOracle

from agentbench_gym.episode import aplay_episode, play_episode
from agentbench_gym.errors import AgentError


class SqliteEchoEnv(EchoEnv):
    """The echo task keeping its state in SQLite, whose connections refuse other threads."""

    def _start(self, sample):
        self.db = sqlite3.connect(":memory:")  # check_same_thread=True, like most backends
        self.db.execute("create table said (reply text)")
        self.threads = {threading.get_ident()}
        return super()._start(sample)

    def _turn(self, reply):
        self.db.execute("insert into said values (?)", (reply,))
        self.threads.add(threading.get_ident())
        return super()._turn(reply)

    def _release(self):
        if getattr(self, "db", None) is not None:
            self.db.close()
            self.db = None


class Failing:
    async def aact(self, observation, info):
        raise AgentError("service down")

    def act(self, observation, info):
        raise AgentError("service down")

    def reset(self):
        pass


def test_thread_bound_backends_work_across_async_episodes():
    envs = [SqliteEchoEnv() for _ in range(4)]

    async def main():
        runs = []
        for round_ in range(3):
            runs += await asyncio.gather(*(aplay_episode(env, EchoOracle(env), seed=round_) for env in envs))
        runs += await asyncio.gather(*(aplay_episode(env, Failing()) for env in envs))
        return runs

    records = asyncio.run(main())
    assert [r.outcome for r in records[:12]] == ["completed"] * 12
    assert [r.score for r in records[:12]] == [1.0] * 12
    assert [r.outcome for r in records[12:]] == ["agent_error"] * 4
    assert all(len(env.threads) == 1 for env in envs) and all(env.db is None for env in envs)


def test_policy_without_aact_runs_in_a_thread():
    env = EchoEnv()
    record = asyncio.run(aplay_episode(env, EchoOracle(env), options={"sample": 3}))
    assert record.outcome == "completed" and record.sample_id == "echo-3"
    assert play_episode(env, EchoOracle(env), options={"sample": 4}).score == 1.0
