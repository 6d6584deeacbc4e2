"""ALFWorld's engine as shipped: the game reloaded on every reset, every command's text re-derived."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agentbench_gym.envs.household.backends.common import EngineStep, _load, _new_pddl_env, release_library


class ReferenceEngine:
    """ALFWorld's engine as shipped (see the module docstring)."""

    def __init__(self) -> None:
        """Load a private copy of Fast Downward's library."""
        self._env = _new_pddl_env()
        self._closed = False

    def start(self, key: str, game: Mapping[str, Any]) -> EngineStep:
        """Load ``game`` and return its opening."""
        _load(self._env, game)
        return self._answer(self._env.reset())

    def step(self, command: str) -> EngineStep:
        """Send one command (anything not admissible answers ``Nothing happens.``)."""
        state, _score, _done = self._env.step(command)
        return self._answer(state)

    def plan(self) -> list[str]:
        """A winning command sequence from the current state, by Fast Downward (may be slow)."""
        base = self._env.unwrapped
        return list(base._pddl_state.replan(base._entity_infos))

    def close(self) -> None:
        """Return the library copy to the pool (idempotent)."""
        if not self._closed:
            self._closed = True
            release_library(self._env.unwrapped.downward_lib)
            self._env = None

    @staticmethod
    def _answer(state: Any) -> EngineStep:
        return EngineStep(state.feedback, tuple(state["admissible_commands"]), bool(state["won"]))
