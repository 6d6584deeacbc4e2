"""Scripted LTP solver: asks, for each key point still hidden, the question written to uncover it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agentbench_gym.envs.lateral_thinking.data import Puzzle


def oracle_questions(puzzle: Puzzle) -> list[tuple[int, str]]:
    """(key index, question) pairs in asking order: the scripted question, then each paraphrase.

    Upstream puzzles have no scripted questions; their key points are asked as
    "Is it true that <key point>?" (meant for the LLM judge).
    """
    first, backup = [], []
    for index, point in enumerate(puzzle.key_points):
        first.append((index, point.ask or f"Is it true that {point.text.rstrip('.')}?"))
        backup.extend((index, f"Is it true that {text.rstrip('.')}?") for text in point.paraphrases)
    return first + backup


class LateralThinkingOracle:
    """Reads the env's puzzle and asks the question of every key point not yet uncovered."""

    def __init__(self, env: Any) -> None:
        """Bind to the (unwrapped) env whose ``sample`` the solver reads."""
        self.env = env
        self._queue: list[tuple[int, str]] = []
        self._puzzle_id: str | None = None

    def reset(self) -> None:
        """Forget the previous game."""
        self._queue = []
        self._puzzle_id = None

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """The next question for a key point that is still hidden."""
        puzzle: Puzzle = self.env.sample
        if puzzle.id != self._puzzle_id or info.get("turn", 0) == 0:
            self._queue = oracle_questions(puzzle)
            self._puzzle_id = puzzle.id
        found = set(self.env.found_keys)
        while self._queue:
            index, question = self._queue.pop(0)
            if index not in found:
                return question
        return "Is there anything else I have missed?"
