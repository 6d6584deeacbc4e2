"""Offline evaluation: metrics, overall score and outcome distribution on hand-made trajectories."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from agentbench_gym.eval_report import evaluate_records, evaluate_run, final_records, parse_weights, write_outputs
from agentbench_gym.metrics import overall_score
from agentbench_gym.runner.store import RunStore


def rec(agent, task, sample, outcome="completed", score=1.0, turns=2, metrics=None):
    return {"agent": agent, "task": task, "sample_id": sample, "outcome": outcome, "score": score,
            "turns": turns, "metrics": metrics or {}, "messages": []}


def gpt4_like():
    """Per-task results whose task metrics equal the paper's GPT-4 scores on the shared samples."""
    records = []
    # DB: AgentBench averages the SELECT/INSERT/UPDATE accuracies; here all SELECT, 8 of 25 right = 32 %.
    records += [rec("gpt4", "DB", f"d{i}", score=float(i < 8), metrics={"type": "SELECT"}) for i in range(25)]
    # WS: mean reward 0.611.
    records += [rec("gpt4", "WS", f"w{i}", score=s) for i, s in enumerate([0.611] * 10)]
    return records


def test_metrics_outcomes_errors_and_turns_per_pair():
    records = [
        rec("a", "WS", "1", score=1.0, turns=3), rec("a", "WS", "2", "invalid_format", 0.0, turns=1),
        rec("a", "WS", "3", "task_error", 0.0, turns=0), rec("a", "WS", "3", "completed", 0.5, turns=5),
        rec("a", "WS", "4", "agent_error", 0.0), rec("a", "WS", "4", "agent_error", 0.0),
        rec("a", "WS", "5", "task_limit", 0.0, turns=10),
    ]
    report = evaluate_records(records)
    [pair] = report.pairs
    assert pair.samples == 5 and pair.scored == 4 and pair.unresolved == 1
    assert pair.main == pytest.approx((1.0 + 0.0 + 0.5 + 0.0) / 4)  # errors never scored
    assert pair.errors == 3  # every error attempt is counted
    assert pair.outcomes == {"completed": 0.4, "invalid_format": 0.2, "task_limit": 0.2, "agent_error": 0.2}
    assert pair.mean_turns == pytest.approx((3 + 1 + 5 + 10) / 4)
    assert report.overall["a"] == pytest.approx(overall_score({"WS": 100 * pair.main}))


def test_final_records_prefer_the_scored_attempt():
    records = [rec("a", "DB", "1", "task_error", 0.0), rec("a", "DB", "1", "completed", 1.0),
               rec("a", "DB", "1", "completed", 0.0)]
    [final] = final_records(records)
    assert final["score"] == 1.0


def test_overall_score_uses_each_tasks_own_metric_and_the_paper_weights():
    report = evaluate_records(gpt4_like())
    by_task = {p.task: p for p in report.pairs}
    assert by_task["DB"].main == pytest.approx(0.32)
    assert by_task["WS"].main == pytest.approx(0.611)
    assert report.overall["gpt4"] == pytest.approx((32.0 / 13.0 + 61.1 / 30.7) / 2)
    custom = evaluate_records(gpt4_like(), weights={"DB": 32.0, "WS": 61.1})
    assert custom.overall["gpt4"] == pytest.approx(1.0)
    assert "user weights" in custom.notes[-1]


def test_a_task_with_only_errors_shows_no_score_and_stays_out_of_oa():
    report = evaluate_records([rec("a", "OS", "1", "task_error", 0.0), rec("a", "WS", "1", score=0.307)])
    os_pair = next(p for p in report.pairs if p.task == "OS")
    assert os_pair.scored == 0 and os_pair.shown == "-" and os_pair.metrics == {}
    assert report.overall["a"] == pytest.approx(1.0)
    assert any("leaves out OS (no scored sample" in n for n in report.notes)
    assert "| a | OS | 1 | - |" in report.to_markdown()


def test_unknown_task_is_reported_but_left_out_of_oa():
    report = evaluate_records([rec("a", "COUNT", "1"), rec("a", "WS", "1", score=0.307)])
    assert {p.task for p in report.pairs} == {"COUNT", "WS"}
    assert report.overall["a"] == pytest.approx(1.0)
    assert any("leaves out COUNT" in n for n in report.notes)
    assert evaluate_records([rec("b", "COUNT", "1")]).overall["b"] is None


