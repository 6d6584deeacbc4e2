"""The ``docker`` backend: one container per episode through the ``docker`` SDK (extra ``os-docker``).

Containers run the project's image with no network and memory, pids, CPU and file-size
limits, under docker's init so orphans are reaped. The agent's shell is a ``bash --login``
exec'd into the container with its stdin attached (AgentBench's way), driven by the same
sentinel protocol as the local backend; init and check scripts are separate execs, as in
AgentBench. The image is imported from the local backend's base filesystem when the engine
does not have it (no registry needed); ``docker/Dockerfile`` builds an equivalent image
for users with a registry. Containers carry a label and are removed on close, at exit, and
by ``sweep()``.
"""

from __future__ import annotations

import logging
import os
import select
import socket
import struct
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

from agentbench_gym.envs.os_shell.backends import rootfs
from agentbench_gym.envs.os_shell.backends.base import SHELL_ARGV, SHELL_ENV, SHELL_READY, Limits
from agentbench_gym.envs.os_shell.backends.channel import RunResult, ShellChannel
from agentbench_gym.envs.os_shell.backends.pipes import now_ticks
from agentbench_gym.envs.os_shell.backends.pool import WarmPool
from agentbench_gym.errors import BackendUnavailable, MissingExtra

logger = logging.getLogger(__name__)
IMAGE = f"agentbench-gym/os:v{rootfs.VERSION}"
LABEL = "agentbench-gym-os"
DOCKERFILE_DIR = Path(__file__).resolve().parents[1] / "docker"
ENGINE_HINT = ("no Docker engine is reachable: apt-get install docker.io && "
               "dockerd --iptables=false --bridge=none &")

# Kill what a command started: every live process (but those listed in $2 and this script)
# that started at or after $1 (clock ticks since boot). Builtins only, so it runs under a
# fork bomb. The engine shares our kernel, so the host's boot clock is the container's.
KILLER = r"""
lim=$1
for round in 1 2 3 4 5 6 7 8 9 10; do
  hit=0
  for d in /proc/[0-9]*; do
    p=${d#/proc/}
    case " $2 $$ " in *" $p "*) continue ;; esac
    read -r st < "$d/stat" 2>/dev/null || continue
    set -- "$1" "$2" ${st##*) }
    [ "$3" = Z ] && continue
    [ "${22}" -ge "$lim" ] 2>/dev/null && kill -9 "$p" 2>/dev/null && hit=1
  done
  [ $hit = 0 ] && break
done
"""


def _docker() -> Any:
    try:
        import docker
    except ImportError as exc:
        raise MissingExtra("os-docker", "the OS env's docker backend", exc) from exc
    return docker


class SocketTransport:
    """A ``Transport`` over a docker exec's attached socket (multiplexed, no tty)."""

    def __init__(self, sock: socket.socket) -> None:
        """Wrap the raw socket of ``exec_start(socket=True)``."""
        self.sock = sock
        self._buffer = bytearray()

    def send(self, data: bytes, deadline: float) -> None:
        """Write all of ``data`` before ``deadline``."""
        self.sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            self.sock.sendall(data)
        except TimeoutError as exc:
            raise TimeoutError("the shell stopped reading its input") from exc

    def recv(self, timeout: float) -> bytes | None:
        """Payload bytes of the frames that arrive within ``timeout``; None at end of stream."""
        readable, _, _ = select.select([self.sock], [], [], timeout)
        if readable:
            self.sock.settimeout(0.5)
            try:
                data = self.sock.recv(1 << 16)
            except (TimeoutError, BlockingIOError):
                data = b"\x00"  # nothing after all; not the end
            except OSError:
                data = b""
            if not data:
                return None
            if data != b"\x00":
                self._buffer += data
        out = bytearray()
        while len(self._buffer) >= 8:
            _, size = struct.unpack(">BxxxL", self._buffer[:8])
            if len(self._buffer) < 8 + size:
                break
            out += self._buffer[8:8 + size]
            del self._buffer[:8 + size]
        return bytes(out)

    def close(self) -> None:
        """Close the socket."""
        try:
            self.sock.close()
        except OSError:
            pass


