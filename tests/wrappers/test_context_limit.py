"""ContextLimit: CLE detection ends the episode as truncated with the task's limit score."""

from __future__ import annotations

import pytest
from agentbench_gym.wrappers import ContextLimit, NonChatPrompt, count_tokens, end_episode

from agentbench_gym import Outcome
from agentbench_gym.errors import ResetNeeded


def test_no_limit_hit_reports_size(echo_env):
    env = ContextLimit(echo_env, context_size=10_000)
    _, info = env.reset(options={"sample": 0})
    assert info["context_exceeded"] is False
    assert info["prompt_tokens"] == sum(count_tokens(m["content"]) for m in info["messages"])
    _, reward, terminated, truncated, info = env.step("answer apple")
    assert (reward, terminated, truncated, info["outcome"]) == (1.0, True, False, Outcome.COMPLETED)


def test_growing_prompt_ends_with_context_limit(made_echo_env):
    env = ContextLimit(made_echo_env, context_size=90)
    _, info = env.reset(options={"sample": 0})
    start = info["prompt_tokens"]  # 47 segments
    obs, reward, terminated, truncated, info = env.step("say apple " + "x " * 10)  # +~25
    assert info["outcome"] == Outcome.RUNNING and info["prompt_tokens"] > start
    obs, reward, terminated, truncated, info = env.step("say apple " + "x " * 10)
    assert info["prompt_tokens"] > 90
    assert info["outcome"] == Outcome.CONTEXT_LIMIT
    assert (terminated, truncated) == (False, True)
    # The echo task keeps partial credit at limits: 2 turns saying the word -> 0.2.
    assert reward == pytest.approx(0.2) and info["score"] == pytest.approx(0.2)
    assert obs.startswith("You said: apple")  # the task's observation, not the note
    assert made_echo_env.unwrapped.outcome == Outcome.CONTEXT_LIMIT
    with pytest.raises(ResetNeeded):
        made_echo_env.unwrapped.step("say more")


def test_reserve_counts_against_the_window(echo_env):
    _, info = ContextLimit(echo_env, context_size=60).reset(options={"sample": 0})
    assert info["context_exceeded"] is False
    _, info = ContextLimit(echo_env, context_size=60, reserve=20).reset(options={"sample": 0})
    assert info["context_exceeded"] is True


def test_first_prompt_too_long_ends_on_first_step(echo_env):
    env = ContextLimit(echo_env, context_size=10)
    _, info = env.reset(options={"sample": 0})
    assert info["context_exceeded"] is True
    _, reward, terminated, truncated, info = env.step("answer apple")  # never reaches the task
    assert info["outcome"] == Outcome.CONTEXT_LIMIT and truncated and not terminated
    assert reward == 0.0 and info["turn"] == 0
    assert all(m["content"] != "answer apple" for m in echo_env._transcript)
    env.reset(options={"sample": 1})  # usable again


def test_counts_the_nonchat_prompt_when_present(echo_env):
    env = ContextLimit(NonChatPrompt(echo_env), context_size=10_000)
    _, info = env.reset(options={"sample": 0})
    assert info["prompt_tokens"] == count_tokens(info["prompt"])


def test_custom_counter_and_agent_error_end(echo_env):
    env = ContextLimit(echo_env, context_size=10_000, count_tokens=len, per_message=3)
    _, info = env.reset(options={"sample": 0})
    assert info["prompt_tokens"] == sum(len(m["content"]) + 3 for m in info["messages"])
    _, reward, _, truncated, info = end_episode(env, Outcome.AGENT_ERROR, "HTTP 500")
    assert info["outcome"] == Outcome.AGENT_ERROR and truncated and reward == 0.0
    with pytest.raises(ValueError):
        ContextLimit(echo_env, context_size=0)
