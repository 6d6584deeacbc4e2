"""AgentBench's overall score and the outcome distribution."""

from __future__ import annotations

import pytest

from agentbench_gym import Outcome
from agentbench_gym.metrics import PAPER_WEIGHTS, outcome_distribution, overall_score, scored

GPT4 = {"OS": 42.4, "DB": 32.0, "KG": 58.8, "DCG": 74.5, "LTP": 16.6, "HH": 78.0, "WS": 61.1, "WB": 29.0}
GPT35 = {"OS": 32.6, "DB": 36.7, "KG": 25.9, "DCG": 33.7, "LTP": 10.5, "HH": 16.0, "WS": 64.1, "WB": 20.0}


def test_overall_score_reproduces_the_paper():
    assert round(overall_score(GPT4), 2) == 4.01
    assert round(overall_score(GPT35), 2) == 2.32


def test_overall_score_on_a_subset_and_with_custom_weights():
    average = {task: weight for task, weight in PAPER_WEIGHTS.items() if task in ("OS", "WS")}
    assert overall_score(average) == pytest.approx(1.0)
    assert overall_score({"A": 50.0, "B": 10.0}, weights={"A": 25.0, "B": 10.0}) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="no weight"):
        overall_score({"XX": 1.0})
    with pytest.raises(ValueError):
        overall_score({})


def test_outcome_distribution_and_scored_filter():
    outcomes = ["completed", "completed", "invalid_format", "task_error"]
    dist = outcome_distribution(outcomes)
    assert dist == {"completed": 0.5, "invalid_format": 0.25, "task_error": 0.25}
    episodes = [{"outcome": o, "score": 1.0} for o in outcomes]
    assert len(scored(episodes)) == 3
    assert outcome_distribution([]) == {}
    assert Outcome.COMPLETED.value in dist
