"""Scripted household solver: replays the game's walkthrough, or a plan from the engine's planner."""

from __future__ import annotations

from typing import Any


class HouseholdOracle:
    """Plays the sample's walkthrough (built-in games carry one); otherwise asks the env's planner.

    Replies use AgentBench's format: a short ``THOUGHT`` on the first turn, then ``ACTION: ...``.
    """

    def __init__(self, env: Any) -> None:
        """Bind to the (unwrapped) household env whose sample and planner it reads."""
        self.env = env
        self._plan: list[str] = []

    def reset(self) -> None:
        """Forget the previous episode's plan."""
        self._plan = []

    def act(self, observation: str, info: dict[str, Any]) -> str:
        """The next command of the plan (made at the episode's first turn)."""
        if info.get("turn", 0) == 0 or not self._plan:
            walkthrough = list(self.env.sample.walkthrough)
            self._plan = walkthrough if walkthrough and info.get("turn", 0) == 0 else self.env.plan()
            command = self._plan.pop(0) if self._plan else "look"
            return f"THOUGHT: I follow my plan: {', '.join([command, *self._plan])}.\n ACTION: {command}"
        return f"ACTION: {self._plan.pop(0)}"
