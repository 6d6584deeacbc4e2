"""The shopping site as a state machine: pages, clickables and what each action does.

One `ShopSession` is one shopper on WebShop's site. Each page is a list of `Element`s; the
text env renders them as WebShop's "simple" text (strings joined with `` [SEP] ``) and the
HTML server renders the same elements as HTML, so both modes share one set of rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agentbench_gym.envs.web_shopping.catalog import Catalog
from agentbench_gym.envs.web_shopping.data import Product, WebShopSample
from agentbench_gym.envs.web_shopping.scoring import webshop_reward

PER_PAGE = 10
SUB_PAGES = ("description", "features", "reviews")
_ACTION = re.compile(r"(.+)\[(.+)\]", re.DOTALL)


@dataclass(frozen=True)
class Element:
    """One piece of a page: ``text``, ``button``, ``link`` (a product), ``option`` or ``search``."""

    kind: str
    text: str
    group: str = ""  # the option group of an ``option``
    selected: bool = False


@dataclass
class StepOutcome:
    """What one action did: whether it was valid (else a no-op) and, after Buy Now, the reward."""

    valid: bool
    done: bool = False
    reward: float = 0.0
    parts: dict[str, Any] = field(default_factory=dict)


class ShopSession:
    """One shopping session on a goal.

    Args:
        catalog: the products and their search index.
        goal: the sample (instruction and reward target).
        search_anywhere: allow ``search[...]`` on every page, as WebShop's text env does
            (upstream quirk); by default search works only where the page has a search bar.
        tagger: the noun tagger of the reward's type factor ("auto", "spacy", "heuristic").
        option_pairs: reproduce upstream's (name, value) option comparison for named goal
            options (see `scoring.webshop_reward`).
    """

    def __init__(self, catalog: Catalog, goal: WebShopSample, *, search_anywhere: bool = False,
                 tagger: str = "auto", option_pairs: bool = False) -> None:
        """Start on the search page (see the class docstring)."""
        self.option_pairs = option_pairs
        self.catalog = catalog
        self.goal = goal
        self.search_anywhere = search_anywhere
        self.tagger = tagger
        self.done = False
        self.reward = 0.0
        self.parts: dict[str, Any] = {}
        self.purchased: tuple[str, dict[str, str]] | None = None
        self._back_to_search()

    # ------------------------------------------------------------------ state
    def _back_to_search(self) -> None:
        self.page = "search"
        self.keywords = ""
        self.page_no = 1
        self.asin: str | None = None
        self.options: dict[str, str] = {}
        self.sub = ""
        self._hits: list[Product] = []

    @property
    def product(self) -> Product | None:
        """The product on the item page (or its sub-page)."""
        return self.catalog.get(self.asin) if self.asin else None

    # ----------------------------------------------------------------- pages
    def elements(self) -> list[Element]:
        """The current page as elements, in document order."""
        head = [Element("text", "Instruction:"), Element("text", self.goal.instruction)]
        if self.page == "search":
            return [Element("text", "WebShop"), *head, Element("search", ""), Element("button", "Search")]
        if self.done:
            return [Element("text", "Thank you for shopping with us!"), *head,
                    Element("text", f"Your score (min 0.0, max 1.0): {self.reward}")]
        out = [*head, Element("button", "Back to Search")]
        if self.page == "results":
            out.append(Element("text", f"Page {self.page_no} (Total results: {len(self._hits)})"))
            if self.page_no > 1:
                out.append(Element("button", "< Prev"))
            out.append(Element("button", "Next >"))
            start = (self.page_no - 1) * PER_PAGE
            for product in self._hits[start:start + PER_PAGE]:
                out += [Element("link", product.asin.upper()), Element("text", product.name),
                        Element("text", product.price_text)]
            return out
        product = self.product
        out.append(Element("button", "< Prev"))
        if self.page == "item" and product is not None:
            for name, values in product.options.items():
                out.append(Element("text", name))
                out += [Element("option", v, group=name, selected=self.options.get(name) == v)
                        for v in values]
            out += [Element("text", product.name), Element("text", f"Price: {product.price_text}"),
                    Element("text", f"Rating: {product.rating}")]
            out += [Element("button", b) for b in ("Description", "Features", "Reviews", "Buy Now")]
        elif self.page == "sub" and product is not None:
            if self.sub == "description":
                out.append(Element("text", product.description))
            elif self.sub == "features":
                out += [Element("text", b) for b in product.bullets]
            else:
                for review in product.reviews:
                    out += [Element("text", str(review.get("title", ""))),
                            Element("text", str(review.get("score", ""))),
                            Element("text", str(review.get("body", "")))]
        return out

    def text(self) -> str:
        """WebShop's simple text: the non-empty stripped strings joined with `` [SEP] ``."""
        parts = [e.text.strip() for e in self.elements() if e.kind != "search"]
        return " [SEP] ".join(p for p in parts if p)

    def clickables(self) -> list[str]:
        """Buttons (lower-cased), then product links (lower-cased), then option values."""
        elements = self.elements()
        keys: dict[str, None] = {}
        for kind in ("button", "link", "option"):
            for e in elements:
                if e.kind == kind:
                    keys.setdefault(e.text.lower() if kind != "option" else e.text, None)
        return list(keys)

    def available_actions(self) -> dict[str, Any]:
        """``{'has_search_bar': bool, 'clickables': [...]}`` as WebShop's text env reports it."""
        return {"has_search_bar": self.page == "search", "clickables": self.clickables()}

    # ---------------------------------------------------------------- actions
    def step(self, action: str) -> StepOutcome:
        """Apply ``search[...]`` or ``click[...]``; anything not allowed here is a no-op."""
        if self.done:
            return StepOutcome(valid=False, done=True, reward=self.reward, parts=self.parts)
        match = _ACTION.match(action)
        if match is None:
            return StepOutcome(valid=False)
        name, arg = match.group(1).strip().lower(), match.group(2).lower()
        if name == "search":
            return self.search(arg)
        if name == "click":
            return self.click(arg)
        return StepOutcome(valid=False)

    def search(self, keywords: str) -> StepOutcome:
        """Run a search (resets page, item and options)."""
        if not keywords.strip() or (self.page != "search" and not self.search_anywhere):
            return StepOutcome(valid=False)
        self._back_to_search()
        self.page = "results"
        self.keywords = keywords
        self._hits = self.catalog.search(keywords)
        return StepOutcome(valid=True)

    def click(self, value: str) -> StepOutcome:
        """Click a clickable of the current page (lower-cased value)."""
        if value == "search" or value not in self.clickables():
            return StepOutcome(valid=False)
        if value == "buy now":
            return self._buy()
        if value == "back to search":
            self._back_to_search()
        elif value in ("next >", "< prev") and self.page == "results":
            self.page_no += 1 if value == "next >" else -1
        elif value == "< prev" and self.page == "item":
            self.page, self.asin, self.options = "results", None, {}
        elif value == "< prev" and self.page == "sub":
            self.page = "item"
        elif value in SUB_PAGES:
            self.page, self.sub = "sub", value
        elif self.page == "results":
            self.page, self.asin, self.options = "item", value.upper(), {}
        else:  # an option value: the latest click in a group wins
            product = self.product
            group = next((n for n, vs in product.options.items() if value in vs), None) if product else None
            if group is not None:
                self.options[group] = value
        return StepOutcome(valid=True)

    def _buy(self) -> StepOutcome:
        product = self.product
        if product is None:  # unreachable through clickables; kept as a guard
            return StepOutcome(valid=False)
        self.reward, self.parts = webshop_reward(product, self.goal, self.options, self.tagger,
                                                   self.option_pairs)
        self.done = True
        self.purchased = (product.asin, dict(self.options))
        return StepOutcome(valid=True, done=True, reward=self.reward, parts=self.parts)
