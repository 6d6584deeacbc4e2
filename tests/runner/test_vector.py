"""The vector-env form: Gymnasium's vector contract, autoreset from the max-flow plan, same results as run()."""

from __future__ import annotations

import numpy as np
import pytest
from agentbench_gym.baselines import make_policy
from gymnasium.utils.env_checker import data_equivalence
from gymnasium.vector import AutoresetMode
from runner_helpers import CountEnv, CountOracle

from agentbench_gym.runner import SchedulerVectorEnv, TaskSpec, run
from agentbench_gym.runner.vector import slot_info


def count_task(name, workers, size=6):
    return TaskSpec(name, env=lambda **kw: CountEnv(size=size, **kw), workers=workers)


class BatchedScripted:
    """One batched call answers every slot: each slot's reply comes from a solver for its current env."""

    def __init__(self, vec, factory):
        self.vec, self.factory, self.solvers = vec, factory, [None] * vec.num_envs

    def observe_resets(self, infos):
        for i, started in enumerate(infos.get("_prefix", ())):  # "prefix" is in info only at a reset
            if started:
                self.solvers[i] = self.factory(self.vec.slot_envs[i])
                self.solvers[i].reset()

    def act(self, observations, infos, ended=None):
        """Replies for every slot; slots whose episode just ended (auto-reset next) get ""."""
        replies = []
        for i, obs in enumerate(observations):
            solver = self.solvers[i]
            live = solver is not None and self.vec.slot_envs[i] is not None and not (ended is not None and ended[i])
            replies.append(solver.act(obs, slot_info(infos, i)) if live else "")
        return replies


def drive(vec, factory, seed=0, max_steps=10000):
    policy = BatchedScripted(vec, factory)
    obs, infos = vec.reset(seed=seed)
    policy.observe_resets(infos)
    ended = None
    for _ in range(max_steps):
        if vec.finished:
            return
        obs, rewards, terminated, truncated, infos = vec.step(policy.act(obs, infos, ended))
        ended = terminated | truncated
        policy.observe_resets(infos)
    raise AssertionError("the vector env never finished")


def summary(records):
    return sorted((r["task"], r["sample_id"], r["outcome"], r["score"], r["turns"]) for r in records)


def test_batched_scripted_policy_gives_the_threaded_runners_results():
    vec = SchedulerVectorEnv(["DCG:2", "DB:2"], num_envs=3, agent="scripted", limit=4)
    try:
        drive(vec, lambda env: make_policy("scripted", env), seed=7)
    finally:
        vec.close()
    threaded = run(["scripted:3"], ["DCG:2", "DB:2"], limit=4, seed=7)
    assert len(vec.records) == 8
    assert summary(vec.records) == summary(threaded.records)
    assert all(r["outcome"] == "completed" for r in vec.records)
    # The records are the project's trajectory schema: ready for the fine-tuning exports.
    from agentbench_gym.trajectory import TrajectoryRecord
    from agentbench_gym.trajectory_export import to_sft

    for record in vec.records:
        sft = to_sft(TrajectoryRecord.from_dict(record))
        assert sft["messages"][-1]["role"] == "assistant" and len(sft["messages"]) >= 2


def test_vector_contract_spaces_autoreset_and_determinism():
    def episode_trace(seed):
        vec = SchedulerVectorEnv([count_task("A", 1), count_task("B", 2)], num_envs=2)
        assert vec.metadata["autoreset_mode"] == AutoresetMode.NEXT_STEP
        trace = []
        obs, infos = vec.reset(seed=seed)
        assert vec.observation_space.contains(obs) and len(obs) == 2
        pending = [False, False]
        for step in range(40):
            actions = ("WAIT", f"SAY {step % 3}") if step % 2 else ("SAY 0", "WAIT")
            assert vec.action_space.contains(actions)
            obs, rewards, terminated, truncated, infos = vec.step(actions)
            assert vec.observation_space.contains(obs)
            assert rewards.dtype == np.float64 and terminated.dtype == np.bool_ and rewards.shape == (2,)
            for i in range(2):
                if pending[i]:  # NEXT_STEP autoreset: the slot restarted, the action was ignored
                    assert rewards[i] == 0 and not terminated[i] and not truncated[i]
                    assert infos.get("_prefix", [False] * 2)[i] or infos.get("_idle", [False] * 2)[i]
            pending = list(terminated | truncated)
            trace.append((obs, rewards.copy(), terminated.copy(), truncated.copy()))
        vec.close()
        return trace

    first, second = episode_trace(3), episode_trace(3)
    assert data_equivalence(first, second)


