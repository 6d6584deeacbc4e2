"""The offline judge: agreement with the labelled probes, negation, key-point rules, embeddings."""

from __future__ import annotations

import pytest

from agentbench_gym.envs.lateral_thinking.agreement import probe_agreement
from agentbench_gym.envs.lateral_thinking.backends.offline import OfflineJudge, embeddings_available
from agentbench_gym.envs.lateral_thinking.data import load_builtin


@pytest.fixture(scope="module")
def judge():
    return OfflineJudge()


@pytest.mark.parametrize("split,answers,keys", [("dev", 0.85, 0.85), ("test", 0.8, 0.85)])
def test_agreement_with_labelled_probes(judge, split, answers, keys):
    # Thresholds were chosen on dev; test is held out (measured 86.0% / 89.6%, see RESULTS.md).
    result = probe_agreement(judge, load_builtin(split))
    assert result.n >= (100 if split == "dev" else 250)
    assert result.answer_accuracy >= answers and result.key_accuracy >= keys
    # irrelevant questions are rarely given a yes
    assert result.confusion[("irrelevant", "yes")] <= 0.05 * result.n


def test_negation_flips_the_answer(judge):
    puzzle = load_builtin("dev")[2]  # the lighthouse: people were not saved, animals were
    judge.start(puzzle)
    assert judge.ask("Were the lives saved people?", []).verdict == "no"
    assert judge.ask("Were the lives saved not people?", []).verdict == "yes"
    assert judge.ask("Weren't animals saved?", []).verdict == "no"


def test_key_points_only_from_remaining_and_only_when_affirmed(judge):
    puzzle = load_builtin("dev")[2]
    judge.start(puzzle)
    assert judge.ask("Were the lives saved baby sea turtles?", [0, 1, 2, 3]).hit == 0
    assert judge.ask("Were the lives saved baby sea turtles?", [1, 2, 3]).hit is None
    assert judge.ask("Were the lives saved not baby sea turtles?", [0, 1, 2, 3]).hit is None
    # one matching word does not uncover a key point
    assert judge.ask("Turtles?", [0, 1, 2, 3]).hit is None


def test_why_questions_and_junk(judge):
    judge.start(load_builtin("dev")[0])
    assert judge.ask("Why was the hall silent?", [0]).verdict == "other"
    for junk in ("", "\x00\udcff", "x" * 100_000, "?!?!", "的的的"):
        assert judge.ask(junk, [0, 1, 2]).verdict == "irrelevant"


@pytest.mark.slow
def test_embedding_judge_agrees_and_solves():
    if embeddings_available() is not None:
        pytest.skip(embeddings_available())
    judge = OfflineJudge(embeddings=True)
    puzzles = load_builtin("dev")[:5]
    result = probe_agreement(judge, puzzles)
    assert result.answer_accuracy >= 0.75
    for puzzle in puzzles:
        judge.start(puzzle)
        for index, point in enumerate(puzzle.key_points):
            assert judge.ask(point.ask, [index]).hit == index, point.ask


def test_missing_embedding_extra_names_it(monkeypatch):
    import sys

    from agentbench_gym.envs.lateral_thinking.backends import offline
    from agentbench_gym.errors import MissingExtra

    monkeypatch.setattr(offline, "_MODEL", None)
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import now fails
    with pytest.raises(MissingExtra, match=r"ltp-embed"):
        OfflineJudge(embeddings=True)
    assert "torch==2.13.0" in (offline.embeddings_available() or "")
