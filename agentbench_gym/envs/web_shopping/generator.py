"""Seeded generator of the synthetic catalog and goals (the built-in data and the benchmarks).

`generate_product(seed, i)` depends only on ``(seed, i)``, so a catalog of any size can be
viewed lazily (`SyntheticCatalog`) without holding every product in memory. The shipped files
under ``data/`` were written by `write_builtin` and are read back as data, so the built-in
split does not depend on numpy's stream stability.

Regenerate with ``python -m agentbench_gym.envs.web_shopping.generator``.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from agentbench_gym.envs.web_shopping import vocab
from agentbench_gym.envs.web_shopping.data import Product, WebShopSample, price_bound, price_suffix

_CATEGORY_NAMES = tuple(vocab.CATEGORIES)
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def synthetic_asin(i: int) -> str:
    """A unique ASIN-like id for product ``i`` (an injective map, 10 characters)."""
    n = i * 7919 + 104729
    chars = []
    for _ in range(8):
        n, r = divmod(n, 36)
        chars.append(_ALPHABET[r])
    return "B0" + "".join(reversed(chars))


def _pick(rng: np.random.Generator, items: Sequence[str]) -> str:
    return items[int(rng.integers(len(items)))]


def _subset(rng: np.random.Generator, items: Sequence[str], low: int, high: int) -> list[str]:
    k = min(len(items), int(rng.integers(low, high + 1)))
    picks = sorted(int(i) for i in rng.choice(len(items), size=k, replace=False))
    return [items[i] for i in picks]


def generate_product(seed: int, i: int) -> Product:
    """Product ``i`` of the catalog with this seed (a pure function of both)."""
    rng = np.random.default_rng([seed, i])
    category = _CATEGORY_NAMES[i % len(_CATEGORY_NAMES)]
    types = vocab.CATEGORIES[category]
    noun = _pick(rng, tuple(types))
    query, breadcrumb, option_groups, attr_pool = types[noun]
    brand = _pick(rng, vocab.BRAND_PARTS_A) + _pick(rng, vocab.BRAND_PARTS_B)
    modifier = _pick(rng, vocab.TITLE_MODIFIERS)
    attributes = _subset(rng, attr_pool, 2, 4)
    title_bits = [brand, modifier]
    if rng.random() < 0.5:
        title_bits.append(attributes[0].title())
    title_bits.append(noun.title())
    audience = _pick(rng, vocab.AUDIENCES)
    if audience:
        title_bits.append(audience)
    options = {}
    for name, values in option_groups.items():
        if rng.random() < 0.85:
            options[name] = tuple(_subset(rng, values, 2, 5))
    fill = {"noun": noun, "brand": brand, "modifier": modifier.lower(), "attr0": attributes[0],
            "attr1": attributes[1], "attr1_cap": attributes[1].capitalize()}
    description = _pick(rng, vocab.DESCRIPTION_TEMPLATES).format(**fill)
    bullets = []
    for attr in attributes:
        template = _pick(rng, vocab.BULLET_TEMPLATES[:4])
        bullets.append(template.format(attr=attr, attr_cap=attr.capitalize(), noun=noun, brand=brand))
    for template in _subset(rng, vocab.BULLET_TEMPLATES[4:], 1, 2):
        bullets.append(template.format(noun=noun, brand=brand))
    low, high = vocab.PRICE_RANGES[category]
    price = round(float(rng.uniform(low, high)), 2)
    pricing = (price,) if rng.random() < 0.85 else (price, round(price * float(rng.uniform(1.1, 1.6)), 2))
    reviews = []
    for _ in range(int(rng.integers(0, 4))):
        attr = _pick(rng, attributes)
        reviews.append({"title": _pick(rng, vocab.REVIEW_TITLES), "score": int(rng.integers(1, 6)),
                        "body": _pick(rng, vocab.REVIEW_BODIES).format(noun=noun, attr=attr,
                                                                      attr_cap=attr.capitalize(),
                                                                      brand=brand)})
    rating = f"{np.mean([r['score'] for r in reviews]):.1f}" if reviews else "N.A."
    return Product(asin=synthetic_asin(i), name=" ".join(title_bits), description=description,
                   bullets=tuple(bullets), pricing=pricing, options=options, attributes=tuple(attributes),
                   category=category, query=query, product_category=breadcrumb, reviews=tuple(reviews),
                   rating=rating)


class SyntheticCatalog(Sequence[Product]):
    """A read-only sequence of ``n`` generated products, produced on access (nothing stored)."""

    def __init__(self, n: int, seed: int = 0) -> None:
        """``n`` products of the catalog with this ``seed``."""
        self.n, self.seed = n, seed

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self.n))]
        if not -self.n <= i < self.n:
            raise IndexError(i)
        return generate_product(self.seed, i % self.n)

    def asins(self) -> list[str]:
        """Every ASIN, without generating the products."""
        return [synthetic_asin(i) for i in range(self.n)]


def make_goal(product: Product, rng: np.random.Generator, goal_id: str) -> WebShopSample:
    """A goal for ``product``: some of its attributes, one value of some option groups, a bound."""
    attributes = _subset(rng, product.attributes, 1, 3)
    chosen = [(name, _pick(rng, values)) for name, values in product.options.items() if rng.random() < 0.8]
    noun = product.query if rng.random() < 0.3 else next(n for n, t in vocab.CATEGORIES[product.category].items()
                                                          if t[0] == product.query)
    text = _pick(rng, vocab.INSTRUCTION_TEMPLATES).format(noun=noun, attrs=" and ".join(attributes))
    if chosen:
        text += ", " + ", ".join(vocab.OPTION_PHRASES[n].format(v=v) for n, v in chosen)
    upper = price_bound(product.reward_price, rng)
    return WebShopSample(id=goal_id, instruction=text + price_suffix(upper), asin=product.asin,
                         name=product.name, query=product.query, category=product.category,
                         product_category=product.product_category, attributes=tuple(attributes),
                         goal_options=tuple(v for _, v in chosen), price_upper=upper,
                         solution=tuple(v for _, v in chosen))


def make_goals(products: Sequence[Product], n: int, seed: int, prefix: str,
               exclude: set[str] = frozenset(), findable=None) -> list[WebShopSample]:
    """``n`` goals on distinct products (not in ``exclude``); ``findable(product)`` filters."""
    rng = np.random.default_rng([seed, 1])
    goals: list[WebShopSample] = []
    used = set(exclude)
    while len(goals) < n:
        product = products[int(rng.integers(len(products)))]
        if product.asin in used or (findable is not None and not findable(product)):
            continue
        used.add(product.asin)
        goals.append(make_goal(product, rng, f"{prefix}-{len(goals):03d}"))
    return goals


def write_builtin(out_dir: Path, n_products: int = 2000, seed: int = 2022) -> None:
    """Write ``catalog.jsonl.gz``, ``dev.jsonl`` (80 goals) and ``test.jsonl`` (200 goals)."""
    from agentbench_gym.envs.web_shopping.catalog import Catalog

    products = list(SyntheticCatalog(n_products, seed))
    catalog = Catalog(products)

    def findable(product: Product) -> bool:  # the oracle's search (the title) shows it on page 1
        return product.asin in {p.asin for p in catalog.search(product.name, 10)}

    dev = make_goals(products, 80, seed, "dev", findable=findable)
    test = make_goals(products, 200, seed + 1, "test", {g.asin for g in dev}, findable)
    with gzip.open(out_dir / "catalog.jsonl.gz", "wt", encoding="utf-8", compresslevel=9) as handle:
        for product in products:
            handle.write(json.dumps(product.to_json(), ensure_ascii=False) + "\n")
    for name, goals in (("dev", dev), ("test", test)):
        with open(out_dir / f"{name}.jsonl", "w", encoding="utf-8") as handle:
            for goal in goals:
                handle.write(json.dumps(goal.to_json(), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    write_builtin(Path(__file__).parent / "data")
