"""The ``local`` backend: a namespace sandbox over a cached Debian root filesystem, no daemon.

Per sandbox: a throwaway tmpfs+overlay layer over the read-only base, its own user (full
subordinate id range mapped, so ``useradd``/``chown`` work), PID, mount, network (loopback
only), UTS, IPC and cgroup namespaces, pivot_root (chroot alone was escaped in a test), and
limits: rlimits (CPU time, file size, address space, processes) plus v1 memory and pids
cgroups where the host lets us create them. A warm pool keeps sandboxes ready so that
``reset`` only hands one over. Nothing is created on the host per sandbox except cgroup
directories (removed on close, stale ones swept at start).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from agentbench_gym.envs.os_shell.backends import cgroups, rootfs
from agentbench_gym.envs.os_shell.backends.base import (
    SHELL_ARGV,
    SHELL_READY,
    SYSTEM_PATH,
    Limits,
    shell_quote,
)
from agentbench_gym.envs.os_shell.backends.channel import RunResult, ShellChannel
from agentbench_gym.envs.os_shell.backends.pipes import (
    PipeTransport,
    children,
    descendants,
    is_alive,
    kill_started_since,
)
from agentbench_gym.envs.os_shell.backends.pool import WarmPool
from agentbench_gym.errors import BackendUnavailable

logger = logging.getLogger(__name__)
INIT_SCRIPT = Path(__file__).with_name("sandbox_init.sh")
START_TIMEOUT = 10.0


DEVICES = {"null": (1, 3), "zero": (1, 5), "full": (1, 7), "random": (1, 8), "urandom": (1, 9),
           "tty": (5, 0)}
DEV_LINKS = {"ptmx": "pts/ptmx", "fd": "/proc/self/fd", "stdin": "/proc/self/fd/0",
             "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"}


def runtime_files(base: Path) -> tuple[Path, Path]:
    """The shared mountpoint and the fstab of the sandbox's mounts (written once per machine).

    Every sandbox mounts its own tmpfs on the same host directory: mounts are private to
    each mount namespace. The /dev template holds the few device nodes a shell needs; it is
    bind-mounted read-only in spirit (the mapped root cannot write a host-root directory).
    """
    cache = rootfs.cache_dir()
    mnt, dev = cache / "mnt", cache / "dev-v1"
    if not (dev / "tty").exists():
        staging = cache / f"dev.{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for name, (major, minor) in DEVICES.items():
            os.mknod(staging / name, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
            os.chmod(staging / name, 0o666)
        for name in ("pts", "shm"):
            (staging / name).mkdir()
        for name, target in DEV_LINKS.items():
            os.symlink(target, staging / name)
        try:
            staging.rename(dev)
        except OSError:  # another process made it first
            shutil.rmtree(staging, ignore_errors=True)
    mnt.mkdir(parents=True, exist_ok=True)

    def esc(path: Path | str) -> str:
        return str(path).replace("\\", "\\134").replace(" ", "\\040")

    root = mnt / "root"
    text = "".join(f"{' '.join(fields)}\n" for fields in (
        ("overlay", esc(root), "overlay",
         f"lowerdir={esc(base)},upperdir={esc(mnt / 'upper')},workdir={esc(mnt / 'work')},userxattr"),
        ("proc", esc(root / "proc"), "proc", "nosuid,nodev,noexec"),
        ("procmask", esc(root / "proc/tty/driver"), "tmpfs", "ro,size=4k,mode=0555"),
        ("sysfs", esc(root / "sys"), "sysfs", "ro,nosuid,nodev,noexec"),  # read-only, as in docker
        (esc(dev), esc(root / "dev"), "none", "bind"),
        ("devpts", esc(root / "dev/pts"), "devpts", "newinstance,ptmxmode=0666,mode=0620"),
        ("shm", esc(root / "dev/shm"), "tmpfs", "size=64m,nosuid,nodev"),
    ))
    fstab = cache / f"fstab-{hashlib.sha256(text.encode()).hexdigest()[:12]}"
    if not fstab.exists():
        tmp = fstab.with_name(f"{fstab.name}.{os.getpid()}")
        tmp.write_text(text)
        tmp.rename(fstab)
    return mnt, fstab


@dataclass
class _Process:
    popen: subprocess.Popen
    init_pid: int  # host pid of the namespace's PID 1 (the control shell)


class LocalSandbox:
    """One running namespace sandbox (see the module docstring)."""

    def __init__(self, base: Path, limits: Limits, idbase: int) -> None:
        """Start the sandbox and its agent shell; raise BackendUnavailable when it cannot."""
        self.limits = limits
        self._closed = False
        self._groups = cgroups.create(limits, f"{os.getpid()}-{secrets.token_hex(4)}")
        agent_in_r, agent_in_w = os.pipe()
        agent_out_r, agent_out_w = os.pipe()
        ctl_in_r, ctl_in_w = os.pipe()
        ctl_out_r, ctl_out_w = os.pipe()
        mountpoint, fstab = runtime_files(base)
        argv = [
            "/bin/bash", str(INIT_SCRIPT), "outer", ":".join(self._groups.procs_files),
            str(limits.cpu_seconds), str(limits.max_file_mb * 1024), str(max(limits.pids, 1) * 16),
            str(limits.memory_mb * 1024 * 2), str(idbase), str(rootfs.ID_COUNT),
            str(mountpoint), str(limits.disk_mb), str(fstab), str(ctl_in_r), str(ctl_out_w),
        ]
        try:
            popen = subprocess.Popen(
                argv, stdin=agent_in_r, stdout=agent_out_w, stderr=agent_out_w,
                pass_fds=(ctl_in_r, ctl_out_w), close_fds=True, start_new_session=True,
            )
        finally:
            for fd in (agent_in_r, agent_out_w, ctl_in_r, ctl_out_w):
                os.close(fd)
        self._agent_pipe = PipeTransport(agent_in_w, agent_out_r)
        self._ctl_pipe = PipeTransport(ctl_in_w, ctl_out_r)
        self._proc = _Process(popen, 0)
        self.agent_pid = 0
        self._before: set[int] = set()
        self._agent = ShellChannel(self._agent_pipe, self._stop_since,
                                   lambda: is_alive(self.agent_pid))
        self._ctl = ShellChannel(self._ctl_pipe, self._stop_since,
                                 lambda: self._proc.init_pid == 0 or is_alive(self._proc.init_pid))
        try:
            self._boot()
        except BaseException:
            self.close()
            raise

    # ---------------------------------------------------------------- set-up
    def _boot(self) -> None:
        probe = self._ctl.run("echo $$", idle_timeout=START_TIMEOUT, total_timeout=START_TIMEOUT)
        if probe.exit_code != 0 or probe.output.strip() != b"1":
            # The set-up's own errors went to the agent pipe (its stderr).
            errors = self._agent_pipe.recv(0.5) or b""
            detail = (probe.output + errors).decode("utf-8", "replace").strip()[-400:]
            raise BackendUnavailable(f"the local OS sandbox did not start: {detail or probe.stopped}")
        self._proc.init_pid = self._find_init()
        self._spawn_shell()

    def _find_init(self) -> int:
        # popen is the outer bash exec'd into unshare; its only child is the namespace's PID 1.
        kids = children(self._proc.popen.pid)
        if not kids:
            raise BackendUnavailable("the local OS sandbox lost its init process")
        return kids[0]

    def _spawn_shell(self) -> None:
        """Start the agent's login shell on the agent pipes (cwd /, as in AgentBench's image)."""
        # A simple command in the background, so that $! is the shell itself.
        result = self._ctl.run(f"cd /; PS1= PS2= {' '.join(SHELL_ARGV)} 0<&5 1>&6 2>&6 5<&- 6>&- & echo $!",
                               idle_timeout=START_TIMEOUT, total_timeout=START_TIMEOUT)
        # Earlier lines may be PID 1's notes on a killed shell ("... Killed bash --login").
        lines = result.output.strip().splitlines()
        ns_pid = lines[-1] if lines else b""
        if result.exit_code != 0 or not ns_pid.isdigit():
            raise BackendUnavailable(f"could not start the sandbox shell: {result.output[-200:]!r}")
        self.agent_pid = self._host_pid(int(ns_pid))
        # Wait until the shell answers, so reset hands over a ready sandbox.
        ready = self._agent.run(SHELL_READY, idle_timeout=START_TIMEOUT, total_timeout=START_TIMEOUT)
        if ready.exit_code != 0:
            raise BackendUnavailable("the sandbox shell did not answer")

    def _host_pid(self, ns_pid: int) -> int:
        for pid in children(self._proc.init_pid):
            try:
                with open(f"/proc/{pid}/status") as handle:
                    match = re.search(r"^NSpid:\s+(.*)$", handle.read(), re.M)
            except OSError:
                continue
            if match and match.group(1).split()[-1] == str(ns_pid):
                return pid
        raise BackendUnavailable(f"sandbox shell {ns_pid} not found on the host")

    # --------------------------------------------------------------- commands
    def _stop_since(self, since_ticks: int) -> None:
        # What existed when the command began is spared (background jobs of earlier commands
        # may have started within the same clock tick).
        kill_started_since(self._proc.init_pid, since_ticks, self._before | {self.agent_pid})

    def _snapshot(self) -> None:
        self._before = set(descendants(self._proc.init_pid))

    def run(self, command: str, *, idle_timeout: float, total_timeout: float) -> RunResult:
        """Run ``command`` in the agent's shell; a dead or stuck shell is replaced."""
        if self._closed:
            raise BackendUnavailable("the sandbox is closed")
        self._snapshot()
        result = self._agent.run(command, idle_timeout=idle_timeout, total_timeout=total_timeout)
        if result.shell_lost or not is_alive(self.agent_pid):
            self._replace_shell()
            return RunResult(result.output, result.exit_code, result.stopped, True, result.seconds)
        return result

    def _replace_shell(self) -> None:
        if is_alive(self.agent_pid):
            os.kill(self.agent_pid, signal.SIGKILL)
        # Drain what the old shell left in the pipe, then start a fresh one.
        while self._agent_pipe.recv(0.0):
            pass
        self._spawn_shell()

    def exec(self, argv: list[str], *, timeout: float) -> RunResult:
        """Run ``argv`` as a separate process (cwd /, stdin /dev/null, stderr merged)."""
        if self._closed:
            raise BackendUnavailable("the sandbox is closed")
        line = f"(cd / && exec {shell_quote(argv)})"
        self._snapshot()
        return self._ctl.run(line, idle_timeout=timeout, total_timeout=timeout)

    def forget(self) -> None:
        """Close this process's pipes to the sandbox without stopping it (a forked child's copy)."""
        self._closed = True
        self._ctl_pipe.close()
        self._agent_pipe.close()

    def close(self) -> None:
        """Kill every process of the sandbox (its tmpfs goes with the mount namespace)."""
        if self._closed:
            return
        self._closed = True
        self._ctl_pipe.close()  # PID 1 reads EOF and exits: the kernel kills the namespace
        self._agent_pipe.close()
        popen = self._proc.popen
        # Kill the namespace's init and let unshare reap it: killing unshare first would leave
        # init a zombie for the host's PID 1 to reap, keeping the sandbox's cgroups busy.
        if self._proc.init_pid:
            try:
                os.kill(self._proc.init_pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            popen.kill()  # --kill-child then takes the namespace down
            try:
                popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                logger.warning("OS sandbox %s did not exit", popen.pid)
        cgroups.remove(self._groups)


class LocalBackend:
    """Namespace sandboxes over the cached base root filesystem, with a warm pool.

    Args:
        limits: resource limits of every sandbox.
        pool_size: sandboxes kept ready (0 disables the pool).
    """

    name: ClassVar[str] = "local"

    def __init__(self, limits: Limits | None = None, pool_size: int = 2) -> None:
        """Check the host and find (or build) the base root filesystem."""
        problem = self.status()
        if problem:
            raise BackendUnavailable(problem)
        self.limits = limits or Limits()
        self.idbase = rootfs.ensure_subids()
        self.base = rootfs.ensure_rootfs()
        self.pool_size = pool_size
        cgroups.sweep_stale()
        self._pool = WarmPool(lambda: LocalSandbox(self.base, self.limits, self.idbase), pool_size)

    @staticmethod
    def status() -> str | None:
        """None when sandboxes can run here, else why not and how to fix it."""
        if os.geteuid() != 0:
            return "the local OS sandbox needs root (it maps a subordinate id range and mounts overlays)"
        for tool in ("unshare", "newuidmap", "newgidmap", "ip"):
            if shutil.which(tool, path=SYSTEM_PATH) is None:
                package = "uidmap" if tool.startswith("new") else "util-linux/iproute2"
                return f"`{tool}` is missing: apt-get install {package}"
        try:
            with open("/proc/sys/user/max_user_namespaces") as handle:
                if int(handle.read()) == 0:
                    return "user namespaces are disabled (sysctl user.max_user_namespaces=0)"
        except OSError:
            pass
        return rootfs.status()

    def open(self) -> LocalSandbox:
        """A ready sandbox: from the warm pool when one is there, else started now."""
        return self._pool.take()

    def forget(self) -> None:
        """After a fork, in the child: leave the parent's pooled sandboxes alone."""
        self._pool.forget()

    def close(self) -> None:
        """Destroy the pooled sandboxes."""
        self._pool.close()
