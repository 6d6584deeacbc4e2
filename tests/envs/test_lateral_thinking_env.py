"""LTP env behaviour with the offline judge: protocol, outcomes, flags, metrics, hostile input."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from agentbench_gym.baselines import make_policy

import agentbench_gym  # noqa: F401
from agentbench_gym.core import Outcome
from agentbench_gym.env_checker import check_hostile_input, hostile_replies, run_episode
from agentbench_gym.envs.lateral_thinking import LateralThinkingEnv
from agentbench_gym.envs.lateral_thinking.prompts import EN

ENV_ID = "AgentBench/LTP-v0"


def play(env, replies, sample=0, **options):
    env.reset(options={"sample": sample, **options})
    out = []
    for reply in replies:
        out.append(env.step(reply))
        if out[-1][2] or out[-1][3]:
            break
    return out


@pytest.mark.parametrize("split", ["dev", "test"])
def test_oracle_uncovers_every_key_point(split):
    env = gym.make(ENV_ID, split=split)
    policy = make_policy("scripted", env)
    for index in range(len(env.unwrapped.samples)):
        policy.reset()
        trace = run_episode(env, policy.act, options={"sample": index})
        info = trace[-1][-1]
        puzzle = env.unwrapped.sample
        assert info["outcome"] is Outcome.COMPLETED, puzzle.id
        assert info["score"] == 1.0 and info["metrics"]["keys_found"] == len(puzzle.key_points)
        assert info["turn"] == len(puzzle.key_points)  # one question per key point, none wasted
        assert info["metrics"]["RE"] == pytest.approx(1 - info["turn"] / 25)
    env.close()


def test_first_observation_is_agentbench_instruction():
    env = gym.make(ENV_ID)
    obs, info = env.reset(options={"sample": "dev-02"})
    assert obs.startswith("You are a game player, and you are playing Lateral Thinking Puzzle")
    assert f"Here is your story:\n{env.unwrapped.sample.story}\n\nYou can start guessing" in obs
    assert info["prefix"] == [] and info["sample_id"] == "dev-02"
    env.close()


def test_answers_hits_and_metrics():
    env = gym.make(ENV_ID)
    steps = play(env, ["Were the lives saved human beings?", "Were animals saved?",
                       "Did the keeper have a dog?\nWere the lives saved baby sea turtles?",
                       "Were the lives saved baby sea turtles?", "Why did he switch it off?"], sample="dev-02")
    observations = [s[0] for s in steps]
    assert observations[0] == "No." and observations[1] == "Yes." and observations[2] == "Irrelevant."
    assert observations[3] == "Yes. (You uncovered a key point of the truth: 1 of 4.)"
    assert observations[4].startswith("You need to make your own guesses")
    assert [s[4]["verdict"] for s in steps] == ["no", "yes", "irrelevant", "yes", "other"]
    assert steps[-1][4]["keys_found"] == 1 and steps[-1][4]["progress"] == 0.25
    env.close()


def test_turn_limit_scores_progress_and_counts_rates():
    env = gym.make(ENV_ID, max_turns=4)
    steps = play(env, ["Was the audience deaf?", "Was the hall empty?", "Is the moon made of cheese?",
                       "Was the concert at a school?"], sample="dev-00")
    *_, reward, term, trunc, info = steps[-1]
    assert trunc and not term and info["outcome"] is Outcome.TASK_LIMIT
    assert reward == info["score"] == pytest.approx(1 / 3)
    metrics = info["metrics"]
    assert metrics["SGA"] == pytest.approx(2 / 4) and metrics["QR"] == pytest.approx(3 / 4)
    assert metrics["RE"] == 0.0 and metrics["finished"] is False and metrics["hit_keys"] == ["The audience was deaf."]
    env.close()


def test_default_limit_is_25_rounds():
    env = gym.make(ENV_ID)
    steps = play(env, ["Was the audience deaf?"] + ["Is the moon made of cheese?"] * 30, sample="dev-00")
    *_, reward, term, trunc, info = steps[-1]
    assert len(steps) == 25 and info["turn"] == 25 and trunc and not term
    assert info["outcome"] is Outcome.TASK_LIMIT and reward == info["score"] == pytest.approx(1 / 3)
    assert info["metrics"]["turns"] == 25 and info["metrics"]["SGA"] == pytest.approx(1 / 25)
    env.close()


def test_abort_phrases_end_the_game_on_the_third():
    env = gym.make(ENV_ID)
    steps = play(env, ["Was the audience deaf?", "Let's start a new game.", "Great job!", "other story please"],
                 sample="dev-00")
    assert [s[0] for s in steps[1:]] == [EN.hint_invalid] * 3
    *_, term, trunc, info = steps[-1]
    assert term and info["outcome"] is Outcome.COMPLETED and info["score"] == pytest.approx(1 / 3)
    assert info["turn"] == 4 and steps[1][4]["verdict"] == "invalid"


def test_empty_reply_ends_the_game_and_story_repeats_are_refused():
    env = gym.make(ENV_ID)
    steps = play(env, ["A pianist finished a concert?", ""], sample="dev-00")
    assert steps[0][0] == EN.hint_in_story and steps[0][4]["verdict"] == "in_story"
    assert steps[1][4]["outcome"] is Outcome.COMPLETED and steps[1][4]["score"] == 0.0


def test_upstream_play_on_and_re_bug():
    questions = ["Was the audience deaf?", "Did the audience applaud by waving their hands in the air?",
                 "Could they feel the music through the vibrating floor?", "Was the hall empty?"]
    env = gym.make(ENV_ID, stop_when_solved=False, max_turns=5)
    steps = play(env, [*questions, "Was it a school?"], sample="dev-00")
    info = steps[-1][4]
    assert len(steps) == 5 and info["outcome"] is Outcome.TASK_LIMIT and info["score"] == 1.0
    assert info["metrics"]["finish_round"] == 3 and info["metrics"]["RE"] == pytest.approx(1 - 3 / 5)
    bug = gym.make(ENV_ID, stop_when_solved=False, upstream_bugs=True, max_turns=5)
    info = play(bug, [*questions, "Was it a school?"], sample="dev-00")[-1][4]
    # AgentBench's `bingo >= len(remaining keys)` is true after 2 of 3 hits
    assert info["metrics"]["finish_round"] == 2 and info["score"] == 1.0


def test_announce_hits_off_gives_bare_answers():
    env = gym.make(ENV_ID, announce_hits=False)
    steps = play(env, ["Was the audience deaf?"], sample="dev-00")
    assert steps[0][0] == "Yes." and steps[0][4]["keys_found"] == 1


def test_dense_rewards_sum_to_score():
    env = gym.make(ENV_ID, dense=True, max_turns=3)
    steps = play(env, ["Was the audience deaf?", "Was it raining?", "Was the hall empty?"], sample="dev-00")
    assert sum(s[1] for s in steps) == pytest.approx(steps[-1][4]["score"])
    assert steps[0][1] == pytest.approx(1 / 3)


def test_offline_judge_refuses_unstructured_upstream_data(shared_data):
    pytest.importorskip("openpyxl")
    with pytest.raises(ValueError, match="judge='llm'"):
        gym.make(ENV_ID, data_dir=str(shared_data / "agentbench" / "ltp"))


def test_bad_arguments():
    with pytest.raises(ValueError, match="disagree"):
        LateralThinkingEnv(judge="llm", backend="offline")
    with pytest.raises(ValueError, match="unknown backend"):
        LateralThinkingEnv(judge="gpt")


def test_task_metrics_are_agentbench_means():
    episodes = [{"score": 1.0, "metrics": {"SGA": 0.2, "RE": 0.8, "QR": 0.4}},
                {"score": 0.5, "metrics": {"SGA": 0.4, "RE": 0.0, "QR": 0.6}}]
    metrics = LateralThinkingEnv.task_metrics(episodes)
    assert metrics == pytest.approx({"main": 0.75, "GP": 0.75, "SGA": 0.3, "RE": 0.4, "QR": 0.5})
    assert LateralThinkingEnv.task_metrics([])["main"] == 0.0


def test_hostile_replies_never_crash_and_never_hit_keys_by_accident():
    env = gym.make(ENV_ID, split="test")
    replies = hostile_replies(np.random.default_rng(3), 600, LateralThinkingEnv.reply_examples)
    counts = check_hostile_input(env, replies)
    assert set(counts) <= {Outcome.COMPLETED, Outcome.TASK_LIMIT}
    env.close()
