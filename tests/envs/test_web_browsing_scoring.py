"""WB reply parsing and Mind2Web/AgentBench scoring."""

from __future__ import annotations

import pytest

from agentbench_gym.envs.web_browsing.parse import parse_reply
from agentbench_gym.envs.web_browsing.rank import bm25_scores, tokenize
from agentbench_gym.envs.web_browsing.scoring import action_f1, aggregate, gold_action, score_step


@pytest.mark.parametrize(("reply", "letter", "action"), [
    ("Thought: x\nAnswer: C.\nAction: SELECT\nValue: Pickup", "C", "SELECT Pickup"),
    ("Answer: A.", "A", " "),
    ("Answer: D.\nAction: CLICK", "D", "CLICK "),
    ("Answer: B.\nAction: TYPE\nValue:   new york  \nmore lines", "B", "TYPE new york"),
    ("answer: B", None, " "),  # case-sensitive, as upstream
    ("Answer: G.", None, " "),  # only A-F
    ("Answer: E\nAnswer: B", "E", " "),  # first match wins
    ("Action: HOVER\nValue: x", None, " x"),
    ("  \n Answer: F. Action: TYPE Value: a b", "F", "TYPE a b"),
    ("", None, " "),
])
def test_parse_reply(reply, letter, action):
    parsed = parse_reply(reply)
    assert parsed.letter == letter and parsed.action == action


@pytest.mark.parametrize(("op", "value", "gold"), [
    ("CLICK", "", "CLICK "), ("CLICK", "ignored", "CLICK "),
    ("TYPE", "wedding photographer", "TYPE wedding photographer"),
    ("SELECT", "  Pickup  ", "SELECT Pickup"), ("TYPE", "first line\nsecond", "TYPE first line"), ("TYPE", "", "TYPE "),
])
def test_gold_action(op, value, gold):
    assert gold_action(op, value) == gold


@pytest.mark.parametrize(("pred", "gold", "f1"), [
    ("CLICK ", "CLICK ", 1.0), ("", "", 1.0), ("", "CLICK", 0.0), ("CLICK", "", 0.0),
    ("TYPE new york", "TYPE New York", 1 / 3), ("SELECT Pickup", "SELECT Pickup", 1.0),
    ("CLICK Search", "CLICK ", 2 * 0.5 * 1.0 / 1.5), ("TYPE a a b", "TYPE a b", 1.0), ("x", "y", 0.0),
])
def test_action_f1_is_token_set_f1(pred, gold, f1):
    assert action_f1(pred, gold) == pytest.approx(f1)


def test_step_success_needs_element_and_exact_action():
    assert score_step("7", "CLICK ", {"7"}, "CLICK ").success == 1.0
    assert score_step("8", "CLICK ", {"7"}, "CLICK ").success == 0.0
    assert score_step("7", "CLICK Search", {"7"}, "CLICK ").success == 0.0
    none = score_step("7", "CLICK ", {"7"}, None)  # no positive in the top-k: always 0
    assert (none.element, none.action_f1, none.success) == (0.0, 0.0, 0.0)


def test_aggregate_pools_steps_across_episodes():
    episodes = [
        {"score": 1.0, "metrics": {"element_acc": 1.0, "action_f1": 1.0, "step_sr": 1.0, "steps": 1}},
        {"score": 0.5, "metrics": {"element_acc": 0.75, "action_f1": 0.5, "step_sr": 0.5, "steps": 4,
                                   "task_success": 0.0}},
    ]
    out = aggregate(episodes)
    assert out["main"] == out["step_sr"] == pytest.approx(3 / 5)
    assert out["element_acc"] == pytest.approx(4 / 5)
    assert out["task_success"] == pytest.approx(0.5)
    assert aggregate([])["main"] == 0.0


def test_bm25_prefers_matching_short_documents():
    docs = [tokenize("button search"), tokenize("a careers"), tokenize("div search " + "filler " * 40)]
    scores = bm25_scores(tokenize("search for shoes"), docs)
    assert scores[0] > scores[2] > scores[1] == 0.0
