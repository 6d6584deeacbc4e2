"""WS loaders for WebShop's own files, tested on ../shared/data/webshop (read at run time)."""

from __future__ import annotations

import json

import pytest

from agentbench_gym.envs.web_shopping.catalog import Catalog
from agentbench_gym.envs.web_shopping.env import WebShopEnv
from agentbench_gym.envs.web_shopping.oracle import WebShopOracle
from agentbench_gym.envs.web_shopping.scoring import webshop_reward
from agentbench_gym.envs.web_shopping.upstream import load_upstream, read_webshop_products
from agentbench_gym.errors import DataFormatError


@pytest.fixture(scope="module")
def webshop(shared_data):
    folder = shared_data / "webshop"
    if not folder.is_dir():
        pytest.skip("no webshop data")
    products, goals = load_upstream(folder)
    return folder, products, goals


def test_catalog_and_synthetic_goals(webshop):
    _, products, goals = webshop
    assert len(products) == 1000 and len({p.asin for p in products}) == 1000
    assert len(goals) == 6910  # one per instructed product x option combination (SOURCE.md)
    first = products[0]
    assert first.asin == "B06Y3VLDFB" and first.price_text == "$877.8" and first.rating == "N.A."
    assert first.attributes == ("console table", "solid wood")
    ranged = next(p for p in products if len(p.pricing) == 2)
    assert ranged.pricing[0] <= ranged.reward_price <= ranged.pricing[1]
    assert all(g.instruction.endswith("dollars") or g.price_upper == 1_000_000 for g in goals)


def test_goal_order_and_price_bounds_are_reproducible(webshop):
    """WebShop draws price bounds unseeded; here they come from the ASIN, so every load agrees."""
    folder, _, goals = webshop
    again = load_upstream(folder)[1]
    assert [(g.asin, g.price_upper, g.instruction) for g in again] == [
        (g.asin, g.price_upper, g.instruction) for g in goals]
    assert (goals[0].asin, goals[0].price_upper) == ("B0743JKHBV", 50.0)  # seed-233 order, hashed bound
    assert goals[0].instruction.endswith("and price lower than 50.00 dollars")


def test_gold_product_with_gold_options_scores_one(webshop):
    _, products, goals = webshop
    catalog = Catalog(products)
    for goal in goals:
        product = catalog.get(goal.asin)
        options = dict(zip(goal.goal_option_names, goal.goal_options, strict=True))
        reward, _ = webshop_reward(product, goal, options, "heuristic")
        assert reward == 1.0, goal.instruction
    # upstream's (name, value) comparison misses some gold colours; reproduced behind the flag
    misses = sum(webshop_reward(catalog.get(g.asin), g, dict(zip(g.goal_option_names, g.goal_options,
                                                                 strict=True)), "heuristic", True)[0] < 1
                 for g in goals)
    assert misses == 458


def test_env_on_upstream_data_with_oracle(webshop):
    folder, _, _ = webshop
    env = WebShopEnv(data_dir=str(folder), split="test", tagger="heuristic")
    assert len(env.samples) == 200 and [s.id for s in env.samples[:2]] == ["0", "1"]
    oracle = WebShopOracle(env)
    rewards = []
    for index in range(0, 200, 10):
        oracle.reset()
        obs, info = env.reset(options={"sample": index})
        assert obs.startswith("Observation:\nWebShop [SEP] Instruction: [SEP] ")
        while True:
            obs, reward, terminated, truncated, info = env.step(oracle.act(obs, info))
            if terminated or truncated:
                break
        rewards.append(info["score"])
    assert sum(rewards) / len(rewards) >= 0.95
    dev = WebShopEnv(data_dir=str(folder), split="dev")
    assert [s.id for s in dev.samples[:1]] == ["200"] and len(dev.samples) == 80


def test_raw_items_shuffle_format(tmp_path):
    raw = [{"asin": "B0TEST0001", "name": "Foo Bar Lamp", "full_description": "A lamp.",
            "small_description": ["bright"], "pricing": "$10.00 - $20.00", "category": "garden",
            "query": "lamps", "product_category": "Home › Lamps",
            "customization_options": {"Color": [{"value": "Black/White", "image": None}]}},
           {"asin": "B0TEST0001", "name": "duplicate"}, {"asin": "nan", "name": "x"},
           {"asin": "B0TEST0002", "name": "Other", "pricing": ""}]
    (tmp_path / "items_shuffle.json").write_text(json.dumps(raw))
    (tmp_path / "items_ins_v2.json").write_text(json.dumps({
        "B0TEST0001": {"attributes": ["bright light"], "instruction": "Find me a lamp.",
                       "instruction_attributes": ["bright light"]}}))
    products, goals = load_upstream(tmp_path)
    assert [p.asin for p in products] == ["B0TEST0001", "B0TEST0002"]
    lamp = products[0]
    assert lamp.pricing == (10.0, 20.0) and lamp.price_text == "$10.0 to $20.0"
    assert lamp.options == {"color": ("black | white",)} and lamp.attributes == ("bright light",)
    assert products[1].price_text == "$100.0" and products[1].reward_price == 100.0
    assert len(goals) == 1 and goals[0].instruction.startswith("Find me a lamp. with color: black | white")
    assert goals[0].goal_options == ("black | white",) and goals[0].goal_option_names == ("color",)


def test_human_goal_file(tmp_path):
    (tmp_path / "items_shuffle.json").write_text(json.dumps([
        {"asin": "B0H", "name": "Blue Sofa Pillow", "pricing": "$15.00", "query": "pillows",
         "product_category": "Home › Pillows", "category": "garden"}]))
    (tmp_path / "items_human_ins.json").write_text(json.dumps({"B0H": [
        {"instruction": "i want a blue pillow.", "instruction_attributes": ["blue"],
         "instruction_options": ["blue"]},
        {"instruction": "skipped", "instruction_attributes": [], "instruction_options": []}]}))
    _, goals = load_upstream(tmp_path)
    assert len(goals) == 1 and goals[0].instruction.startswith("i want a blue pillow, and price lower than")
    assert goals[0].goal_options == ("blue",) and goals[0].goal_option_names == ()


def test_bad_files_raise_data_format_error(tmp_path):
    with pytest.raises(DataFormatError):
        load_upstream(tmp_path)  # no product file
    (tmp_path / "items_shuffle.json").write_text("{not json")
    with pytest.raises(DataFormatError):
        load_upstream(tmp_path)
    bad = tmp_path / "products_x.jsonl"
    bad.write_text('{"id": "B1", "contents": "x"}\nnot json\n')
    with pytest.raises(DataFormatError, match=r"products_x\.jsonl:2"):
        read_webshop_products(bad)
    with pytest.raises(DataFormatError):
        WebShopEnv(data_dir=str(tmp_path / "missing"))
