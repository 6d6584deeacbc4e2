"""The Unicode text space shared by every AgentBench env."""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces

# Printable ASCII plus some Latin-1 and CJK so that `sample()` gives varied, mostly readable text.
_SAMPLE_CHARSET = "".join(chr(c) for c in range(32, 127)) + "\n\téüßñ中文字"


class UnicodeText(spaces.Text):
    """A text space that contains every Python ``str`` up to ``max_length`` characters.

    Gymnasium's :class:`~gymnasium.spaces.Text` only accepts strings made of its charset;
    LLM replies and observations can hold any character, so ``contains`` accepts any
    ``str`` here while ``sample()`` still draws from a small readable charset.

    Subclassing ``Text`` keeps Gymnasium's vector batching (which dispatches on ``Text``)
    working for ``gym.make_vec``.
    """

    def __init__(self, max_length: int = 1 << 24, *, seed: int | np.random.Generator | None = None):
        """Create a space of strings of at most ``max_length`` characters."""
        super().__init__(max_length=max_length, min_length=0, charset=_SAMPLE_CHARSET, seed=seed)

    def contains(self, x: Any) -> bool:
        """Return True for any ``str`` no longer than ``max_length``."""
        return isinstance(x, str) and len(x) <= self.max_length

    def sample(self, mask: Any = None, probability: Any = None) -> str:
        """Draw a short random string (at most 64 characters) from the sample charset."""
        if mask is not None or probability is not None:
            return super().sample(mask=mask, probability=probability)
        length = int(self.np_random.integers(0, min(64, self.max_length) + 1))
        chars = self.np_random.choice(list(_SAMPLE_CHARSET), size=length)
        return "".join(chars)

    def __repr__(self) -> str:
        """Readable representation."""
        return f"UnicodeText(max_length={self.max_length})"

    def __eq__(self, other: object) -> bool:
        """Two UnicodeText spaces are equal when their length bounds are."""
        return isinstance(other, UnicodeText) and other.max_length == self.max_length