def test_parse_weights():
    assert parse_weights("OS=10.8, DB=13") == {"OS": 10.8, "DB": 13.0}
    with pytest.raises(ValueError):
        parse_weights("OS")


def test_report_files_and_plots(tmp_path):
    store = RunStore(tmp_path / "run")
    for r in [*gpt4_like(), rec("other", "WS", "w0", "invalid_format", 0.0)]:
        store.append(r)
    store.close()
    report = evaluate_run(tmp_path / "run")
    assert [p.agent for p in report.pairs] == ["gpt4", "gpt4", "other"]
    paths = write_outputs(report, tmp_path / "out", plots=True)
    data = json.loads((tmp_path / "out" / "report.json").read_text())
    assert data["overall"]["gpt4"] == pytest.approx(report.overall["gpt4"])
    markdown = (tmp_path / "out" / "report.md").read_text()
    assert "| gpt4 | DB | 25 | 32.0 |" in markdown
    for png in (tmp_path / "out" / "scores.png", tmp_path / "out" / "outcomes.png"):
        assert png in paths and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def run_cli(*args, cwd=None, timeout=300):
    # The OS sandbox needs the system's sbin tools on PATH, so the PATH is passed through.
    return subprocess.run([sys.executable, "-m", "agentbench_gym.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env={"COLUMNS": "200", "PATH": os.environ.get("PATH", "")})


@pytest.mark.parametrize("limit", [["--limit", "2"], pytest.param([], marks=pytest.mark.slow)])
def test_cli_run_embedded_default_then_eval(tmp_path, limit):
    import agentbench_gym

    out = tmp_path / "default"
    result = run_cli("run", "--out", str(out), "--no-progress", *limit)
    assert result.returncode == 0, result.stderr
    assert "AgentBench results" in result.stdout and "overall score (OA)" in result.stdout
    for task in agentbench_gym.TASKS:
        assert (out / "scripted" / f"{task}.jsonl").exists() and (out / "random" / f"{task}.jsonl").exists()
    assert (out / "aquawar-baseline1" / "DCG.jsonl").exists()
    assert not (out / "aquawar-baseline1" / "DB.jsonl").exists()  # a task baseline plays its own task only
    evaluated = run_cli("eval", str(out), "--weights", ",".join(f"{t}=1" for t in agentbench_gym.TASKS))
    assert evaluated.returncode == 0, evaluated.stderr
    data = json.loads((out / "report.json").read_text())
    scripted = {p["task"]: p["main"] for p in data["pairs"] if p["agent"] == "scripted"}
    assert set(scripted) == set(agentbench_gym.TASKS) and min(scripted.values()) >= 0.9
    # OA with unit weights is the mean task metric in percent.
    assert data["overall"]["scripted"] == pytest.approx(100 * sum(scripted.values()) / len(scripted))
    # Resume: the same command again runs nothing new.
    sizes = {p: p.stat().st_size for p in out.rglob("*.jsonl")}
    assert run_cli("run", "--out", str(out), "--no-progress", *limit).returncode == 0
    assert {p: p.stat().st_size for p in out.rglob("*.jsonl")} == sizes


def test_cli_eval_errors(tmp_path):
    missing = run_cli("eval", str(tmp_path / "nope"))
    assert missing.returncode != 0 and "no run" in missing.stderr
    bad = run_cli("run", "--task", "NOPE", "--out", str(tmp_path / "x"))
    assert bad.returncode != 0 and "unknown task" in bad.stderr


def test_cli_run_named_agents_tasks_workers_and_split(tmp_path):
    out = tmp_path / "named"
    result = run_cli("run", "--agent", "solver=scripted:2", "--agent", "rnd=random", "--task", "db:2",
                     "--split", "test", "--limit", "2", "--seed", "9", "--out", str(out), "--no-progress")
    assert result.returncode == 0, result.stderr
    records = [json.loads(x) for agent in ("solver", "rnd")
               for x in (out / agent / "DB.jsonl").read_text().splitlines()]
    assert len(records) == 4 and {r["split"] for r in records} == {"test"} and {r["seed"] for r in records} == {9, 10}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["config"]["agents"]["solver"]["workers"] == 2 and manifest["config"]["tasks"]["DB"]["workers"] == 2
    assert manifest["config"]["split"] == "test" and sorted(manifest["config"]["agents"]) == ["rnd", "solver"]
