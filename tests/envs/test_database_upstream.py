"""DB: AgentBench's dbbench data format from ``data_dir`` (read from ../shared/data at run time)."""

from __future__ import annotations

import collections
import json
import os

import gymnasium as gym
import pytest
from agentbench_gym.baselines import make_policy

import agentbench_gym  # noqa: F401
from agentbench_gym.env_checker import run_episode
from agentbench_gym.envs.database.data import load_upstream
from agentbench_gym.errors import BackendUnavailable, DataFormatError, MissingExtra

MYSQL_URL = os.environ.get("AGENTBENCH_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/")


@pytest.fixture(scope="module")
def db_dir(shared_data):
    return shared_data / "agentbench" / "db"


def test_loader_reads_the_dev_file(db_dir):
    samples = load_upstream(db_dir, "dev")
    assert len(samples) == 60 and [s.id for s in samples[:3]] == ["0", "1", "2"]
    kinds = collections.Counter("query" if not s.modifies else s.type for s in samples)
    assert kinds == {"INSERT": 20, "UPDATE": 20, "query": 20}
    first = json.loads((db_dir / "dev.jsonl").read_text().splitlines()[0])
    s = samples[0]
    assert s.prompt == first["description"] + "\n" + first["add_description"]
    assert s.answer == tuple(first["label"]) and s.answer_md5 is None and s.upstream
    assert all(t == "TEXT" for _, t in s.target.columns)  # upstream makes every column TEXT
    assert len(s.target.rows) == len(first["table"]["table_info"]["rows"])
    update = next(x for x in samples if x.type == "UPDATE")
    assert update.gold_sql.startswith("UPDATE") and update.answer_md5.startswith("[('")


def run_gold(env):
    """Score of every sample when the oracle replays the data's gold SQL/answer."""
    policy = make_policy("scripted", env)
    scores = {}
    for i, sample in enumerate(env.unwrapped.samples):
        policy.reset()
        info = run_episode(env, policy.act, options={"sample": i})[-1][-1]
        scores[sample.id] = (info["score"], info["metrics"].get("setup_errors"))
    return scores


def test_gold_scores_one_on_sqlite(db_dir):
    env = gym.make("AgentBench/DB-v0", data_dir=str(db_dir))
    try:
        scores = run_gold(env)
    finally:
        env.close()
    assert {k: v for k, v in scores.items() if v[0] != 1.0} == {}
    assert len(scores) == 60


@pytest.mark.mariadb
def test_gold_scores_one_on_mysql(db_dir):
    try:
        env = gym.make("AgentBench/DB-v0", data_dir=str(db_dir), backend="mysql", mysql_url=MYSQL_URL)
    except (MissingExtra, BackendUnavailable) as exc:
        pytest.skip(str(exc))
    try:
        scores = run_gold(env)
    finally:
        env.close()
    assert {k: v for k, v in scores.items() if v[0] != 1.0} == {}
    # Sample 5 has a column named '' that MySQL refuses, as upstream's MySQL did: the episode runs
    # without the table (the label still scores), and info says why.
    assert scores["5"][1] and "Incorrect column name" in scores["5"][1][0]


def test_std_file_and_json_list_and_errors(tmp_path, db_dir):
    records = [json.loads(line) for line in (db_dir / "dev.jsonl").read_text().splitlines()[:3]]
    (tmp_path / "standard.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    assert len(load_upstream(tmp_path, "std")) == 3
    (tmp_path / "mine.json").write_text(json.dumps(records))
    assert [s.id for s in load_upstream(tmp_path / "mine.json")] == ["0", "1", "2"]
    broken = dict(records[0], table={"table_name": "t", "table_info": {"columns": [{"name": "a"}],
                                                                       "rows": [["x", "y"]]}})
    (tmp_path / "dev.jsonl").write_text(json.dumps(broken))
    with pytest.raises(DataFormatError, match="row 0"):
        load_upstream(tmp_path, "dev")
    (tmp_path / "dev.jsonl").write_text(json.dumps({k: v for k, v in records[0].items() if k != "type"}))
    with pytest.raises(DataFormatError, match="'type'"):
        load_upstream(tmp_path, "dev")
    with pytest.raises(FileNotFoundError):
        load_upstream(tmp_path / "nowhere", "dev")
