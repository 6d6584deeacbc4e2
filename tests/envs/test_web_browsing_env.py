"""WB env: the tournament as AgentBench plays it, outcomes, flags, task mode, determinism."""

from __future__ import annotations

import json
import re

import gymnasium as gym
import pytest
from agentbench_gym.baselines import make_policy
from agentbench_gym.baselines.random_policy import RandomPolicy

import agentbench_gym  # noqa: F401  (registers the ids)
from agentbench_gym.core import Outcome
from agentbench_gym.env_checker import check_determinism, run_episode
from agentbench_gym.envs.web_browsing import WebBrowsingEnv


def write_task(folder, n=12, positive=3, op="CLICK", value="", positive_rank=0, steps=1):
    """A Mind2Web-format task of ``steps`` identical pages with ``n`` buttons; button ``positive`` is gold."""
    buttons = "".join(f'\n  <button backend_node_id="{100 + i}" aria_label="button {i}">'
                      f'<text backend_node_id="{200 + i}">Button {i}</text></button>' for i in range(n))
    html = f'<html backend_node_id="1">\n<body backend_node_id="2">{buttons}\n</body>\n</html>'
    neg = [{"backend_node_id": str(100 + i), "rank": i + (i < positive)} for i in range(n) if i != positive]
    action = {"operation": {"op": op, "original_op": op, "value": value}, "cleaned_html": html,
              "pos_candidates": [{"backend_node_id": str(100 + positive), "rank": positive_rank}],
              "neg_candidates": neg}
    task = {"annotation_id": "t1", "website": "test", "confirmed_task": "Press the right button",
            "action_reprs": [f"[button]  Button {positive} -> {op}"] * steps,
            "actions": [{**action, "action_uid": f"a{k}"} for k in range(steps)]}
    (folder / "tasks.json").write_text(json.dumps([task]), encoding="utf-8")
    return str(folder)


def letters(obs: str) -> list[str]:
    return re.findall(r"^([B-F])\. ", obs, re.MULTILINE)


def gold_letter(env) -> str:
    gold = {c.uid for c in env.current_step.positives}
    for k, uid in enumerate(env.current_choices):
        if uid in gold:
            return chr(66 + k)
    return "A"


def test_ten_candidates_take_two_rounds_and_the_oracle_wins(tmp_path):
    env = WebBrowsingEnv(data_dir=write_task(tmp_path))
    obs, info = env.reset(seed=0)
    assert len(letters(obs)) == 5 and "A. None of the above" in obs and info["round"] == 1
    assert len(env.unwrapped._round.pool) == 5  # ten top-ranked candidates, five per round
    policy = make_policy("scripted", env)
    trace = run_episode(env, policy.act, seed=0)
    info = trace[-1][-1]
    assert info["outcome"] is Outcome.COMPLETED and info["score"] == 1.0 and info["turn"] == 2
    assert info["metrics"]["predicted_element"] == "103" and info["metrics"]["gold_action"] == "CLICK "


def test_picks_return_to_the_pool_for_a_final(tmp_path):
    env = WebBrowsingEnv(data_dir=write_task(tmp_path))
    env.reset(seed=0)
    picks = []
    for _ in range(3):
        picks.append(env.current_choices[0])
        obs, reward, terminated, truncated, info = env.step("Answer: B.\nAction: CLICK")
    assert terminated and info["turn"] == 3  # 5 + 5 candidates, then the two winners
    assert info["metrics"]["predicted_element"] == picks[-1]
    assert set(picks[-1:]) <= set(picks[:2])
    assert info["score"] == float(picks[-1] == "103")