class DockerSandbox:
    """One container with the agent's shell attached."""

    def __init__(self, client: Any, limits: Limits) -> None:
        """Start the container and the shell."""
        docker = _docker()
        self.client = client
        self.limits = limits
        self._closed = False
        self._transport: SocketTransport | None = None
        self.container = client.containers.run(
            IMAGE, ["sleep", "infinity"], detach=True, init=True, network_mode="none",
            mem_limit=f"{limits.memory_mb}m", memswap_limit=f"{limits.memory_mb}m",
            pids_limit=limits.pids, nano_cpus=10**9, hostname="sandbox", working_dir="/",
            environment=SHELL_ENV, labels={LABEL: str(os.getpid())},
            ulimits=[docker.types.Ulimit(name="fsize", soft=limits.max_file_mb << 20,
                                         hard=limits.max_file_mb << 20)],
        )
        try:
            self._spawn_shell()
        except BaseException:
            self.close()
            raise

    def _spawn_shell(self) -> None:
        if self._transport is not None:
            self._transport.close()
        api = self.client.api
        # The shell's own stderr (job notices, prompts) joins stdout: docker carries the two as
        # separate streams, which would let a late stderr frame slip into the next command.
        argv = ["bash", "-c", "exec 2>&1; exec " + " ".join(SHELL_ARGV)]
        self._exec_id = api.exec_create(self.container.id, argv, stdin=True, tty=False,
                                        environment={**SHELL_ENV, "PS1": "", "PS2": ""},
                                        workdir="/")["Id"]
        raw = api.exec_start(self._exec_id, socket=True)
        self._transport = SocketTransport(getattr(raw, "_sock", raw))
        self._last_check = 0.0
        self._channel = ShellChannel(self._transport, self._stop_since, self._alive)
        # The shell's pid, and the container's own processes (init and its child), to spare.
        probe = self._channel.run(f"{SHELL_READY}; echo __PIDS__ $$ 1 $(cat /proc/1/task/1/children)",
                                  idle_timeout=10, total_timeout=10)
        # Start-up notes (no job control without a tty) may come first.
        pids = probe.output.decode("ascii", "replace").rpartition("__PIDS__")[2].split()
        if probe.exit_code != 0 or not pids or not all(p.isdigit() for p in pids):
            raise BackendUnavailable(f"the container's shell did not start: {probe.output[-200:]!r}")
        self.spare = " ".join(pids)

    def _alive(self) -> bool:
        # One API call per second at most, and only while a command is silent.
        now = time.monotonic()
        if now - self._last_check < 1.0:
            return True
        self._last_check = now
        try:
            return bool(self.client.api.exec_inspect(self._exec_id).get("Running"))
        except Exception:
            return False

    def _stop_since(self, since: int) -> None:
        try:
            self.container.exec_run(["bash", "-c", KILLER, "--", str(since), self.spare])
        except Exception:
            logger.exception("docker: stopping a command failed")

    def run(self, command: str, *, idle_timeout: float, total_timeout: float) -> RunResult:
        """Run ``command`` in the agent's shell; a dead or stuck shell is replaced."""
        if self._closed:
            raise BackendUnavailable("the sandbox is closed")
        result = self._channel.run(command, idle_timeout=idle_timeout, total_timeout=total_timeout)
        if result.shell_lost:
            self._spawn_shell()
        return result

    def exec(self, argv: list[str], *, timeout: float) -> RunResult:
        """Run ``argv`` as its own exec (cwd /), as AgentBench's ``execute_independent`` does."""
        if self._closed:
            raise BackendUnavailable("the sandbox is closed")
        api = self.client.api
        exec_id = api.exec_create(self.container.id, argv, stdin=False, tty=False,
                                  environment=SHELL_ENV, workdir="/")["Id"]
        raw = api.exec_start(exec_id, socket=True)
        transport = SocketTransport(getattr(raw, "_sock", raw))
        started = time.monotonic()
        started_ticks = now_ticks()
        output = bytearray()
        stopped = ""
        try:
            while True:
                left = started + timeout - time.monotonic()
                if left <= 0:
                    stopped = f"it ran longer than {timeout:g} seconds"
                    self._stop_since(started_ticks)
                    break
                chunk = transport.recv(min(left, 1.0))
                if chunk is None:
                    break
                output += chunk[: (1 << 20) - len(output)]
        finally:
            transport.close()
        code = None if stopped else api.exec_inspect(exec_id).get("ExitCode")
        return RunResult(bytes(output), code, stopped, False, time.monotonic() - started)

    def forget(self) -> None:
        """A forked child's copy: drop the socket, leave the container."""
        self._closed = True
        if self._transport is not None:
            self._transport.close()

    def close(self) -> None:
        """Remove the container (and everything in it)."""
        if self._closed:
            return
        self._closed = True
        if self._transport is not None:
            self._transport.close()
        try:
            self.container.remove(force=True)
        except Exception:
            logger.exception("docker: removing container %s failed", self.container.id[:12])


