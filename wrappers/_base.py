"""Shared plumbing of the message wrappers: step post-processing and agent-side episode ends."""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from agentbench_gym.core import Outcome

StepResult = tuple[str, float, bool, bool, dict[str, Any]]


def end_episode(env: gym.Env, outcome: Outcome | str, reason: str = "") -> StepResult:
    """End ``env``'s running episode from the agent's side (``context_limit`` or ``agent_error``).

    The call goes through every wrapper that knows about agent-side ends (ours), so that a
    trajectory recorder or chat history above sees the end like a step; other wrappers (e.g.
    Gymnasium's ``OrderEnforcing``) are passed through to the ``AgentBenchEnv`` underneath.
    """
    current: Any = env
    while True:
        if "end_episode" in _class_attrs(current):
            return current.end_episode(outcome, reason)
        if isinstance(current, gym.Wrapper):
            current = current.env
            continue
        raise TypeError(f"{type(env).__name__} does not wrap an AgentBenchEnv (no end_episode)")


def _class_attrs(obj: Any) -> set[str]:
    # Only methods really defined on the class count: gymnasium wrappers do not forward attributes.
    return {name for klass in type(obj).__mro__ for name in vars(klass)}


def find_wrapper(env: gym.Env, kind: type) -> gym.Wrapper | None:
    """The outermost wrapper of type ``kind`` in ``env``'s chain, or None."""
    current: Any = env
    while isinstance(current, gym.Wrapper):
        if isinstance(current, kind):
            return current
        current = current.env
    return None


class AgentBenchWrapper(gym.Wrapper[str, str, str, str], gym.utils.RecordConstructorArgs):
    """Base of our wrappers: subclasses post-process resets and steps in two hooks.

    Agent-side ends (``end_episode``) pass through the same ``_after_step`` hook as steps, with
    ``action=None``, so every wrapper sees how the episode ended.
    """

    def __init__(self, env: gym.Env, **kwargs: Any) -> None:
        """Wrap ``env``; ``kwargs`` are recorded so the wrapper can be rebuilt from a spec."""
        gym.utils.RecordConstructorArgs.__init__(self, **kwargs)
        gym.Wrapper.__init__(self, env)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Reset the wrapped env, then let the wrapper add to ``info``."""
        observation, info = self.env.reset(seed=seed, options=options)
        return self._after_reset(observation, info, seed, options)

    def step(self, action: str) -> StepResult:
        """Step the wrapped env, then let the wrapper add to ``info``."""
        return self._after_step(action, *self.env.step(action))

    def end_episode(self, outcome: Outcome | str, reason: str = "") -> StepResult:
        """End the episode from the agent's side (see ``end_episode``); returns a step result."""
        return self._after_step(None, *end_episode(self.env, outcome, reason))

    def _after_reset(self, observation: str, info: dict[str, Any], seed: int | None,
                     options: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
        return observation, info

    def _after_step(self, action: str | None, observation: str, reward: float, terminated: bool,
                    truncated: bool, info: dict[str, Any]) -> StepResult:
        return observation, reward, terminated, truncated, info
