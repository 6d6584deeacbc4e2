"""The KG reply parser follows AgentBench's regexes (task.py) exactly, in linear time."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

from agentbench_gym.envs.knowledge_graph.parse import (
    ActionLine,
    Call,
    FinalAnswer,
    NoAction,
    _first_arguments,
    normalize,
    parse_reply,
    variable_index,
)


@pytest.mark.parametrize(("reply", "expected"), [
    ("Final Answer: #3", FinalAnswer(3)),
    ("Find Answer: #0", FinalAnswer(0)),
    ("Action: get_relations(#0)\nFinal Answer: #2", FinalAnswer(2)),  # the answer wins over an action
    ("Final Answer: #" + "9" * 5000, FinalAnswer(None)),
    ("Thought: hmm\nAction: get_relations(Barack Obama)",
     ActionLine((Call("get_relations", ("Barack Obama",)),))),
    ("Action: get_neighbors(#0,  people.person.profession)",
     ActionLine((Call("get_neighbors", ("#0", "people.person.profession")),))),
    ("Actions taken: count(#1)", ActionLine((Call("count", ("#1",)),))),
    ("Action: nothing here", ActionLine(())),
    ("Action: get_relations(", ActionLine((Call("get_relations", None),))),
    ("Action: get_relations()", ActionLine((Call("get_relations", None),))),
    ("Action: foo(x) bar(y, z)", ActionLine((Call("foo", ("x",)), Call("bar", ("y", "z"))))),
    (" Action: get_relations(#0)", NoAction()),  # re.match: the line must start with "Action"
    ("I think the answer is #3", NoAction()),
    ("", NoAction()),
    ("Action: get_relations(#0)\nObservation: Final Answer: #1", ActionLine((Call("get_relations", ("#0",)),))),
])
def test_parse_table(reply, expected):
    assert parse_reply(reply) == expected


def test_normalize_cuts_observation_and_unescapes_underscores():
    assert normalize("Action: get\\_relations(m.01)\nObservation: [x]") == "Action: get_relations(m.01)\n"


def test_variable_index_reads_like_int():
    assert variable_index("#2") == 2
    assert variable_index("#-1") == -1
    assert variable_index("#1 ") == 1
    assert variable_index("#x") is None
    assert variable_index("#" + "1" * 100) is None


def test_first_arguments_matches_upstream_regex_on_random_lines():
    rng = np.random.default_rng(0)
    alphabet = np.array(list("ab()(), #\t"))
    for _ in range(3000):
        line = "".join(rng.choice(alphabet, size=int(rng.integers(0, 30))))
        for name in ("a", "b", "ab"):
            found = re.findall(re.escape(name) + r"\((.+?)\)", line)
            assert _first_arguments(line, name) == (found[0] if found else None), (line, name)


def test_hostile_action_lines_parse_fast():
    for reply in ("Action: " + "f(" * 400_000, "Action: " + "x" * 1_000_000 + "(", "Final Answer: #" * 100_000):
        start = time.perf_counter()
        parse_reply(reply)
        assert time.perf_counter() - start < 2.0