class DockerBackend:
    """Containers from the project's image, one per episode, with a warm pool."""

    name: ClassVar[str] = "docker"

    def __init__(self, limits: Limits | None = None, pool_size: int = 2) -> None:
        """Connect to the engine and make sure the image exists."""
        docker = _docker()
        try:
            self.client = docker.from_env(timeout=30)
            self.client.ping()
        except docker.errors.DockerException as exc:
            raise BackendUnavailable(f"{ENGINE_HINT} ({exc})") from exc
        self.limits = limits or Limits()
        sweep(self.client)
        ensure_image(self.client)
        self._pool = WarmPool(lambda: DockerSandbox(self.client, self.limits), pool_size)

    @staticmethod
    def status() -> str | None:
        """None when an engine answers here, else how to get one."""
        try:
            docker = _docker()
        except MissingExtra as exc:
            return str(exc)
        try:
            client = docker.from_env(timeout=3)
            client.ping()
            client.close()
        except docker.errors.DockerException as exc:
            return f"{ENGINE_HINT} ({type(exc).__name__})"
        return None

    def open(self) -> DockerSandbox:
        """A ready container."""
        return self._pool.take()

    def forget(self) -> None:
        """After a fork, in the child: leave the parent's containers alone."""
        self._pool.forget()

    def close(self) -> None:
        """Remove the pooled containers."""
        self._pool.close()


def ensure_image(client: Any) -> str:
    """The project's image, imported from the local base filesystem when missing."""
    docker = _docker()
    try:
        client.images.get(IMAGE)
        return IMAGE
    except docker.errors.ImageNotFound:
        pass
    base = rootfs.ensure_rootfs()
    shift = rootfs.id_base() or 0
    with tempfile.TemporaryDirectory(prefix="agentbench-os-image-") as tmp:
        archive = Path(tmp) / "rootfs.tar"
        with tarfile.open(archive, "w") as tar:
            def unshift(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
                if info.name.endswith(rootfs.STAMP):
                    return None
                info.uid, info.gid = max(0, info.uid - shift), max(0, info.gid - shift)
                info.uname = info.gname = ""
                return info
            tar.add(base, arcname=".", filter=unshift)
        repository, tag = IMAGE.split(":")
        client.api.import_image_from_file(str(archive), repository=repository, tag=tag,
                                          changes=['CMD ["bash"]', "WORKDIR /"])
    return IMAGE


def sweep(client: Any | None = None) -> int:
    """Remove containers this project left behind (their owner process is gone)."""
    client = client or _docker().from_env()
    removed = 0
    for container in client.containers.list(all=True, filters={"label": LABEL}):
        owner = container.labels.get(LABEL, "")
        if not owner.isdigit() or not Path(f"/proc/{owner}").exists():
            container.remove(force=True)
            removed += 1
    return removed
