"""BM25 search over the catalog, standing in for WebShop's Lucene (pyserini) index.

The index is a `bm25s` retriever whose score matrix we build ourselves, in chunks of numpy
arrays, so that a million products fit in a few hundred MB: `bm25s.BM25.index` takes the
corpus as Python lists of token ids, which alone would need >1 GB at that scale. The values
are exactly what ``bm25s.BM25(method="lucene")`` computes (a test checks it), with pyserini's
defaults k1=0.9, b=0.4. Retrieval uses bm25s's own ``get_scores_from_ids``.

Tokenisation approximates Lucene's English analyzer: lower-case word characters, Lucene's
English stop words removed, and a minimal plural stemmer (Lucene uses Porter; see the card).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from agentbench_gym.errors import MissingExtra

# Lucene's EnglishAnalyzer default stop set.
STOPWORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then "
    "there these they this to was will with".split()
)
_WORD = re.compile(r"\w+")
MAX_QUERY_TOKENS = 1024


def _stem(token: str) -> str:
    # Minimal English plural stemming (in the spirit of Lucene's EnglishMinimalStemFilter).
    if len(token) > 3 and token.endswith("ies") and token[-4] not in "ae":
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and token[-2] not in "us" and not token[-2].isdigit():
        return token[:-1]
    return token


def tokenize(text: str) -> list[str]:
    """Lower-case, split into word tokens, drop stop words, stem plurals."""
    return [_stem(t) for t in _WORD.findall(text.lower()) if t not in STOPWORDS]


def _bm25s() -> Any:
    try:
        import bm25s
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtra("ws", "AgentBench/WS-v0 search (bm25s)", exc) from exc
    return bm25s


class SearchIndex:
    """An in-process BM25 index over documents given as strings (one per product, in order).

    Args:
        documents: the text of each document; document i is returned as index i.
        k1, b: BM25 parameters (pyserini's defaults).
        chunk: documents tokenised per batch while building (bounds peak memory).
    """

    def __init__(self, documents: Iterable[str], *, k1: float = 0.9, b: float = 0.4,
                 chunk: int = 50_000) -> None:
        """Tokenise and index ``documents`` (see the class docstring)."""
        bm25s = _bm25s()
        self.vocab: dict[str, int] = {}
        doc_parts: list[np.ndarray] = []
        term_parts: list[np.ndarray] = []
        tf_parts: list[np.ndarray] = []
        lengths: list[int] = []
        buf_docs: list[int] = []
        buf_terms: list[int] = []
        buf_tf: list[int] = []
        vocab = self.vocab
        for number, text in enumerate(documents):
            tokens = tokenize(text)
            lengths.append(len(tokens))
            counts: dict[int, int] = {}
            for token in tokens:
                tid = vocab.setdefault(token, len(vocab))
                counts[tid] = counts.get(tid, 0) + 1
            buf_docs.extend([number] * len(counts))
            buf_terms.extend(counts.keys())
            buf_tf.extend(counts.values())
            if len(buf_docs) >= chunk * 40:
                doc_parts.append(np.asarray(buf_docs, dtype=np.int32))
                term_parts.append(np.asarray(buf_terms, dtype=np.int32))
                tf_parts.append(np.asarray(buf_tf, dtype=np.float32))
                buf_docs, buf_terms, buf_tf = [], [], []
        doc_parts.append(np.asarray(buf_docs, dtype=np.int32))
        term_parts.append(np.asarray(buf_terms, dtype=np.int32))
        tf_parts.append(np.asarray(buf_tf, dtype=np.float32))
        docs = np.concatenate(doc_parts)
        terms = np.concatenate(term_parts)
        tf = np.concatenate(tf_parts)
        del doc_parts, term_parts, tf_parts
        self.num_docs = len(lengths)
        length = np.asarray(lengths, dtype=np.float32)
        avg = float(length.mean()) if self.num_docs else 0.0
        df = np.bincount(terms, minlength=len(vocab)).astype(np.float64)
        idf = np.log1p((self.num_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        # Lucene's BM25: idf * tf / (tf + k1 * (1 - b + b * dl / avgdl)).
        norm = k1 * (1.0 - b + b * length[docs] / (avg or 1.0))
        values = idf[terms] * tf / (tf + norm)
        del tf, norm
        order = np.argsort(terms, kind="stable")  # column-major (term) order, docs ascending
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(vocab)), out=indptr[1:])
        self.retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
        self.retriever.scores = {"data": values[order], "indices": docs[order], "indptr": indptr,
                                 "num_docs": self.num_docs}
        self.retriever.vocab_dict = self.vocab
        self.retriever.nonoccurrence_array = None

    def query_ids(self, query: str) -> list[int]:
        """Token ids of the query's tokens that the index knows (repeats kept, as Lucene).

        Only the first `MAX_QUERY_TOKENS` tokens count (Lucene refuses queries with more
        than 1024 clauses; we cut instead, so a huge reply cannot stall the env).
        """
        return [self.vocab[t] for t in tokenize(query)[:MAX_QUERY_TOKENS] if t in self.vocab]

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (a repeated term counts once per repeat)."""
        ids = self.query_ids(query)
        if not ids or not self.num_docs:
            return np.zeros(self.num_docs, dtype=np.float32)
        unique, counts = np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)
        total = np.zeros(self.num_docs, dtype=np.float32)
        for count in np.unique(counts):  # one bm25s pass per multiplicity, not per repeat
            part = self.retriever.get_scores_from_ids(unique[counts == count].tolist())
            total += part if count == 1 else np.float32(count) * part
        return total

    def search(self, query: str, k: int = 50) -> list[int]:
        """Indices of the top ``k`` documents with a positive score, best first.

        Ties are broken by document order so that the same query always gives the same list.
        """
        scores = self.scores(query)
        candidates = np.flatnonzero(scores > 0)
        k = min(k, len(candidates))
        if k <= 0:
            return []
        if k < len(candidates):
            # Partition the positive scores only: numpy's introselect is very slow on the
            # mass of tied zeros a large catalog gives.
            values = scores[candidates]
            kth = np.partition(values, len(values) - k)[len(values) - k]
            candidates = candidates[values >= kth]
        order = np.lexsort((candidates, -scores[candidates]))
        return [int(i) for i in candidates[order[:k]]]

    def nbytes(self) -> int:
        """Bytes held by the score matrix (the bulk of the index)."""
        s = self.retriever.scores
        return int(s["data"].nbytes + s["indices"].nbytes + s["indptr"].nbytes)
