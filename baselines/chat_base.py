"""What LLM policies share: the conversation they send, built from ``info`` or kept themselves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agentbench_gym.wrappers.history_truncation import DEFAULT_MAX_TOKENS, token_counter, truncate_history
from agentbench_gym.wrappers.nonchat_prompt import render_nonchat

from agentbench_gym.core import Message


class ChatPolicyBase:
    """Base of the LLM policies: turns ``act(observation, info)`` into a message list or prompt.

    When the env is wrapped in ``ChatHistory``/``HistoryTruncation``, ``info["messages"]`` (and
    ``info["prompt"]`` from ``NonChatPrompt``) are sent as they are. On a bare env the policy
    keeps the conversation itself, from ``info["prefix"]`` at reset plus observations and its
    own replies, and truncates it the AgentBench way (``history_tokens``; None: never).

    Args:
        history_tokens: truncation budget for the policy's own history (AgentBench: 3500).
        count_tokens: counter spec for that truncation (default AgentBench's heuristic).
    """

    name: str = "llm"

    def __init__(self, *, history_tokens: int | None = DEFAULT_MAX_TOKENS,
                 count_tokens: Any = None) -> None:
        """Set up the policy's own history (used only without the chat wrappers)."""
        self.history_tokens = history_tokens
        self._count = token_counter(count_tokens)
        self._history: list[Message] = []
        self._own_history = False

    def reset(self) -> None:
        """Forget the previous episode."""
        self._history = []

    def messages_for(self, observation: str, info: Mapping[str, Any]) -> list[Message]:
        """The chat messages to send for this turn."""
        if "messages" in info:
            self._own_history = False
            return [{"role": m["role"], "content": m["content"]} for m in info["messages"]]
        self._own_history = True
        if "prefix" in info or not self._history:  # a reset's info: a new episode
            self._history = [{"role": m["role"], "content": m["content"]} for m in info.get("prefix", [])]
        self._history.append({"role": "user", "content": observation})
        if self.history_tokens is None:
            return list(self._history)
        return truncate_history(self._history, self.history_tokens, self._count)

    def prompt_for(self, observation: str, info: Mapping[str, Any]) -> str:
        """The completion prompt for this turn: ``info["prompt"]`` or the rendered messages."""
        messages = self.messages_for(observation, info)
        prompt = info.get("prompt")
        return prompt if isinstance(prompt, str) else render_nonchat(messages)

    def remember(self, reply: str) -> str:
        """Record the policy's reply in its own history; returns the reply."""
        if self._own_history:
            self._history.append({"role": "assistant", "content": reply})
        return reply
