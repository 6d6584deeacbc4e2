"""The OS env's docker backend against a real engine (skipped, with the reason, where none runs)."""

from __future__ import annotations

import os

import pytest
from agentbench_gym.baselines import make_policy
from os_shell_helpers import LOCAL_PROBLEM, bash, make_env

from agentbench_gym.core import Outcome
from agentbench_gym.env_checker import run_episode
from agentbench_gym.envs.os_shell import OSShellEnv
from agentbench_gym.envs.os_shell.backends.docker_backend import LABEL, DockerBackend

DOCKER_PROBLEM = DockerBackend.status()
if DOCKER_PROBLEM is None and LOCAL_PROBLEM is not None:
    DOCKER_PROBLEM = f"its image is imported from the local base filesystem: {LOCAL_PROBLEM}"
pytestmark = pytest.mark.skipif(DOCKER_PROBLEM is not None, reason=f"docker backend: {DOCKER_PROBLEM}")
LIMITS = {"idle_timeout": 1.0, "command_timeout": 3.0, "memory_mb": 256, "pids": 64}


def our_containers() -> list:
    import docker

    client = docker.from_env()
    mine = [c for c in client.containers.list(all=True, filters={"label": LABEL})
            if c.labels.get(LABEL) == str(os.getpid())]
    client.close()
    return mine


@pytest.fixture
def env():
    env = make_env(backend="docker", limits=LIMITS, pool_size=1)
    yield env
    env.close()


def test_doctor_reports_both_backends():
    status = OSShellEnv.backend_status()
    assert set(status) == {"local", "docker"} and status["docker"] is None


def test_protocol_and_containment(env):
    env.reset(seed=0, options={"sample": 0})
    obs, *_ = env.step(bash("cd /tmp && X=7; echo $X; hostname"))
    assert obs == "The output of the OS:\n\n7\nsandbox\n"
    obs, *_ = env.step(bash("pwd; curl -sS -m 2 http://1.1.1.1 >/dev/null 2>&1; echo curl=$?; "
                            "ip -o link | wc -l"))
    assert obs.startswith("The output of the OS:\n\n/tmp\ncurl=") and "curl=0" not in obs
    assert obs.endswith("\n1\n")  # loopback only
    obs, *_ = env.step(bash("python3 -c 'x = bytearray(1024 ** 3)' 2>&1 | tail -1; echo rc=${PIPESTATUS[0]}"))
    assert "rc=137" in obs or "MemoryError" in obs           # the 256 MB cgroup limit
    env.step(bash("sleep 100 & sleep 0.05"))  # docker tells commands apart by start tick (10 ms)
    obs, *_ = env.step(bash("sleep 200 & echo started; sleep 30"))
    assert "[The command was stopped: no output for 1 seconds.]" in obs
    obs, *_ = env.step(bash("pgrep -fx 'sleep [12]00'; exit"))
    lines = obs.split("\n\n", 1)[1].split("\n")
    assert len([x for x in lines if x.isdigit()]) == 1  # the earlier job survived, the timed-out one's did not
    obs, *_ = env.step(bash("pwd"))
    assert obs == "The output of the OS:\n\n/\n"             # a new login shell, same container
    _, _, term, _, info = env.step("Act: answer(x)")
    assert term and info["outcome"] is Outcome.COMPLETED


def test_scripted_solver_on_part_of_dev(env):
    policy = make_policy("scripted", env)
    scores = []
    for index in range(0, len(env.unwrapped.samples), 4):
        policy.reset()
        scores.append(run_episode(env, policy.act, options={"sample": index})[-1][-1]["score"])
    assert sum(scores) / len(scores) >= 0.9


@pytest.mark.slow
def test_scripted_solver_on_all_of_dev(env):
    policy = make_policy("scripted", env)
    scores = []
    for index in range(len(env.unwrapped.samples)):
        policy.reset()
        scores.append(run_episode(env, policy.act, options={"sample": index})[-1][-1]["score"])
    assert sum(scores) / len(scores) >= 0.9


def test_no_container_is_left_behind():
    from agentbench_gym.envs.os_shell import backends

    env = make_env(backend="docker", limits=LIMITS, pool_size=1)
    env.reset(seed=0)
    env.step(bash("sleep 1000 & echo bg"))
    assert our_containers()
    env.close()
    backends.shutdown()
    assert our_containers() == []
