"""The sandbox interface every OS backend implements, and the pieces they share.

A backend (``local``, ``docker``, ...) is one module with a class that has ``name``,
``status()`` and ``open(limits) -> Sandbox``. A ``Sandbox`` runs commands in the agent's
persistent shell (``run``), runs scripts as separate processes (``exec``, for init and
check scripts), and is destroyed by ``close``. Adding a backend means adding one file and
one line in ``backends/__init__.py``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import ClassVar, Protocol

from agentbench_gym.envs.os_shell.backends.channel import RunResult

SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
"""Where the host tools (unshare, newuidmap, ip, debootstrap, chroot) are looked up: the
caller's PATH may lack the sbin directories."""

SHELL_ENV = {
    "HOME": "/root",
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "USER": "root",
    "LOGNAME": "root",
    "SHELL": "/bin/bash",
    "LANG": "C.UTF-8",
    "TERM": "dumb",
}
"""The environment of the agent's shell and of every script (a clean root login)."""

SHELL_ARGV = ["bash", "--login", "--noediting", "-i"]
"""The agent's shell: an interactive login shell, as AgentBench's ``bash --login`` on a tty
(so messages read ``bash: foo: command not found`` and background jobs print ``[1] PID``),
without line editing, whose echo would garble the output on pipes."""

SHELL_READY = "PS1=; PS2=; PS0=; unset PROMPT_COMMAND HISTFILE; set +o history; history -c"
"""Run first in every new shell: no prompts in the output, no history of our framing."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits of one sandbox.

    Attributes:
        memory_mb: memory of the whole sandbox (cgroup / container) and address space per process.
        disk_mb: size of the writable layer (tmpfs in the local backend).
        max_file_mb: largest file a process may write (RLIMIT_FSIZE).
        cpu_seconds: CPU time per process (RLIMIT_CPU).
        pids: processes in the sandbox (pids cgroup / container; RLIMIT_NPROC backstop).
        idle_timeout: a command is stopped after this many seconds without output (upstream 5).
        command_timeout: ... or after this many seconds in all (upstream 30).
        script_timeout: init, start and check scripts get this long.
    """

    memory_mb: int = 1024
    disk_mb: int = 512
    max_file_mb: int = 256
    cpu_seconds: int = 120
    pids: int = 256
    idle_timeout: float = 5.0
    command_timeout: float = 30.0
    script_timeout: float = 60.0


class Sandbox(Protocol):
    """One throwaway Linux system with the agent's shell in it."""

    def run(self, command: str, *, idle_timeout: float, total_timeout: float) -> RunResult:
        """Run ``command`` in the agent's shell (state persists between calls)."""

    def exec(self, argv: list[str], *, timeout: float) -> RunResult:
        """Run ``argv`` as a separate process in the sandbox (cwd ``/``, stdin empty)."""

    def close(self) -> None:
        """Destroy the sandbox and everything in it; idempotent."""


class Backend(Protocol):
    """Creates sandboxes of one kind."""

    name: ClassVar[str]

    def open(self) -> Sandbox:
        """A fresh sandbox, ready for commands."""

    def close(self) -> None:
        """Release pooled resources."""


def script_argv(language: str, code: str, args: list[str]) -> list[str]:
    """The argv that runs a script the way AgentBench's ``execute_independent`` does."""
    args = [a.replace("\x00", "") for a in args]
    if language == "bash":
        return ["bash", "-c", code, *(["--", *args] if args else [])]
    if language == "python":
        return ["python3", "-c", code, *args]
    if language in ("c", "c++"):
        # Upstream's c/c++ path mangles the source (json.dumps inside echo "..."); we compile
        # it properly, and a missing compiler fails the script with gcc's own message.
        compiler, source = ("gcc", "/tmp/main.c") if language == "c" else ("g++", "/tmp/main.cpp")
        build = (f"cat > {source} <<'__SBX_SRC__'\n{code}\n__SBX_SRC__\n"
                 f"{compiler} -o /tmp/a.out {source} && exec /tmp/a.out \"$@\"")
        return ["bash", "-c", build, "--", *args]
    raise ValueError(f"unsupported script language {language!r}")


def shell_quote(argv: list[str]) -> str:
    """``argv`` as one shell command line."""
    return " ".join(shlex.quote(a) for a in argv)