def test_rejecting_everything_or_the_final_is_invalid_action(tmp_path):
    env = WebBrowsingEnv(data_dir=write_task(tmp_path))
    env.reset(seed=0)
    for reply in ("Answer: A.", "Answer: A."):
        *_, info = env.step(reply)
    assert info["outcome"] is Outcome.INVALID_ACTION and info["score"] == 0.0
    env.reset(seed=0)
    for reply in (f"Answer: {gold_letter(env)}.\nAction: CLICK", "Answer: B.\nAction: CLICK"):
        env.step(reply)
    if env.outcome is Outcome.RUNNING:  # the gold won round one and a rival round two: final
        *_, info = env.step("Answer: A.")
        assert info["outcome"] is Outcome.INVALID_ACTION  # AgentBench: empty pool at the end
        assert info["metrics"]["predicted_element"] == ""


def test_letter_past_the_options_is_ignored(tmp_path):
    env = WebBrowsingEnv(data_dir=write_task(tmp_path, n=2, positive=0))
    obs, _ = env.reset(seed=0)
    assert letters(obs) == ["B", "C"]
    *_, info = env.step("Answer: F.\nAction: CLICK")
    assert info["outcome"] is Outcome.INVALID_ACTION


def test_missing_answer_is_invalid_format_unless_upstream_parsing(tmp_path):
    folder = write_task(tmp_path)
    env = WebBrowsingEnv(data_dir=folder)
    env.reset(seed=0)
    *_, terminated, _, info = env.step("I would click the third button")
    assert terminated and info["outcome"] is Outcome.INVALID_FORMAT and info["score"] == 0.0
    lenient = WebBrowsingEnv(data_dir=folder, upstream_parsing=True)
    lenient.reset(seed=0)
    _, _, terminated, _, info = lenient.step("I would click the third button")
    assert not terminated and info["round"] == 2  # counted as A: the group is eliminated


def test_wrong_value_fails_the_step_but_not_the_element(tmp_path):
    env = WebBrowsingEnv(data_dir=write_task(tmp_path, op="TYPE", value="New York"))
    env.reset(seed=0)
    while env.outcome is Outcome.RUNNING:
        *_, info = env.step(f"Answer: {gold_letter(env)}.\nAction: TYPE\nValue: new york")
    metrics = info["metrics"]
    assert metrics["element_acc"] == 1.0 and metrics["action_f1"] == pytest.approx(1 / 3)
    assert info["score"] == 0.0


def test_gold_outside_topk_scores_zero(tmp_path):
    env = WebBrowsingEnv(data_dir=write_task(tmp_path, positive_rank=40))
    env.reset(seed=0)
    assert "103" not in env.unwrapped._round.pool + env.current_choices
    *_, info = env.step("Answer: B.\nAction: CLICK")
    while not info["outcome"].ended:
        *_, info = env.step("Answer: B.\nAction: CLICK")
    assert info["score"] == 0.0 and info["metrics"]["gold_in_pool"] == 0.0


def test_pool_order_depends_on_the_sample_not_the_seed(tmp_path):
    folder = write_task(tmp_path)
    env = WebBrowsingEnv(data_dir=folder)
    first = {env.reset(seed=s)[0] for s in range(4)}
    assert len(first) == 1
    free = WebBrowsingEnv(data_dir=folder, shuffle_seed=None)
    assert len({free.reset(seed=s)[0] for s in range(8)}) > 1
    other = WebBrowsingEnv(data_dir=folder, shuffle_seed=7)
    assert other.reset(seed=0)[0] != env.reset(seed=0)[0] or other.current_choices != env.current_choices


def test_every_turn_is_a_fresh_conversation(tmp_path):
    env = WebBrowsingEnv(data_dir=write_task(tmp_path), cot=False)
    obs, info = env.reset(seed=0)
    assert info["history_reset"] and len(info["prefix"]) == 6
    assert [m["role"] for m in info["prefix"]] == ["user", "assistant"] * 3
    assert not any(m["content"].startswith("Thought:") for m in info["prefix"])
    obs2, *_, info2 = env.step("Answer: A.")
    assert info2["prefix"] == info["prefix"] and info2["history_reset"]
    assert obs2.startswith("'''\n<html>") and "Task: Press the right button" in obs2


