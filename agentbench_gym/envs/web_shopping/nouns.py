"""Noun tagging for the reward's type factor: spaCy where installed, else a heuristic.

WebShop keeps the NOUN/PROPN tokens of the two product names (AgentBench loads spaCy's
``en_core_web_lg``). ``tagger="auto"`` uses spaCy with the pipeline named by the environment
variable ``AGENTBENCH_SPACY_MODEL`` (a package name or path), else the first installed of
en_core_web_lg, _md, _sm, and falls back to `heuristic_nouns` when spaCy or a pipeline is missing;
``"spacy"`` insists on spaCy (`MissingExtra` otherwise); ``"heuristic"`` never loads it.
The card of the env reports how far the fallback's rewards differ on WebShop's data.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable

from agentbench_gym.errors import MissingExtra

SPACY_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm")

# Words the heuristic never counts as nouns: function words, numerals, units, common verbs.
# (Measured against spaCy's en_core_web_sm on WebShop's titles: in Title Case it tags most
# colours and adjectives as PROPN, so those are kept.)
_NOT_NOUNS = frozenset("""
a an the and or but nor for of in on at to from by with without into onto over under about above below
up down off out as per via vs than then so very too also just only not no yes all any both each every
few more most other some such own same this that these those it its he she they them their his her
we our you your i me my is are was were be been being am do does did has have had can could will would
should may might must shall one two three four five six seven eight nine ten ml
lb lbs kg mah mbps ps th rp etc includes include made make reduce removes fits
""".split())
_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|\d+[A-Za-z]+")


def heuristic_nouns(text: str) -> list[str]:
    """Lower-cased tokens that are probably nouns in a product title.

    Titles are mostly strings of nouns and proper nouns (brands, product types, and, for a
    tagger reading Title Case, colours and adjectives too). Function words, numerals, units,
    bare numbers and words ending in -ed/-ly are left out; possessives lose their "'s".
    """
    out = []
    for token in _TOKEN.findall(text):
        low = token.lower()
        if low.endswith("'s"):
            low = low[:-2]
        if not low or low in _NOT_NOUNS:
            continue
        if low.endswith(("ed", "ly")) and len(low) > 4:
            continue
        out.append(low)
    return out


@functools.lru_cache(maxsize=1)
def _spacy_pipeline():
    try:
        import spacy
    except ImportError:
        return None
    names = [os.environ["AGENTBENCH_SPACY_MODEL"]] if os.environ.get("AGENTBENCH_SPACY_MODEL") else []
    for name in [*names, *SPACY_MODELS]:
        try:
            return spacy.load(name, disable=["parser", "ner", "lemmatizer"])
        except OSError:
            continue
    return None


def spacy_available() -> bool:
    """True when spaCy and an English pipeline load here."""
    return _spacy_pipeline() is not None


@functools.lru_cache(maxsize=65536)
def _spacy_nouns(text: str) -> tuple[str, ...]:
    nlp = _spacy_pipeline()
    return tuple(t.text.lower() for t in nlp(text) if t.pos_ in ("PNOUN", "NOUN", "PROPN"))


@functools.lru_cache(maxsize=65536)
def _heuristic_cached(text: str) -> tuple[str, ...]:
    return tuple(heuristic_nouns(text))


def noun_tagger(kind: str = "auto") -> Callable[[str], tuple[str, ...]]:
    """The noun extractor for ``kind`` in {"auto", "spacy", "heuristic"}."""
    if kind == "heuristic":
        return _heuristic_cached
    if kind not in ("auto", "spacy"):
        raise ValueError(f"tagger must be 'auto', 'spacy' or 'heuristic', got {kind!r}")
    if _spacy_pipeline() is not None:
        return _spacy_nouns
    if kind == "spacy":
        raise MissingExtra("ws-spacy", "the spaCy noun tagger (plus an English pipeline such as "
                           "en_core_web_sm)")
    return _heuristic_cached


def tagger_name(kind: str = "auto") -> str:
    """Which tagger ``kind`` resolves to here: "spacy:<pipeline>" or "heuristic"."""
    if kind != "heuristic" and _spacy_pipeline() is not None:
        return "spacy:" + _spacy_pipeline().meta.get("name", "?")
    return "heuristic"
