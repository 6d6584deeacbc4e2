"""Household upstream data: AgentBench split lists and ALFWorld game files (../shared/data/alfworld)."""

from __future__ import annotations

import gzip
import json

import pytest

pytest.importorskip("alfworld", reason="needs the alfworld extra")

from agentbench_gym.core import Outcome
from agentbench_gym.envs.household import HouseholdEnv
from agentbench_gym.envs.household.data import load_upstream
from agentbench_gym.envs.household.oracle import HouseholdOracle
from agentbench_gym.errors import DataFormatError

TOILET = "pick_and_place_simple-SoapBottle-None-Toilet-424/trial_T20190907_004404_604165"


@pytest.fixture(scope="module")
def alfworld_dir(shared_data):
    folder = shared_data / "alfworld"
    if not (folder / "agentbench" / "dev.json").is_file():
        pytest.skip("no ALFWorld data in ../shared/data/alfworld")
    return folder


@pytest.fixture(scope="module")
def walkthroughs(alfworld_dir):
    """ALFWorld's current-format files carry walkthroughs (``move X to Y``); keyed by sample id."""
    out = {}
    with gzip.open(alfworld_dir / "alfworld_valid_unseen.jsonl.gz", "rt") as handle:
        for line in handle:
            record = json.loads(line)
            out["/".join(record["name"].split("/")[-3:-1])] = record["game"]["walkthrough"]
    return out


def play(env, sample_id, commands):
    env.reset(options={"sample": sample_id})
    info = {}
    for command in commands:
        *_, terminated, truncated, info = env.step(f"ACTION: {command}")
        if terminated or truncated:
            break
    return info


def test_agentbench_dev_list_loads_in_key_order(alfworld_dir):
    samples = load_upstream(alfworld_dir / "agentbench", "dev")
    assert len(samples) == 20 and samples[0].id == TOILET
    categories = [s.category for s in samples]
    assert [categories.count(c) for c in dict.fromkeys(categories)] == [4, 4, 3, 3, 3, 3]
    assert all("::json_2.1.1/valid_unseen/" in s.source for s in samples)  # found in the game pack


def test_agentbench_game_plays_to_success_in_its_own_phrasing(alfworld_dir, walkthroughs):
    env = HouseholdEnv(data_dir=str(alfworld_dir / "agentbench"))
    try:
        obs, info = env.reset(options={"sample": TOILET})
        assert "Your task is to: put a soapbottle in toilet." in obs
        assert "help" not in info["admissible_commands"]  # the 2.1.1 phrasing has no help command
        info = play(env, TOILET, walkthroughs[TOILET])  # walkthrough says "move X to Y"
        assert info["outcome"] is Outcome.COMPLETED and info["score"] == 1.0
        assert info["command"].startswith("put soapbottle") and " in/on toilet 1" in info["command"]
    finally:
        env.close()


@pytest.mark.slow
def test_every_agentbench_dev_game_plays_to_success(alfworld_dir, walkthroughs):
    env = HouseholdEnv(data_dir=str(alfworld_dir / "agentbench"))
    try:
        for sample in env.samples:
            info = play(env, sample.id, walkthroughs[sample.id])
            assert info["outcome"] is Outcome.COMPLETED, sample.id
    finally:
        env.close()


def test_oracle_plans_when_a_game_has_no_walkthrough(alfworld_dir):
    env = HouseholdEnv(data_dir=str(alfworld_dir / "agentbench"))
    oracle = HouseholdOracle(env)
    try:
        obs, info = env.reset(options={"sample": TOILET})
        assert env.sample.walkthrough == ()
        while True:
            obs, reward, terminated, truncated, info = env.step(oracle.act(obs, info))
            if terminated or truncated:
                break
        assert info["outcome"] is Outcome.COMPLETED
    finally:
        env.close()


def _write_tree(alfworld_dir, root, names):
    with gzip.open(alfworld_dir / "alfworld_valid_unseen.jsonl.gz", "rt") as handle:
        records = {r["name"]: r for r in map(json.loads, handle) if r["name"] in names}
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(records[name]["game"]))


NAMES = [
    "json_2.1.1/valid_unseen/pick_and_place_simple-SoapBottle-None-Toilet-424/trial_T20190907_004404_604165/game.tw-pddl",
    "json_2.1.1/valid_unseen/pick_two_obj_and_place-SoapBar-None-GarbageCan-424/trial_T20190909_064053_839817/game.tw-pddl",
]


def test_alfworld_tree_layout_and_current_phrasing(alfworld_dir, tmp_path):
    _write_tree(alfworld_dir, tmp_path, NAMES)
    env = HouseholdEnv(split="valid_unseen", data_dir=str(tmp_path))
    oracle = HouseholdOracle(env)
    try:
        assert [s.id for s in env.samples] == ["/".join(n.split("/")[-3:-1]) for n in sorted(NAMES)]
        assert all(s.walkthrough == () for s in env.samples)
        obs, info = env.reset(options={"sample": 0})
        assert "help" in info["admissible_commands"]  # current ALFWorld phrasing
        while True:
            obs, reward, terminated, truncated, info = env.step(oracle.act(obs, info))
            if terminated or truncated:
                break
        assert info["outcome"] is Outcome.COMPLETED and obs.startswith("You move the")
    finally:
        env.close()


def test_split_list_with_games_under_alfworld_data(alfworld_dir, tmp_path, monkeypatch):
    games, lists = tmp_path / "games", tmp_path / "lists"
    _write_tree(alfworld_dir, games, NAMES)
    lists.mkdir()
    (lists / "mine.json").write_text(json.dumps({"pick_two_obj": NAMES[1:], "pick_and_place": NAMES[:1]}))
    monkeypatch.setenv("ALFWORLD_DATA", str(games))
    samples = load_upstream(lists, "mine")
    assert [s.category for s in samples] == ["pick_two_obj", "pick_and_place"]
    assert samples[0].source == str(games / NAMES[1])


def test_missing_or_malformed_upstream_data_raises(tmp_path, monkeypatch):
    monkeypatch.delenv("ALFWORLD_DATA", raising=False)
    missing = "json_2.1.1/x/pick_and_place_simple-A/t/game.tw-pddl"
    (tmp_path / "dev.json").write_text(json.dumps({"pick_and_place": [missing]}))
    with pytest.raises(DataFormatError, match="not found"):
        load_upstream(tmp_path, "dev")
    (tmp_path / "bad.json").write_text(json.dumps({"pick_and_place": "not a list"}))
    with pytest.raises(DataFormatError, match="list of game paths"):
        load_upstream(tmp_path, "bad")
    with pytest.raises(DataFormatError, match=r"no nothing\.json"):
        load_upstream(tmp_path, "nothing")
