"""Gymnasium wrappers for AgentBench envs (installed as ``agentbench_gym.wrappers``).

Stack them inside out: ``ChatHistory`` → ``HistoryTruncation`` → ``NonChatPrompt`` (completion
models only) → ``ContextLimit`` → ``TrajectoryRecorder``. The prompt wrappers add a
``ChatHistory`` underneath themselves when the chain has none. What each adds to ``info``:

- ``ChatHistory``: ``history`` (the whole conversation) and ``messages`` (what to send);
- ``HistoryTruncation``: ``messages`` cut as AgentBench does, ``omitted``;
- ``NonChatPrompt``: ``prompt`` ("USER: ... AGENT:");
- ``ContextLimit``: ``prompt_tokens``, ``context_exceeded``; ends episodes with ``context_limit``;
- ``TrajectoryRecorder``: nothing; appends one record per finished episode to its JSONL file.

AgentBench's own setup (what its framework does for every agent) is::

    env = gym.make("AgentBench/OS-v0")
    env = HistoryTruncation(env)                     # 3500 segments, AgentBench's counter
    env = TrajectoryRecorder(env, "runs/os.jsonl", agent="gpt-4")
    record = play_episode(env, OpenAIChatPolicy("gpt-4"))   # agentbench_gym.episode

Add ``NonChatPrompt`` for completion models, and ``ContextLimit(env, context_size=N,
count_tokens="hf:PATH/tokenizer.json")`` to end episodes the model could not read (AgentBench
learns it from the API's refusal; ``OpenAIChatPolicy`` maps such a refusal to the same outcome).
"""

from __future__ import annotations

from agentbench_gym.wrappers._base import AgentBenchWrapper, end_episode
from agentbench_gym.wrappers.chat_history import ChatHistory
from agentbench_gym.wrappers.context_limit import ContextLimit
from agentbench_gym.wrappers.history_truncation import (
    HistoryTruncation,
    count_tokens,
    token_counter,
    truncate_history,
)
from agentbench_gym.wrappers.nonchat_prompt import NonChatPrompt, render_nonchat
from agentbench_gym.wrappers.trajectory_recorder import TrajectoryRecorder

__all__ = [
    "AgentBenchWrapper",
    "ChatHistory",
    "ContextLimit",
    "HistoryTruncation",
    "NonChatPrompt",
    "TrajectoryRecorder",
    "count_tokens",
    "end_episode",
    "render_nonchat",
    "token_counter",
    "truncate_history",
]
