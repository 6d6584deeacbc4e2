"""WS synthetic catalog generator: pure per (seed, i), lazy views, solvable goals."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from agentbench_gym.envs import web_shopping
from agentbench_gym.envs.web_shopping.catalog import Catalog
from agentbench_gym.envs.web_shopping.data import read_goals, read_products
from agentbench_gym.envs.web_shopping.env import WebShopEnv
from agentbench_gym.envs.web_shopping.generator import (
    SyntheticCatalog,
    generate_product,
    make_goals,
    synthetic_asin,
    write_builtin,
)
from agentbench_gym.envs.web_shopping.oracle import WebShopOracle
from agentbench_gym.envs.web_shopping.scoring import webshop_reward


def test_products_are_pure_functions_of_seed_and_index():
    assert generate_product(3, 41) == generate_product(3, 41)
    assert generate_product(3, 41) != generate_product(4, 41)
    view = SyntheticCatalog(500, seed=3)
    assert len(view) == 500 and view[41] == generate_product(3, 41) and view[-1].asin == synthetic_asin(499)
    assert len(set(view.asins())) == 500 and all(len(a) == 10 for a in view.asins())
    product = view[7]
    assert product.name and product.bullets and product.attributes and product.query
    assert product.search_text.startswith(product.name.lower())


def test_generated_goals_are_solvable_with_reward_one():
    products = list(SyntheticCatalog(300, seed=11))
    goals = make_goals(products, 30, seed=11, prefix="t")
    assert len({g.asin for g in goals}) == 30
    catalog = Catalog(products)
    for goal in goals:
        product = catalog.get(goal.asin)
        assert set(goal.attributes) <= set(product.attributes)
        chosen = {n: v for v in goal.solution for n, vs in product.options.items() if v in vs}
        assert webshop_reward(product, goal, chosen, "heuristic")[0] == 1.0
        assert goal.price_upper >= product.reward_price


def test_scripted_solver_scores_one_on_the_whole_test_split():
    env = WebShopEnv(split="test", tagger="heuristic")
    oracle = WebShopOracle(env)
    rewards = []
    for index in range(len(env.samples)):
        oracle.reset()
        obs, info = env.reset(options={"sample": index})
        while True:
            obs, reward, terminated, truncated, info = env.step(oracle.act(obs, info))
            if terminated or truncated:
                break
        rewards.append(reward)
    assert np.mean(rewards) == 1.0



def test_shipped_builtin_data_is_what_the_seeded_generator_writes(tmp_path):
    """The built-in catalog and goals are the seeded generator's output, not hand-edited files."""
    write_builtin(tmp_path)
    shipped = Path(web_shopping.__file__).parent / "data"
    assert list(read_products(tmp_path / "catalog.jsonl.gz")) == list(read_products(shipped / "catalog.jsonl.gz"))
    for name in ("dev", "test"):
        assert read_goals(tmp_path / f"{name}.jsonl") == read_goals(shipped / f"{name}.jsonl"), name
