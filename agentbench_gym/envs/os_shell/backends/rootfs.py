"""The base root filesystem of the local sandbox: built once per machine, cached.

``debootstrap --variant=minbase`` of Debian bookworm plus the tools AgentBench's image has
(python3, pip, git, vim, curl, wget, zip/unzip, tree, ...), cleaned, then id-shifted into
root's subordinate id range so that root inside the sandbox owns it. It lives in
``$AGENTBENCH_GYM_CACHE/os`` (default ``/var/cache/agentbench-gym/os``: every directory on
the path must be searchable by the sandbox's mapped root, which ``/root/.cache`` is not),
never in the repo.
``agentbench-gym setup os`` (or ``python -m agentbench_gym.envs.os_shell.setup``) builds it
with a progress bar; the first local sandbox builds it too.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from agentbench_gym.envs.os_shell.backends.base import SYSTEM_PATH
from agentbench_gym.errors import BackendUnavailable

VERSION = 1
ID_COUNT = 65536
DEFAULT_ID_BASE = 100000
SUITE = "bookworm"
MIRROR = os.environ.get("AGENTBENCH_GYM_DEBIAN_MIRROR", "http://deb.debian.org/debian")
PACKAGES = (
    "python3", "python3-pip", "git", "vim", "curl", "wget", "unzip", "zip", "tree",
    "procps", "psmisc", "file", "less", "bc", "adduser", "xz-utils", "bzip2",
    "ca-certificates", "iproute2", "iputils-ping",
)
"""AgentBench's ``local-os/default`` image tools, plus what tasks on files, users and
processes commonly use."""
STAMP = ".agentbench-os-rootfs.json"


def cache_dir() -> Path:
    """``$AGENTBENCH_GYM_CACHE/os`` or ``/var/cache/agentbench-gym/os``."""
    root = os.environ.get("AGENTBENCH_GYM_CACHE") or "/var/cache/agentbench-gym"
    return Path(root) / "os"


def rootfs_dir() -> Path:
    """Where the built base lives."""
    return cache_dir() / f"rootfs-v{VERSION}"


def id_base(user: str = "root") -> int | None:
    """The first id of ``user``'s subordinate range of at least 65536 ids (uid and gid)."""
    bases = []
    for path in ("/etc/subuid", "/etc/subgid"):
        found = None
        try:
            with open(path) as handle:
                for line in handle:
                    parts = line.strip().split(":")
                    if len(parts) == 3 and parts[0] in (user, str(os.getuid())) and int(parts[2]) >= ID_COUNT:
                        found = int(parts[1])
                        break
        except (OSError, ValueError):
            return None
        if found is None:
            return None
        bases.append(found)
    return bases[0] if bases[0] == bases[1] else None


def status() -> str | None:
    """None when the base is built (or can be built here), else what is missing."""
    if _stamp_ok(rootfs_dir()):
        return None
    if shutil.which("debootstrap", path=SYSTEM_PATH) is None:
        return "the OS base filesystem is not built and debootstrap is missing: apt-get install debootstrap"
    return None


def _stamp_ok(path: Path) -> bool:
    try:
        stamp = json.loads((path / STAMP).read_text())
    except (OSError, ValueError):
        return False
    return stamp.get("version") == VERSION and stamp.get("id_base") == id_base()


def ensure_subids(user: str = "root") -> int:
    """Add ``root:100000:65536`` to /etc/subuid and /etc/subgid when root has no range."""
    base = id_base(user)
    if base is not None:
        return base
    for path in ("/etc/subuid", "/etc/subgid"):
        with open(path, "a+") as handle:
            handle.seek(0)
            text = handle.read()
            if f"{user}:" not in text:
                handle.write(("\n" if text and not text.endswith("\n") else "")
                             + f"{user}:{DEFAULT_ID_BASE}:{ID_COUNT}\n")
    base = id_base(user)
    if base is None:
        raise BackendUnavailable("/etc/subuid and /etc/subgid disagree on root's range; fix them by hand")
    return base


def ensure_rootfs(progress: bool | None = None) -> Path:
    """The built base, building it first when needed (one builder at a time per machine)."""
    target = rootfs_dir()
    if _stamp_ok(target):
        return target
    cache_dir().mkdir(parents=True, exist_ok=True)
    cache_dir().chmod(0o755)
    with open(cache_dir() / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _stamp_ok(target):
            build(target, progress=sys.stderr.isatty() if progress is None else progress)
    return target


def build(target: Path, progress: bool = True) -> None:
    """debootstrap, clean and id-shift a new base into ``target`` (replacing it)."""
    if os.geteuid() != 0:
        raise BackendUnavailable("building the OS base filesystem needs root (debootstrap)")
    if shutil.which("debootstrap", path=SYSTEM_PATH) is None:
        raise BackendUnavailable("building the OS base filesystem needs debootstrap: "
                                 "apt-get install debootstrap")
    base = ensure_subids()
    staging = target.with_name(target.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    debs = cache_dir() / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    debootstrap = shutil.which("debootstrap", path=SYSTEM_PATH) or "debootstrap"
    argv = [debootstrap, "--variant=minbase", f"--cache-dir={debs}",
            f"--include={','.join(PACKAGES)}", SUITE, str(staging), MIRROR]
    _run_with_progress(argv, progress)
    _clean(staging)
    shift_ids(staging, base)
    (staging / STAMP).write_text(json.dumps({"version": VERSION, "id_base": base, "suite": SUITE,
                                             "packages": list(PACKAGES)}))
    old = target.with_name(target.name + ".old")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _run_with_progress(argv: list[str], progress: bool) -> None:
    """Run debootstrap, showing its steps on a progress bar (about 3 lines per package)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    lines: list[str] = []
    if progress:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("debootstrap", total=420)
            for line in proc.stdout:
                lines.append(line)
                bar.update(task, advance=1, description=line.strip()[:60])
    else:
        lines.extend(proc.stdout)
    if proc.wait() != 0:
        raise BackendUnavailable("debootstrap failed:\n" + "".join(lines[-15:]))


def _clean(root: Path) -> None:
    """Drop caches and device nodes; the sandbox mounts its own /dev."""
    chroot = shutil.which("chroot", path=SYSTEM_PATH) or "chroot"
    subprocess.run([chroot, str(root), "/usr/bin/apt-get", "clean"], check=False, capture_output=True,
                   env={"PATH": SYSTEM_PATH})
    for sub in ("var/lib/apt/lists", "dev"):
        path = root / sub
        if path.is_dir():
            for entry in path.iterdir():
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
    (root / ".oldroot").mkdir(exist_ok=True)  # pivot_root's put-old, so no sandbox has to make it
    (root / "etc" / "hostname").write_text("sandbox\n")
    (root / "etc" / "resolv.conf").write_text("")


def shift_ids(root: Path, base: int) -> None:
    """Add ``base`` to every owner and group (keeping setuid/setgid bits, which chown clears)."""
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames, None]:
            path = dirpath if name is None else os.path.join(dirpath, name)
            st = os.lstat(path)
            if st.st_uid >= base:
                continue
            os.lchown(path, st.st_uid + base, st.st_gid + base)
            if not stat.S_ISLNK(st.st_mode) and st.st_mode & (stat.S_ISUID | stat.S_ISGID):
                os.chmod(path, stat.S_IMODE(st.st_mode))
