"""ContextLimit: end the episode with ``context_limit`` (CLE) once the prompt outgrows the model."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
from agentbench_gym.wrappers._base import AgentBenchWrapper, StepResult, end_episode
from agentbench_gym.wrappers.chat_history import ensure_chat_history
from agentbench_gym.wrappers.history_truncation import TokenCounter, token_counter

from agentbench_gym.core import Outcome


class ContextLimit(AgentBenchWrapper):
    """End the episode with ``Outcome.CONTEXT_LIMIT`` when the next prompt would not fit.

    After every reset and step the prompt the policy is about to receive is measured:
    ``info["prompt"]`` when a ``NonChatPrompt`` is below, else the contents of
    ``info["messages"]`` plus ``per_message`` tokens each (chat formatting overhead). When it
    plus ``reserve`` (room for the reply) exceeds ``context_size`` the episode ends at once as
    truncated with outcome ``context_limit``, scored by the task as for a limit (0 unless the
    task keeps partial credit). If the very first prompt is too long, ``info["context_exceeded"]``
    is True after reset and the first ``step`` ends the episode without using the action.
    ``info["prompt_tokens"]`` always holds the measured size.

    In AgentBench CLE is reported by the model's API; this wrapper detects it before the call,
    and ``OpenAIChatPolicy`` turns an API's context-length refusal into the same outcome.

    Args:
        env: the env to wrap (put it above ``HistoryTruncation``/``NonChatPrompt``).
        context_size: the model's context window, in the counter's tokens.
        count_tokens: a counter spec for ``token_counter`` (default AgentBench's heuristic;
            pass the model's tokenizer for a faithful window).
        reserve: tokens kept free for the reply (e.g. the policy's ``max_tokens``).
        per_message: extra tokens per chat message.
    """

    def __init__(self, env: gym.Env, *, context_size: int,
                 count_tokens: str | TokenCounter | Any | None = None,
                 reserve: int = 0, per_message: int = 0) -> None:
        """Wrap ``env``; see the class docstring for the arguments."""
        if context_size < 1 or reserve < 0 or per_message < 0:
            raise ValueError("context_size must be positive; reserve and per_message non-negative")
        super().__init__(ensure_chat_history(env), context_size=context_size,
                         count_tokens=count_tokens, reserve=reserve, per_message=per_message)
        self.context_size = context_size
        self.reserve = reserve
        self.per_message = per_message
        self.count = token_counter(count_tokens)
        self._exceeded = False
        self._counts: dict[str, int] = {}

    def prompt_tokens(self, info: dict[str, Any]) -> int:
        """Size of the prompt described by ``info``, in the counter's tokens."""
        if isinstance(info.get("prompt"), str):
            return self.count(info["prompt"])
        messages = info.get("messages", [])
        return sum(self._counted(m["content"]) + self.per_message for m in messages)

    def _counted(self, text: str) -> int:
        # Messages repeat from step to step: count each once per episode.
        value = self._counts.get(text)
        if value is None:
            value = self._counts[text] = self.count(text)
        return value

    def _over(self, info: dict[str, Any]) -> bool:
        size = self.prompt_tokens(info)
        info["prompt_tokens"] = size
        return size + self.reserve > self.context_size

    def _reason(self, info: dict[str, Any]) -> str:
        return (f"the prompt needs {info['prompt_tokens']} tokens + {self.reserve} reserved, "
                f"over the context size {self.context_size}")

    def _after_reset(self, observation, info, seed, options):
        self._counts = {}
        self._exceeded = self._over(info)
        info["context_exceeded"] = self._exceeded
        return observation, info

    def step(self, action: str) -> StepResult:
        """Step, or end the episode with ``context_limit`` when the prompt no longer fits."""
        if self._exceeded:  # the first prompt was already too long: the model could not answer
            self._exceeded = False
            return self.end_episode(Outcome.CONTEXT_LIMIT, "the first prompt exceeds the context")
        observation, reward, terminated, truncated, info = self.env.step(action)
        over = self._over(info)
        if terminated or truncated or not over:
            return observation, reward, terminated, truncated, info
        size = info["prompt_tokens"]
        _, end_reward, terminated, truncated, end_info = end_episode(
            self.env, Outcome.CONTEXT_LIMIT, self._reason(info))
        end_info["prompt_tokens"] = size
        return observation, reward + end_reward, terminated, truncated, end_info

    def _after_step(self, action, observation, reward, terminated, truncated, info) -> StepResult:
        # Only reached through end_episode (agent-side ends): report the size, end nothing more.
        self._exceeded = False
        self._over(info)
        return observation, reward, terminated, truncated, info
