"""The judge interface: the host answers a question and says which key point it uncovered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from agentbench_gym.envs.lateral_thinking.data import Puzzle


@dataclass(frozen=True)
class HostReply:
    """The host's answer to one question.

    Attributes:
        text: what the host says (the agent's next observation, before any notice).
        verdict: ``"yes"``, ``"no"``, ``"irrelevant"`` or ``"other"`` (e.g. a refused "why").
        hit: index (into ``puzzle.key_points``) of the key point uncovered by this question, or None.
    """

    text: str
    verdict: str
    hit: int | None = None


class Judge(Protocol):
    """A host that knows the truth. One judge plays one episode at a time."""

    def start(self, puzzle: Puzzle) -> None:
        """Begin a game on ``puzzle`` (forget the previous one)."""
        ...

    def ask(self, question: str, remaining: Sequence[int]) -> HostReply:
        """Answer ``question``; only key points listed in ``remaining`` can be hit."""
        ...

    def close(self) -> None:
        """Free what the judge holds (connections, models); idempotent."""
        ...
