"""A tiny AgentBenchEnv used to test the core and wrappers without a real task."""

from __future__ import annotations

from dataclasses import dataclass

from agentbench_gym.core import AgentBenchEnv, Outcome, TurnResult


@dataclass(frozen=True)
class GuessSample:
    """A secret word to guess."""

    id: str
    word: str


class GuessWordEnv(AgentBenchEnv):
    """Guess the secret word: ``ANSWER: word`` ends the episode, ``GUESS: x`` costs a turn.

    Any other reply is an invalid format; ``BOOM`` makes the "infrastructure" fail.
    """

    task = "GUESS"
    default_max_turns = 4
    splits = ("dev", "other")
    reply_examples = ("GUESS: a", "ANSWER: apple")
    repeat_limit = 3

    def __init__(self, **kwargs):
        self.released = 0
        super().__init__(**kwargs)

    def _load_samples(self, split, data_dir):
        words = ["apple", "pear", "plum"] if split == "dev" else ["fig"]
        return [GuessSample(f"{split}-{i}", w) for i, w in enumerate(words)]

    def _start(self, sample):
        return "Guess the word.", [{"role": "user", "content": "Rules."},
                                   {"role": "assistant", "content": "OK."}]

    def _turn(self, reply):
        if reply == "BOOM":
            raise RuntimeError("backend exploded")
        if reply.startswith("ANSWER: "):
            right = reply[8:] == self.sample.word
            return TurnResult("Done.", Outcome.COMPLETED, score=float(right), metrics={"right": right})
        if reply.startswith("GUESS: "):
            close = reply[7:8] == self.sample.word[:1]
            return TurnResult("Warm." if close else "Cold.", progress=0.5 if close else 0.0)
        return TurnResult("Bad format.", Outcome.INVALID_FORMAT, score=0.0)

    def _release(self):
        self.released += 1
