"""A small real AgentBench env for toolkit tests: an echo task with a prefix, a limit and a score.

Replies: ``say TEXT`` echoes TEXT (the episode goes on); ``answer WORD`` ends it (score 1 when
WORD is the sample's word, else 0); anything else is ``invalid_format``. At the turn limit (5)
or on a context limit the score is the share of turns spent saying the word (partial credit,
to show that ``_on_limit`` scores agent-side ends).
"""

from __future__ import annotations

from dataclasses import dataclass

import gymnasium as gym

from agentbench_gym.core import AgentBenchEnv, Outcome, TurnResult

INSTRUCTION = "You play the echo game. Reply 'say TEXT' to speak or 'answer WORD' to finish."
ACK = "OK. I will reply with 'say' or 'answer'."
ECHO_ID = "AgentBenchTest/Echo-v0"


@dataclass(frozen=True)
class EchoSample:
    """One echo puzzle: the word to answer."""

    id: str
    word: str


SAMPLES = tuple(EchoSample(f"echo-{i}", word) for i, word in
                enumerate(["apple", "banana", "cherry", "damson", "elder", "fig"]))


class EchoEnv(AgentBenchEnv):
    """Echo task for tests (see the module docstring)."""

    task = "ECHO"
    default_max_turns = 5
    splits = ("dev",)
    oracle = "fake_env:EchoOracle"
    reply_examples = ("say hello", "answer apple")

    def _load_samples(self, split, data_dir):
        return SAMPLES

    def _start(self, sample):
        self._said = 0
        return f"The word is {sample.word}. What do you say?", [
            {"role": "user", "content": INSTRUCTION}, {"role": "assistant", "content": ACK}]

    def _turn(self, reply):
        if reply.startswith("say "):
            self._said += int(self.sample.word in reply)
            return TurnResult(f"You said: {reply[4:]}")
        if reply.startswith("answer "):
            correct = reply[7:].strip() == self.sample.word
            return TurnResult("Done.", Outcome.COMPLETED, score=float(correct), metrics={"correct": correct})
        return TurnResult("Invalid reply.", Outcome.INVALID_FORMAT, score=0.0)

    def _on_limit(self, last, outcome):
        return TurnResult(last.observation, outcome, score=self._said / 10, metrics={"said": self._said})


class EchoOracle:
    """Answers the word at once."""

    def __init__(self, env):
        """Play ``env``."""
        self.env = env

    def reset(self):
        """Nothing to forget."""

    def act(self, observation, info):
        """Answer the sample's word."""
        return f"answer {self.env.sample.word}"


if ECHO_ID not in gym.registry:
    gym.register(id=ECHO_ID, entry_point=EchoEnv)
