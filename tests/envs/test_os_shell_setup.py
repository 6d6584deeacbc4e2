"""`agentbench-gym setup os` and `doctor` for the OS env, and the base filesystem build."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from os_shell_helpers import LOCAL_PROBLEM, needs_local

from agentbench_gym.envs.os_shell import OSShellEnv
from agentbench_gym.envs.os_shell.backends import rootfs

CLI = [sys.executable, "-m", "agentbench_gym.cli"]


def test_doctor_names_both_os_backends():
    status = OSShellEnv.backend_status()
    assert set(status) == {"local", "docker"}
    assert status["local"] == LOCAL_PROBLEM
    assert all(v is None or (isinstance(v, str) and v) for v in status.values())
    result = subprocess.run([*CLI, "doctor"], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0 and "OS" in result.stdout and "docker" in result.stdout


@needs_local
def test_setup_os_reports_ready():
    result = subprocess.run([*CLI, "setup", "os", "--no-docker"], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    assert f"ready (base filesystem at {rootfs.rootfs_dir()})" in result.stdout
    unknown = subprocess.run([*CLI, "setup", "nope"], capture_output=True, text=True, timeout=60)
    assert unknown.returncode != 0 and "tasks with a setup step: os" in unknown.stderr


@pytest.mark.slow
@needs_local
def test_base_filesystem_build_from_scratch(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("AGENTBENCH_GYM_CACHE", str(cache))
    os.chmod(tmp_path, 0o755)  # the sandbox's mapped root must be able to reach the base
    path = rootfs.ensure_rootfs(progress=False)
    assert path == cache / "os" / f"rootfs-v{rootfs.VERSION}"
    base = rootfs.id_base()
    assert path.stat().st_uid == base and (path / "usr" / "bin" / "python3").exists()
    passwd = path / "usr" / "bin" / "passwd"
    assert passwd.stat().st_mode & 0o4000  # setuid kept through the id shift
    assert not any((path / "dev").iterdir())


def test_doctor_says_why_the_local_sandbox_cannot_run(monkeypatch):
    import builtins
    import shutil

    from agentbench_gym.envs.os_shell.backends import local

    monkeypatch.setattr(local.os, "geteuid", lambda: 1000)
    assert "needs root" in local.LocalBackend.status()
    monkeypatch.setattr(local.os, "geteuid", lambda: 0)
    real_which, real_open = shutil.which, builtins.open
    monkeypatch.setattr(local.shutil, "which",
                        lambda tool, path=None: None if tool == "newuidmap" else real_which(tool, path=path))
    assert local.LocalBackend.status() == "`newuidmap` is missing: apt-get install uidmap"
    monkeypatch.setattr(local.shutil, "which", lambda tool, path=None: f"/usr/bin/{tool}")

    def no_userns(path, *args, **kwargs):
        if path == "/proc/sys/user/max_user_namespaces":
            import io
            return io.StringIO("0\n")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", no_userns)
    assert "user namespaces are disabled" in local.LocalBackend.status()


def test_dockerfile_installs_the_base_filesystem_packages():
    from agentbench_gym.envs.os_shell.backends.docker_backend import DOCKERFILE_DIR

    text = (DOCKERFILE_DIR / "Dockerfile").read_text()
    assert "FROM debian:bookworm" in text and rootfs.SUITE == "bookworm"
    install = text.split("--no-install-recommends", 1)[1].split("&&", 1)[0]
    assert set(install.replace("\\", " ").split()) == set(rootfs.PACKAGES)
