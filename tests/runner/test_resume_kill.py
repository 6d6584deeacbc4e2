"""A run killed with SIGKILL at random moments and restarted with the same command loses nothing
and duplicates nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent

SCRIPT = """
import sys
sys.path.insert(0, {here!r})
from runner_helpers import CountEnv, CountOracle, FlakyPolicy
from agentbench_gym.runner import AgentSpec, TaskSpec, run

def task(name, workers):
    return TaskSpec(name, env=lambda **kw: CountEnv(size=15, **kw), workers=workers)

failures = {{"c003": 1}}  # every (re)start: c003 fails once as an agent error, then succeeds
agents = [AgentSpec("a", lambda env, seed: CountOracle(env, delay=0.02), workers=3),
          AgentSpec("b", lambda env, seed: FlakyPolicy(env, failures), workers=2)]
run(agents, [task("T1", 2), task("T2", 3)], out={out!r}, seed=3, max_retries=50)
"""


@pytest.mark.parametrize("planned_kills", [2, pytest.param(8, marks=pytest.mark.slow)])
def test_sigkill_at_random_moments_then_resume(tmp_path, planned_kills):
    out = tmp_path / "run"
    code = SCRIPT.format(here=str(HERE), out=str(out))
    rng = np.random.default_rng(12345)
    kills = 0
    for attempt in range(planned_kills + 1):  # killed at random moments after the run started
        manifest = out / "manifest.json"
        before = manifest.stat().st_mtime_ns if manifest.exists() else None
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:  # until this process's run starts
            if manifest.exists() and manifest.stat().st_mtime_ns != before:
                break
            time.sleep(0.002)
        try:
            proc.wait(timeout=float(rng.uniform(0.0, 0.5)) if attempt < planned_kills else 120)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
            continue
        assert proc.returncode == 0, proc.stderr.read().decode()
        break
    else:
        raise AssertionError("the run never finished")
    assert kills >= 1  # the property was exercised
    writers = set()
    for agent in ("a", "b"):
        for task in ("T1", "T2"):
            raw = (out / agent / f"{task}.jsonl").read_text()
            assert raw.endswith("\n")
            records = [json.loads(line) for line in raw.splitlines()]
            writers |= {r["run_id"] for r in records}
            completed = Counter(r["sample_id"] for r in records if r["outcome"] == "completed")
            assert completed == Counter({f"c{i:03d}": 1 for i in range(15)}), (agent, task)
            assert all(r["outcome"] in ("completed", "agent_error") for r in records)
    assert len(writers) >= 2  # killed processes had written records before they died
    # The finished run restarted once more does nothing.
    before = {p: p.stat().st_size for p in out.rglob("*.jsonl")}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert {p: p.stat().st_size for p in out.rglob("*.jsonl")} == before
    assert time.perf_counter() - started < 30
