"""TrajectoryRecorder and play_episode: one flushed JSONL record per finished episode."""

from __future__ import annotations

import json

import gymnasium as gym
import pytest
from agentbench_gym.baselines import make_policy
from agentbench_gym.wrappers import (
    ChatHistory,
    ContextLimit,
    HistoryTruncation,
    TrajectoryRecorder,
    end_episode,
)
from fake_env import ECHO_ID, EchoOracle

import agentbench_gym
from agentbench_gym import Outcome
from agentbench_gym.episode import play_episode
from agentbench_gym.errors import AgentError, ContextLimitExceeded
from agentbench_gym.trajectory import TrajectoryRecord, read_records


class Scripted:
    """Replies from a list; raises an exception instance found in it."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.seen = []

    def reset(self):
        pass

    def act(self, observation, info):
        self.seen.append(info)
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        return reply


def test_one_record_per_finished_episode(tmp_path, made_echo_env):
    path = tmp_path / "runs" / "echo.jsonl"
    env = TrajectoryRecorder(ChatHistory(made_echo_env), path, run_id="r1", agent="me")
    env.reset(seed=3, options={"sample": 0})
    env.step("say apple")
    _, _, _, _, info = env.step("answer apple")
    env.reset(options={"sample": 1})
    env.step("say x")                      # abandoned by the next reset: not written
    env.reset(options={"sample": 2})
    env.step("bogus")                      # invalid_format
    lines = path.read_text().splitlines()
    assert len(lines) == 2 and env.episodes_written == 2
    first = TrajectoryRecord.from_dict(json.loads(lines[0]))
    assert (first.run_id, first.agent, first.task, first.sample_id, first.seed) == ("r1", "me", "ECHO",
                                                                                    "echo-0", 3)
    assert (first.outcome, first.score, first.turns) == ("completed", 1.0, 2)
    assert first.metrics == {"correct": True} and first.env_id == ECHO_ID and first.split == "dev"
    assert first.messages == info["history"] and first.prefix_length == 2
    assert [s.action for s in first.steps] == ["say apple", "answer apple"]
    assert [s.reward for s in first.steps] == [0.0, 1.0]
    assert all(s.latency >= 0 and s.env_latency >= 0 for s in first.steps)
    assert first.versions["agentbench_gym"] == agentbench_gym.__version__
    assert first.versions["data"].startswith("dev:")
    second = list(read_records(tmp_path))[1]
    assert (second.outcome, second.sample_id, second.score) == ("invalid_format", "echo-2", 0.0)


def test_agent_side_end_is_recorded(tmp_path, echo_env):
    path = tmp_path / "r.jsonl"
    env = TrajectoryRecorder(ContextLimit(echo_env, context_size=10_000), path)
    env.reset(options={"sample": 0})
    env.step("say apple")
    _, _, _, truncated, info = end_episode(env, Outcome.AGENT_ERROR, "HTTP 503 after 3 attempts")
    assert truncated and info["outcome"] == Outcome.AGENT_ERROR
    (record,) = read_records(path)
    assert record.outcome == "agent_error" and not record.scored and record.turns == 1
    assert len(record.steps) == 1 and record.messages[-1]["role"] == "user"


def test_play_episode_with_the_oracle_and_full_stack(tmp_path):
    env = TrajectoryRecorder(ContextLimit(HistoryTruncation(gym.make(ECHO_ID)), context_size=4096),
                             tmp_path / "wrapped.jsonl", agent="oracle")
    record = play_episode(env, EchoOracle(env.unwrapped), seed=0, run_id="x",
                          record_path=tmp_path / "played.jsonl")
    assert record.outcome == "completed" and record.score == 1.0 and record.agent == "EchoOracle"
    (written,) = read_records(tmp_path / "played.jsonl")
    assert written == record
    (wrapped,) = read_records(tmp_path / "wrapped.jsonl")
    assert wrapped.messages == record.messages and wrapped.score == record.score


@pytest.mark.parametrize(("error", "outcome", "scored"), [
    (AgentError("HTTP 500 after 3 attempts"), "agent_error", False),
    (ContextLimitExceeded("maximum context length is 4097 tokens"), "context_limit", True),
])
def test_play_episode_turns_policy_failures_into_outcomes(echo_env, error, outcome, scored):
    policy = Scripted(["say apple", error])
    record = play_episode(ChatHistory(echo_env), policy, options={"sample": 0})
    assert record.outcome == outcome and record.scored is scored
    assert record.turns == 1 and [s.action for s in record.steps] == ["say apple"]
    assert str(error) in (record.error or "")
    assert echo_env.outcome == outcome
    assert policy.seen[-1]["messages"][-1]["content"] == "You said: apple"


def test_play_episode_lets_bugs_propagate(echo_env):
    with pytest.raises(ZeroDivisionError):
        play_episode(echo_env, Scripted([ZeroDivisionError()]))


def test_play_episode_first_prompt_over_context(echo_env):
    policy = Scripted([])
    record = play_episode(ContextLimit(echo_env, context_size=5), policy)
    assert record.outcome == "context_limit" and record.turns == 0 and policy.seen == []


@pytest.mark.parametrize("task", sorted(agentbench_gym.TASKS))
def test_registered_envs_through_the_full_stack(tmp_path, task):
    try:
        base = gym.make(agentbench_gym.TASKS[task])
    except Exception as exc:  # a registered task whose module is not in this checkout
        pytest.skip(f"{task} cannot be built here: {exc}")
    env = TrajectoryRecorder(ContextLimit(HistoryTruncation(base), context_size=8192), tmp_path / "t.jsonl")
    try:
        for seed in range(2):
            record = play_episode(env, make_policy("random", env, seed=seed), seed=seed)
            assert Outcome(record.outcome).ended and record.task == task
            record = play_episode(env, make_policy("scripted", env), seed=seed)
            assert record.messages[: record.prefix_length + 1][-1]["role"] == "user"
        assert len(list(read_records(tmp_path / "t.jsonl"))) == 4
        # Agent-side ends work on every task: a context too small for the first prompt, and a
        # policy failing mid-episode; the env is reusable after both.
        tiny = ContextLimit(ChatHistory(env.unwrapped), context_size=1)
        _, info = tiny.reset(seed=0)
        assert info["context_exceeded"]
        _, _, terminated, truncated, info = tiny.step("anything")
        assert (info["outcome"], terminated, truncated) == (Outcome.CONTEXT_LIMIT, False, True)
        record = play_episode(env, Scripted([AgentError("down")]), seed=1)
        assert record.outcome == "agent_error" and env.unwrapped.outcome == Outcome.AGENT_ERROR
        again = play_episode(env, make_policy("scripted", env), seed=2)
        assert Outcome(again.outcome).ended and again.outcome != "agent_error"
    finally:
        env.close()


def test_hostile_replies_through_the_full_stack(tmp_path, echo_env):
    env = TrajectoryRecorder(ContextLimit(HistoryTruncation(echo_env), context_size=10_000),
                             tmp_path / "h.jsonl")
    replies = ["", "say " + "x" * 1_000_000, "say \udcff\x00\x1b[2J", "say \u202e\ufeff", "answer apple"]
    for reply in replies:
        _, info = env.reset(options={"sample": 0})
        done = False
        while not done:
            _, _, terminated, truncated, info = env.step(reply if not done else "")
            done = terminated or truncated
            reply = "answer nope"
    records = list(read_records(tmp_path / "h.jsonl"))
    # The megabyte reply does not hit the context: truncation drops it from the view, as in AgentBench.
    assert [r.outcome for r in records] == ["invalid_format", "completed", "completed", "completed",
                                            "completed"]
    assert len(records[1].steps[0].action) == 1_000_004
    assert records[2].steps[0].action == "say \udcff\x00\x1b[2J"
