"""WS env: AgentBench's turn protocol, outcomes, metrics and the built-in data."""

from __future__ import annotations

import ast

import gymnasium as gym
import pytest

import agentbench_gym  # noqa: F401  (registers the ids)
from agentbench_gym.core import Outcome
from agentbench_gym.envs.web_shopping import prompts
from agentbench_gym.envs.web_shopping.env import WebShopEnv, builtin_catalog
from agentbench_gym.envs.web_shopping.oracle import WebShopOracle
from agentbench_gym.envs.web_shopping.parse import parse_action


def _reply(action: str) -> str:
    return f"Thought:\nI think so.\n\nAction:\n{action}"


def _split_turn(obs: str) -> tuple[str, dict]:
    head, _, actions = obs.partition("\n\nAvailable Actions:\n")
    assert head.startswith("Observation:\n")
    return head[len("Observation:\n"):], ast.literal_eval(actions)


def test_parse_action_is_agentbench_regex():
    assert parse_action("Thought:\nx\n\nAction:\nclick[Buy Now]") == "click[Buy Now]"
    assert parse_action("action:   search[red shoes]  trailing") == "search[red shoes]"
    assert parse_action("Action:\n\n  click[a]b]") == "click[a]"  # stops at the first "]"
    assert parse_action("click[Buy Now]") is None  # no "Action:"
    assert parse_action("Action: search[]") is None and parse_action("Action: buy[x]") is None


def test_reset_gives_agentbench_opening():
    env = gym.make("AgentBench/WS-v0")
    obs, info = env.reset(options={"sample": 0})
    prefix = info["prefix"]
    assert [m["role"] for m in prefix] == ["user", "assistant"] * 5
    assert prefix[0]["content"].startswith("\nYou are web shopping.\n") and prefix[1]["content"] == "Ok."
    assert prefix[2]["content"].startswith('Observation:\n"WebShop [SEP] Instruction: [SEP] i need a long '
                                           "lasting 6.76 fl oz bottle of l'eau d'issey")
    assert prefix[-1]["content"].endswith("Action:\nclick[Buy Now]")
    page, actions = _split_turn(obs)
    sample = env.unwrapped.sample
    assert page == f"WebShop [SEP] Instruction: [SEP] {sample.instruction} [SEP] Search"
    assert actions == {"has_search_bar": True, "clickables": ["search"]} == info["available_actions"]
    assert obs.endswith("{'has_search_bar': True, 'clickables': ['search']}")  # Python repr, as upstream
    env.close()


def test_oracle_buys_gold_and_metrics():
    env = WebShopEnv()
    oracle = WebShopOracle(env)
    obs, info = env.reset(options={"sample": 3})
    turns = 0
    while True:
        obs, reward, terminated, truncated, info = env.step(oracle.act(obs, info))
        turns += 1
        if terminated or truncated:
            break
    assert info["outcome"] is Outcome.COMPLETED and reward == info["score"] == 1.0
    metrics = info["metrics"]
    assert metrics["success"] == 1.0 and metrics["r_type"] == 1.0 and metrics["r_price"] == 1.0
    assert metrics["purchased_asin"] == env.sample.asin and metrics["searches"] == 1 and metrics["noops"] == 0
    assert turns <= 6


def test_invalid_format_ends_with_zero():
    env = WebShopEnv()
    env.reset(options={"sample": 0})
    obs, reward, terminated, truncated, info = env.step("I would buy the red one.")
    assert terminated and not truncated and info["outcome"] is Outcome.INVALID_FORMAT and reward == 0.0


def test_noop_costs_a_turn_and_ten_actions_hit_the_limit():
    env = WebShopEnv()
    obs0, _ = env.reset(options={"sample": 0})
    obs, _, terminated, _, info = env.step(_reply("click[Buy Now]"))  # not on the search page
    assert obs == obs0 and not terminated and info["outcome"] is Outcome.RUNNING and info["turn"] == 1
    env.step(_reply("search[sandal]"))
    for _ in range(7):
        obs, reward, terminated, truncated, info = env.step(_reply("click[next >]"))
        assert not (terminated or truncated)
    obs, reward, terminated, truncated, info = env.step(_reply("click[next >]"))
    assert truncated and info["outcome"] is Outcome.TASK_LIMIT and reward == 0.0 and info["turn"] == 10
    assert info["metrics"]["noops"] == 1


def test_wrong_product_scores_partially():
    env = WebShopEnv()
    env.reset(options={"sample": 0})
    env.step(_reply(f"search[{env.sample.instruction}]"))
    env.step(_reply("click[back to search]"))
    obs = env.step(_reply("search[headphone]"))[0]
    _, actions = _split_turn(obs)
    asin = next(c for c in actions["clickables"] if c.startswith("b0") and c.upper() != env.sample.asin)
    env.step(_reply(f"click[{asin}]"))
    obs, reward, terminated, _, info = env.step(_reply("click[buy now]"))
    assert terminated and 0.0 <= reward < 1.0 and info["metrics"]["success"] == 0.0


def test_task_metrics_mean_reward_and_success():
    episodes = [{"score": 1.0, "metrics": {}}, {"score": 0.5, "metrics": {}}, {"score": 0.0, "metrics": {}}]
    metrics = WebShopEnv.task_metrics(episodes)
    assert metrics["main"] == pytest.approx(0.5) and metrics["success_rate"] == pytest.approx(1 / 3)


def test_builtin_data_sizes_and_every_goal_solvable():
    catalog = builtin_catalog()
    assert len(catalog) >= 2000
    assert {p.category for p in catalog.products} == {"beauty", "electronics", "fashion", "garden", "grocery"}
    dev, test = WebShopEnv(split="dev"), WebShopEnv(split="test")
    assert len(dev.samples) == 80 and len(test.samples) == 200
    assert not {s.asin for s in dev.samples} & {s.asin for s in test.samples}
    from agentbench_gym.envs.web_shopping.scoring import webshop_reward

    for goal in (*dev.samples, *test.samples):
        product = catalog.get(goal.asin)
        chosen = {name: value for value in goal.solution for name, values in product.options.items()
                  if value in values}
        assert webshop_reward(product, goal, chosen, "heuristic")[0] == 1.0, goal.id


def test_turn_message_format():
    assert prompts.turn_message("A [SEP] B", {"has_search_bar": False, "clickables": ["x"]}) == (
        "Observation:\nA [SEP] B\n\nAvailable Actions:\n{'has_search_bar': False, 'clickables': ['x']}")


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        WebShopEnv(tagger="nope")
    with pytest.raises(ValueError):
        WebShopEnv(split="train")


def test_dense_rewards_sum_to_the_score():
    env = WebShopEnv(dense=True)
    oracle = WebShopOracle(env)
    obs, info = env.reset(options={"sample": 2})
    rewards = []
    while True:
        obs, reward, terminated, truncated, info = env.step(oracle.act(obs, info))
        rewards.append(reward)
        if terminated or truncated:
            break
    assert sum(rewards) == pytest.approx(info["score"]) == pytest.approx(1.0)
    assert rewards[0] == 0.25 and rewards[1] == 0.25 and all(r >= 0 for r in rewards)
    env.reset(options={"sample": 2})
    total = sum(env.step(_reply(a))[1] for a in ("search[x y z]", "click[back to search]"))
    assert total == 0.0
