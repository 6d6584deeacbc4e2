"""The runner and CLI with an OpenAI-compatible agent over real HTTP (a local test server)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openai_server import OpenAITestServer

from agentbench_gym.runner import parse_agent

ROOT = Path(__file__).resolve().parents[2]


def test_parse_agent_forms():
    a = parse_agent("gpt=openai:m:3?base_url=http://h:8000/v1&temperature=0.5&stop=none")
    assert (a.name, a.policy, a.workers) == ("gpt", "openai:m", 3)
    assert a.options == {"base_url": "http://h:8000/v1", "temperature": 0.5, "stop": None}
    assert parse_agent("random").name == "random" and parse_agent("random").workers == 1
    assert parse_agent("openai:m:2").policy == "openai:m" and parse_agent("openai:m:2").workers == 2
    assert not parse_agent("openai:m").per_episode and parse_agent("scripted").per_episode
    assert "***" in json.dumps(parse_agent("x=openai:m?api_key=secret").describe())
    with pytest.raises(ValueError):
        parse_agent("x=")


def test_cli_run_with_an_http_agent_retries_its_failures(tmp_path):
    pytest.importorskip("httpx")  # the [openai] extra
    # WB replies: answer "A." (a well-formed choice); the first two requests fail with HTTP 500.
    with OpenAITestServer(responder=lambda body: "Answer: A.") as server:
        server.push({"status": 500, "body": "overloaded"}, {"status": 500, "body": "overloaded"})
        out = tmp_path / "llm"
        spec = f"llm=openai:test-model:3?base_url={server.base_url}&max_retries=0&api_key=k"
        result = subprocess.run(
            [sys.executable, "-m", "agentbench_gym.cli", "run", "--agent", spec, "--task", "WB:2", "--limit", "4",
             "--out", str(out), "--no-progress"],
            capture_output=True, text=True, timeout=300, cwd=ROOT, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
        assert result.returncode == 0, result.stderr
        assert len(server.requests) >= 6  # 4 samples, 2 failed tries re-run
    records = [json.loads(x) for x in (out / "llm" / "WB.jsonl").read_text().splitlines()]
    errors = [r for r in records if r["outcome"] == "agent_error"]
    assert len(errors) == 2 and all("500" in r["error"] for r in errors)
    final = {r["sample_id"]: r for r in records if r["outcome"] != "agent_error"}
    assert len(final) == 4 and all(r["agent"] == "llm" for r in final.values())
    assert all(r["messages"][-2]["content"] == "Answer: A." for r in final.values() if r["turns"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["config"]["agents"]["llm"]["options"]["api_key"] == "***"
    assert "AgentBench results" in result.stdout