def test_task_mode_plays_steps_in_sequence(tmp_path):
    env = gym.make("AgentBench/WB-v0", mode="task")
    base = env.unwrapped
    assert all(len(t.steps) >= 5 for t in base.samples)
    policy = make_policy("scripted", env)
    episodes = []
    for index in range(len(base.samples)):
        info = run_episode(env, policy.act, options={"sample": index})[-1][-1]
        episodes.append(info)
        assert info["metrics"]["steps"] == len(base.samples[index].steps)
    metrics = WebBrowsingEnv.task_metrics(episodes)
    assert metrics["main"] >= 0.9 and metrics["task_success"] >= 0.8
    assert metrics["steps"] == sum(len(t.steps) for t in base.samples)


def test_task_mode_wrong_step_continues_and_counts(tmp_path):
    env = WebBrowsingEnv(data_dir=write_task(tmp_path, steps=3), mode="task")
    env.reset(seed=0)
    while env.outcome is Outcome.RUNNING:
        if len(env._results) == 1:
            reply = "Answer: A."  # reject step two's groups: that step is an invalid action
        else:
            reply = f"Answer: {gold_letter(env)}.\nAction: CLICK"
        *_, info = env.step(reply)
    metrics = info["metrics"]
    assert info["outcome"] is Outcome.COMPLETED and metrics["steps"] == 3
    assert metrics["invalid_steps"] == 1 and info["score"] == pytest.approx(2 / 3)
    assert metrics["task_success"] == 0.0
    assert [p["predicted_element"] for p in metrics["predictions"]] == ["103", "", "103"]


def test_turn_limit_scores_what_was_done(tmp_path):
    env = WebBrowsingEnv(data_dir=write_task(tmp_path), max_turns=1)
    env.reset(seed=0)
    _, _, terminated, truncated, info = env.step("Answer: A.")
    assert truncated and info["outcome"] is Outcome.TASK_LIMIT and info["metrics"]["steps"] == 1


def test_same_seed_same_episode_with_random_replies():
    policies = {}

    def make():
        policies["p"] = RandomPolicy(seed=3, templates=WebBrowsingEnv.reply_examples)  # fresh per run
        return gym.make("AgentBench/WB-v0")

    check_determinism(make, lambda obs, info: policies["p"].act(obs, info), seed=11)


def test_render_and_constructor_checks():
    env = gym.make("AgentBench/WB-v0", render_mode="ansi", split="test")
    env.reset(seed=0)
    assert "None of the above" in env.render()
    with pytest.raises(ValueError):
        WebBrowsingEnv(mode="episode")
    with pytest.raises(ValueError):
        WebBrowsingEnv(group_size=6)
    with pytest.raises(ValueError):
        WebBrowsingEnv(ranker="deberta")


@pytest.mark.parametrize("demo", [0, 2, 4])
def test_question_layout_rebuilds_agentbench_demonstrations(demo):
    # AgentBench's demos were produced by format_input_multichoice: rebuild each from its parts.
    from agentbench_gym.envs.web_browsing import prompts

    text = prompts.demo_prefix()[demo]["content"]
    html = text.split("'''\n")[1].rstrip("\n")
    task = re.search(r"^Task: (.*)$", text, re.MULTILINE).group(1)
    previous = text.split("Previous actions:\n")[1].split("What should be")[0].splitlines()
    options = re.findall(r"^[B-F]\. (.*)$", text, re.MULTILINE)
    previous = [] if previous == ["None"] else previous
    rebuilt = prompts.format_query(html, prompts.format_question(task, previous, options))
    assert rebuilt == text + "\n"  # AgentBench's files drop the last option's newline


@pytest.mark.parametrize("kwargs", [{"mode": "task"}, {"upstream_parsing": True}, {"shuffle_seed": None, "cot": False}])
def test_hostile_replies_in_every_mode(kwargs):
    import numpy as np

    from agentbench_gym.env_checker import check_hostile_input, hostile_replies

    env = gym.make("AgentBench/WB-v0", **kwargs)
    replies = hostile_replies(np.random.default_rng(5), 300, WebBrowsingEnv.reply_examples)
    counts = check_hostile_input(env, replies)
    assert counts and all(o.ended and o.scored for o in counts)


