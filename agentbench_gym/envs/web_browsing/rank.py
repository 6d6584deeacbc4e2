"""A lexical candidate ranker (BM25) for steps whose data carries no Mind2Web ranker scores."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import islice
from typing import Any

from agentbench_gym.envs.web_browsing.dom import META_ATTRS, Page

_TOKEN = re.compile(r"[a-z0-9]+")
K1, B = 1.2, 0.75
TEXT_TOKENS = 60  # words of an element's document (tag, attributes, then its text)
TEXT_PIECES = 60  # text pieces read under an element (bounds the cost for whole-page containers)
_DOC_ATTRS = frozenset(META_ATTRS) - {"class"}
# A small prior on top of BM25 (documented in the env card): form controls a step can act on
# outrank plain links at equal lexical evidence, and an empty field outranks a filled one.
CONTROL_PRIOR = 0.5
EMPTY_FIELD_PRIOR = 0.5
_CONTROLS = frozenset({"input", "select", "textarea", "button"})
_CONTROL_ROLES = frozenset({"option", "radio", "checkbox"})


def tokenize(text: str) -> list[str]:
    """Lower-case alphanumeric tokens."""
    return _TOKEN.findall(text.lower())


def element_document(page: Page, uid: str) -> list[str]:
    """The words that describe an element: tag, salient attributes and the text under it."""
    element = page.by_id.get(uid)
    return [] if element is None else _words(element)


def _words(element: ET.Element) -> list[str]:
    parts = [element.tag if isinstance(element.tag, str) else ""]
    parts += [v for k, v in element.attrib.items() if k in _DOC_ATTRS]
    parts += islice(element.itertext(), TEXT_PIECES)
    return _TOKEN.findall(" ".join(parts).lower())[:TEXT_TOKENS]


def bm25_scores(query: Sequence[str], documents: Sequence[Sequence[str]]) -> list[float]:
    """Okapi BM25 of ``query`` against each document, with IDF over these documents."""
    terms = set(query)
    counts = []
    for doc in documents:
        common = terms.intersection(doc)
        counts.append([(t, doc.count(t)) for t in common] if common else ())
    return _bm25(terms, [len(doc) for doc in documents], counts)


def _bm25(terms: set[str], lengths: list[int], counts: list[Any]) -> list[float]:
    n = len(lengths)
    if n == 0:
        return []
    average = sum(lengths) / n or 1.0
    df = dict.fromkeys(terms, 0)
    for count in counts:
        for t, _c in count:
            df[t] += 1
    idf = {t: math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in terms}
    base, scale, k1 = K1 * (1 - B), K1 * B / average, K1 + 1
    scores = []
    for length, count in zip(lengths, counts, strict=True):
        norm = base + scale * length
        scores.append(sum(idf[t] * c * k1 / (c + norm) for t, c in count) if count else 0.0)
    return scores


def prior(element: ET.Element) -> float:
    """The structural prior of an element (see ``CONTROL_PRIOR``)."""
    tag = element.tag
    if tag not in _CONTROLS and element.get("role") not in _CONTROL_ROLES:
        return 0.0
    filled = element.get("input_value") or element.get("input_checked") == "true" or any(
        c.get("option_selected") == "true" for c in element)
    empty = tag != "button" and not filled
    return CONTROL_PRIOR + (EMPTY_FIELD_PRIOR if empty else 0.0)


def rank_candidates(page: Page, query: str, uids: Sequence[str]) -> dict[str, tuple[int, float]]:
    """Rank ``uids`` (0 = best) by BM25 of ``query`` plus the structural prior; ties keep document order.

    Returns each id's ``(rank, score)``.
    """
    terms = set(tokenize(query))
    by_id = page.by_id
    lengths, counts, priors = [], [], []
    for uid in uids:  # one pass per candidate: its words, query-term counts and prior
        element = by_id.get(uid)
        if element is None:
            lengths.append(0)
            counts.append(())
            priors.append(0.0)
            continue
        words = _words(element)
        common = terms.intersection(words)
        lengths.append(len(words))
        counts.append([(t, words.count(t)) for t in common] if common else ())
        priors.append(prior(element))
    scores = [s + p for s, p in zip(_bm25(terms, lengths, counts), priors, strict=True)]
    place = page.position
    last = len(place)
    keys = [place.get(by_id.get(uid), last) for uid in uids]
    order = sorted(range(len(uids)), key=lambda i: (-scores[i], keys[i], i))
    return {uids[i]: (rank, scores[i]) for rank, i in enumerate(order)}
