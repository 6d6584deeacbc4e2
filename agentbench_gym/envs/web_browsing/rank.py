"""A lexical candidate ranker (BM25) for steps whose data carries no Mind2Web ranker scores."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from agentbench_gym.envs.web_browsing.dom import META_ATTRS, Page

_TOKEN = re.compile(r"[a-z0-9]+")
K1, B = 1.2, 0.75
TEXT_TOKENS = 60  # text under an element that counts towards its document
# A small prior on top of BM25 (documented in the env card): form controls a step can act on
# outrank plain links at equal lexical evidence, and an empty field outranks a filled one.
CONTROL_PRIOR = 0.5
EMPTY_FIELD_PRIOR = 0.5
_CONTROLS = frozenset({"input", "select", "textarea", "button"})


def tokenize(text: str) -> list[str]:
    """Lower-case alphanumeric tokens."""
    return _TOKEN.findall(text.lower())


def element_document(page: Page, uid: str) -> list[str]:
    """The words that describe an element: tag, salient attributes and the text under it."""
    index = page.by_id.get(uid)
    if index is None:
        return []
    node = page.nodes[index]
    words = tokenize(node.tag)
    for name in META_ATTRS:
        if name != "class" and node.attrs.get(name):
            words += tokenize(node.attrs[name])
    words += tokenize(" ".join(page.text_of(index, TEXT_TOKENS)))
    return words


def bm25_scores(query: Sequence[str], documents: Sequence[Sequence[str]]) -> list[float]:
    """Okapi BM25 of ``query`` against each document, with IDF over these documents."""
    n = len(documents)
    if n == 0:
        return []
    counts = [Counter(doc) for doc in documents]
    average = sum(len(doc) for doc in documents) / n or 1.0
    terms = set(query)
    df = {t: sum(1 for c in counts if t in c) for t in terms}
    idf = {t: math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in terms}
    scores = []
    for doc, count in zip(documents, counts, strict=True):
        norm = K1 * (1 - B + B * len(doc) / average)
        scores.append(sum(idf[t] * count[t] * (K1 + 1) / (count[t] + norm) for t in terms if t in count))
    return scores


def prior(page: Page, uid: str) -> float:
    """The structural prior of an element (see ``CONTROL_PRIOR``)."""
    index = page.by_id.get(uid)
    if index is None:
        return 0.0
    node = page.nodes[index]
    if node.tag not in _CONTROLS and node.attrs.get("role") not in ("option", "radio", "checkbox"):
        return 0.0
    filled = node.attrs.get("input_value") or node.attrs.get("input_checked") == "true" or any(
        page.nodes[c].attrs.get("option_selected") == "true" for c in node.children)
    empty = node.tag != "button" and not filled
    return CONTROL_PRIOR + (EMPTY_FIELD_PRIOR if empty else 0.0)


def rank_candidates(page: Page, query: str, uids: Sequence[str]) -> dict[str, tuple[int, float]]:
    """Rank ``uids`` (0 = best) by BM25 of ``query`` plus the structural prior; ties keep document order.

    Returns each id's ``(rank, score)``.
    """
    documents = [element_document(page, uid) for uid in uids]
    scores = [s + prior(page, uid) for s, uid in zip(bm25_scores(tokenize(query), documents), uids, strict=True)]
    position = {uid: page.by_id.get(uid, len(page.nodes)) for uid in uids}
    order = sorted(range(len(uids)), key=lambda i: (-scores[i], position[uids[i]], i))
    return {uids[i]: (rank, scores[i]) for rank, i in enumerate(order)}
