"""DB env on the embedded SQLite backend: protocol, outcomes, scoring, hostile SQL, data."""

from __future__ import annotations

import json
import time

import gymnasium as gym
import pytest

import agentbench_gym  # noqa: F401  (registers the ids)
from agentbench_gym.core import Outcome
from agentbench_gym.envs.database import generate
from agentbench_gym.envs.database.data import builtin_file
from agentbench_gym.envs.database.prompts import ACKNOWLEDGEMENT, INSTRUCTIONS

ENV_ID = "AgentBench/DB-v0"


def op(sql: str) -> str:
    return f"Let me check.\nAction: Operation\n```sql\n{sql}\n```"


def answer(values) -> str:
    return "Done.\nAction: Answer\nFinal Answer: " + json.dumps(values)


@pytest.fixture
def env():
    e = gym.make(ENV_ID, statement_timeout=1.0).unwrapped
    yield e
    e.close()


def first_of(env, kind):
    return next(i for i, s in enumerate(env.samples) if s.type == kind)


def test_opening_is_agentbenchs(env):
    obs, info = env.reset(options={"sample": 0})
    sample = env.sample
    assert info["prefix"] == [{"role": "user", "content": INSTRUCTIONS},
                              {"role": "assistant", "content": ACKNOWLEDGEMENT}]
    assert obs == sample.description + "\n" + sample.add_description
    assert obs.endswith(f"The name of this table is {sample.target.name}, and the headers of this table are "
                        f"{','.join(sample.target.heads)}.")
    assert INSTRUCTIONS.startswith("\nI will ask you a question") and "Action: Operation\n```sql\n" in INSTRUCTIONS


def test_query_answered_right_and_wrong(env):
    i = first_of(env, "counting")
    env.reset(options={"sample": i})
    obs, reward, term, trunc, info = env.step(op(env.sample.gold_sql))
    assert obs == str([(int(env.sample.answer[0]),)]) and reward == 0 and info["outcome"] is Outcome.RUNNING
    obs, reward, term, trunc, info = env.step(answer([int(env.sample.answer[0])]))
    assert (reward, term, trunc, info["outcome"]) == (1.0, True, False, Outcome.COMPLETED)
    assert info["metrics"] == {"type": "counting", "answer": f" [{env.sample.answer[0]}]", "operations": 1,
                               "upstream_quirks": False}
    env.reset(options={"sample": i})
    *_, info = env.step(answer([int(env.sample.answer[0]) + 1]))
    assert info["outcome"] is Outcome.COMPLETED and info["score"] == 0.0


def test_modification_graded_by_table_state_whatever_the_outcome(env):
    i = first_of(env, "DELETE")
    env.reset(options={"sample": i})
    env.step(op(env.sample.gold_sql))
    *_, info = env.step("I give up without the answer pattern")
    assert info["outcome"] is Outcome.INVALID_FORMAT and info["score"] == 1.0  # upstream hashes anyway
    assert info["metrics"]["answer"] == env.sample.answer_md5
    env.reset(options={"sample": i})
    *_, info = env.step(answer(["anything"]))
    assert info["outcome"] is Outcome.COMPLETED and info["score"] == 0.0  # table unchanged


def test_sql_errors_cost_a_turn_and_teach(env):
    env.reset(options={"sample": 0})
    obs, _, term, trunc, info = env.step(op("SELECT nope FROM `no such table`"))
    assert not (term or trunc) and obs.startswith("no such table")
    obs, *_ = env.step(op("SHOW TABLES"))  # MySQL-only syntax: said so, not silent
    assert "SQLite backend" in obs and "backend='mysql'" in obs
    obs, *_ = env.step(op("SELECT 1; SELECT 2"))
    assert "one statement" in obs
    obs, *_ = env.step(op("SELECT '\udcff'"))
    assert obs.startswith("UnicodeEncodeError")
    obs, *_ = env.step(op("SELECT '" + "x" * 5000 + "'"))
    assert len(obs) == 800 + len("[TRUNCATED]") and obs.endswith("[TRUNCATED]")
    obs, *_ = env.step(op("UPDATE `" + env.sample.target.name + "` SET `" + env.sample.target.heads[0] + "` = 'z'"))
    assert obs == "[]"


def test_invalid_format_and_operation_without_block(env):
    env.reset(options={"sample": 0})
    obs, _, term, _, info = env.step("Action: Operation\nSELECT 1")
    assert term and info["outcome"] is Outcome.INVALID_FORMAT and info["score"] == 0.0


