"""The OS backend interface: defaults, the warm pool, a third backend from one module, setup's progress."""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest
from os_shell_helpers import bash, make_env, write_upstream

from agentbench_gym.core import Outcome
from agentbench_gym.envs.os_shell import OSShellEnv, backends
from agentbench_gym.envs.os_shell.backends import rootfs
from agentbench_gym.envs.os_shell.backends.base import SHELL_ENV, Limits
from agentbench_gym.envs.os_shell.backends.channel import RunResult, ShellChannel
from agentbench_gym.envs.os_shell.backends.pipes import PipeTransport, kill_started_since
from agentbench_gym.envs.os_shell.backends.pool import WarmPool
from agentbench_gym.errors import BackendUnavailable


def test_defaults_are_agentbench_values():
    limits = Limits()
    assert (limits.idle_timeout, limits.command_timeout) == (5.0, 30.0)  # upstream's read timeouts
    assert OSShellEnv.default_max_turns == 8 and OSShellEnv.backends[0] == "local"


class _Thing:
    def __init__(self, number: int) -> None:
        self.number, self.closed = number, False

    def close(self) -> None:
        self.closed = True


def test_warm_pool_hands_over_ready_sandboxes_and_closes_the_rest():
    made: list[_Thing] = []
    lock = threading.Lock()

    def create() -> _Thing:
        with lock:
            made.append(_Thing(len(made)))
            return made[-1]

    pool = WarmPool(create, size=2)
    deadline = time.monotonic() + 5
    while len(made) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    first = pool.take()
    assert first is made[0]                       # made in the background, before take()
    deadline = time.monotonic() + 5
    while len(made) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)                          # and refilled after it
    pool.close()
    assert len(made) == 3 and not first.closed and made[1].closed and made[2].closed
    cold = WarmPool(create, size=0)
    assert cold.take() is made[-1] and len(made) == 4   # no pool: made on the spot


class ProcessSandbox:
    """A third backend's sandbox for this test: a plain bash subprocess (no isolation)."""

    def __init__(self) -> None:
        agent_in_r, agent_in_w = os.pipe()
        agent_out_r, agent_out_w = os.pipe()
        self.proc = subprocess.Popen(["bash", "--noprofile", "--norc"], stdin=agent_in_r,
                                     stdout=agent_out_w, stderr=agent_out_w, env=SHELL_ENV,
                                     start_new_session=True)
        os.close(agent_in_r), os.close(agent_out_w)
        self.pipe = PipeTransport(agent_in_w, agent_out_r)
        self.channel = ShellChannel(self.pipe, lambda since: kill_started_since(
            self.proc.pid, since, set()), lambda: self.proc.poll() is None)

    def run(self, command: str, *, idle_timeout: float, total_timeout: float) -> RunResult:
        return self.channel.run(command, idle_timeout=idle_timeout, total_timeout=total_timeout)

    def exec(self, argv: list[str], *, timeout: float) -> RunResult:
        done = subprocess.run(argv, capture_output=True, timeout=timeout, env=SHELL_ENV)
        return RunResult(done.stdout + done.stderr, done.returncode)

    def close(self) -> None:
        self.pipe.close()
        self.proc.kill()
        self.proc.wait()


class ProcessBackend:
    name = "process"

    def __init__(self, limits: Limits | None = None, pool_size: int = 0) -> None:
        self.opened: list[ProcessSandbox] = []

    @staticmethod
    def status() -> str | None:
        return None

    def open(self) -> ProcessSandbox:
        self.opened.append(ProcessSandbox())
        return self.opened[-1]

    def close(self) -> None:
        pass


def test_a_third_backend_is_one_module_and_one_line(monkeypatch, tmp_path):
    monkeypatch.setitem(backends.BACKENDS, "process", f"{__name__}:ProcessBackend")
    assert "process" in OSShellEnv.backends and OSShellEnv.backend_status()["process"] is None
    # A sample with no init script: this test backend runs commands on the host.
    root = write_upstream(tmp_path, [{"description": "What is 4 * 2?", "evaluation": {"match": "8"}}])
    env = make_env(backend="process", data_dir=str(root))
    try:
        env.reset(seed=0, options={"sample": 0})
        obs, *_ = env.step(bash("cd /tmp && X=4; echo $((X * 2)); pwd"))
        assert obs == "The output of the OS:\n\n8\n/tmp\n"
        _, reward, term, _, info = env.step("Act: answer(8)")
        assert term and reward == 1.0 and info["outcome"] is Outcome.COMPLETED
    finally:
        env.close()
        backends.shutdown()


def test_base_build_progress_bar_and_failure_message():
    rootfs._run_with_progress(["bash", "-c", "for i in 1 2 3; do echo I: step $i; done"], progress=True)
    with pytest.raises(BackendUnavailable) as failure:
        rootfs._run_with_progress(["bash", "-c", "echo 'E: no mirror'; exit 1"], progress=True)
    assert str(failure.value) == "debootstrap failed:\nE: no mirror\n"
