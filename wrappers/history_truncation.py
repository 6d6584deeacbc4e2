"""AgentBench's history truncation: keep u0, drop the oldest turns until under the token budget.

Token counting is pluggable. ``count_tokens`` is AgentBench's own heuristic (the one its
framework uses for every agent, whatever the model, so it is the one that reproduces
AgentBench); ``token_counter("tiktoken:cl100k_base")`` or ``token_counter("hf:tokenizer.json")``
count real tokens of a model of your choice instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from itertools import groupby
from typing import Any

import gymnasium as gym
from agentbench_gym.wrappers._base import AgentBenchWrapper, StepResult
from agentbench_gym.wrappers.chat_history import ensure_chat_history

from agentbench_gym.core import Message
from agentbench_gym.errors import BackendUnavailable, MissingExtra

TokenCounter = Callable[[str], int]

DEFAULT_MAX_TOKENS = 3500
"""AgentBench's budget (``threshold_segments`` in its ``Session.filter_messages``)."""

NOTICE = "\n\n[NOTICE] {omitted} messages are omitted."
"""Appended to the first message when messages were left out (AgentBench's wording)."""

# Up to 7 word characters that are not digits or "_": letters, in chunks as AgentBench counts
# them (a superset of str.isalpha, checked below).
_CHUNKS = re.compile(r"[^\W\d_]{1,7}")
_ASCII_CHUNKS = re.compile(r"[A-Za-z]{1,7}")


def count_tokens(text: str) -> int:
    """AgentBench's segment count: the "tokens" its history truncation budgets.

    Each run of letters (``str.isalpha``, so CJK too) counts one per started group of 7
    letters; every other character counts 1, except spaces and newlines, which count 0.
    Digits, punctuation and tabs therefore count one each.

    >>> count_tokens("hello world")      # 2 words shorter than 7 letters
    2
    >>> count_tokens("internationalization")  # 20 letters: 7 + 7 + 6
    3
    >>> count_tokens("ls -la /etc\\n")   # ls, -, la, /, etc
    5
    """
    if text.isascii():  # most text: ASCII letters are exactly [A-Za-z]
        chunks = _ASCII_CHUNKS.findall(text)
        letters = "".join(chunks)
    else:
        chunks = _CHUNKS.findall(text)
        letters = "".join(chunks)
    if not letters.isascii() and not letters.isalpha():
        return _count_tokens_by_char(text)  # numeric non-letters (², ½, Ⅻ) matched the regex
    # Each chunk is up to 7 letters of one run: one segment. Every other character counts one,
    # except spaces and newlines.
    return len(chunks) + len(text) - len(letters) - text.count(" ") - text.count("\n")


def _count_tokens_by_char(text: str) -> int:
    total = 0
    for is_letter, run in groupby(text, str.isalpha):
        if is_letter:
            total += (sum(1 for _ in run) + 6) // 7
        else:
            total += sum(1 for char in run if char not in " \n")
    return total


def token_counter(spec: str | TokenCounter | Any | None = None) -> TokenCounter:
    """Build a token counter from a spec.

    Args:
        spec: ``None`` or ``"agentbench"``: AgentBench's segment heuristic (``count_tokens``);
            ``"tiktoken:ENCODING"`` (e.g. ``"tiktoken:cl100k_base"``; needs the ``tiktoken``
            extra and its encoding file, cached or reachable); ``"hf:PATH"``: a Hugging Face
            ``tokenizer.json`` file (needs the ``tokenizers`` extra); a callable ``text -> int``; or
            a tokenizer object with ``encode`` (tiktoken ``Encoding``, ``tokenizers.Tokenizer``,
            ``transformers`` tokenizers).
    """
    if spec is None or spec == "agentbench":
        return count_tokens
    if isinstance(spec, str):
        kind, _, arg = spec.partition(":")
        if kind == "tiktoken" and arg:
            return _encoder_counter(load_tiktoken(arg))
        if kind == "hf" and arg:
            return _encoder_counter(load_hf_tokenizer(arg))
        raise ValueError(f"unknown token counter {spec!r}: use 'agentbench', 'tiktoken:ENCODING' "
                         "or 'hf:PATH/tokenizer.json'")
    if hasattr(spec, "encode"):
        return _encoder_counter(spec)
    if callable(spec):
        return spec
    raise TypeError(f"a token counter must be a spec string, a callable or a tokenizer, got {spec!r}")


def encode_ids(tokenizer: Any, text: str) -> list[int]:
    """Token ids of ``text`` for tiktoken, ``tokenizers`` and ``transformers`` tokenizers alike."""
    if hasattr(tokenizer, "encode_ordinary"):  # tiktoken: no special-token checks on user text
        return list(tokenizer.encode_ordinary(text))
    if type(tokenizer).__module__.startswith("tokenizers"):
        return list(tokenizer.encode(text, add_special_tokens=False).ids)
    encoded = tokenizer.encode(text, add_special_tokens=False) if _takes_special(tokenizer) \
        else tokenizer.encode(text)
    return list(getattr(encoded, "ids", encoded))


def _takes_special(tokenizer: Any) -> bool:
    return type(tokenizer).__module__.startswith("transformers")


def _encoder_counter(tokenizer: Any) -> TokenCounter:
    def count(text: str) -> int:
        return len(encode_ids(tokenizer, text))
    return count


