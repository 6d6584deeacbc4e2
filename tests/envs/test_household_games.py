"""Built-in household games: assembled from alfworld's files, reproducible from the generator."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("alfworld", reason="needs the alfworld extra")

from agentbench_gym.data import builtin_file
from agentbench_gym.envs.household.games import assemble, domain_and_grammar, rephrase


def records(split):
    with open(builtin_file("agentbench_gym.envs.household", f"{split}.jsonl"), encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_agentbench_phrasing_rewrites_alfworld_s_files():
    domain, grammar = domain_and_grammar("agentbench")
    assert 'template :: "put {o} in/on {r}";' in grammar and "move {o} to {r}" not in grammar
    assert "You arrive at {lend.name}." in grammar and "action help" not in grammar
    assert "(:action help" not in domain and "(:action PutObject" in domain
    domain, grammar = domain_and_grammar("alfworld")
    assert 'template :: "move {o} to {r}";' in grammar and "(:action help" in domain


def test_assembled_game_carries_the_goal_and_problem():
    record = records("dev")[0]
    game = assemble(record, "agentbench")
    assert f'"rhs": "Your task is to: {record["goal"]}"' in game["grammar"]
    assert game["pddl_problem"] == record["problem"]
    assert assemble(record, "alfworld")["walkthrough"] == [rephrase(c, "alfworld") for c in record["walkthrough"]]


def test_records_are_well_formed_and_distinct():
    dev, test = records("dev"), records("test")
    assert len(dev) == 20 and len(test) == 50
    assert not {r["problem"] for r in dev} & {r["problem"] for r in test}
    for record in dev + test:
        assert record["goal"].endswith(".") and record["walkthrough"]
        assert "(:goal" in record["problem"] and record["id"].split("-")[2] == record["task_type"]


@pytest.mark.slow
def test_generator_reproduces_the_shipped_games():
    from agentbench_gym.envs.household.generate import main

    assert main(["--check"]) == 0
