"""The policy protocol: a policy maps the conversation so far to the agent's next reply."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Policy(Protocol):
    """Anything with ``reset()`` and ``act(observation, info) -> reply``."""

    def reset(self) -> None:
        """Forget the previous episode."""

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """Return the reply to ``observation`` (``info`` is the env's info of that step)."""


@runtime_checkable
class AsyncPolicy(Policy, Protocol):
    """A policy that can also answer asynchronously (for I/O-bound policies)."""

    async def aact(self, observation: str, info: Mapping[str, Any]) -> str:
        """Async form of ``act``."""
