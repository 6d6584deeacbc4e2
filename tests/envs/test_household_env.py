"""HouseholdEnv (AgentBench/HH-v0): conversation, outcomes, action mapping, info, metrics, cleanup."""

from __future__ import annotations

import glob
import os
import tempfile

import gymnasium as gym
import pytest

pytest.importorskip("alfworld", reason="needs the alfworld extra")

from agentbench_gym.core import Outcome
from agentbench_gym.envs.household import HouseholdEnv, prompts
from agentbench_gym.envs.household.backends import pooled_libraries
from agentbench_gym.envs.household.oracle import HouseholdOracle

BATHROOM = "dev-006-pick_clean_then_place_in_recep-SoapBar-CounterTop-bathroom"


@pytest.fixture(scope="module")
def env():
    env = HouseholdEnv()
    yield env
    env.close()


def start(env, sample=BATHROOM):
    return env.reset(seed=0, options={"sample": sample})


def test_opening_conversation_is_agentbench_s(env):
    obs, info = start(env)
    prefix = info["prefix"]
    assert prefix[0] == {"role": "user", "content": prompts.INSTRUCTION}
    assert prefix[1] == {"role": "assistant", "content": prompts.ACKNOWLEDGEMENT}
    example = prompts.EXAMPLES["clean"]
    assert prefix[2]["content"] == "Here is one example.\n" + example[0]
    assert [m["content"] for m in prefix[3:]] == list(example[1:])
    assert [m["role"] for m in prefix] == ["user", "assistant"] * (len(prefix) // 2)
    assert obs.startswith("Here is your task. You are in the middle of a room.")
    assert "-= Welcome" not in obs
    assert "\nYour task is to: put a clean soapbar in countertop. AVAILABLE ACTIONS: " in obs
    commands = obs.split(" AVAILABLE ACTIONS: ")[1]
    assert commands.endswith("\n") and commands[:-1].split("\n") == info["admissible_commands"]
    assert info["task_type"] == "pick_clean_then_place"
    assert info["observation_in_history"] == obs.split("AVAILABLE ACTIONS")[0]


def test_walkthrough_wins_and_scores_one(env):
    obs, info = start(env)
    walkthrough = env.sample.walkthrough
    for i, command in enumerate(walkthrough):
        obs, reward, terminated, truncated, info = env.step(f"THOUGHT: step {i}.\n ACTION: {command}")
        assert info["command"] == command
    assert terminated and not truncated and info["outcome"] is Outcome.COMPLETED
    assert reward == 1.0 and info["score"] == 1.0
    assert info["metrics"] == {"success": 1.0, "task_type": "pick_clean_then_place", "steps": len(walkthrough)}


def test_arrival_prefix_is_removed(env):
    start(env)
    obs, *_ = env.step("ACTION: go to countertop 1")
    assert obs.startswith("On the countertop 1, you see") or obs.startswith("The countertop 1")
    assert "You arrive at loc" not in obs


@pytest.mark.parametrize("reply", ["", "go to countertop 1", "Action: look", "ACTION:", "ACTION:   \nlook",
                                   "action: look", "\udcff", "x" * 100_000])
def test_reply_without_action_ends_as_invalid_action(env, reply):
    start(env)
    obs, reward, terminated, truncated, info = env.step(reply)
    assert info["outcome"] is Outcome.INVALID_ACTION and terminated and not truncated
    assert reward == 0.0 and info["metrics"]["success"] == 0.0


def test_action_is_lowercased_stripped_and_first_line_only(env):
    start(env)
    _, _, _, _, info = env.step("THOUGHT: go.\n ACTION:   GO TO CounterTop 1  \nACTION: look")
    assert info["command"] == "go to countertop 1" and info["outcome"] is Outcome.RUNNING


def test_free_text_snaps_to_nearest_admissible_command(env):
    start(env)
    _, _, _, _, info = env.step("ACTION: go to the countertop 1 please")
    assert info["command"] == "go to countertop 1"
    _, _, _, _, info = env.step("ACTION: zzz qqq")  # no n-gram in common: sent as is
    assert info["command"] == "zzz qqq"


def test_nothing_happens_costs_only_a_turn(env):
    start(env)
    obs, reward, terminated, truncated, info = env.step("ACTION: zzz qqq")
    assert obs.startswith("Nothing happens. AVAILABLE ACTIONS: ")
    assert info["outcome"] is Outcome.RUNNING and not (terminated or truncated)


def test_both_place_phrasings_are_accepted():
    # The stored walkthrough says "put X in/on Y"; each game gets the phrasing it does not use.
    for phrasing in ("agentbench", "alfworld"):
        env = HouseholdEnv(phrasing=phrasing)
        try:
            env.reset(options={"sample": BATHROOM})
            for command in env.sample.walkthrough:
                sent = command
                if command.startswith("put ") and phrasing == "agentbench":
                    obj, recep = command[4:].split(" in/on ")
                    sent = f"move {obj} to {recep}"
                obs, reward, terminated, truncated, info = env.step("ACTION: " + sent)
                if command.startswith("put "):
                    expected = command if phrasing == "agentbench" else sent.replace("put ", "move ").replace(
                        " in/on ", " to ")
                    assert info["command"] == expected
            assert info["outcome"] is Outcome.COMPLETED, obs
            assert obs.startswith("You put the" if phrasing == "agentbench" else "You move the")
        finally:
            env.close()


def test_help_exists_only_in_alfworld_phrasing():
    env = HouseholdEnv(phrasing="alfworld")
    try:
        _, info = env.reset(options={"sample": BATHROOM})
        assert "help" in info["admissible_commands"]
    finally:
        env.close()
    env = HouseholdEnv()
    try:
        _, info = env.reset(options={"sample": BATHROOM})
        assert "help" not in info["admissible_commands"]
    finally:
        env.close()


def test_three_identical_replies_end_from_the_fourth_reply_on(env):
    start(env)
    for _ in range(3):  # turns 1-3: upstream checks only once more than three steps are logged
        *_, info = env.step("ACTION: look")
        assert info["outcome"] is Outcome.RUNNING
    obs, reward, terminated, truncated, info = env.step("ACTION: look")
    assert info["outcome"] is Outcome.INVALID_ACTION and terminated and reward == 0.0


def test_repetition_counts_raw_replies_not_commands(env):
    start(env)
    for reply in ("ACTION: look", "ACTION: look ", "ACTION: LOOK", "ACTION: look", "ACTION: look "):
        *_, info = env.step(reply)
        assert info["outcome"] is Outcome.RUNNING


def test_turn_limit_is_35_and_scores_zero():
    env = HouseholdEnv()
    try:
        env.reset(options={"sample": BATHROOM})
        replies = ["ACTION: look", "ACTION: inventory"]
        for turn in range(1, 36):
            *_, terminated, truncated, info = env.step(replies[turn % 2])
            if turn < 35:
                assert info["outcome"] is Outcome.RUNNING
        assert truncated and info["outcome"] is Outcome.TASK_LIMIT and info["score"] == 0.0
    finally:
        env.close()


def test_engine_failure_is_task_error_not_a_scored_failure():
    env = HouseholdEnv()
    try:
        env.reset(options={"sample": BATHROOM})
        env._engine.close()  # the engine's library is gone under the env: a real infrastructure failure
        *_, terminated, truncated, info = env.step("ACTION: look")
        assert truncated and info["outcome"] is Outcome.TASK_ERROR and not info["outcome"].scored
        env.reset(options={"sample": BATHROOM})  # a new engine comes up for the re-run
        *_, info = env.step("ACTION: look")
        assert info["outcome"] is Outcome.RUNNING
    finally:
        env.close()


def test_oracle_solves_one_small_room_game_per_task_type(env):
    oracle = HouseholdOracle(env)
    seen = set()
    for index, sample in enumerate(env.samples):
        if sample.category in seen or ("bathroom" not in sample.id and "bedroom" not in sample.id):
            continue
        seen.add(sample.category)
        oracle.reset()
        obs, info = env.reset(options={"sample": index})
        while True:
            obs, reward, terminated, truncated, info = env.step(oracle.act(obs, info))
            if terminated or truncated:
                break
        assert info["outcome"] is Outcome.COMPLETED


def test_task_metrics_success_rate_per_type():
    episodes = [
        {"score": 1.0, "metrics": {"task_type": "pick_and_place"}},
        {"score": 0.0, "metrics": {"task_type": "pick_and_place"}},
        {"score": 1.0, "metrics": {"task_type": "look_at_obj"}},
        {"score": 0.0, "metrics": {"task_type": "pick_two_obj"}},
    ]
    metrics = HouseholdEnv.task_metrics(episodes)
    assert metrics["main"] == 0.5 and metrics["success_rate"] == 0.5
    assert metrics["success_rate/pick_and_place"] == 0.5 and metrics["count/pick_and_place"] == 2
    assert metrics["success_rate/look_at_obj"] == 1.0 and metrics["success_rate/pick_two_obj"] == 0.0
    assert "success_rate/pick_heat_then_place" not in metrics
    assert HouseholdEnv.task_metrics([])["main"] == 0.0


def test_splits_have_agentbench_sizes_and_all_task_types():
    for split, size, per_type in (("dev", 20, (4, 4, 3, 3, 3, 3)), ("test", 50, (9, 9, 8, 8, 8, 8))):
        env = HouseholdEnv(split=split)
        try:
            categories = [s.category for s in env.samples]
            assert len(env.samples) == size and len({s.id for s in env.samples}) == size
            assert tuple(categories.count(c) for c in dict.fromkeys(categories)) == per_type
        finally:
            env.close()


def test_bad_arguments_raise_at_construction():
    with pytest.raises(ValueError):
        HouseholdEnv(phrasing="french")
    with pytest.raises(ValueError):
        HouseholdEnv(backend="docker")
    with pytest.raises(ValueError):
        HouseholdEnv(split="std")


def _library_copies() -> int:
    with open("/proc/self/maps") as maps:
        return len({line.split(maxsplit=5)[-1] for line in maps if "libdownward.so" in line})


def test_close_returns_the_library_copy_and_leaves_no_file():
    pattern = os.path.join(tempfile.gettempdir(), "tmp*", "libdownward.so")
    before_files = set(glob.glob(pattern))
    first = gym.make("AgentBench/HH-v0")
    first.reset(options={"sample": BATHROOM})
    first.step("ACTION: look")
    first.close()
    first.close()
    pooled, copies = pooled_libraries(), _library_copies()
    assert pooled >= 1
    second = gym.make("AgentBench/HH-v0")
    second.reset(options={"sample": BATHROOM})  # reuses the pooled copy: no new library is loaded
    assert _library_copies() == copies and pooled_libraries() == pooled - 1
    second.close()
    assert pooled_libraries() == pooled
    assert set(glob.glob(pattern)) <= before_files


def _oracle_trace(sample_id: str) -> list[str]:
    env = HouseholdEnv()
    oracle = HouseholdOracle(env)
    try:
        obs, info = env.reset(options={"sample": sample_id})
        trace = [obs]
        while True:
            obs, reward, terminated, truncated, info = env.step(oracle.act(obs, info))
            trace.append(obs)
            if terminated or truncated:
                return [*trace, str(info["outcome"])]
    finally:
        env.close()


def test_envs_in_threads_play_as_they_do_alone():
    from concurrent.futures import ThreadPoolExecutor

    listing = HouseholdEnv()
    ids = [s.id for s in listing.samples if s.id.endswith(("bathroom", "bedroom"))][:4]
    listing.close()
    alone = [_oracle_trace(i) for i in ids]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(_oracle_trace, ids * 2))
    assert together == alone * 2
    assert all(trace[-1] == "completed" for trace in alone)


@pytest.mark.slow
def test_scripted_solver_wins_every_test_game():
    env = HouseholdEnv(split="test")
    oracle = HouseholdOracle(env)
    try:
        for index, sample in enumerate(env.samples):
            oracle.reset()
            obs, info = env.reset(options={"sample": index})
            while True:
                obs, reward, terminated, truncated, info = env.step(oracle.act(obs, info))
                if terminated or truncated:
                    break
            assert info["outcome"] is Outcome.COMPLETED, sample.id
    finally:
        env.close()
