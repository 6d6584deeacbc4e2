"""Loading WebShop's own data folder: products, attribute/instruction files, goals."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from agentbench_gym.data import read_json
from agentbench_gym.envs.web_shopping.data import (
    Product,
    WebShopSample,
    open_text,
    price_bound,
    price_suffix,
)
from agentbench_gym.errors import DataFormatError

PRODUCT_PATTERNS = ("items_shuffle*.json", "products*.jsonl.gz", "products*.jsonl", "documents*.jsonl")


def _first(folder: Path, patterns: tuple[str, ...]) -> Path | None:
    for pattern in patterns:
        found = sorted(folder.glob(pattern))
        if found:
            return found[0]
    return None


def load_upstream(folder: Path) -> tuple[list[Product], list[WebShopSample]]:
    """Products and goals from a WebShop data folder.

    Files: the catalog (``items_shuffle*.json``, or pyserini ``products*.jsonl[.gz]`` /
    ``documents*.jsonl``), ``items_ins_v2*.json`` (mined attributes and synthetic
    instructions) and optionally ``items_human_ins*.json``. With the human file the goals are
    WebShop's human goals (what AgentBench uses); without it, WebShop's synthetic goals.
    """
    if not folder.is_dir():
        raise DataFormatError(f"WS data_dir {folder} is not a directory")
    product_file = _first(folder, PRODUCT_PATTERNS)
    if product_file is None:
        raise DataFormatError(f"{folder}: no WebShop product file ({', '.join(PRODUCT_PATTERNS)})")
    attr_file = _first(folder, ("items_ins_v2*.json",))
    attributes = read_json(attr_file) if attr_file else {}
    if not isinstance(attributes, dict):
        raise DataFormatError(f"{attr_file}: expected an object keyed by ASIN")
    products = read_webshop_products(product_file, attributes)
    human_file = _first(folder, ("items_human_ins*.json",))
    if human_file is not None:
        human = read_json(human_file)
        if not isinstance(human, dict):
            raise DataFormatError(f"{human_file}: expected an object keyed by ASIN")
        goals = webshop_goals(products, human, human=True)
    else:
        goals = webshop_goals(products, attributes, human=False)
    if not goals:
        raise DataFormatError(f"{folder}: no goals could be built (no instructions with attributes)")
    return products, goals


# ----------------------------------------------------------------- WebShop's formats
def _parse_pricing(raw: Any) -> tuple[float, ...]:
    if isinstance(raw, list):
        return tuple(float(p) for p in raw[:2])
    if not raw:
        return ()
    # WebShop splits the scraped string on "$" and keeps digits and dots of each part.
    parts = [re.sub(r"[^\d.]", "", p) for p in str(raw).split("$")[1:]]
    return tuple(float(p) for p in parts if p)[:2]


def _parse_options(product: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    if isinstance(product.get("options"), dict):
        return {str(k): tuple(v) for k, v in product["options"].items()}
    raw = product.get("customization_options") or {}
    options = {}
    for name, contents in raw.items():
        values = [str(c["value"]).strip().replace("/", " | ").lower() for c in contents or ()]
        options[str(name).lower()] = tuple(values)
    return options


def webshop_product(raw: Mapping[str, Any], attributes: Mapping[str, Any] | None = None,
                    contents: str = "") -> Product:
    """Build a `Product` from a WebShop record (raw scrape or ``load_products`` output)."""
    asin = str(raw["asin"])
    name = raw.get("Title") or raw.get("name") or ""
    bullets = raw.get("BulletPoints", raw.get("small_description")) or []
    if isinstance(bullets, str):
        bullets = [bullets]
    attrs = raw.get("Attributes")
    if attrs is None:
        attrs = (attributes or {}).get(asin, {}).get("attributes", [])
    return Product(asin=asin, name=str(name), description=str(raw.get("Description",
                                                                       raw.get("full_description")) or ""),
                   bullets=tuple(str(b) for b in bullets), pricing=_parse_pricing(raw.get("pricing")),
                   options=_parse_options(raw), attributes=tuple(attrs), category=str(raw.get("category", "")),
                   query=str(raw.get("query", "")), product_category=str(raw.get("product_category", "")),
                   reviews=tuple(raw.get("Reviews") or ()), rating=str(raw.get("Rating", "N.A.")),
                   contents=contents)


def read_webshop_products(path: Path, attributes: Mapping[str, Any] | None = None) -> list[Product]:
    """WebShop products: ``items_shuffle*.json`` (a list) or pyserini documents JSONL(.gz).

    Duplicates, ``nan`` ASINs and ASINs longer than 10 characters are dropped, as ``load_products``.
    """
    records: list[tuple[Mapping[str, Any], str]] = []
    if ".jsonl" in path.name:
        with open_text(path) as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    doc = json.loads(line)
                    records.append((doc.get("product") or {"asin": doc["id"], "name": doc["contents"]},
                                    doc.get("contents", "")))
                except (ValueError, KeyError, AttributeError) as exc:
                    raise DataFormatError(f"{path}:{number}: bad product document ({exc})") from exc
    else:
        with open_text(path) as handle:
            try:
                data = json.load(handle)
            except ValueError as exc:
                raise DataFormatError(f"{path}: not valid JSON ({exc})") from exc
        if not isinstance(data, list):
            raise DataFormatError(f"{path}: expected a list of products")
        records = [(r, "") for r in data]
    seen: set[str] = set()
    products = []
    for number, (raw, contents) in enumerate(records, 1):
        try:
            asin = str(raw["asin"])
            if asin in seen or asin == "nan" or len(asin) > 10:
                continue
            seen.add(asin)
            products.append(webshop_product(raw, attributes, contents))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DataFormatError(f"{path}: product {number}: {exc}") from exc
    return products


def _goal_rng(asin: str, index: int) -> np.random.Generator:
    digest = hashlib.sha256(f"{asin}:{index}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def webshop_goals(products: Sequence[Product], instructions: Mapping[str, Any], *,
                  human: bool) -> list[WebShopSample]:
    """WebShop's goal list, in its order (catalog order, then its seed-233 shuffle).

    Args:
        products: the catalog, in file order.
        instructions: ``items_human_ins.json`` (asin -> list of instructions) when ``human``,
            else ``items_ins_v2*.json`` (asin -> {instruction, instruction_attributes, ...}).
        human: build human goals (AgentBench) or WebShop's synthetic goals.
    """
    goals: list[dict[str, Any]] = []
    for product in products:
        entry = instructions.get(product.asin)
        if not entry:
            continue
        items = entry if human else [entry]
        for item in items:
            attrs = item.get("instruction_attributes") or []
            text = item.get("instruction")
            if not attrs or not text:
                continue
            rng = _goal_rng(product.asin, len(goals))  # upstream's draw is unseeded (see the card)
            upper = price_bound(product.reward_price, rng)
            if human:
                options = tuple(item.get("instruction_options") or ())
                goals.append(dict(product=product, text=text.strip(".") + price_suffix(upper), attrs=attrs,
                                  options=options, names=(), upper=upper))
                continue
            names = sorted(product.options)
            for combo in itertools.product(*(product.options[n] for n in names)):
                pairs = tuple(zip(names, combo, strict=True))
                option_text = ", and ".join(f"{k}: {v}" for k, v in pairs)
                option_text = f" with {option_text}" if option_text else ""
                goals.append(dict(product=product, text=f"{text}{option_text}{price_suffix(upper)}",
                                  attrs=attrs, options=combo, names=tuple(names), upper=upper))
    # Reproduce WebShop's `random.seed(233); random.shuffle(goals)` order exactly: this needs
    # Python's Mersenne Twister, so a private Random instance is used (no global state touched).
    import random  # noqa: TID251
    random.Random(233).shuffle(goals)
    return [WebShopSample(id=str(i), instruction=g["text"], asin=g["product"].asin, name=g["product"].name,
                          query=g["product"].query, category=g["product"].category,
                          product_category=g["product"].product_category, attributes=tuple(g["attrs"]),
                          goal_options=tuple(g["options"]), price_upper=float(g["upper"]),
                          solution=tuple(g["options"]), goal_option_names=g["names"])
            for i, g in enumerate(goals)]
