"""LTP scores: game progress per sample and AgentBench's aggregate metrics (GP, SGA, RE, QR)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class GameState:
    """Counters of one game, named as in AgentBench's LTP task.

    Attributes:
        hints: number of key points (the denominator of progress).
        rounds: the round limit (the denominator of SGA, RE and QR: 25).
        correct: questions answered yes.
        relevance: questions answered yes or no.
        found: indices of the key points uncovered, in order.
        finish_round: round at which the game counted as finished (``rounds`` if never).
        abort: AgentBench's abort counter (+2 per reply that tries to end the game).
    """

    hints: int
    rounds: int
    correct: int = 0
    relevance: int = 0
    found: list[int] = field(default_factory=list)
    finish_round: int | None = None
    abort: int = 0

    @property
    def progress(self) -> float:
        """Game progress: the share of key points uncovered."""
        return len(self.found) / self.hints if self.hints else 0.0

    def metrics(self, turns: int, key_texts: Sequence[str]) -> dict[str, Any]:
        """The per-sample metrics reported in ``info["metrics"]``."""
        finish = self.finish_round if self.finish_round is not None else self.rounds
        return {
            "progress": self.progress,
            "SGA": self.correct / self.rounds,
            "RE": 1 - finish / self.rounds,
            "QR": self.relevance / self.rounds,
            "turns": turns,
            "finished": self.finish_round is not None,
            "finish_round": finish,
            "hints": self.hints,
            "keys_found": len(self.found),
            "hit_keys": [key_texts[i] for i in self.found],
            "hit_key_indices": list(self.found),
        }


def aggregate(episodes: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """AgentBench's ``calculate_overall``: means of progress (main = GP), SGA, RE and QR."""
    if not episodes:
        return {"main": 0.0, "GP": 0.0, "SGA": 0.0, "RE": 0.0, "QR": 0.0}
    n = len(episodes)

    def mean(name: str) -> float:
        return sum(float(e.get("metrics", {}).get(name, 0.0)) for e in episodes) / n

    gp = sum(float(e["score"]) for e in episodes) / n
    return {"main": gp, "GP": gp, "SGA": mean("SGA"), "RE": mean("RE"), "QR": mean("QR")}
