"""Text helpers: AgentBench's BLEU-1 and the offline judge's lexical features (English)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

_WORD = re.compile(r"[0-9a-z]+|[^\x00-\x7f\s\W]", re.UNICODE)

NEGATIONS = frozenset({"not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "without", "cannot",
                       "unable", "nowhere"})

# Function words carry no content; question words and auxiliaries belong here too, so that
# "Did he die?" and "He died." compare on "die" alone.
STOPWORDS = frozenset("""
a an the and or but if then so as of at by for with to from in on into onto over under up down out off about
is am are was were be been being do does did doing done have has had having will would shall should can could
may might must ought i me my mine myself you your yours yourself he him his himself she her hers herself it its
itself we us our ours they them their theirs themselves this that these those there here who whom whose which
what when where why how any some all each every both either such own same too very just also only even still
yet than because while until before after again once ever really actually perhaps maybe thing something
someone somebody anyone anybody anything person people story truth question true happen happened happens
let lets kind sort way way part one ones get got gets getting make made makes go goes went gone going
""".split())

# Words that mean the same here, mapped to one form (applied before stemming).
_SYNONYM_GROUPS = (
    "die died dies dying dead death deceased killed kill kills killing",
    "murder murdered murders murderer homicide",
    "suicide",
    "wife husband spouse",
    "mother mom mum mama father dad papa parent parents",
    "son daughter child children kid kids boy girl baby infant toddler",
    "grandmother grandma grandfather grandpa granny grandparent grandparents",
    "car vehicle automobile",
    "doctor physician surgeon",
    "police policeman policewoman officer cop cops detective",
    "sick ill illness disease unwell",
    "blind sight eyesight vision",
    "deaf hearing",
    "happy glad joy joyful delighted pleased relieved relief happiness",
    "sad upset unhappy grief grieving cried cry crying tears",
    "afraid scared fear frightened terrified",
    "money cash dollars paid pay pays payment cost",
    "house home",
    "friend friends",
    "stolen steal stole thief theft robbed robbery burglar",
    "phone telephone mobile cellphone smartphone",
    "letter envelope mail mailed post posted",
    "water sea ocean",
    "light lights lamp",
    "fire flames burn burning burned burnt blaze",
    "plane airplane aircraft flight",
    "hospital clinic",
    "gift present",
    "dog puppy",
    "ring",
)
SYNONYMS: dict[str, str] = {w: group.split()[0] for group in _SYNONYM_GROUPS for w in group.split()}


def stem(word: str) -> str:
    """A light stemmer: synonyms first, then common suffixes and a final 'e' ('hated' = 'hate')."""
    if word in SYNONYMS:
        return SYNONYMS[word]
    if len(word) > 4 and word.endswith(("ies", "ied")):
        word = word[:-3] + "y"  # worries, worried -> worry
        return SYNONYMS.get(word, word)
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            base = word[: -len(suffix)]
            if base in SYNONYMS:
                return SYNONYMS[base]
            if suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2] and base[-1] not in "ls":
                base = base[:-1]  # running -> run, stopped -> stop
            word = base
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return SYNONYMS.get(word, word)


def words(text: str) -> list[str]:
    """Lower-cased word tokens; "n't" becomes "not" so negation survives tokenisation."""
    text = text.lower().replace("n't", " not").replace("’", "'")
    return _WORD.findall(text)


def content(text: str) -> tuple[frozenset[str], bool]:
    """The stemmed content words of ``text`` and whether it is negated (odd number of negations)."""
    tokens = words(text)
    negated = sum(t in NEGATIONS for t in tokens) % 2 == 1
    return frozenset(stem(t) for t in tokens if t not in STOPWORDS and t not in NEGATIONS), negated


def _matched(question: frozenset[str], statement: frozenset[str]) -> tuple[set[str], set[str]]:
    """Words of each side that match the other: equal, or sharing a 5-letter prefix."""
    q_hit, s_hit = set(question & statement), set(question & statement)
    for w in question - q_hit:
        if len(w) >= 5:
            for v in statement:
                if len(v) >= 5 and v[:5] == w[:5]:
                    q_hit.add(w)
                    s_hit.add(v)
    return q_hit, s_hit


def similarity(question: frozenset[str], statement: frozenset[str],
               weight: Mapping[str, float] | None = None) -> tuple[float, float]:
    """(share of the question's words matched, share of the statement's words matched), weighted.

    ``weight`` maps words to their weight (default 1), e.g. to discount words of the story
    that every question about it repeats.
    """
    if not question or not statement:
        return 0.0, 0.0
    q_hit, s_hit = _matched(question, statement)
    w = weight or {}

    def total(ws: set[str] | frozenset[str]) -> float:
        return sum(w.get(x, 1.0) for x in ws)

    return total(q_hit) / total(question), total(s_hit) / total(statement)


def bleu1(reference: Sequence[str], hypothesis: Sequence[str]) -> float:
    """BLEU with unigram weight 1 (clipped unigram precision times the brevity penalty).

    Equal to NLTK's ``sentence_bleu([reference], hypothesis, weights=(1, 0, 0, 0))``, which
    AgentBench calls; pass word lists for word-level BLEU, or strings for the character-level
    BLEU that AgentBench actually computes (it passes raw strings).
    """
    if not hypothesis:
        return 0.0
    ref_counts = Counter(reference)
    hyp_counts = Counter(hypothesis)
    clipped = sum(min(n, ref_counts[w]) for w, n in hyp_counts.items())
    if clipped == 0:
        return 0.0
    c, r = len(hypothesis), len(reference)
    brevity = 1.0 if c > r else math.exp(1 - r / c)
    return brevity * clipped / c
