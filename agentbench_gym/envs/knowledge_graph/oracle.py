"""The scripted KG solver: replays the sample's gold tool calls, then names the last variable."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_VARIABLE = re.compile(r"variable #(\d+)")


class KnowledgeGraphOracle:
    """Plays ``env.sample.actions`` one per turn, then ``Final Answer: #k`` for the newest variable.

    Args:
        env: the (unwrapped) ``KnowledgeGraphEnv`` whose current sample it reads.
    """

    def __init__(self, env: Any) -> None:
        """Bind to ``env``."""
        self.env = env
        self.reset()

    def reset(self) -> None:
        """Forget the previous episode."""
        self._step = 0
        self._last: int | None = None

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """The next gold action, or the final answer once they are all played."""
        if info.get("turn", 0) == 0:
            self.reset()
        found = _VARIABLE.search(observation)
        if found:
            self._last = int(found.group(1))
        actions = self.env.sample.actions
        if self._step < len(actions):
            action = actions[self._step]
            self._step += 1
            return f"Thought: I follow the plan, step {self._step}.\nAction: {action}"
        last = 0 if self._last is None else self._last
        return f"Thought: #{last} is the final answer.\nFinal Answer: #{last}"
