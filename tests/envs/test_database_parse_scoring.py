"""DB task: the reply parser, answer normalisation, table hash and category metrics."""

from __future__ import annotations

import hashlib

import pytest

from agentbench_gym.envs.database.parse import Answer, Invalid, Operation, parse_reply
from agentbench_gym.envs.database.scoring import answer_matches, category_accuracies, table_hash


@pytest.mark.parametrize(("reply", "expected"), [
    ("Think.\nAction: Operation\n```sql\nSELECT 1;\n```", Operation("SELECT 1;")),
    ("Action: Operation\n```sql\nSELECT a\nFROM t\n```\n```sql\nDROP TABLE t\n```", Operation("SELECT a FROM t")),
    ("Action: Operation\n```sql\n  SELECT 2  \n```", Operation("SELECT 2")),
    ("Action: Answer\nFinal Answer: [\"x\"]", Answer(' ["x"]')),
    ("Action: Answer\nFinal Answer:[1]\nmore", Answer("[1]")),
    ("Action: Operation\nFinal Answer: [1]", Invalid("")),  # Operation without a block
    ("Action: Operation\n```sql SELECT 1```", Invalid("")),  # the block needs its newlines
    ("Action: Operation", Invalid("")),  # no newline after the action word: answer branch
    ("Final Answer: [1]", Invalid("")),  # needs a newline before "Final Answer"
    ("Action: Operation \n```sql\nSELECT 1\n```", Invalid("")),  # "Operation " is not "Operation"
    ("", Invalid("")),
    ("\udcff\nFinal Answer: \udcff", Answer(" \udcff")),
])
def test_parse_reply_follows_upstream_regexes(reply, expected):
    parsed = parse_reply(reply)
    assert type(parsed) is type(expected)
    if not isinstance(expected, Invalid):
        assert parsed == expected


def test_operation_not_run_at_the_limit():
    reply = "Action: Operation\n```sql\nSELECT 1\n```"
    assert isinstance(parse_reply(reply, operations_allowed=False), Invalid)
    both = reply + "\nFinal Answer: [3]"
    assert parse_reply(both, operations_allowed=False) == Answer(" [3]")


@pytest.mark.parametrize(("answer", "gold", "ok", "ok_upstream"), [
    (' ["March 19, 1998"]', ["March 19, 1998"], True, True),
    (' ["march 19, 1998"]', ["March 19, 1998"], False, False),  # strings are compared exactly
    (" [17]", ["17"], True, True),  # one value each: float comparison
    (" 17", ["17"], True, True),  # not iterable -> [" 17"], float(" 17") == 17
    (' ["17.0"]', ["17"], True, True),
    (" [1.0]", ["1"], True, True),
    (' "7"', ["7"], True, True),
    (' "17"', ["17"], True, False),  # upstream: list(eval(ans)) makes ["1", "7"]
    (' "March 19, 1998"', ["March 19, 1998"], True, False),
    (" March 19, 1998", ["March 19, 1998"], True, False),  # raw text: upstream keeps the space
    (' ["a", "b"]', ["b", "a"], True, True),  # several values: as sets
    (' ["a", "b", "b"]', ["b", "a"], True, True),
    (" [1, 2]", ["1", "2"], True, False),  # upstream: sets of int vs str differ
    (" [1, 2]", ["1", "3"], False, False),
    (' [["a"], "b"]', ["a", "b"], False, False),  # unhashable: wrong, no crash
    ("", ["x"], False, False),
    (" __import__('os').system('true')", ["0"], False, False),  # never evaluated
    (" [" * 10000, ["x"], False, False),
    (" 1e999", ["inf"], True, True),
    (" [" + "9" * 5000 + "]", ["1"], False, False),
])
def test_answer_matches_normalisation(answer, gold, ok, ok_upstream):
    assert answer_matches(answer, gold) is ok
    assert answer_matches(answer, gold, upstream_quirks=True) is ok_upstream


def test_table_hash_matches_the_mysql_formula():
    rows = [("a", "1", None), ("b", "2", "x")]
    row_hashes = sorted(hashlib.md5(s.encode()).hexdigest()[:5] for s in ("a,1", "b,2,x"))
    expected = hashlib.md5(",".join(row_hashes).encode()).hexdigest()
    assert table_hash(rows) == f"[('{expected}',)]"
    assert table_hash([]) == "[(None,)]"
    assert table_hash([(1, 2.0, "é")]) == table_hash([("1", "2", "é")])  # MySQL prints 2.0 as 2


def test_table_hash_cuts_group_concat_at_1024():
    rows = [(str(i),) for i in range(400)]  # 400 * 6 - 1 characters > 1024
    joined = ",".join(sorted(hashlib.md5(str(i).encode()).hexdigest()[:5] for i in range(400)))
    assert table_hash(rows) == f"[('{hashlib.md5(joined[:1024].encode()).hexdigest()}',)]"


def test_category_accuracies_is_upstreams_overall_cat_accuracy():
    rows = [("other", 1.0), ("counting", 0.0), ("INSERT", 1.0), ("INSERT", 1.0), ("UPDATE", 0.0),
            ("UPDATE", 1.0), ("DELETE", 1.0)]
    m = category_accuracies([{"score": s, "metrics": {"type": t}} for t, s in rows])
    assert m["SELECT_accuracy"] == 0.5 and m["DELETE_accuracy"] == 1.0
    assert m["INSERT_accuracy"] == 1.0 and m["UPDATE_accuracy"] == 0.5
    assert m["main"] == pytest.approx((0.5 + 1.0 + 0.5 + 1.0) / 4)
    only_queries = category_accuracies([{"score": 1.0, "metrics": {"type": "ranking"}}])
    assert only_queries["main"] == 1.0  # absent categories are left out of the mean
    quirky = category_accuracies([{"score": s, "metrics": {"type": t, "upstream_quirks": True}}
                                  for t, s in rows])
    assert quirky["SELECT_accuracy"] == pytest.approx(2 / 3)  # DELETE counts in SELECT, as upstream's code
    assert quirky["main"] == pytest.approx((2 / 3 + 1.0 + 0.5) / 3)
    quirky_queries = category_accuracies([{"score": 1.0, "metrics": {"type": "ranking", "upstream_quirks": True}}])
    assert quirky_queries["main"] == pytest.approx(1 / 3)  # upstream: absent INSERT/UPDATE count 0