def test_slots_respect_task_workers_and_idle_when_work_runs_out():
    vec = SchedulerVectorEnv([count_task("A", 1, size=3), count_task("B", 1, size=2)], num_envs=4)
    policy = BatchedScripted(vec, CountOracle)
    obs, infos = vec.reset(seed=0)
    assert list(infos["_idle"]) == [False, False, True, True]  # w(A)=w(B)=1: two slots idle
    policy.observe_resets(infos)
    steps = 0
    ended = None
    while not vec.finished:
        per_task = [getattr(e, "task_label", None) for e in vec.slot_envs]
        busy = [vec._jobs[i].task for i in range(4) if vec._jobs[i] is not None]
        assert busy.count("A") <= 1 and busy.count("B") <= 1, per_task
        obs, rewards, terminated, truncated, infos = vec.step(policy.act(obs, infos, ended))
        ended = terminated | truncated
        policy.observe_resets(infos)
        steps += 1
    assert sorted((r["task"], r["sample_id"]) for r in vec.records) == [
        ("A", "c000"), ("A", "c001"), ("A", "c002"), ("B", "c000"), ("B", "c001")]
    assert all(r["score"] == 1.0 for r in vec.records)
    obs, *_ = vec.step(["x"] * 4)
    assert obs == ("",) * 4
    vec.close()


def test_bad_actions_never_break_the_batch_and_records_go_to_a_run_folder(tmp_path):
    vec = SchedulerVectorEnv([count_task("A", 2, size=2)], num_envs=2, agent="junk", out=str(tmp_path))
    vec.reset(seed=0)
    while not vec.finished:
        vec.step(["\udcff" * 3, None])
    vec.close()
    assert {r["outcome"] for r in vec.records} == {"invalid_format"}
    assert len((tmp_path / "junk" / "A.jsonl").read_text().splitlines()) == 2
    with pytest.raises(ValueError):
        SchedulerVectorEnv([count_task("A", 1)], num_envs=0)


def test_gymnasium_vector_wrappers_work_over_it():
    from gymnasium.wrappers.vector import RecordEpisodeStatistics

    vec = RecordEpisodeStatistics(SchedulerVectorEnv([count_task("A", 2, size=4)], num_envs=2, agent="oracle"))
    policy = BatchedScripted(vec.unwrapped, CountOracle)
    obs, infos = vec.reset(seed=1)
    policy.observe_resets(infos)
    ended, returns = None, []
    while not vec.unwrapped.finished:
        obs, rewards, terminated, truncated, infos = vec.step(policy.act(obs, infos, ended))
        ended = terminated | truncated
        policy.observe_resets(infos)
        if "episode" in infos:
            returns += [float(r) for r, done in zip(infos["episode"]["r"], infos["_episode"], strict=True) if done]
    vec.close()
    assert returns == [1.0] * 4


class BreaksOn(CountOracle):
    """A CountOracle that breaks the env (``BOOM``: a task error) on the samples in ``bad``."""

    def __init__(self, env, bad):
        super().__init__(env)
        self.bad = bad

    def act(self, observation, info):
        return "BOOM" if self.env.sample.id in self.bad else super().act(observation, info)


def test_resume_from_a_run_folder_honours_the_retry_limit(tmp_path):
    import json

    def session(max_retries, bad):
        vec = SchedulerVectorEnv([count_task("A", 2, size=3)], num_envs=2, agent="v", out=str(tmp_path),
                                 max_retries=max_retries)
        try:
            drive(vec, lambda env: BreaksOn(env, bad))
        finally:
            vec.close()
        return [(r["sample_id"], r["outcome"], r["attempt"]) for r in vec.records]

    first = session(1, {"c001"})
    assert sorted(first) == [("c000", "completed", 1), ("c001", "task_error", 1), ("c001", "task_error", 2),
                             ("c002", "completed", 1)]
    assert session(1, set()) == []  # same settings: finished samples skipped, c001 used up its attempts
    assert session(2, set()) == [("c001", "completed", 3)]  # a higher limit: one more attempt, numbered on
    lines = [json.loads(x) for x in (tmp_path / "v" / "A.jsonl").read_text().splitlines()]
    assert len(lines) == 5
    assert sorted(r["sample_id"] for r in lines if r["outcome"] == "completed") == ["c000", "c001", "c002"]


def test_vector_api_edges_info_masks_and_close():
    import gymnasium as gym

    vec = SchedulerVectorEnv([count_task("A", 1, size=2), count_task("B", 1, size=2)], num_envs=3)
    with pytest.raises(gym.error.ResetNeeded):
        vec.step(["WAIT"] * 3)
    assert vec.single_observation_space.contains("any text") and len(vec.observation_space) == 3
    obs, infos = vec.reset(seed=0)
    for key, value in infos.items():  # Gymnasium's vector info layout: every key has a bool mask
        if not key.startswith("_"):
            mask = infos[f"_{key}"]
            assert mask.dtype == np.bool_ and mask.shape == (3,) and len(value) == 3
    assert list(infos["_slot_task"]) == [True, True, False] and sorted(infos["slot_task"][:2]) == ["A", "B"]
    with pytest.raises(ValueError, match="expected 3 actions"):
        vec.step(["WAIT"] * 2)
    vec.close()
    vec.close()  # closing twice is harmless
