"""Gymnasium wrappers for AgentBench envs (installed as ``agentbench_gym.wrappers``).

Stack them inside out: ``ChatHistory`` → ``HistoryTruncation`` → ``NonChatPrompt`` (completion
models only) → ``ContextLimit`` → ``TrajectoryRecorder``. The prompt wrappers add a
``ChatHistory`` underneath themselves when the chain has none.
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
