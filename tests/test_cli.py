"""The agentbench-gym command line, run as a real subprocess."""

from __future__ import annotations

import subprocess
import sys

import pytest

import agentbench_gym

CLI = [sys.executable, "-m", "agentbench_gym.cli"]


def run_cli(*args: str, stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, timeout=timeout,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})


def test_help_explains_every_command():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("list", "play", "run", "eval", "doctor"):
        assert command in result.stdout
    play = run_cli("play", "--help")
    assert "ID" in play.stdout and "--sample" in play.stdout


def test_no_command_prints_help_and_fails():
    result = run_cli()
    assert result.returncode == 2 and "commands" in result.stdout


def test_list_shows_every_registered_id_with_sample_counts():
    result = run_cli("list")
    assert result.returncode == 0, result.stderr
    for env_id in agentbench_gym.TASKS.values():
        assert env_id in result.stdout


@pytest.mark.parametrize("task", sorted(agentbench_gym.TASKS))
def test_play_reads_replies_and_reports_outcome(task):
    # Junk replies end every task's episode (IF/IA, or the turn limit); 400 of them is plenty.
    replies = "".join("junk reply\n.\n" for _ in range(400))
    result = run_cli("play", task, "--sample", "0", "--seed", "1", stdin=replies)
    assert result.returncode == 0, result.stderr
    assert "outcome:" in result.stdout and "score:" in result.stdout


def test_play_rejects_unknown_env():
    result = run_cli("play", "NOPE")
    assert result.returncode != 0 and "unknown env" in result.stderr


def test_run_prints_a_results_table(tmp_path):
    task = sorted(agentbench_gym.TASKS)[0]
    result = run_cli("run", "--task", task, "--agent", "scripted", "--limit", "2", "--out", str(tmp_path / "run"))
    assert result.returncode == 0, result.stderr
    assert "AgentBench results" in result.stdout and task in result.stdout and "scripted" in result.stdout


def test_doctor_reports_every_task():
    result = run_cli("doctor")
    assert result.returncode == 0, result.stderr
    for task in agentbench_gym.TASKS:
        assert task in result.stdout


@pytest.mark.skipif("OS" not in agentbench_gym.TASKS, reason="OS env not registered")
def test_play_os_runs_commands_even_without_sbin_on_path():
    # run_cli's PATH lacks /usr/sbin; the sandbox must still start and run the command.
    replies = "Think: look.\nAct: bash\n```bash\necho hi-from-$((6*7))\n```\n.\nAct: finish\n.\n"
    result = run_cli("play", "OS", "--sample", "0", stdin=replies)
    if "unavailable" in result.stdout + result.stderr:
        pytest.skip("the local OS sandbox is unavailable on this machine")
    assert result.returncode == 0, result.stderr
    assert "hi-from-42" in result.stdout and "outcome: completed" in result.stdout
