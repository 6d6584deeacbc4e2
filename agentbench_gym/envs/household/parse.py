"""Reply parsing: AgentBench's ``ACTION:`` extraction and its BLEU snap to an admissible command.

Upstream (``utils.process_action``): ``re.search("ACTION:(.*)")`` on the raw reply (no match: the
episode ends as invalid action); the captured rest of that line is stripped and lower-cased; an
admissible command is used as is; otherwise the admissible command with the highest sentence BLEU
(NLTK, smoothing method 4) is used if its score is above 0.01, else the raw text goes to the game
(which answers "Nothing happens."). An empty action also ends the episode (upstream's
``if not action``).

One addition, asked for by the issue: the two place phrasings ("put X in/on Y", AgentBench's
games, and "move X to Y", current ALFWorld) are interchangeable. When the agent's command is not
admissible but its other phrasing is, the other phrasing is used before any BLEU matching.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from functools import lru_cache

from agentbench_gym.errors import MissingExtra

ACTION_PATTERN = re.compile("ACTION:(.*)")
"""Upstream's pattern (``.`` stops at a newline, so only the rest of that line is captured)."""

BLEU_LIMIT = 0.01
"""Upstream's ``limit``: a best BLEU at or below it leaves the raw text unchanged."""

_HOPELESS = 1000
"""A candidate of c tokens against a reference of r tokens has BLEU <= max(r, ln c) / (c - 3): every
n-gram precision is at most that (clipped matches <= r; NLTK's method-4 smoothing gives a zero
count at most ln(c) / 10) and the brevity penalty is 1. Past ``_HOPELESS * max(10, r)`` tokens
that bound is under a tenth of ``BLEU_LIMIT``, so the raw text is kept without scoring it (scoring
a megabyte reply would take tens of seconds)."""

_PUT = re.compile(r"^put (.+) in/on (.+)$")
_MOVE = re.compile(r"^move (.+) to (.+)$")


def extract_action(reply: str) -> str | None:
    """The command text of a reply, as upstream cleans it; None when there is no ``ACTION:``.

    The result may be the empty string (``"ACTION:"`` followed by nothing), which upstream also
    treats as an invalid action.
    """
    match = ACTION_PATTERN.search(reply)
    if match is None:
        return None
    return match.group(1).strip().lower().split("\n")[0]


def other_phrasing(command: str) -> str | None:
    """``put X in/on Y`` <-> ``move X to Y``; None for any other command."""
    match = _PUT.match(command)
    if match:
        return f"move {match.group(1)} to {match.group(2)}"
    match = _MOVE.match(command)
    if match:
        return f"put {match.group(1)} in/on {match.group(2)}"
    return None


@lru_cache(maxsize=1)
def _nltk_bleu():
    try:
        from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu
    except ImportError as exc:  # pragma: no cover - the extra installs nltk
        raise MissingExtra("alfworld", "AgentBench's BLEU action matching (nltk)", exc) from exc
    return sentence_bleu, SmoothingFunction().method4


def bleu(reference: str, candidate: str) -> float:
    """Upstream's ``bleu_score``: NLTK sentence BLEU on whitespace tokens, smoothing method 4."""
    sentence_bleu, smoothing = _nltk_bleu()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NLTK warns when an n-gram order has no overlap
        return float(sentence_bleu([reference.split()], candidate.split(), smoothing_function=smoothing))


def snap_action(action: str, choices: Sequence[str], *, limit: float = BLEU_LIMIT) -> str:
    """Map a cleaned action to the command the game receives (upstream's ``process_action``).

    Args:
        action: the output of ``extract_action`` (non-empty).
        choices: the admissible commands shown to the agent.
        limit: the BLEU threshold.
    """
    if not choices or action in choices:
        return action
    alternative = other_phrasing(action)
    if alternative is not None and alternative in choices:
        return alternative
    if len(action.split()) > _HOPELESS * max(10, *(len(choice.split()) for choice in choices)):
        return action  # BLEU of so long a text is far below the limit for every choice (see _HOPELESS)
    best, best_score = action, None
    try:
        for choice in choices:  # first maximum wins, as numpy's argmax
            score = bleu(choice, action)
            if best_score is None or score > best_score:
                best, best_score = choice, score
    except (ValueError, ZeroDivisionError, OverflowError):  # upstream prints and keeps the raw text
        return action
    return best if best_score is not None and best_score > limit else action
