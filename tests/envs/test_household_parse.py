"""Household reply parsing: AgentBench's ACTION extraction, BLEU snapping, the two place phrasings."""

from __future__ import annotations

import pytest

pytest.importorskip("nltk", reason="needs the alfworld extra (nltk)")

from agentbench_gym.envs.household.parse import bleu, extract_action, other_phrasing, snap_action

CHOICES = ["examine countertop 1", "go to cabinet 1", "go to countertop 1", "go to toilet 1", "inventory", "look",
           "put soapbar 1 in/on countertop 1", "take soapbar 1 from countertop 1"]


@pytest.mark.parametrize(("reply", "expected"), [
    ("ACTION: look", "look"),
    ("THOUGHT: hmm.\n ACTION: Go To Cabinet 1  ", "go to cabinet 1"),
    ("ACTION: look\nACTION: inventory", "look"),  # the first match, rest of its line only
    ("blah ACTION:inventory", "inventory"),
    ("ACTION:", ""),
    ("ACTION:   \nlook", ""),
    ("ACTION: look\r", "look"),
    ("action: look", None),
    ("ACTION look", None),
    ("", None),
    ("\udcff ACTION: \udcff", "\udcff"),
])
def test_extract_action(reply, expected):
    assert extract_action(reply) == expected


def test_admissible_command_is_kept_as_is():
    assert snap_action("look", CHOICES) == "look"


def test_other_phrasing_is_used_before_bleu():
    assert other_phrasing("move soapbar 1 to countertop 1") == "put soapbar 1 in/on countertop 1"
    assert other_phrasing("put soapbar 1 in/on countertop 1") == "move soapbar 1 to countertop 1"
    assert other_phrasing("go to countertop 1") is None
    assert snap_action("move soapbar 1 to countertop 1", CHOICES) == "put soapbar 1 in/on countertop 1"


def test_bleu_picks_the_closest_command_and_the_first_of_ties():
    assert snap_action("go to the countertop 1", CHOICES) == "go to countertop 1"
    assert snap_action("take the soapbar 1 from countertop 1", CHOICES) == "take soapbar 1 from countertop 1"
    assert snap_action("go to", CHOICES) == "go to cabinet 1"  # tie: the first maximum, as numpy.argmax


def test_no_overlap_leaves_the_raw_text():
    assert snap_action("fly away", CHOICES) == "fly away"
    assert snap_action("anything", []) == "anything"


def test_bleu_values():
    assert bleu("go to countertop 1", "go to countertop 1") == pytest.approx(1.0)
    assert bleu("go to countertop 1", "fly") == 0.0
    assert 0.01 < bleu("go to countertop 1", "go to the countertop 1") < 1.0
    assert bleu("go to countertop 1", "go to countertop 1") > bleu("go to countertop 1", "go to cabinet 1")


def test_huge_action_is_kept_raw_quickly_as_bleu_would():
    import time

    choices = CHOICES[:3]
    long_text = " ".join(["go", "to", "countertop", "1"] * 2600)  # 10,400 tokens: just past the cut-off
    assert all(bleu(choice, long_text) <= 0.001 for choice in choices)  # what scoring would find
    megabyte = " ".join(["go to countertop 1"] * 250_000)
    start = time.perf_counter()
    assert snap_action(megabyte, choices) == megabyte
    assert time.perf_counter() - start < 1.0
    assert snap_action(long_text, choices) == long_text
