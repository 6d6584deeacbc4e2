"""The Ray backend on a local Ray instance started by the test: same plan, env workers as actors."""

from __future__ import annotations

import json

import pytest

from agentbench_gym.runner import run

ray = pytest.importorskip("ray")

pytestmark = pytest.mark.slow  # starting Ray takes several seconds


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def summary(records):
    return sorted((r["agent"], r["task"], r["sample_id"], r["outcome"], r["score"], r["turns"]) for r in records)


def test_ray_run_matches_the_threaded_run_and_resumes(local_ray, tmp_path):
    agents, tasks = ["scripted:2", "random:2"], ["DCG:2", "DB:2"]
    on_ray = run(agents, tasks, limit=3, seed=4, out=tmp_path, backend="ray")
    local = run(agents, tasks, limit=3, seed=4)
    assert len(on_ray.records) == 12
    assert summary(on_ray.records) == summary(local.records)
    assert all(r["outcome"] == "completed" for r in on_ray.records if r["agent"] == "scripted")
    # The folder is the same format: a restart on Ray runs nothing new.
    sizes = {p: p.stat().st_size for p in tmp_path.rglob("*.jsonl")}
    again = run(agents, tasks, limit=3, seed=4, out=tmp_path, backend="ray")
    assert again.stats["episodes"] == 0 and {p: p.stat().st_size for p in tmp_path.rglob("*.jsonl")} == sizes
    lines = (tmp_path / "scripted" / "DB.jsonl").read_text().splitlines()
    assert len(lines) == 3 and json.loads(lines[0])["versions"]["data"].startswith("dev:")

