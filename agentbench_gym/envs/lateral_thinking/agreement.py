"""Measure a judge against labelled questions: answer accuracy and key-point agreement."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from agentbench_gym.envs.lateral_thinking.backends.base import Judge
from agentbench_gym.envs.lateral_thinking.data import Puzzle


@dataclass
class Agreement:
    """Counts of a judge's agreement with gold labels.

    Attributes:
        n: labelled questions judged.
        answers_right: questions whose yes/no/irrelevant matched the gold answer.
        keys_right: questions whose uncovered key point (or none) matched the gold key.
        confusion: (gold answer, judged answer) -> count.
    """

    n: int = 0
    answers_right: int = 0
    keys_right: int = 0
    confusion: Counter = field(default_factory=Counter)

    @property
    def answer_accuracy(self) -> float:
        """Share of questions answered as labelled."""
        return self.answers_right / self.n if self.n else 0.0

    @property
    def key_accuracy(self) -> float:
        """Share of questions whose key-point decision matched the label."""
        return self.keys_right / self.n if self.n else 0.0


def probe_agreement(judge: Judge, puzzles: Iterable[Puzzle]) -> Agreement:
    """Judge every labelled probe of ``puzzles`` (each with all key points still hidden)."""
    result = Agreement()
    for puzzle in puzzles:
        judge.start(puzzle)
        every_key: Sequence[int] = range(len(puzzle.key_points))
        for probe in puzzle.probes:
            reply = judge.ask(probe.question, every_key)
            result.n += 1
            result.answers_right += reply.verdict == probe.answer
            result.keys_right += reply.hit == probe.key
            result.confusion[(probe.answer, reply.verdict)] += 1
    return result
