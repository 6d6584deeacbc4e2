"""WebShop's reward on Buy Now (``web_agent_site/engine/goal.py`` ``get_reward``), re-implemented.

reward = (attribute matches + option matches + [price <= bound]) / (#attrs + #options + 1) * r_type

Fuzzy matching is thefuzz's ``token_set_ratio`` (rapidfuzz with thefuzz's full processing:
non-ASCII dropped, lower-cased, punctuation to spaces; the score rounded to an int) > 85.
The type factor needs noun tags of the two product names: see `nouns.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agentbench_gym.envs.web_shopping.data import Product, WebShopSample
from agentbench_gym.envs.web_shopping.nouns import noun_tagger
from agentbench_gym.errors import MissingExtra

# WebShop's colour list (normalize.py COLOR_SET), in its order: the first hit wins.
COLOR_SET = (
    "alabaster apricot aqua ash asphalt azure banana beige black blue blush bordeaux bronze brown burgundy "
    "camel camo caramel champagne charcoal cheetah chestnut chocolate christmas coffee cognac copper coral "
    "cranberry cream crystal dark denim eggplant elephant espresso fuchsia gold granite grape graphite grass "
    "gray green grey heather indigo ivory ivy khaki lavender lemon leopard light lilac lime magenta maroon "
    "mauve merlot midnight mint mocha multicolor mushroom mustard natural navy nude olive orange peach "
    "pewter pink plum purple rainbow red rose royal rust sand sapphire seashell silver skull slate steel "
    "stone stonewash sunflower tan taupe teal tiger turquoise violet walnut wheat white wine yellow"
).split()


def _fuzz() -> Any:
    try:
        from rapidfuzz import fuzz, utils
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtra("ws", "AgentBench/WS-v0 reward (rapidfuzz)", exc) from exc
    return fuzz, utils


def _process(text: str) -> str:
    _, utils = _fuzz()
    ascii_only = "".join(ch for ch in text if ord(ch) < 128)
    return utils.default_process(ascii_only)


def token_set_ratio(a: Any, b: Any) -> int:
    """thefuzz's ``token_set_ratio``: processed strings, 0 if either is empty, rounded."""
    fuzz, _ = _fuzz()
    pa, pb = _process(_as_text(a)), _process(_as_text(b))
    if not pa or not pb:
        return 0
    return round(fuzz.token_set_ratio(pa, pb))


def _as_text(value: Any) -> str:
    # thefuzz turns non-strings into their str() before processing: a ("size", "large") pair
    # becomes "('size', 'large')", i.e. "size large" once punctuation is stripped.
    return value if isinstance(value, str) else str(value)


def normalize_color(value: Any) -> Any:
    """The first colour of COLOR_SET found in the value (``in``: substring for a str,
    membership for a pair), else the value unchanged — as WebShop's ``normalize_color``."""
    for color in COLOR_SET:
        if color in value:
            return color
    return value


def attribute_matches(product: Product, attributes: Sequence[str]) -> int:
    """Goal attributes found in the product's Attributes (fuzzy) or in title/bullets/description."""
    count = 0
    title = product.name.lower()
    bullets = " ".join(product.bullets).lower()
    description = product.description.lower()
    for goal_attr in attributes:
        if any(token_set_ratio(p, goal_attr) > 85 for p in product.attributes):
            count += 1
        elif goal_attr in title or goal_attr in bullets or goal_attr in description:
            count += 1
    return count


def option_matches(chosen: Sequence[str], goal_options: Sequence[Any]) -> int:
    """Goal options matched by some chosen option (both colour-normalised, fuzzy > 85)."""
    chosen_n = [normalize_color(o) for o in chosen]
    goal_n = [normalize_color(o) for o in goal_options]
    return sum(1 for g in goal_n if any(token_set_ratio(p, g) > 85 for p in chosen_n))


def type_reward(product: Product, goal: WebShopSample, tagger: str = "auto") -> dict[str, Any]:
    """WebShop's ``get_type_reward``: query/category match and noun overlap of the names."""
    query_match = product.query == goal.query
    bought_cat = {x.strip() for x in product.product_category.split("›")}
    goal_cat = {x.strip() for x in goal.product_category.split("›")}
    category_match = len(bought_cat & goal_cat) >= 2
    nouns = noun_tagger(tagger)
    bought_nouns = set(nouns(product.name))
    desired = nouns(goal.name)
    title_score = 0.2 if not desired else len(bought_nouns & set(desired)) / len(desired)
    r_type = 1.0
    if not (query_match or category_match or title_score > 0.2):
        r_type = 0.5
    if title_score < 0.1:
        r_type = 0.1
    if title_score == 0.0:
        r_type = 0.0
    return {"r_type": r_type, "query_match": query_match, "category_match": category_match,
            "title_score": title_score}


def webshop_reward(product: Product, goal: WebShopSample, options: Mapping[str, str],
                   tagger: str = "auto", option_pairs: bool = False) -> tuple[float, dict[str, Any]]:
    """The reward of buying ``product`` with ``options`` for ``goal``, and its parts.

    ``option_pairs=True`` reproduces an upstream bug for goals whose options are named
    (WebShop's synthetic goals): the reward receives ``(name, value)`` pairs, so a colour is
    normalised only when the value *equals* a colour word and other values are compared as
    "name value"; e.g. goal ``color: r.brown2070`` is then missed by the gold option
    (458 of the 6,910 synthetic goals of the 1000-product catalog). By default both sides are
    plain values, as for the human goals AgentBench uses.
    """
    type_parts = type_reward(product, goal, tagger)
    price_ok = product.reward_price <= goal.price_upper
    n_attr = attribute_matches(product, goal.attributes)
    goal_options: list[Any] = list(goal.goal_options)
    if option_pairs and goal.goal_option_names:
        goal_options = list(zip(goal.goal_option_names, goal.goal_options, strict=False))
    n_opt = option_matches(list(options.values()), goal_options)
    denominator = len(goal.attributes) + len(goal.goal_options) + 1
    total = (n_attr + n_opt + int(price_ok)) / denominator * type_parts["r_type"]
    parts: dict[str, Any] = {
        "r_type": type_parts["r_type"],
        "r_att": n_attr / len(goal.attributes) if goal.attributes else 0.0,
        "w_att": len(goal.attributes) / denominator,
        "r_price": float(price_ok),
        "w_price": 1 / denominator,
        "query_match": float(type_parts["query_match"]),
        "category_match": float(type_parts["category_match"]),
        "title_score": float(type_parts["title_score"]),
    }
    if goal.goal_options:
        parts["r_option"] = n_opt / len(goal.goal_options)
        parts["w_option"] = len(goal.goal_options) / denominator
    return total, parts
