"""The catalog: products in order, lookup by ASIN, and the BM25 index over them."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from agentbench_gym.envs.web_shopping.data import Product
from agentbench_gym.envs.web_shopping.search import SearchIndex

MAX_HITS = 50  # WebShop asks its search engine for 50 hits


class Catalog:
    """Products plus a lazily built search index.

    Args:
        products: the catalog in order (a list, or any sequence, e.g. a lazy generator view).
        asins: the ASIN of each product, when ``products`` is lazy (avoids materialising it).
    """

    def __init__(self, products: Sequence[Product], asins: Sequence[str] | None = None) -> None:
        """Index the products by ASIN (see the class docstring)."""
        self.products = products
        keys = asins if asins is not None else [p.asin for p in products]
        self._by_asin = {asin.upper(): i for i, asin in enumerate(keys)}
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.products)

    def __contains__(self, asin: object) -> bool:
        return isinstance(asin, str) and asin.upper() in self._by_asin

    def get(self, asin: str) -> Product | None:
        """The product with this ASIN (case-insensitive), or None."""
        i = self._by_asin.get(asin.upper())
        return None if i is None else self.products[i]

    @property
    def index(self) -> SearchIndex:
        """The BM25 index, built on first use (thread-safe)."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = SearchIndex(p.search_text for p in self.products)
        return self._index

    def search(self, query: str, k: int = MAX_HITS) -> list[Product]:
        """The top ``k`` products for ``query``; same query, same list."""
        return [self.products[i] for i in self.index.search(query, k)]

