"""ChatHistory: the conversation as ``{"role", "content"}`` messages, exposed in ``info``."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
from agentbench_gym.wrappers._base import AgentBenchWrapper, StepResult, find_wrapper

from agentbench_gym.core import Message


class ChatHistory(AgentBenchWrapper):
    """Keep the whole conversation and hand it to the policy in ``info``.

    The history starts as ``info["prefix"] + [first observation]`` (AgentBench's opening
    conversation) and grows by one ``assistant`` message (the reply) and one ``user`` message
    (the next observation) per step. ``info["history"]`` is the whole conversation;
    ``info["messages"]`` is the view to send to the model, the same list here and shortened by
    ``HistoryTruncation`` above. Both are fresh lists of fresh dicts, safe to modify.

    Tasks whose every turn is a fresh conversation (WB's tournament rounds, as AgentBench
    poses them) set ``info["history_reset"]``; then ``info["messages"]`` restarts from that
    step's ``info["prefix"]`` and observation, while ``info["history"]`` keeps everything.

    An episode ended from the agent's side (``context_limit``, ``agent_error``) adds no message:
    the agent wrote no reply and the task sent no observation.

    Example:
        >>> import gymnasium as gym  # doctest: +SKIP
        >>> env = ChatHistory(gym.make("AgentBench/DCG-v0"))  # doctest: +SKIP
        >>> obs, info = env.reset(seed=0)  # doctest: +SKIP
        >>> info["messages"][-1] == {"role": "user", "content": obs}  # doctest: +SKIP
        True
    """

    def __init__(self, env: gym.Env) -> None:
        """Wrap ``env`` (an AgentBench env, possibly already wrapped)."""
        super().__init__(env)
        self._history: list[Message] = []
        self._view: list[Message] = []

    @property
    def history(self) -> list[Message]:
        """A copy of the whole conversation so far."""
        return [dict(m) for m in self._history]

    def _after_reset(self, observation, info, seed, options):
        prefix = info.get("prefix", [])
        self._history = [{"role": m["role"], "content": m["content"]} for m in prefix]
        self._history.append({"role": "user", "content": observation})
        self._view = list(self._history)
        self._publish(info)
        return observation, info

    def _after_step(self, action, observation, reward, terminated, truncated, info) -> StepResult:
        if action is not None:
            turn = [{"role": "assistant", "content": action}, {"role": "user", "content": observation}]
            self._history += turn
            if info.get("history_reset"):
                prefix = info.get("prefix", [])
                self._view = [{"role": m["role"], "content": m["content"]} for m in prefix] + turn[1:]
            else:
                self._view += turn
        self._publish(info)
        return observation, reward, terminated, truncated, info

    def _publish(self, info: dict[str, Any]) -> None:
        info["history"] = self.history
        info["messages"] = [dict(m) for m in self._view]


def ensure_chat_history(env: gym.Env) -> gym.Env:
    """``env`` itself when a ``ChatHistory`` is already in its chain, else ``ChatHistory(env)``."""
    return env if find_wrapper(env, ChatHistory) is not None else ChatHistory(env)
