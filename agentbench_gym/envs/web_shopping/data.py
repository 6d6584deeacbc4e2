"""Products and goals: the built-in catalog/goals and WebShop's own file formats.

A `Product` carries WebShop's derived fields (Title, Description, BulletPoints, Price string,
options, Attributes, ...) under snake_case names. A `WebShopSample` is one goal, as WebShop's
``get_human_goals`` / ``get_synthetic_goals`` build it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agentbench_gym.errors import DataFormatError

PRICE_GRID = tuple(10.0 * i for i in range(1, 100))
NO_PRICE_BOUND = 1_000_000.0


@dataclass(frozen=True)
class Product:
    """One catalog item with WebShop's display fields."""

    asin: str
    name: str
    description: str = ""
    bullets: tuple[str, ...] = ()
    pricing: tuple[float, ...] = ()
    options: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    attributes: tuple[str, ...] = ()
    category: str = ""
    query: str = ""
    product_category: str = ""
    reviews: tuple[Mapping[str, Any], ...] = ()
    rating: str = "N.A."
    contents: str = ""

    @property
    def price_text(self) -> str:
        """WebShop's display price: ``$`` + Python float repr, a range, or ``$100.0``."""
        if not self.pricing:
            return "$100.0"
        if len(self.pricing) == 1:
            return f"${self.pricing[0]}"
        return f"${self.pricing[0]} to ${self.pricing[1]}"

    @property
    def reward_price(self) -> float:
        """The price the reward compares with ``price_upper``.

        WebShop draws ``random.uniform(low, high)`` for a range, unseeded, at server start.
        We draw it from a hash of the ASIN instead, so that it is the same in every process.
        """
        if not self.pricing:
            return 100.0
        if len(self.pricing) == 1:
            return float(self.pricing[0])
        low, high = self.pricing[0], self.pricing[1]
        fraction = int.from_bytes(hashlib.sha256(self.asin.encode()).digest()[:8], "big") / 2**64
        return low + (high - low) * fraction

    @property
    def search_text(self) -> str:
        """The document WebShop's index holds: title, description, first bullet, options."""
        if self.contents:
            return self.contents
        opts = ", and ".join(f"{k}: {', '.join(v)}" for k, v in self.options.items())
        first = self.bullets[0] if self.bullets else ""
        return " ".join([self.name, self.description, first, opts]).lower()

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict (our built-in catalog format)."""
        return {"asin": self.asin, "name": self.name, "description": self.description,
                "bullets": list(self.bullets), "pricing": list(self.pricing),
                "options": {k: list(v) for k, v in self.options.items()},
                "attributes": list(self.attributes), "category": self.category, "query": self.query,
                "product_category": self.product_category, "reviews": [dict(r) for r in self.reviews],
                "rating": self.rating}

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> Product:
        """Inverse of `to_json`."""
        return cls(asin=record["asin"], name=record["name"], description=record.get("description", ""),
                   bullets=tuple(record.get("bullets", ())), pricing=tuple(record.get("pricing", ())),
                   options={k: tuple(v) for k, v in record.get("options", {}).items()},
                   attributes=tuple(record.get("attributes", ())), category=record.get("category", ""),
                   query=record.get("query", ""), product_category=record.get("product_category", ""),
                   reviews=tuple(record.get("reviews", ())), rating=record.get("rating", "N.A."))


@dataclass(frozen=True)
class WebShopSample:
    """One goal: the instruction and what the reward compares the purchase with.

    ``goal_options`` holds the option values. WebShop's synthetic goals also name each
    option's group (``goal_option_names``); upstream then passes ``(name, value)`` pairs to the
    reward, which mis-normalises colours (see `scoring.webshop_reward`'s ``option_pairs``).
    ``solution`` lists the option values a perfect shopper clicks (for the oracle).
    """

    id: str
    instruction: str
    asin: str
    name: str
    query: str
    category: str
    product_category: str
    attributes: tuple[str, ...]
    goal_options: tuple[str, ...]
    price_upper: float
    solution: tuple[str, ...] = ()
    goal_option_names: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict (our built-in goal format)."""
        return {"id": self.id, "instruction": self.instruction, "asin": self.asin, "name": self.name,
                "query": self.query, "category": self.category, "product_category": self.product_category,
                "attributes": list(self.attributes),
                "goal_options": list(self.goal_options), "price_upper": self.price_upper,
                "solution": list(self.solution), "goal_option_names": list(self.goal_option_names)}

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> WebShopSample:
        """Inverse of `to_json`."""
        options = tuple(str(o) for o in record["goal_options"])
        return cls(id=str(record["id"]), instruction=record["instruction"], asin=record["asin"],
                   name=record["name"], query=record["query"], category=record["category"],
                   product_category=record["product_category"], attributes=tuple(record["attributes"]),
                   goal_options=options, price_upper=float(record["price_upper"]),
                   solution=tuple(record.get("solution", ())),
                   goal_option_names=tuple(record.get("goal_option_names", ())))


def price_bound(price: float, rng: np.random.Generator) -> float:
    """WebShop's rule: two of the first four grid points above the price, the larger one."""
    above = [p for p in PRICE_GRID if p > price][:4]
    if len(above) < 2:
        return NO_PRICE_BOUND
    picks = rng.choice(len(above), size=2, replace=False)
    return max(above[int(i)] for i in picks)


def price_suffix(price_upper: float) -> str:
    """The text WebShop appends to an instruction for its price bound."""
    return "" if price_upper >= NO_PRICE_BOUND else f", and price lower than {price_upper:.2f} dollars"


def open_text(path: Path):
    """Open a text file, gunzipping ``*.gz``."""
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8")


def read_products(path: Path) -> Iterator[Product]:
    """Our built-in catalog: JSON Lines (optionally gzipped) of `Product.to_json` records."""
    with open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield Product.from_json(json.loads(line))
                except (ValueError, KeyError, TypeError) as exc:
                    raise DataFormatError(f"{path}:{number}: bad product record ({exc})") from exc


def read_goals(path: Path) -> list[WebShopSample]:
    """Our built-in goals: JSON Lines of `WebShopSample.to_json` records."""
    goals = []
    with open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    goals.append(WebShopSample.from_json(json.loads(line)))
                except (ValueError, KeyError, TypeError) as exc:
                    raise DataFormatError(f"{path}:{number}: bad goal record ({exc})") from exc
    return goals
