"""DB env on a real MySQL/MariaDB server: gold answers, isolation, timeouts, sweeping, no leaks."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import gymnasium as gym
import numpy as np
import pytest
from agentbench_gym.baselines import make_policy

import agentbench_gym  # noqa: F401
from agentbench_gym.env_checker import check_hostile_input, hostile_replies, run_episode
from agentbench_gym.envs.database.data import DBSample, Table
from agentbench_gym.envs.database.scoring import table_hash
from agentbench_gym.errors import BackendUnavailable, MissingExtra

pytestmark = pytest.mark.mariadb
MYSQL_URL = os.environ.get("AGENTBENCH_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/")
ENV_ID = "AgentBench/DB-v0"


def make(**kwargs):
    try:
        return gym.make(ENV_ID, backend="mysql", mysql_url=MYSQL_URL, **kwargs).unwrapped
    except (MissingExtra, BackendUnavailable) as exc:
        pytest.skip(str(exc))


@pytest.fixture
def env():
    e = make(statement_timeout=1.0)
    yield e
    e.close()


def admin_query(sql, args=()):
    from sqlalchemy.engine import make_url

    pymysql = pytest.importorskip("pymysql")
    url = make_url(MYSQL_URL)
    try:
        conn = pymysql.connect(host=url.host, port=url.port or 3306, user=url.username,
                               password=url.password or "", ssl_disabled=True, connect_timeout=5)
    except pymysql.err.OperationalError as exc:
        pytest.skip(f"no MySQL/MariaDB server at {url.host}:{url.port or 3306}: {exc}")
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args)
            return [r[0] for r in cur.fetchall()]
    finally:
        conn.close()


def op(sql):
    return f"Action: Operation\n```sql\n{sql}\n```"


@pytest.mark.slow
def test_builtin_gold_answers_hold_on_mysql(env):
    policy = make_policy("scripted", env)
    failed = []
    for i, sample in enumerate(env.samples):
        policy.reset()
        info = run_episode(env, policy.act, options={"sample": i})[-1][-1]
        if info["score"] != 1.0:
            failed.append((sample.id, sample.type, info["metrics"]))
    assert failed == []


def test_server_hash_equals_python_hash_past_group_concat_limit(env):
    rows = tuple((f"name {i}", str(i * 7), None if i % 5 else "x") for i in range(400))
    sample = DBSample(id="big", type="UPDATE", description="d", add_description="a",
                      tables=(Table("Big T", (("a", "TEXT"), ("b", "TEXT"), ("c", "TEXT")), rows),),
                      gold_sql="", answer_md5=table_hash(rows))
    session = env._db.open(sample)
    try:
        assert session.table_hash() == table_hash(rows)
        session.execute("UPDATE `Big T` SET b = 'changed' WHERE a = 'name 3'")
        assert session.table_hash() != table_hash(rows)
    finally:
        session.close()


def test_agent_is_confined_to_its_database(env):
    other = make()
    try:
        other.reset(options={"sample": 0})
        env.reset(options={"sample": 0})
        other._session.driver_connection()  # built (in the background) before we look
        theirs = other._session.database
        mine = env._session.database
        table = env.sample.target.name
        obs, *_ = env.step(op("SHOW DATABASES"))
        assert mine in obs and theirs not in obs and "'test'" not in obs
        for sql in [f"SELECT * FROM `{theirs}`.`{table}`", f"DROP DATABASE `{theirs}`", "DROP DATABASE test",
                    "SELECT * FROM mysql.user", "CREATE USER evil", "SET GLOBAL max_connections = 1",
                    "CREATE DATABASE elsewhere", "SELECT * FROM test.nothing INTO OUTFILE '/tmp/abg_leak'",
                    "LOAD DATA INFILE '/etc/passwd' INTO TABLE x", "SHUTDOWN", f"KILL {other._db.token and 1}"]:
            obs, _, term, trunc, info = env.step(op(sql))
            assert info["outcome"].value == "running" and obs[:4].isdigit(), (sql, obs)
        assert theirs in admin_query("SHOW DATABASES")
        obs, *_ = other.step(op(f"SELECT COUNT(*) FROM `{table}`"))
        assert obs == f"[({len(other.sample.target.rows)},)]"
    finally:
        other.close()


def test_statement_timeout_and_big_results_are_bounded(env):
    env.reset(options={"sample": 0})
    t = env.sample.target.name
    for sql in ["SELECT SLEEP(30)", "SET SESSION max_statement_time = 0",  # the client backstop still holds
                "SELECT SLEEP(30)",
                f"SELECT * FROM `{t}` a, `{t}` b, `{t}` c, `{t}` d LIMIT 100000000",
                f"SELECT COUNT(*) FROM `{t}` a, `{t}` b, `{t}` c, `{t}` d, `{t}` e, `{t}` f, `{t}` g",
                "SELECT 1; SELECT 2", "SELECT '\udcff'", "SELECT '" + "y" * 1_000_000 + "'"]:
        start = time.monotonic()
        obs, *_, info = env.step(op(sql))
        assert time.monotonic() - start < 1.0 + 3.0, sql[:60]  # timeout, then the +1 s backstop
        assert info["outcome"].value == "running" and isinstance(obs, str) and len(obs) <= 811
    obs, *_ = env.step(op("SELECT 41 + 1"))
    assert obs == "[(42,)]"  # the session recovered after the kills


def test_errors_read_like_mysql_connector(env):
    env.reset(options={"sample": 0})
    obs, *_ = env.step(op("SELECT nope FROM `" + env.sample.target.name + "`"))
    assert obs.startswith("1054 (42S22): Unknown column 'nope' in ")
    obs, *_ = env.step(op("SELECT 'a%b' LIKE '%b', '10:30'"))
    assert obs == "[(1, '10:30')]"


def test_stale_databases_of_a_crashed_process_are_swept():
    code = (
        "import os, gymnasium as gym, agentbench_gym\n"
        f"e = gym.make('AgentBench/DB-v0', backend='mysql', mysql_url={MYSQL_URL!r}).unwrapped\n"
        "e.reset(options={'sample': 0})\n"
        "e._session.driver_connection()\n"  # the database is built in the background: wait for it
        "print(e._session.database, e._db.user, flush=True)\n"
        "os._exit(1)\n"  # no close(), no atexit: a crash
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    if "BackendUnavailable" in out.stderr or "MissingExtra" in out.stderr:
        pytest.skip(out.stderr.strip().splitlines()[-1])
    database, user = out.stdout.split()
    assert database in admin_query("SHOW DATABASES")
    fresh = make()
    try:
        assert database in fresh._db.swept and user in fresh._db.swept
        assert database not in admin_query("SHOW DATABASES")
        assert user not in admin_query("SELECT User FROM mysql.user")
    finally:
        fresh.close()


def run_and_count_leaks(episodes: int) -> list[str]:
    """Play ``episodes`` episodes of mixed hostile/valid replies; return what is left afterwards."""
    env = make(statement_timeout=1.0)
    token = env._db.token
    pool = hostile_replies(np.random.default_rng(1), 500, env.reply_examples)
    rng = np.random.default_rng(2)
    done = 0
    try:
        env.reset(seed=0)
        while done < episodes:
            if rng.random() < 0.5:
                reply = op(f"SELECT * FROM `{env.sample.target.name}` LIMIT 2")
            else:
                reply = pool[int(rng.integers(len(pool)))]
            *_, term, trunc, _info = env.step(reply)
            if term or trunc:
                done += 1
                env.reset(seed=done)
                live = [d for d in admin_query("SHOW DATABASES") if token in d] if done % 10 == 0 else []
                assert len(live) <= 6  # the current episode's, and at most 5 queued or being dropped
    finally:
        env.close()
    return [d for d in admin_query("SHOW DATABASES") if token in d] + \
        [u for u in admin_query("SELECT User FROM mysql.user") if token in u]


def test_no_database_left_after_episodes():
    assert run_and_count_leaks(15) == []


@pytest.mark.slow
def test_no_database_left_after_500_episodes():
    assert run_and_count_leaks(500) == []


@pytest.mark.slow
def test_hostile_replies_on_mysql():
    env = make(statement_timeout=1.0)
    try:
        counts = check_hostile_input(env, hostile_replies(np.random.default_rng(3), 300, env.reply_examples))
        assert sum(counts.values()) > 0
    finally:
        env.close()


@pytest.mark.slow
def test_private_server_on_tmpfs_dies_with_its_process(tmp_path):
    pytest.importorskip("pymysql")
    from agentbench_gym.envs.database.backends.private_server import mariadbd_path

    if mariadbd_path() is None:
        pytest.skip("mariadbd is not installed")
    code = (
        "import os, gymnasium as gym, agentbench_gym\n"
        "e = gym.make('AgentBench/DB-v0', backend='mysql', mysql_url='private').unwrapped\n"
        "from agentbench_gym.baselines import make_policy\n"
        "from agentbench_gym.env_checker import run_episode\n"
        "p = make_policy('scripted', e)\n"
        "scores = [run_episode(e, p.act, options={'sample': i})[-1][-1]['score'] for i in range(0, 60, 6)]\n"
        "from agentbench_gym.envs.database.backends.private_server import shared_server\n"
        "print(shared_server().base, sum(scores), flush=True)\n"
        "os._exit(1)\n"  # a crash: the wrapper must still stop the server
    )
    env = dict(os.environ)
    env.pop("AGENTBENCH_MYSQL_URL", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180, env=env)
    base, total = out.stdout.split()
    assert float(total) == 10.0, out.stderr[-2000:]
    for _ in range(200):  # the server shuts down once its wrapper sees our stdin close
        if not any(base in cmdline for cmdline in _cmdlines()) and not os.path.exists(base):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the private mariadbd (or its data directory) outlived its process")


def _cmdlines():
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                yield handle.read().decode(errors="replace")
        except OSError:  # not a process, or it just ended
            continue


def test_sweeper_leaves_other_databases_alone():
    admin_query("CREATE DATABASE IF NOT EXISTS abg_userdata")
    admin_query("CREATE DATABASE IF NOT EXISTS `abg_0123456789ab_notanumber`")
    try:
        fresh = make()
        fresh.close()
        names = admin_query("SHOW DATABASES")
        assert "abg_userdata" in names and "abg_0123456789ab_notanumber" in names
    finally:
        admin_query("DROP DATABASE IF EXISTS abg_userdata")
        admin_query("DROP DATABASE IF EXISTS `abg_0123456789ab_notanumber`")