def load_tiktoken(encoding: str) -> Any:
    """A tiktoken encoding by name; a clear error when tiktoken or its encoding file is missing."""
    try:
        import tiktoken
    except ImportError as exc:
        raise MissingExtra("tiktoken", "counting tokens with tiktoken", exc) from exc
    try:
        return tiktoken.get_encoding(encoding)
    except ValueError:
        raise
    except Exception as exc:  # the encoding file is downloaded on first use and cached
        raise BackendUnavailable(
            f"tiktoken encoding {encoding!r} is not available offline ({exc}); put its file in "
            f"TIKTOKEN_CACHE_DIR (now {os.environ.get('TIKTOKEN_CACHE_DIR', 'unset')}) or use "
            "'hf:PATH/tokenizer.json'") from exc


def load_hf_tokenizer(path: str) -> Any:
    """A Hugging Face ``tokenizers.Tokenizer`` from a ``tokenizer.json`` file (or its folder)."""
    file = os.path.join(path, "tokenizer.json") if os.path.isdir(path) else path
    if not os.path.isfile(file):
        raise FileNotFoundError(f"no tokenizer file at {file}")
    try:
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise MissingExtra("tokenizers", "counting tokens with a Hugging Face tokenizer", exc) from exc
    return Tokenizer.from_file(file)


def truncate_history(messages: Sequence[Message], max_tokens: int = DEFAULT_MAX_TOKENS,
                     count: TokenCounter = count_tokens) -> list[Message]:
    """AgentBench's truncation of the history sent to the agent (a new list; input untouched).

    The first message (the instruction) is always kept. Walking from the newest message back,
    messages are kept while the running count, seeded with the first message's count, stays
    under ``max_tokens``. If the oldest kept message is a ``user`` one it is dropped too, so
    the instruction is followed by an agent reply. When anything was left out, the first
    message gets ``"\\n\\n[NOTICE] N messages are omitted."`` (N is even: whole turn pairs).
    As in AgentBench, when the newest observation alone does not fit, the view is the first
    message alone, with the notice: the agent answers without seeing that observation.

    Args:
        messages: ``{"role", "content"}`` dicts, roles ``user``/``assistant``, starting and
            ending with ``user`` (an odd count), as AgentBench requires.
        max_tokens: the budget (AgentBench: 3500).
        count: the token counter (AgentBench: ``count_tokens``).

    >>> h = [{"role": "user", "content": "task"}, {"role": "assistant", "content": "a " * 10},
    ...      {"role": "user", "content": "b " * 10}, {"role": "assistant", "content": "ok"},
    ...      {"role": "user", "content": "next"}]
    >>> [m["content"] for m in truncate_history(h, max_tokens=5)]
    ['task\\n\\n[NOTICE] 2 messages are omitted.', 'ok', 'next']
    """
    if len(messages) % 2 != 1:
        raise ValueError(f"the history must hold an odd number of messages (it starts and ends with "
                         f"the user), got {len(messages)}")
    used = count(messages[0]["content"])
    kept: list[Message] = []  # newest first
    for message in reversed(messages[1:]):
        used += count(message["content"])
        if used >= max_tokens:
            break
        kept.append(message)
    if kept and kept[-1]["role"] == "user":
        kept.pop()
    omitted = len(messages) - len(kept) - 1
    first = {"role": messages[0]["role"], "content": messages[0]["content"]}
    if omitted > 0:
        first["content"] += NOTICE.format(omitted=omitted)
    return [first, *({"role": m["role"], "content": m["content"]} for m in reversed(kept))]


class HistoryTruncation(AgentBenchWrapper):
    """Shorten ``info["messages"]`` as AgentBench does before every agent call.

    The whole conversation stays in ``info["history"]`` (AgentBench also truncates only the
    view sent to the agent). ``info["omitted"]`` is the number of messages left out. A
    ``ChatHistory`` is added underneath when the chain has none.

    Args:
        env: the env to wrap.
        max_tokens: the budget, AgentBench's 3500 by default.
        count_tokens: a counter spec for ``token_counter`` (default: AgentBench's heuristic).
    """

    def __init__(self, env: gym.Env, *, max_tokens: int = DEFAULT_MAX_TOKENS,
                 count_tokens: str | TokenCounter | Any | None = None) -> None:
        """Wrap ``env``; see the class docstring for the arguments."""
        if max_tokens < 1:
            raise ValueError(f"max_tokens must be positive, got {max_tokens}")
        super().__init__(ensure_chat_history(env), max_tokens=max_tokens, count_tokens=count_tokens)
        self.max_tokens = max_tokens
        self.count = token_counter(count_tokens)
        self._counts: dict[str, int] = {}

    def _counted(self, text: str) -> int:
        # The history only grows, so each message is counted once per episode, not once per step.
        value = self._counts.get(text)
        if value is None:
            value = self._counts[text] = self.count(text)
        return value

    def _after_reset(self, observation, info, seed, options):
        self._counts = {}
        self._truncate(info)
        return observation, info

    def _after_step(self, action, observation, reward, terminated, truncated, info) -> StepResult:
        self._truncate(info)
        return observation, reward, terminated, truncated, info

    def _truncate(self, info: dict[str, Any]) -> None:
        messages = info["messages"]
        view = truncate_history(messages, self.max_tokens, self._counted)
        info["messages"] = view
        info["omitted"] = len(messages) - len(view)
