"""A private MariaDB on tmpfs for the mysql backend when no server URL is configured.

One server per Python process, started on first use (about 0.3 s, plus a one-off 5 s
``mariadb-install-db`` whose result is cached under ``~/.cache/agentbench-gym``), with its
data directory on ``/dev/shm`` and relaxed durability: a database per episode costs a few
milliseconds instead of tens. It listens on a unix socket only. A small shell wrapper kills it
when this process dies, however it dies (its stdin is a pipe from us); stale data directories of
dead processes are removed at the next start.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from agentbench_gym.errors import BackendUnavailable

_SERVER_ARGS = ("--no-defaults", "--skip-networking", "--skip-log-bin", "--skip-name-resolve",
                "--innodb-buffer-pool-size=32M", "--innodb-log-file-size=8M",
                "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0",
                "--innodb-flush-method=nosync", "--max-connections=500")
# The wrapper: run the server, wait for our stdin to close (we exited or stop() was called), stop
# it and delete its data directory ($ABG_BASE).
_WRAPPER = ('exec 3<&0; "$@" </dev/null & pid=$!; read _ <&3; kill "$pid" 2>/dev/null; wait "$pid"; '
            'rm -rf "$ABG_BASE"')
_lock = threading.Lock()
_server: PrivateMariaDB | None = None


def mariadbd_path() -> str | None:
    """The server binary, if installed."""
    return shutil.which("mariadbd") or next(
        (p for p in ("/usr/sbin/mariadbd", "/usr/sbin/mysqld") if os.access(p, os.X_OK)), None)


def _tmpfs() -> str:
    return "/dev/shm" if os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_dirs() -> None:
    for path in Path(_tmpfs()).glob("abg-mariadb-*"):
        try:
            owner = int((path / "owner.pid").read_text())
        except (OSError, ValueError):
            owner = 0
        if owner and not _alive(owner):
            shutil.rmtree(path, ignore_errors=True)


def _template(mariadbd: str) -> Path:
    """An initialised data directory, built once per machine and server version."""
    version = subprocess.run([mariadbd, "--version"], capture_output=True, text=True).stdout.split()
    tag = next((w for w in version if w[:1].isdigit()), "unknown").replace("/", "_")
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "agentbench-gym"
    target = cache / f"mariadb-datadir-{tag}"
    if target.is_dir():
        return target
    install = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
    if install is None:
        raise BackendUnavailable("DB mysql backend: mariadb-install-db not found (apt-get install mariadb-server)")
    cache.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix="building-", dir=cache))
    cmd = [install, "--no-defaults", f"--datadir={building / 'data'}", "--auth-root-authentication-method=normal",
           "--skip-test-db", "--innodb-log-file-size=8M"]
    if os.geteuid() == 0:
        cmd.append("--user=root")
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        shutil.rmtree(building, ignore_errors=True)
        raise BackendUnavailable(f"DB mysql backend: mariadb-install-db failed: {done.stderr[-500:]}")
    try:
        (building / "data").rename(target)  # atomic: a concurrent builder's copy wins, ours is dropped
    except OSError:
        pass
    shutil.rmtree(building, ignore_errors=True)
    return target


class PrivateMariaDB:
    """A running private server; ``url`` is its SQLAlchemy URL (root over the unix socket)."""

    def __init__(self, *, timeout: float = 30.0):
        """Copy the template data directory to tmpfs and start the server."""
        mariadbd = mariadbd_path()
        if mariadbd is None:
            raise BackendUnavailable("DB mysql backend: no server URL and no mariadbd to start a private one")
        _sweep_dirs()
        template = _template(mariadbd)
        self.base = Path(tempfile.mkdtemp(prefix="abg-mariadb-", dir=_tmpfs()))
        (self.base / "owner.pid").write_text(str(os.getpid()))
        shutil.copytree(template, self.base / "data")
        self.socket = self.base / "mysqld.sock"
        args = [mariadbd, *_SERVER_ARGS, f"--datadir={self.base / 'data'}", f"--socket={self.socket}",
                f"--pid-file={self.base / 'mysqld.pid'}", f"--log-error={self.base / 'error.log'}"]
        if os.geteuid() == 0:
            args.insert(2, "--user=root")
        self._proc = subprocess.Popen(["sh", "-c", _WRAPPER, "sh", *args], stdin=subprocess.PIPE,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      env={**os.environ, "ABG_BASE": str(self.base)})
        self.url = f"mysql+pymysql://root@localhost/?unix_socket={self.socket}"
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        import pymysql

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                pymysql.connect(unix_socket=str(self.socket), user="root", ssl_disabled=True).close()
                return
            except pymysql.err.OperationalError:
                time.sleep(0.02)
        log = (self.base / "error.log").read_text(errors="replace")[-800:] if (self.base / "error.log").exists() else ""
        self.stop()
        raise BackendUnavailable(f"DB mysql backend: the private MariaDB did not start: {log}")

    def stop(self) -> None:
        """Stop the server and delete its data directory."""
        if self._proc.stdin is not None and not self._proc.stdin.closed:
            self._proc.stdin.close()  # the wrapper sends SIGTERM: a clean shutdown
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        shutil.rmtree(self.base, ignore_errors=True)


def shared_server() -> PrivateMariaDB:
    """This process's private server, started on first call and stopped at interpreter exit."""
    global _server
    with _lock:
        if _server is None:
            _server = PrivateMariaDB()
            atexit.register(_server.stop)
        return _server
