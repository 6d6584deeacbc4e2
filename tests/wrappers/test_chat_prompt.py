"""ChatHistory and NonChatPrompt on the echo env (bare and through gym.make)."""

from __future__ import annotations

import pytest
from agentbench_gym.wrappers import ChatHistory, HistoryTruncation, NonChatPrompt, render_nonchat
from fake_env import ACK, INSTRUCTION


def test_history_starts_with_prefix_and_grows_per_step(made_echo_env):
    env = ChatHistory(made_echo_env)
    obs, info = env.reset(options={"sample": 1})
    assert info["messages"] == [{"role": "user", "content": INSTRUCTION},
                                {"role": "assistant", "content": ACK},
                                {"role": "user", "content": obs}]
    obs2, _, _, _, info = env.step("say hi")
    assert info["history"][-2:] == [{"role": "assistant", "content": "say hi"},
                                    {"role": "user", "content": obs2}]
    _, reward, terminated, _, info = env.step("answer banana")
    assert terminated and reward == 1.0
    # The same conversation as the env's own transcript.
    assert info["history"] == made_echo_env.unwrapped._transcript
    info["messages"].append({"role": "user", "content": "mutated"})
    assert len(env.history) == 7  # callers get copies


def test_reset_starts_a_new_history(echo_env):
    env = ChatHistory(echo_env)
    env.reset(options={"sample": 0})
    env.step("say a")
    _, info = env.reset(options={"sample": 2})
    assert len(info["messages"]) == 3 and "cherry" in info["messages"][-1]["content"]


def test_render_nonchat_exact():
    messages = [{"role": "user", "content": "Task {x}"}, {"role": "assistant", "content": "Think"},
                {"role": "user", "content": "Output:\n1"}]
    assert render_nonchat(messages) == "USER: Task {x}\n\nAGENT: Think\n\nUSER: Output:\n1\n\nAGENT:"
    assert render_nonchat(messages[:1], prefix="P\n", suffix="A:", user_format="H: {content}\n",
                          agent_format="A: {content}\n") == "P\nH: Task {x}\nA:"


def test_nonchat_prompt_uses_the_truncated_view(echo_env):
    env = NonChatPrompt(HistoryTruncation(echo_env, max_tokens=80))
    obs, info = env.reset(options={"sample": 0})
    assert info["prompt"] == (f"USER: {INSTRUCTION}\n\nAGENT: {ACK}\n\nUSER: {obs}\n\nAGENT:")
    for _ in range(3):
        obs, _, _, _, info = env.step("say " + "la " * 8)
    assert info["omitted"] > 0
    assert info["prompt"] == render_nonchat(info["messages"])
    assert "[NOTICE]" in info["prompt"] and info["prompt"].endswith(f"USER: {obs}\n\nAGENT:")


def test_nonchat_prompt_adds_chat_history_itself(echo_env):
    env = NonChatPrompt(echo_env)
    assert isinstance(env.env, ChatHistory)
    _, info = env.reset(options={"sample": 0})
    assert info["prompt"].startswith("USER: You play")
    with pytest.raises(ValueError, match="content"):
        NonChatPrompt(echo_env, user_format="USER:")


def test_wrapper_stack_rebuilds_from_its_spec(made_echo_env):
    import gymnasium as gym
    from agentbench_gym.wrappers import ContextLimit

    env = ContextLimit(NonChatPrompt(HistoryTruncation(made_echo_env, max_tokens=100)), context_size=900)
    names = [w.name for w in env.spec.additional_wrappers]
    assert names == ["ChatHistory", "HistoryTruncation", "NonChatPrompt", "ContextLimit"]
    rebuilt = gym.make(env.spec)
    try:
        _, info = rebuilt.reset(options={"sample": 0})
        assert rebuilt.context_size == 900 and info["prompt"].endswith("AGENT:")
        assert sum(isinstance(w, ChatHistory) for w in _chain(rebuilt)) == 1
    finally:
        rebuilt.close()


def _chain(env):
    while hasattr(env, "env"):
        yield env
        env = env.env


def test_chat_history_restarts_the_model_view_when_the_task_resets_history():
    import gymnasium as gym
    from agentbench_gym.wrappers import ChatHistory

    env = ChatHistory(gym.make("AgentBench/WB-v0"))
    obs, info = env.reset(seed=0, options={"sample": 0})
    assert info["messages"][-1] == {"role": "user", "content": obs}
    obs2, _, terminated, truncated, info = env.step("Answer: A.")  # reject round 1's first group
    assert not (terminated or truncated) and info["history_reset"]
    # A fresh conversation: the prefix and the new question, not the earlier turn.
    assert info["messages"] == [*info["prefix"], {"role": "user", "content": obs2}]
    assert info["history"][-2] == {"role": "assistant", "content": "Answer: A."}
    env.close()
