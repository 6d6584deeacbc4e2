"""WS reward: WebShop's formula, fuzzy matching, colour normalisation, type factor, BM25."""

from __future__ import annotations

import dataclasses

import pytest

from agentbench_gym.envs.web_shopping.data import Product, WebShopSample, price_bound
from agentbench_gym.envs.web_shopping.nouns import heuristic_nouns
from agentbench_gym.envs.web_shopping.scoring import (
    normalize_color,
    option_matches,
    token_set_ratio,
    type_reward,
    webshop_reward,
)
from agentbench_gym.envs.web_shopping.search import SearchIndex, tokenize

PRODUCT = Product(asin="B01", name="Acme Stainless Steel Water Bottle", description="Keeps drinks cold.",
                  bullets=("BPA free lid", "leak proof"), pricing=(18.0,),
                  options={"color": ("matte black", "ocean blue"), "size": ("500 ml", "1 liter")},
                  attributes=("stainless steel", "double wall"), query="water bottles",
                  product_category="Sports › Outdoor › Hydration › Water Bottles")
GOAL = WebShopSample(id="g", instruction="...", asin="B01", name=PRODUCT.name, query="water bottles",
                     category="sports", product_category=PRODUCT.product_category,
                     attributes=("stainless steel", "leak proof", "bpa free"),
                     goal_options=("black", "1 liter"), price_upper=20.0)


def test_token_set_ratio_like_thefuzz():
    assert token_set_ratio("Stainless-Steel!", "stainless steel") == 100
    assert token_set_ratio("steel bottle", "stainless steel bottle") == 100  # subset of tokens
    assert token_set_ratio("", "x") == 0 and token_set_ratio("é", "é") == 0  # non-ASCII dropped
    assert isinstance(token_set_ratio("abc", "abd"), int)


def test_normalize_color_first_hit_in_list_order():
    assert normalize_color("light blue") == "blue"  # "blue" precedes "light" in WebShop's list
    assert normalize_color("r.brown2070") == "brown"
    assert normalize_color("1 liter") == "1 liter"
    assert normalize_color(("color", "navy")) == "navy"  # a pair: membership, not substring
    assert normalize_color(("color", "navy blue")) == ("color", "navy blue")


def test_gold_purchase_scores_one_and_parts():
    reward, parts = webshop_reward(PRODUCT, GOAL, {"color": "matte black", "size": "1 liter"}, "heuristic")
    assert reward == 1.0
    assert parts["r_att"] == 1.0 and parts["r_option"] == 1.0 and parts["r_price"] == 1.0
    assert parts["w_att"] == pytest.approx(3 / 6) and parts["w_option"] == pytest.approx(2 / 6)


def test_each_missing_part_costs_its_weight():
    wrong_option, _ = webshop_reward(PRODUCT, GOAL, {"color": "ocean blue", "size": "1 liter"}, "heuristic")
    assert wrong_option == pytest.approx(5 / 6)
    no_options, _ = webshop_reward(PRODUCT, GOAL, {}, "heuristic")
    assert no_options == pytest.approx(4 / 6)
    cheap_goal = dataclasses.replace(GOAL, price_upper=10.0)
    over_price, parts = webshop_reward(PRODUCT, cheap_goal, {"color": "matte black", "size": "1 liter"},
                                       "heuristic")
    assert over_price == pytest.approx(5 / 6) and parts["r_price"] == 0.0


def test_type_factor_for_a_different_product():
    other = Product(asin="B02", name="Fluffy Bath Towel", query="towels", product_category="Home › Bath")
    parts = type_reward(other, GOAL, "heuristic")
    assert parts["title_score"] == 0.0 and parts["r_type"] == 0.0
    reward, _ = webshop_reward(other, GOAL, {}, "heuristic")
    assert reward == 0.0
    # same category, half the nouns: no query match but category match -> r_type 1
    similar = Product(asin="B03", name="Acme Water Jug", query="jugs", product_category=PRODUCT.product_category)
    parts = type_reward(similar, GOAL, "heuristic")
    assert parts["category_match"] and 0.1 <= parts["title_score"] < 1 and parts["r_type"] == 1.0
    # no query/category match and a weak noun overlap -> 0.5
    # (goal nouns: acme, stainless, steel, water, bottle; one shared -> 0.2, not > 0.2)
    weak = Product(asin="B04", name="Acme Shelf Rack", query="shelves", product_category="Garage")
    parts = type_reward(weak, GOAL, "heuristic")
    assert parts["title_score"] == pytest.approx(0.2) and parts["r_type"] == 0.5


def test_option_pairs_quirk():
    assert option_matches(["r.brown2070"], ["r.brown2070"]) == 1
    assert option_matches(["r.brown2070"], [("color", "r.brown2070")]) == 0  # upstream's miss
    assert option_matches(["large"], [("size", "large")]) == 1  # "size large" still matches


def test_price_bound_rule():
    import numpy as np

    rng = np.random.default_rng(0)
    bounds = {price_bound(12.3, rng) for _ in range(50)}
    assert bounds <= {30.0, 40.0, 50.0} and len(bounds) > 1  # larger of two of 20, 30, 40, 50
    assert price_bound(985.0, rng) == 1_000_000.0  # fewer than two grid points above


def test_heuristic_nouns():
    nouns = heuristic_nouns("Acme Premium Stainless Steel Water Bottle for Men, 2 Pack")
    assert "bottle" in nouns and "water" in nouns and "for" not in nouns and "men" in nouns
    assert "2" not in nouns


def test_index_matches_bm25s_lucene():
    bm25s = pytest.importorskip("bm25s")
    docs = ["red running shoes for men", "blue summer dress", "red apple", "shoes shoes shoes and apples",
            "a steel water bottle"]
    index = SearchIndex(docs)
    reference = bm25s.BM25(k1=0.9, b=0.4, method="lucene")
    reference.index(([[index.vocab[t] for t in tokenize(d)] for d in docs], index.vocab), show_progress=False)
    for query in ["red shoes", "apple", "water bottle steel", "dress"]:
        ids = index.query_ids(query)
        assert index.scores(query).tolist() == pytest.approx(reference.get_scores_from_ids(ids).tolist())
    assert index.search("red shoes") == [0, 3, 2]
    assert index.search("unknownword") == []


def test_repeated_and_huge_queries():
    import time

    docs = ["red shoes", "red red apple", "blue sky"]
    index = SearchIndex(docs)
    once, twice = index.scores("red"), index.scores("red red")
    assert twice.tolist() == pytest.approx((2 * once).tolist())  # Lucene sums repeated clauses
    start = time.perf_counter()
    assert index.search("red " * 300_000 + "sky") == [1, 0]  # cut at 1024 tokens: "sky" is dropped
    assert time.perf_counter() - start < 5
