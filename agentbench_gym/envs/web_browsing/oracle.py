"""The scripted WB solver: picks the gold element whenever it is offered, else ``A``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agentbench_gym.envs.web_browsing.parse import answer_text


class WebBrowsingOracle:
    """Answers each round from the ground truth of ``env.current_step``.

    It proves every step whose gold element reaches the ranker's top-k can be solved: the gold
    element wins its group, returns to the pool and wins the final.
    """

    def __init__(self, env: Any) -> None:
        """Solve episodes of ``env`` (a ``WebBrowsingEnv``, possibly wrapped)."""
        self.env = env.unwrapped

    def reset(self) -> None:
        """Nothing to forget: each round is answered from the env's state."""

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """The gold letter, operation and value, or ``Answer: A.`` when no option is gold."""
        step = self.env.current_step
        if step is None:
            return "Answer: A."
        gold = {c.uid for c in step.positives}
        for k, uid in enumerate(self.env.current_choices):
            if uid in gold:
                return "Thought: this element does what the task needs next.\n" + answer_text(
                    chr(ord("B") + k), step.op, step.value)
        return "Thought: none of these elements is the next one to use.\nAnswer: A."
