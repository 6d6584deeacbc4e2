"""The Aquawar PettingZoo AEC env: PettingZoo's API test and two policies playing each other."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("pettingzoo")

from pettingzoo.test import api_test

from agentbench_gym.envs.card_game.engine import FISH_NAMES
from agentbench_gym.envs.card_game.oracle import CardGameOracle
from agentbench_gym.envs.card_game.pettingzoo_env import AquawarAECEnv, env
from agentbench_gym.envs.card_game.prompts import GUESS_RULES


@pytest.mark.parametrize("upstream_bugs", [False, True])
def test_api_test(upstream_bugs):
    api_test(AquawarAECEnv(upstream_bugs=upstream_bugs), num_cycles=300)


def oracle_reply(game_env: AquawarAECEnv, agent: str, decision: str) -> str:
    game, me = game_env.game, int(agent[-1])
    if decision == "guess":
        enemy = [f for f in game.teams[1 - me] if not f.dead]
        target = next((f for f in enemy if not f.revealed), enemy[0])
        return json.dumps({"guess_type": FISH_NAMES[target.kind - 1], "target_position": target.pos})
    move = CardGameOracle.best_move(game, me)
    return json.dumps({"pick_fish": FISH_NAMES[move.actor], "action": move.action, "target_position": move.target})


def test_two_policies_play_a_full_game():
    game_env = env(render_mode="ansi")
    game_env.reset(seed=0)
    observation, _, _, _, info = game_env.last()
    assert info["chat"][0]["content"] == GUESS_RULES and info["chat"][-1]["content"] == observation
    rewards = {}
    for agent in game_env.agent_iter():
        observation, reward, terminated, truncated, info = game_env.last()
        rewards[agent] = rewards.get(agent, 0) + reward
        if terminated or truncated:
            game_env.step(None)
            continue
        # player_0 plays the oracle; player_1 keeps sending junk on guesses, the oracle on actions
        if agent == "player_1" and info["decision"] == "guess":
            game_env.step("pass")
        else:
            game_env.step(oracle_reply(game_env, agent, info["decision"]))
    assert rewards == {"player_0": 1.0, "player_1": -1.0}
    assert "player_0" in game_env.render()


def test_five_failed_actions_lose():
    game_env = env()
    game_env.reset()
    game_env.step('{"guess_type": "eel", "target_position": 2}')
    for _ in range(5):
        game_env.step('{"pick_fish": "nobody", "action": "normal", "target_position": 0}')
    assert all(game_env.terminations.values())
    assert game_env.infos["player_0"]["outcome"] == "invalid_action"
    assert game_env.infos["player_1"]["outcome"] == "win"
    assert game_env.rewards == {"player_0": -1.0, "player_1": 1.0}
