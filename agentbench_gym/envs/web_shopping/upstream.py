"""Loading WebShop's own data folder: products, attribute/instruction files, goals."""

from __future__ import annotations

from pathlib import Path

from agentbench_gym.data import read_json
from agentbench_gym.envs.web_shopping.data import (
    Product,
    WebShopSample,
    read_webshop_products,
    webshop_goals,
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
