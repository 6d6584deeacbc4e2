"""Generate the built-in WB splits: tasks on the project's own sites, in Mind2Web's task format.

``python -m agentbench_gym.envs.web_browsing.sitegen`` rewrites ``data/dev.jsonl`` and
``data/test.jsonl`` deterministically (a test checks the shipped files match). Five site
families: shopping, travel (flights, hotels), forms, search (catalogs) and account pages. Each task
is a sequence of steps, each step the page it happens on, its target element and the gold
operation; previous actions are Mind2Web-style ``action_reprs``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from agentbench_gym.envs.web_browsing.sitegen_more import account, catalog_search, contact_form
from agentbench_gym.envs.web_browsing.sites import (
    FOOT,
    E,
    Step,
    action_repr,
    button,
    candidates,
    checkbox,
    footer,
    header,
    link,
    page,
    pick,
    promo,
    render,
    sample,
    select,
    text_input,
)

SPLITS = {"dev": (20240601, 1), "test": (20240602, 3)}  # seed, tasks per family per split


# ------------------------------------------------------------------ shopping
SHOPS = {
    "nimbusoutfitters": (["Women", "Men", "Kids", "Outdoor", "Sale", "New arrivals"],
                         ["rain jacket", "wool sweater", "fleece hoodie", "linen shirt", "puffer vest",
                          "chino pants", "denim jacket", "hiking socks"],
                         ["Red", "Navy", "Black", "Olive", "Grey", "White"], ["XS", "S", "M", "L", "XL"]),
    "pixelyard": (["Laptops", "Audio", "Phones", "Gaming", "Accessories", "Deals"],
                  ["wireless earbuds", "bluetooth speaker", "mechanical keyboard", "gaming mouse",
                   "laptop stand", "usb-c hub", "noise cancelling headphones", "webcam"],
                  ["Black", "White", "Silver", "Blue", "Pink"], ["1", "2", "3", "4"]),
}
BRANDS = ["Alder", "Brio", "Corvo", "Dune", "Ember", "Fjord", "Gale", "Harbor"]


def _shop_header(site: str, nav: list[str], query: str = "") -> E:
    search = E("form", {"role": "search"}, text_input("Search products", query, kind="search"),
               button("Search", type="submit"))
    return header(site.title(), nav, [search, E("div", {}, link("Cart", aria_label="Shopping cart"))])


def shopping(rng: np.random.Generator) -> tuple[str, str, list[Step]]:
    site = pick(rng, sorted(SHOPS))
    nav, items, colors, sizes = SHOPS[site]
    item, color, size = pick(rng, items), pick(rng, colors), pick(rng, sizes)
    brand = pick(rng, BRANDS)
    title = f"{brand} {item.title()}"
    sized = site == "nimbusoutfitters"
    size_label = "Size" if sized else "Quantity"
    task = (f"Search for a {color.lower()} {item}, open the {brand} one, choose size {size} and add it to "
            f"the cart" if sized else f"Search for a {item}, open the {brand} one, pick the {color.lower()} "
            f"color and a quantity of {size}, then add it to the cart")
    steps: list[Step] = []
    tiles = [promo(f"{c} collection", f"Fresh picks in {c.lower()}.", f"Shop {c}") for c in nav[:3]]
    for query in ("", item):
        head = _shop_header(site, nav, query)
        root = page(site, head, E("main", {}, *tiles), footer(site.title(), FOOT))
        box, go = head.kids[2].kids  # type: ignore[union-attr]
        steps.append((root, box, "TYPE", item) if not query else (root, go, "CLICK", ""))
    others = sample(rng, [b for b in BRANDS if b != brand], 5)
    cards, target = [], None
    for name in [*others[:2], brand, *others[2:]]:
        price = f"${int(rng.integers(15, 300))}.{int(rng.integers(0, 100)):02d}"
        title_link = link(f"{name} {item.title()}")
        target = title_link if name == brand else target
        cards.append(E("li", {"class": "product-card"}, title_link, E("span", {}, price),
                       button("Add to cart", aria_label=f"Add {name} {item} to cart")))
    rng.shuffle(cards)
    filters = E("aside", {"aria_label": "filters"}, *[checkbox(c) for c in colors],
                select("Sort by", ["Featured", "Price: low to high", "Price: high to low", "Newest"]))
    root = page(site, _shop_header(site, nav, item), filters, E("main", {}, E("h1", {}, f"Results for {item}"),
                                                                E("ul", {}, *cards)), footer(site.title(), FOOT))
    assert target is not None
    steps.append((root, target, "CLICK", ""))
    chosen = {"Color": "", size_label: ""}
    for field, value in (("Color", color), (size_label, size)):
        color_sel = select("Color", colors, chosen["Color"])
        size_sel = select(size_label, sizes, chosen[size_label])
        add = button("Add to cart", aria_label="Add to cart")
        detail = E("main", {}, E("nav", {"aria_label": "breadcrumb"}, link("Home"), link(nav[0])),
                   E("h1", {}, title), E("span", {"class": "price"}, "$49.00"), color_sel, size_sel, add,
                   button("Add to wishlist"), link("Read reviews"),
                   E("section", {}, E("h2", {}, "You may also like"), *[link(f"{o} {item}") for o in others[:3]]))
        root = page(site, _shop_header(site, nav), detail, footer(site.title(), FOOT))
        steps.append((root, color_sel if field == "Color" else size_sel, "SELECT", value))
        chosen[field] = value
    steps.append((root, add, "CLICK", ""))
    return site, task, steps


# -------------------------------------------------------------------- travel
CITIES = [("Austin", "TX", "AUS"), ("Boston", "MA", "BOS"), ("Chicago", "IL", "ORD"), ("Denver", "CO", "DEN"),
          ("Seattle", "WA", "SEA"), ("Miami", "FL", "MIA"), ("Portland", "OR", "PDX"), ("Atlanta", "GA", "ATL"),
          ("Phoenix", "AZ", "PHX"), ("Nashville", "TN", "BNA")]
CABINS = ["Economy", "Premium economy", "Business", "First"]
MONTHS = ["April", "May", "June", "July", "August", "September"]


def _suggestions(city: tuple[str, str, str], typed: str) -> tuple[E, E]:
    name, state, code = city
    near = [f"{name}, {state} (all airports)", f"{name}, {state}, US ({code})", f"{name} Downtown, {state}"]
    opts = [E("li", {"role": "option"}, n) for n in near]
    return E("ul", {"role": "listbox", "aria_label": f"suggestions for {typed}"}, *opts), opts[1]


def flights(rng: np.random.Generator) -> tuple[str, str, list[Step]]:
    origin, dest = sample(rng, CITIES, 2)
    month, day = pick(rng, MONTHS), int(rng.integers(1, 29))
    adults = int(rng.integers(1, 5))
    cabin = pick(rng, CABINS)
    date = f"{MONTHS.index(month) + 4:02d}/{day:02d}/2024"
    task = (f"Search one-way flights leaving from {origin[0]} going to {dest[0]} with departure date "
            f"{month} {day} for {adults} adult{'s' if adults > 1 else ''} in {cabin.lower()} cabin class")
    plan = [("trip", "CLICK", ""), ("from", "TYPE", origin[0]), ("from_pick", "CLICK", ""),
            ("to", "TYPE", dest[0]), ("to_pick", "CLICK", ""), ("date", "TYPE", date),
            ("pax", "SELECT", f"{adults} adult{'s' if adults > 1 else ''}"), ("cabin", "SELECT", cabin),
            ("go", "CLICK", "")]
    state: dict[str, str] = {}
    steps: list[Step] = []
    for key, op, value in plan:
        els: dict[str, E] = {}
        els["trip"] = E("input", {"type": "radio", "aria_label": "One-way", "input_checked":
                                  "true" if state.get("trip") else "false"})
        round_trip = E("input", {"type": "radio", "aria_label": "Round trip"})
        form = [E("div", {"role": "radiogroup"}, E("label", {}, round_trip, "Round trip"),
                  E("label", {}, els["trip"], "One-way"))]
        for side, city, label in (("from", origin, "Leaving from"), ("to", dest, "Going to")):
            els[side] = text_input(label, state.get(side, ""))
            form.append(els[side])
            if key == f"{side}_pick":
                box, els[f"{side}_pick"] = _suggestions(city, city[0])
                form.append(box)
        els["date"] = text_input("Departure date", state.get("date", ""))
        travelers = [f"{n} adult{'s' if n > 1 else ''}" for n in range(1, 7)]
        els["pax"] = select("Travelers", travelers, state.get("pax", ""))
        els["cabin"] = select("Cabin class", CABINS, state.get("cabin", ""))
        els["go"] = button("Search flights", type="submit")
        form += [els["date"], els["pax"], els["cabin"], els["go"]]
        tabs = E("div", {"role": "tablist"}, *[E("div", {"role": "tab"}, t) for t in ("Flights", "Hotels", "Cars")])
        root = page("skyhop", header("SkyHop", ["Deals", "Trips", "Check-in", "Flight status", "Rewards"]),
                    E("main", {}, tabs, E("form", {"aria_label": "flight search"}, *form),
                      promo("Weekend getaways", "Fares from $59 one-way.", "See deals")), footer("SkyHop", FOOT))
        steps.append((root, els[key], op, value))
        if not key.endswith("_pick"):
            state[key] = value or "true"
    return "skyhop", task, steps


def hotels(rng: np.random.Generator) -> tuple[str, str, list[Step]]:
    city = pick(rng, CITIES)
    month, day, nights = pick(rng, MONTHS), int(rng.integers(1, 20)), int(rng.integers(1, 6))
    guests = int(rng.integers(1, 5))
    m = MONTHS.index(month) + 4
    checkin, checkout = f"{m:02d}/{day:02d}/2024", f"{m:02d}/{day + nights:02d}/2024"
    task = (f"Search hotels with destination {city[0]}, check-in {month} {day}, check-out {month} "
            f"{day + nights}, for {guests} guest{'s' if guests > 1 else ''}")
    plan = [("where", "TYPE", city[0]), ("pick", "CLICK", ""), ("in", "TYPE", checkin), ("out", "TYPE", checkout),
            ("guests", "SELECT", f"{guests} guest{'s' if guests > 1 else ''}"), ("go", "CLICK", "")]
    state: dict[str, str] = {}
    steps: list[Step] = []
    for key, op, value in plan:
        els = {"where": text_input("Destination", state.get("where", "")),
               "in": text_input("Check-in date", state.get("in", "")),
               "out": text_input("Check-out date", state.get("out", "")),
               "guests": select("Guests", [f"{n} guest{'s' if n > 1 else ''}" for n in range(1, 7)],
                                state.get("guests", "")),
               "go": button("Search hotels", type="submit")}
        form = [els["where"]]
        if key == "pick":
            box, els["pick"] = _suggestions(city, city[0])
            form.append(box)
        form += [els["in"], els["out"], els["guests"], els["go"]]
        offers = [promo(f"Stay in {c[0]}", f"Hotels in {c[0]} from ${int(rng.integers(80, 200))}", "View hotels")
                  for c in sample(rng, CITIES, 3)]
        root = page("staywell", header("StayWell", ["Hotels", "Vacation rentals", "Deals", "Trips"]),
                    E("main", {}, E("form", {"aria_label": "hotel search"}, *form), *offers), footer("StayWell", FOOT))
        steps.append((root, els[key], op, value))
        if key != "pick":
            state[key] = value
    return "staywell", task, steps


FAMILIES: list[Callable[[np.random.Generator], tuple[str, str, list[Step]]]] = [
    shopping, flights, hotels, contact_form, catalog_search, account]


def make_task(rng: np.random.Generator, family: Callable, annotation_id: str) -> dict[str, Any]:
    """One Mind2Web-format task record from a family's steps."""
    site, task, steps = family(rng)
    actions, reprs = [], []
    for i, (root, target, op, value) in enumerate(steps):
        html = render(root, rng)
        pos, neg = candidates(root, target)
        actions.append({"action_uid": f"{annotation_id}-{i}", "operation": {"op": op, "original_op": op,
                        "value": value}, "cleaned_html": html, "pos_candidates": pos, "neg_candidates": neg})
        reprs.append(action_repr(target, op, value))
    return {"annotation_id": annotation_id, "website": site, "confirmed_task": task,
            "action_reprs": reprs, "actions": actions}


def generate(split: str) -> list[dict[str, Any]]:
    """The tasks of a built-in split (deterministic)."""
    seed, per_family = SPLITS[split]
    rng = np.random.default_rng(seed)
    return [make_task(rng, family, f"wb-{split}-{family.__name__}-{k}")
            for k in range(per_family) for family in FAMILIES]


def main() -> None:
    """Rewrite the shipped split files."""
    folder = Path(__file__).parent / "data"
    for split in SPLITS:
        with open(folder / f"{split}.jsonl", "w", encoding="utf-8") as handle:
            for record in generate(split):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