def test_agentbench_history_truncation_per_round(tmp_path):
    """AgentBench's 3,500-segment truncation applies to each round's demos + query (TASK_DETAILS 3.2).

    Segments: the CoT demos are 347, 21, 632, 28, 469, 29 (1,526 in all, the first 347). The
    query of ``write_task``'s page is 318 segments plus one per word of the task.
    """
    from agentbench_gym.wrappers import HistoryTruncation, count_tokens

    from agentbench_gym.envs.web_browsing import prompts

    prefix = prompts.demo_prefix(cot=True)
    assert [count_tokens(m["content"]) for m in prefix] == [347, 21, 632, 28, 469, 29]

    def first_view(words):
        folder = tmp_path / f"w{words}"
        folder.mkdir()
        path = folder / "tasks.json"
        write_task(folder)
        tasks = json.loads(path.read_text(encoding="utf-8"))
        tasks[0]["confirmed_task"] = " ".join(["go"] * words)
        path.write_text(json.dumps(tasks), encoding="utf-8")
        env = HistoryTruncation(WebBrowsingEnv(data_dir=str(folder)))
        obs, info = env.reset(seed=0)
        assert count_tokens(obs) == 318 + words
        return env, obs, info

    env, obs, info = first_view(4)  # a normal query: the whole round is sent
    assert info["omitted"] == 0 and info["messages"] == [*prefix, {"role": "user", "content": obs}]
    obs, *_, info = env.step("Answer: A.")  # the next round is a fresh conversation, cut alone
    assert info["omitted"] == 0 and info["messages"] == [*prefix, {"role": "user", "content": obs}]

    notice = "\n\n[NOTICE] {} messages are omitted."
    # 347 + 3123 + 29 = 3499 keeps the last demo reply; + 469 reaches the budget.
    env, obs, info = first_view(3123 - 318)
    assert info["messages"] == [{"role": "user", "content": prefix[0]["content"] + notice.format(4)},
                                prefix[5], {"role": "user", "content": obs}]
    # 347 + 3124 + 29 = 3500: only the query fits, and a user message cannot follow the first
    # one, so it goes too: the model sees the first demo alone (AgentBench's "3,153 or more"
    # is the bound where the query alone no longer fits; the demo reply makes it 3,124).
    env, obs, info = first_view(3124 - 318)
    assert info["messages"] == [{"role": "user", "content": prefix[0]["content"] + notice.format(6)}]
    assert info["omitted"] == 6


def test_previous_actions_are_the_gold_ones_and_only_the_last_five(tmp_path):
    from agentbench_gym.envs.web_browsing import prompts

    question = prompts.format_question("t", [f"act {i}" for i in range(7)], ["x"])
    assert "Previous actions:\nact 2\nact 3\nact 4\nact 5\nact 6\nWhat should be" in question
    assert "Previous actions:\nNone\nWhat should be" in prompts.format_question("t", [], ["x"])
    write_task(tmp_path, steps=7)
    path = tmp_path / "tasks.json"
    tasks = json.loads(path.read_text(encoding="utf-8"))
    tasks[0]["action_reprs"] = [f"[button]  Step {i} -> CLICK" for i in range(7)]
    path.write_text(json.dumps(tasks), encoding="utf-8")
    env = WebBrowsingEnv(data_dir=str(tmp_path), mode="task")
    obs, _ = env.reset(seed=0)
    while len(env._results) < 6:
        obs, *_ = env.step("Answer: A.")  # wrong answers: the next step still gets the gold history
    shown = obs.split("Previous actions:\n")[1].split("What should be")[0].splitlines()
    assert shown == [f"[button]  Step {i} -> CLICK" for i in range(1, 6)]
