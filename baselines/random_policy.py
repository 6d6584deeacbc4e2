"""A seeded random policy: random text mixed with replies in the task's own format."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


class RandomPolicy:
    """Replies with random text, or with one of ``templates`` (format look-alikes) half the time.

    Args:
        seed: seed of the policy's own Generator (None: fresh entropy).
        templates: well-formed example replies of the task, e.g. ``env.unwrapped.reply_examples``.
    """

    def __init__(self, seed: int | None = None, templates: Sequence[str] = ()) -> None:
        """Create the policy."""
        self._seed = seed
        self.templates = tuple(templates)
        self.rng = np.random.default_rng(seed)

    def reset(self) -> None:
        """Nothing to forget: each reply is independent."""

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """Return a random reply."""
        if self.templates and self.rng.random() < 0.5:
            return self.templates[int(self.rng.integers(len(self.templates)))]
        length = int(self.rng.integers(1, 80))
        return "".join(self.rng.choice(list("abcdefghij {}[]():,\"'#\n0123456789"), size=length))
