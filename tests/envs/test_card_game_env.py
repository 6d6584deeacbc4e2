"""CardGameEnv (AgentBench/DCG-v0): conversation structure, outcomes, flags, samples, metrics."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest
from agentbench_gym.baselines.aquawar import AquawarBaseline1Policy, AquawarBaseline2Policy
from gymnasium.utils.env_checker import check_env

import agentbench_gym
from agentbench_gym.core import Outcome
from agentbench_gym.envs.card_game import CardGameEnv
from agentbench_gym.envs.card_game.engine import View
from agentbench_gym.envs.card_game.oracle import CardGameOracle
from agentbench_gym.envs.card_game.prompts import ACKNOWLEDGEMENT, ACTION_RULES, GUESS_RULES

FIRST = {"sample": "baseline1-first-0"}
SECOND = {"sample": "baseline2-second-0"}


def guess(name="spray", position=0):
    return json.dumps({"guess_type": name, "target_position": position})


def action(fish="spray", kind="active", target=0):
    return json.dumps({"pick_fish": fish, "action": kind, "target_position": target})


def run(env, policy, options):
    obs, info = env.reset(options=options)
    steps = [(obs, info)]
    while True:
        obs, reward, terminated, truncated, info = env.step(policy(obs, info))
        steps.append((obs, reward, terminated, truncated, info))
        if terminated or truncated:
            return steps


def test_gymnasium_check_env_and_make():
    check_env(CardGameEnv())
    env = gym.make("AgentBench/DCG-v0")
    assert isinstance(env.unwrapped, CardGameEnv) and agentbench_gym.TASKS["DCG"] == "AgentBench/DCG-v0"
    env.close()


def test_samples_follow_agentbench_order():
    dev, test = CardGameEnv().samples, CardGameEnv(split="test").samples
    assert len(dev) == 12 and len(test) == 20
    assert [(s.opponent, s.agent_slot) for s in dev[::3]] == [
        ("baseline1", 0), ("baseline1", 1), ("baseline2", 0), ("baseline2", 1)]
    assert [s.id for s in dev[:3]] == ["baseline1-first-0", "baseline1-first-1", "baseline1-first-2"]
    assert len({s.seed for s in dev + test}) == 32
    assert [s.seed for s in CardGameEnv().samples] == [s.seed for s in dev]


def test_opening_call_is_agentbench_s():
    env = CardGameEnv()
    obs, info = env.reset(options=FIRST)
    assert info["prefix"] == [{"role": "user", "content": GUESS_RULES},
                              {"role": "assistant", "content": ACKNOWLEDGEMENT}]
    assert info["chat"] == [*info["prefix"], {"role": "user", "content": obs}]
    assert info["decision"] == "guess" and info["tries"] == 0
    assert obs.startswith("\nPrevious Guess: \nFalse\nLive Unknown Enemy Fish: \n['0', '1', '2', '3']")
    assert isinstance(info["view"], View)


def test_agent_second_sees_the_bot_s_first_move():
    env = CardGameEnv()
    obs, info = env.reset(options=SECOND)
    assert "'SKILL_TYPE': 'None'" not in obs
    assert env.game.state == 5 and env.game.to_move == 1


def test_two_conversations_with_rules_resent_every_call():
    env = CardGameEnv()
    obs1, _ = env.reset(options=FIRST)
    obs2, _, _, _, info = env.step(guess("spray", 0))
    assert info["decision"] == "action" and obs2.startswith("\nFollowing is the current game state:")
    assert [m["content"] for m in info["chat"]] == [ACTION_RULES, ACKNOWLEDGEMENT, obs2]
    _, _, _, _, info = env.step("no move")  # a failed try: identical prompt, one more (R, A)
    assert [m["content"] for m in info["chat"]] == [ACTION_RULES, ACKNOWLEDGEMENT] * 2 + [obs2]
    assert info["tries"] == 1
    reply = action("spray")
    obs3, _, _, _, info = env.step(reply)
    assert info["decision"] == "guess"
    assert [m["content"] for m in info["chat"]] == [
        GUESS_RULES, ACKNOWLEDGEMENT, obs1, guess("spray", 0), GUESS_RULES, ACKNOWLEDGEMENT, obs3]
    assert [m["role"] for m in info["chat"]] == ["user", "assistant"] * 3 + ["user"]
    assert "Previous Guess: \nTrue" in obs3


def test_retry_resends_the_identical_prompt():
    env = CardGameEnv()
    obs, _ = env.reset(options=FIRST)
    again, reward, terminated, truncated, info = env.step("{}")
    assert again == obs and reward == 0 and not terminated and info["outcome"] is Outcome.RUNNING


def test_five_bad_guesses_skip_the_guess():
    env = CardGameEnv()
    env.reset(options=FIRST)
    for _ in range(4):
        _, _, _, _, info = env.step('{"guess_type": "shark", "target_position": 0}')
        assert info["decision"] == "guess"
    obs, _, terminated, _, info = env.step("")
    assert not terminated and info["decision"] == "action" and info["tries"] == 0
    assert all(f.hp == 400 for f in env.game.teams[1]) and env.game.phase == "action"


@pytest.mark.parametrize(("replies", "outcome"), [
    (["nothing"] * 5, Outcome.INVALID_FORMAT),
    (['{"pick_fish": "spray"}'] * 5, Outcome.INVALID_ACTION),
    (["nothing"] * 4 + [action("flame", "active", 1)], Outcome.INVALID_ACTION),
    (["{'pick_fish': 'it's'}"] * 5, Outcome.INVALID_FORMAT),
])
def test_five_failed_actions_end_the_episode(replies, outcome):
    env = CardGameEnv()
    env.reset(options=FIRST)
    env.step(guess())
    for reply in replies[:-1]:
        _, _, terminated, _, _ = env.step(reply)
        assert not terminated
    obs, reward, terminated, truncated, info = env.step(replies[-1])
    assert terminated and not truncated and info["outcome"] is outcome
    assert reward == 0.0 and info["score"] == 0.0
    assert info["metrics"]["win"] == 0 and info["metrics"]["damage"] == 200  # the right guess
    assert "lose" in obs and info["decision"] is None


def test_oracle_wins_every_dev_game():
    env = CardGameEnv()
    oracle = CardGameOracle(env)
    episodes = []
    for index in range(len(env.samples)):
        oracle.reset()
        *_, (obs, reward, terminated, truncated, info) = run(env, oracle.act, {"sample": index})
        assert info["outcome"] is Outcome.COMPLETED and reward == 1.0 == info["score"]
        assert info["metrics"]["win"] == 1 and info["metrics"]["damage"] == 1600
        assert "you win" in obs
        episodes.append(info)
    assert CardGameEnv.task_metrics(episodes) == {"main": 1.0, "win_rate": 1.0, "damage_rate": 1.0}


def test_loss_scores_zero_with_damage():
    env = CardGameEnv()
    env.reset(options=SECOND)
    # Always infight our own sunfish with the flame, then the spray, ... until the bot wins.
    def suicidal(obs, info):
        if info["decision"] == "guess":
            return "pass"
        view = info["view"]
        living = [p for p in range(4) if view.my_hp[p] > 0]
        if 1 in living and len(living) > 1:
            return action("flame", "active", next(p for p in living if p != 1))
        return action(["spray", "flame", "eel", "sunfish"][living[0]], "normal", next(
            p for p in range(4) if view.enemy_hp[p] > 0))
    *_, (obs, reward, terminated, _, info) = run(env, suicidal, SECOND)
    assert terminated and info["outcome"] is Outcome.COMPLETED
    assert reward == 0.0 and info["metrics"]["win"] == 0 and 0 < info["metrics"]["damage"] < 1600
    assert "you lose" in obs


def test_task_metric_is_agentbench_s_formula():
    episodes = [{"score": 1.0, "metrics": {"win": 1, "damage": 1600}},
                {"score": 0.0, "metrics": {"win": 0, "damage": 400}},
                {"score": 0.0, "metrics": {}}]
    metrics = CardGameEnv.task_metrics(episodes)
    assert metrics["win_rate"] == pytest.approx(1 / 3)
    assert metrics["damage_rate"] == pytest.approx(2000 / 4800)
    assert metrics["main"] == pytest.approx(0.7 / 3 + 0.3 * 2000 / 4800)
    assert CardGameEnv.task_metrics([])["main"] == 0.0


def test_default_lets_eel_and_sunfish_use_their_actives():
    env = CardGameEnv()
    env.reset(options=FIRST)
    env.step(guess())
    _, _, _, _, info = env.step(action("eel", "active", 0))
    assert info["decision"] == "guess" and env.game.last_action[0].skill == "AOE"
    env.step(guess("flame", 1))
    env.step(action("sunfish", "active", 2))
    assert env.game.last_action[0].skill == "Infight" and env.game.last_action[0].actor == 3


def test_upstream_flag_eel_and_sunfish_actives_fail_and_lose_as_completed():
    env = CardGameEnv(upstream_bugs=True)
    env.reset(options=FIRST)
    env.step(guess())
    for index in range(5):
        obs, reward, terminated, _, info = env.step(action(("eel", "sunfish")[index % 2], "active", 1))
    assert terminated and info["outcome"] is Outcome.COMPLETED and reward == 0.0
    assert info["metrics"]["win"] == 0 and info["metrics"]["end_reason"] == "unfinished"
    env.reset(options=FIRST)
    env.step(guess())
    for reply in [action("eel", "active", 1)] * 4 + ["no json"]:
        *_, info = env.step(reply)
    assert info["outcome"] is Outcome.INVALID_FORMAT  # setter failures are not counted


def test_upstream_flag_digit_pick_is_off_by_one():
    for upstream, actor in ((False, 0), (True, 1)):
        env = CardGameEnv(upstream_bugs=upstream)
        env.reset(options=FIRST)
        env.step(guess())
        env.step(action("0", "normal", 2))
        assert env.game.last_action[0].actor == actor


def test_upstream_flag_changes_only_the_summaries_for_the_oracle():
    fixed, upstream = CardGameEnv(), CardGameEnv(upstream_bugs=True)
    fixed_steps = run(fixed, CardGameOracle(fixed).act, FIRST)
    upstream_steps = run(upstream, CardGameOracle(upstream).act, FIRST)
    assert len(fixed_steps) == len(upstream_steps)
    assert fixed_steps[-1][-1]["metrics"] == upstream_steps[-1][-1]["metrics"]
    assert '"Position: 0": "Counter"' in upstream_steps[-3][0]


def test_same_sample_same_episode():
    def replies(obs, info):
        return [guess("eel", 2), action("spray"), "junk", guess("flame", 1), action("flame", "normal", 1)][
            info["turn"] % 5]
    a = run(CardGameEnv(), replies, SECOND)
    b = run(CardGameEnv(), replies, SECOND)
    assert [s[0] for s in a] == [s[0] for s in b]
    env = CardGameEnv()
    first = env.reset(seed=5)[1]["sample_id"]
    assert env.reset(seed=5)[1]["sample_id"] == first


@pytest.mark.parametrize("policy_class", [AquawarBaseline1Policy, AquawarBaseline2Policy])
def test_baseline_policies_play_legally(policy_class):
    env = CardGameEnv()
    policy = policy_class(seed=1)
    for index in range(len(env.samples)):
        policy.reset()
        *_, (_, _, _, _, info) = run(env, policy.act, {"sample": index})
        assert info["outcome"] is Outcome.COMPLETED
    assert policy_class.task == "DCG"


def test_baseline2_policy_beats_baseline1_mostly():
    env = CardGameEnv(split="test")
    policy = AquawarBaseline2Policy(seed=0)
    wins = 0
    for index in range(10):  # the baseline1 games
        policy.reset()
        wins += run(env, policy.act, {"sample": index})[-1][-1]["metrics"]["win"]
    assert wins >= 6


HOSTILE = ["", "\x00\x01\x02", "\udcff", "{" * 100_000, "}" * 10, "x" * 1_000_000,
           '{"guess_type": "eel", "target_position": 99999999999999999999999}',
           '{"pick_fish": "eel", "action": "active", "target_position": [1, 2]}',
           '{"guess_type": "eel", "target_position": ' + "[" * 5000 + "]" * 5000 + "}",
           "{'guess_type': 'eel', 'target_position': 1e400}", '{"a": {"b": 1}}', "{" + "1" * 10_000 + "}",
           '{"pick_fish": "spray", "action": "active", "target_position": NaN}']


def test_hostile_replies_never_crash():
    env = CardGameEnv()
    rng = np.random.default_rng(0)
    for episode in range(6):
        env.reset(options={"sample": episode})
        for _ in range(400):
            reply = HOSTILE[int(rng.integers(len(HOSTILE)))] if rng.random() < 0.7 else guess(
                "eel", int(rng.integers(4)))
            obs, _, terminated, truncated, info = env.step(reply)
            assert isinstance(obs, str) and isinstance(info["outcome"], Outcome)
            if terminated or truncated:
                assert info["outcome"].ended and info["outcome"] is not Outcome.TASK_ERROR
                break


def test_max_turns_gives_task_limit_and_a_loss():
    env = CardGameEnv(max_turns=3)
    env.reset(options=FIRST)
    for _ in range(3):
        _, reward, terminated, truncated, info = env.step("?")
    assert truncated and not terminated and info["outcome"] is Outcome.TASK_LIMIT
    assert info["metrics"]["win"] == 0 and reward == 0.0


def test_data_dir_reads_upstream_sample_dicts(tmp_path):
    lines = [{"stage": 2, "base": "baseline2", "agent": 1}, {"stage": 2, "base": "baseline1", "agent": 0,
                                                             "id": "mine", "seed": 7}]
    (tmp_path / "dev.jsonl").write_text("\n".join(json.dumps(x) for x in lines))
    env = CardGameEnv(data_dir=str(tmp_path))
    assert [(s.id, s.opponent, s.agent_slot) for s in env.samples] == [("0", "baseline2", 1), ("mine", "baseline1", 0)]
    assert env.samples[1].seed == 7
    (tmp_path / "bad.jsonl").write_text('{"base": "baseline3", "agent": 0}\n')
    with pytest.raises(agentbench_gym.errors.DataFormatError):
        CardGameEnv(data_dir=str(tmp_path), split="bad")


def test_render_ansi_shows_the_board():
    env = CardGameEnv(render_mode="ansi")
    env.reset(options=FIRST)
    env.step(guess())
    text = env.render()
    assert "enemy:" in text and "350hp" in text and GUESS_RULES in text
