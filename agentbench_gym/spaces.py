"""The Unicode text space shared by every AgentBench env."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.vector.utils import shared_memory

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


# Gymnasium's shared memory for Text stores indices into the space's charset, which garbles any
# character outside it, and is read only once (see SharedTexts). Ours stores code points + 1
# (0 pads), so any str round-trips, lone surrogates included.
@shared_memory.create_shared_memory.register(UnicodeText)
def _create_unicode_shared_memory(space: UnicodeText, n: int = 1, ctx: ModuleType = mp) -> Any:
    return ctx.Array(np.dtype(np.int32).char, n * space.max_length)


class SharedTexts(Sequence[str]):
    """The texts in an async vector env's shared memory, decoded when read.

    Gymnasium reads shared memory once, when the vector env is built, and relies on getting a
    live view (a numpy view for arrays). Text has no such view, so this sequence is one: each
    item is decoded from the buffer on access, and a ``deepcopy`` (what ``AsyncVectorEnv``
    returns with ``copy=True``, the default) is a plain tuple of the current texts.
    """

    def __init__(self, space: UnicodeText, memory: Any, n: int) -> None:
        """View ``n`` texts of ``space`` in ``memory``."""
        self._rows = np.frombuffer(memory.get_obj(), dtype=np.int32).reshape((n, space.max_length))

    def __len__(self) -> int:
        """Number of texts (envs)."""
        return len(self._rows)

    def __getitem__(self, index: Any) -> Any:
        """Decode one text (or a tuple of texts for a slice)."""
        if isinstance(index, slice):
            return tuple(self)[index]
        row = self._rows[index]
        padding = np.flatnonzero(row == 0)
        codes = row[: padding[0] if padding.size else len(row)] - 1
        return codes.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence holding the same texts."""
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]  # mutable view

    def __deepcopy__(self, memo: dict) -> tuple[str, ...]:
        """A snapshot: the texts as a plain tuple."""
        return tuple(self)

    def __repr__(self) -> str:
        """Shown as the tuple of its texts."""
        return repr(tuple(self))


@shared_memory.read_from_shared_memory.register(UnicodeText)
def _read_unicode_from_shared_memory(space: UnicodeText, memory: Any, n: int = 1) -> SharedTexts:
    return SharedTexts(space, memory, n)


@shared_memory.write_to_shared_memory.register(UnicodeText)
def _write_unicode_to_shared_memory(space: UnicodeText, index: int, value: str, memory: Any) -> None:
    size = space.max_length
    codes = np.frombuffer(value.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.int32) + 1
    if len(codes) > size:
        raise ValueError(f"a {len(codes)}-character text does not fit {space}")
    row = np.frombuffer(memory.get_obj(), dtype=np.int32)[index * size: (index + 1) * size]
    row[: len(codes)] = codes
    row[len(codes):] = 0