def test_turn_limit_is_max_round_operations_plus_the_answer():
    env = gym.make(ENV_ID, max_turns=4).unwrapped
    try:
        env.reset(options={"sample": first_of(env, "counting")})
        for _ in range(3):
            *_, info = env.step(op("SELECT 1"))
            assert info["outcome"] is Outcome.RUNNING
        gold = [int(env.sample.answer[0])]
        *_, info = env.step(op("SELECT 1") + "\nFinal Answer: " + json.dumps(gold))
        assert info["outcome"] is Outcome.COMPLETED and info["score"] == 1.0  # upstream reads the answer
        i = first_of(env, "INSERT")
        env.reset(options={"sample": i})
        for _ in range(3):
            env.step(op("SELECT 1"))
        obs, _, term, trunc, info = env.step(op(env.sample.gold_sql))  # not run at the limit
        assert trunc and not term and info["outcome"] is Outcome.TASK_LIMIT and info["score"] == 0.0
        assert info["metrics"]["operations"] == 3
    finally:
        env.close()
    assert gym.make(ENV_ID).unwrapped.max_turns == 16


def test_hostile_sql_is_refused_or_bounded(env, tmp_path):
    env.reset(options={"sample": 0})
    t = env.sample.target.name
    for sql in [f"ATTACH '{tmp_path}/x.db' AS x", f"VACUUM INTO '{tmp_path}/y.db'", "PRAGMA writable_schema=1",
                "SELECT load_extension('/tmp/x')"]:
        obs, *_ = env.step(op(sql))
        assert "not authorized" in obs, sql
    assert list(tmp_path.iterdir()) == []
    obs, *_ = env.step(op("PRAGMA table_info(`" + t + "`)"))
    assert obs.startswith("[(0, ")
    for sql in [f"SELECT COUNT(*) FROM `{t}` a, `{t}` b, `{t}` c, `{t}` d, `{t}` e, `{t}` f, `{t}` g, `{t}` h",
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c"]:
        start = time.monotonic()
        obs, *_ = env.step(op(sql))
        assert time.monotonic() - start < 3.0 and "statement timeout" in obs
    obs, *_ = env.step(op("SELECT length(zeroblob(2000000000))"))
    assert "too big" in obs
    start = time.monotonic()
    obs, *_ = env.step(op(f"SELECT * FROM `{t}` a, `{t}` b, `{t}` c"))  # big result: only what is shown
    assert time.monotonic() - start < 1 and obs.endswith("[TRUNCATED]")
    obs, *_, info = env.step(op("SELECT 1 " + "+ 1 " * 200_000))
    assert info["outcome"] is Outcome.RUNNING and isinstance(obs, str)


def test_text_compares_case_insensitively_like_mysql(env):
    env.reset(options={"sample": 0})
    t, key = env.sample.target.name, env.sample.target.heads[0]
    value = env.sample.target.rows[0][0]
    obs, *_ = env.step(op(f"SELECT COUNT(*) FROM `{t}` WHERE `{key}` = '{value.upper()}'"))
    assert obs == "[(1,)]"


def test_episodes_do_not_share_state(env):
    i = first_of(env, "DELETE")
    env.reset(options={"sample": i})
    env.step(op(f"DELETE FROM `{env.sample.target.name}`"))
    env.reset(options={"sample": i})
    obs, *_ = env.step(op(f"SELECT COUNT(*) FROM `{env.sample.target.name}`"))
    assert obs == f"[({len(env.sample.target.rows)},)]"


def test_builtin_splits_are_reproducible_and_cover_the_kinds():
    for split, (size, _) in generate.SPLITS.items():
        shipped = [json.loads(line) for line in open(builtin_file("agentbench_gym.envs.database", f"{split}.jsonl"))]
        assert len(shipped) == size
        if split == "dev":
            assert shipped == generate.generate(split)  # the generator is the source of the data
        kinds = {r["type"] for r in shipped}
        assert {"other", "counting", "comparison", "ranking", "group-by", "join", "INSERT", "UPDATE",
                "DELETE"} <= kinds
        assert {f"aggregation-{f}" for f in ("SUM", "MIN", "MAX", "AVG")} <= kinds
    assert len(gym.make(ENV_ID, split="test").unwrapped.samples) == 300


def test_setup_errors_are_reported_not_raised():
    from agentbench_gym.envs.database.backends.sqlite import SqliteBackend
    from agentbench_gym.envs.database.data import DBSample, Table

    dup = Table("t", (("a", "TEXT"), ("A", "TEXT")), (("x", "y"),))  # SQLite: duplicate column
    sample = DBSample(id="s", type="other", description="d", add_description="a", tables=(dup,), gold_sql="")
    backend = SqliteBackend()
    session = backend.open(sample)
    try:
        assert session.setup_errors and "duplicate column" in session.setup_errors[0]
        assert session.execute("SELECT * FROM t").startswith("no such table")
    finally:
        session.close()
        backend.close()


def test_check_reports_gold_scores():
    from agentbench_gym.envs.database.check import check

    env = gym.make(ENV_ID)
    try:
        records = check(env)
    finally:
        env.close()
    assert len(records) == 60 and all(r["score"] == 1.0 for r in records)
    assert {r["type"] for r in records} >= {"INSERT", "join"}


def test_mysql_backend_unavailable_is_said_at_construction(monkeypatch):
    from agentbench_gym.envs.database.backends import private_server
    from agentbench_gym.errors import BackendUnavailable, MissingExtra

    monkeypatch.setitem(__import__("sys").modules, "pymysql", None)  # as if the extra were missing
    with pytest.raises(MissingExtra, match=r"db-mysql"):
        gym.make(ENV_ID, backend="mysql", mysql_url="mysql+pymysql://root@127.0.0.1:1/")
    status = type(gym.make(ENV_ID).unwrapped).backend_status()
    assert status["sqlite"] is None and "db-mysql" in status["mysql"]
    monkeypatch.undo()
    pytest.importorskip("pymysql")
    with pytest.raises(BackendUnavailable, match="cannot connect"):
        gym.make(ENV_ID, backend="mysql", mysql_url="mysql+pymysql://root@127.0.0.1:1/")
    monkeypatch.delenv("AGENTBENCH_MYSQL_URL", raising=False)
    monkeypatch.setattr(private_server, "mariadbd_path", lambda: None)
    with pytest.raises(BackendUnavailable, match="AGENTBENCH_MYSQL_URL"):
        gym.make(ENV_ID, backend="mysql")
    assert "AGENTBENCH_MYSQL_URL" in type(gym.make(ENV_ID).unwrapped).backend_status()["mysql"]
    with pytest.raises(ValueError, match="statement_timeout"):
        gym.make(ENV_ID, statement_timeout=0)


def test_episode_can_move_between_threads(env):
    from concurrent.futures import ThreadPoolExecutor

    env.reset(options={"sample": 0})  # reset here, step in a worker thread (as a threaded runner may)
    with ThreadPoolExecutor(1) as pool:
        obs, *_ = pool.submit(env.step, op("SELECT 6 * 7")).result()
    assert obs == "[(42,)]"


def test_common_mysql_functions_work_on_sqlite(env):
    env.reset(options={"sample": 0})
    obs, *_ = env.step(op("SELECT CONCAT('a', 1, 'b'), CONCAT('a', NULL)"))
    assert obs == "[('a1b', None)]"


@pytest.mark.parametrize("split", ["dev", "test"])
def test_doing_nothing_never_scores_a_modification(split):
    env = gym.make(ENV_ID, split=split).unwrapped
    try:
        lazy = []
        for i, sample in enumerate(env.samples):
            if sample.modifies:
                env.reset(options={"sample": i})
                *_, info = env.step("Action: Answer\nFinal Answer: []")
                lazy.append(info["score"])
        assert lazy and sum(lazy) == 0.0
    finally:
        env.close()


def test_upstream_quirks_flag_restores_upstreams_scoring():
    scores = {}
    for quirks in (False, True):
        env = gym.make(ENV_ID, upstream_quirks=quirks).unwrapped
        try:
            i = next(i for i, s in enumerate(env.samples) if len(s.answer) == 1 and len(s.answer[0]) > 1)
            env.reset(options={"sample": i})
            *_, info = env.step('Action: Answer\nFinal Answer: "' + env.sample.answer[0] + '"')
            scores[quirks] = info["score"]
            assert info["metrics"]["upstream_quirks"] is quirks
        finally:
            env.close()
    assert scores == {False: 1.0, True: 0.0}  # upstream split the bare string into characters


@pytest.mark.slow
def test_test_split_is_reproducible():
    path = builtin_file("agentbench_gym.envs.database", "test.jsonl")
    assert [json.loads(line) for line in open(path)] == generate.generate("test")


def test_issue_hostile_list_on_sqlite_gives_error_observations(env):
    """DROP DATABASE, SLEEP, LOAD DATA, other databases' names: an error observation, at once."""
    env.reset(options={"sample": 0})
    t = env.sample.target.name
    for sql, error in [("DROP DATABASE test", "syntax error"), ("DROP DATABASE main", "syntax error"),
                       ("SELECT SLEEP(100)", "no such function: SLEEP"),
                       ("LOAD DATA INFILE '/etc/passwd' INTO TABLE x", "syntax error"),
                       ("SELECT readfile('/etc/passwd')", "no such function"),
                       ("SELECT * FROM other_db.t", "no such table: other_db.t"),
                       ("DETACH DATABASE main", "not authorized"),
                       ("SELECT * FROM pragma_database_list", "not authorized")]:
        start = time.monotonic()
        obs, _, term, trunc, info = env.step(op(sql))
        assert time.monotonic() - start < 1.0 and error in obs, (sql, obs)
        assert info["outcome"] is Outcome.RUNNING and not (term or trunc)
    obs, *_ = env.step(op(f"SELECT COUNT(*) FROM `{t}`"))
    assert obs == f"[({len(env.sample.target.rows)},)]"  # the table survived
