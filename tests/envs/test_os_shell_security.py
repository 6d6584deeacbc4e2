"""Hostile commands through the OS env: each is contained, the episode ends cleanly, nothing leaks.

Runs on the local sandbox (and is skipped where it cannot run). The 200-episode leak check is
marked slow; the default run plays every hostile command once and checks for leaks after.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import pytest
from os_shell_helpers import bash, make_env, needs_local

from agentbench_gym.core import Outcome
from agentbench_gym.envs.os_shell import backends
from agentbench_gym.envs.os_shell.backends import cgroups, rootfs
from agentbench_gym.envs.os_shell.backends.pipes import descendants

pytestmark = needs_local
LIMITS = {"idle_timeout": 1.0, "command_timeout": 3.0, "disk_mb": 64, "max_file_mb": 32,
          "memory_mb": 512, "pids": 64}
TOKEN = secrets.token_hex(8)


def play(commands: list[str]) -> list[str]:
    """One episode: run ``commands``, then answer; return the observations."""
    env = make_env(limits=LIMITS)
    try:
        env.reset(seed=0, options={"sample": 0})
        observations = []
        for command in commands:
            obs, _, term, trunc, info = env.step(bash(command))
            assert not (term or trunc), info
            observations.append(obs)
        _, _, term, _, info = env.step("Act: answer(0)")
        assert term and info["outcome"] is Outcome.COMPLETED
        return observations
    finally:
        env.close()


def test_host_files_are_invisible(tmp_path):
    secret = tmp_path / f"secret-{TOKEN}"
    secret.write_text(f"content-{TOKEN}")
    out = "".join(play([f"cat {secret}; ls {tmp_path}; ls /work /var/cache/agentbench-gym",
                        f"find / -path /proc -prune -o -name 'secret-{TOKEN}' -print",
                        f"cat /proc/1/root{secret}; ls /proc/*/root/work 2>&1 | head -3"]))
    assert f"content-{TOKEN}" not in out
    assert "No such file or directory" in out


def test_writes_never_reach_the_base():
    base = rootfs.rootfs_dir()
    before = (base / "etc" / "debian_version").read_text()
    out = play(["echo pwned > /etc/debian_version; rm -rf /usr/share/doc; touch /base-write; "
                "cat /etc/debian_version; ls /usr/share/doc 2>&1"])[0]
    assert "pwned" in out and "No such file" in out          # the sandbox saw its own writes
    assert (base / "etc" / "debian_version").read_text() == before
    assert (base / "usr" / "share" / "doc").is_dir() and not (base / "base-write").exists()
    assert play(["cat /etc/debian_version; ls /base-write 2>&1"])[0].startswith(
        "The output of the OS:\n\n" + before)                # the next episode starts clean


def test_no_network():
    out = play(["curl -sS -m 3 -o /dev/null http://deb.debian.org/; echo curl=$?",
                "python3 -c \"import socket; socket.create_connection(('1.1.1.1', 53), 2)\" 2>&1 | tail -1",
                "ip -o link | awk '{print $2}'; ping -c1 -W1 127.0.0.1 >/dev/null && echo lo-ok"])
    assert "curl=0" not in out[0] and re.search(r"curl=[1-9]", out[0])
    assert "unreachable" in out[1].lower()
    assert out[2] == "The output of the OS:\n\nlo:\nlo-ok\n"


@pytest.mark.slow  # bash's own fork-retry back-off makes the next commands wait (~15 s)
def test_fork_bomb_is_contained():
    out = play(["bomb() { bomb | bomb & }; bomb; sleep 2; echo launched",
                "echo still-alive", "echo again"])
    assert any("still-alive" in o or "again" in o for o in out[1:])


def test_disk_and_file_size_limits():
    out = play(["dd if=/dev/zero of=/big bs=1M count=40 2>/dev/null; echo rc=$?; stat -c %s /big; rm /big",
                "for i in 1 2 3; do dd if=/dev/zero of=/fill$i bs=1M count=30 2>&1 | head -1; done"])
    assert "rc=153" in out[0] and str(32 << 20) in out[0]   # SIGXFSZ at max_file_mb
    assert "No space left on device" in out[1]               # the 64 MB writable layer is full


def test_memory_limit():
    out = play(["python3 -c 'x = bytearray(10 * 1024 ** 3)' 2>&1 | tail -1; echo after"])[0]
    assert "MemoryError" in out and "after" in out


def test_sleep_forever_and_killing_the_shell():
    out = play(["sleep infinity", "echo usable", "kill -9 $$", "kill -9 1; kill -9 -1; echo survived",
                "exec sleep 1000", "pwd"])
    assert "[The command was stopped" in out[0] and out[1] == "The output of the OS:\n\nusable\n"
    assert "new shell was started" in out[2] and "new shell was started" in out[4]
    assert out[5] == "The output of the OS:\n\n/\n"


def test_proc_and_chroot_escapes_see_only_the_sandbox():
    escape = ("python3 -c \"import os\nos.makedirs('/jail', exist_ok=True)\nos.chroot('/jail')\n"
              "[os.chdir('..') for _ in range(64)]\nos.chroot('.')\nprint(sorted(os.listdir('/')))\"")
    out = play([escape,
                "ls /proc/1/root/; mkdir -p /p2 && mount -t proc proc /p2 && ls /p2 | grep -c '^[0-9]'",
                "umount -l /proc 2>&1; ls /proc | head -3; cat /proc/1/cmdline | tr '\\0' ' '"])
    assert "'work'" not in out[0] and "'usr'" in out[0]
    assert "work" not in out[1].split()
    assert int(out[1].split()[-1]) < 20  # only the sandbox's own processes


def _sandbox_processes() -> list[int]:
    """Sandbox processes of this test process (its descendants) and orphaned ones (anyone's).

    A process counts when it runs as an id of the sandbox range or runs our init script;
    other processes on the machine may legitimately run sandboxes at the same time.
    """
    low = rootfs.id_base() or 100000
    ours = set(descendants(os.getpid()))
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        uid = int(re.search(r"^Uid:\s+(\d+)", status, re.M).group(1))
        ppid = int(re.search(r"^PPid:\s+(\d+)", status, re.M).group(1))
        sandboxed = low <= uid < low + rootfs.ID_COUNT or b"sandbox_init.sh" in cmdline
        if sandboxed and (int(entry.name) in ours or ppid == 1):
            found.append(int(entry.name))
    return found


def _leftovers() -> dict[str, object]:
    mnt = str(rootfs.cache_dir() / "mnt")
    mounts = [line for line in Path("/proc/self/mountinfo").read_text().splitlines() if mnt in line]
    groups = [p for c in ("memory", "pids") if (parent := cgroups._parent(c))
              for p in parent.glob(f"{cgroups.PREFIX}{os.getpid()}-*")]
    return {"processes": _sandbox_processes(), "mounts": mounts, "cgroups": groups}


FORK_BOMB = ["bomb() { bomb | bomb & }; bomb; echo x", "echo y"]
HOSTILE = [
    ["nohup sleep 7771 >/dev/null 2>&1 & setsid sleep 7772 & (sleep 7773 &); disown -a; echo bg"],
    ["sleep infinity"],
    ["kill -9 $$", "echo z"],
    ["dd if=/dev/zero of=/fill bs=1M count=100 2>&1 | tail -1"],
    ["python3 -c 'x = bytearray(10 * 1024 ** 3)' 2>&1 | tail -1"],
    ["cat /proc/1/root/etc/shadow | head -1; curl -m 1 http://1.1.1.1 2>&1 | tail -1"],
]


def _run_and_check_leaks(episodes: int, hostile: list[list[str]]) -> None:
    tmp_before = set(os.listdir("/tmp"))
    for i in range(episodes):
        play(hostile[i % len(hostile)])
    backends.shutdown()  # the warm pools hold ready sandboxes by design; close them too
    leftovers = _leftovers()
    assert leftovers == {"processes": [], "mounts": [], "cgroups": []}, leftovers
    new_tmp = {n for n in set(os.listdir("/tmp")) - tmp_before if "agentbench" in n or "sbx" in n}
    assert not new_tmp


def test_hostile_episodes_leave_nothing_behind():
    _run_and_check_leaks(len(HOSTILE), HOSTILE)


@pytest.mark.slow
def test_200_hostile_episodes_leave_nothing_behind():
    _run_and_check_leaks(200, [*HOSTILE, FORK_BOMB])


def test_stale_cgroups_of_dead_processes_are_swept():
    parent = cgroups._parent("pids")
    if parent is None:
        pytest.skip("no writable pids cgroup hierarchy here")
    dead = next(p for p in range(4_194_000, 4_194_300) if not Path(f"/proc/{p}").exists())
    stale = parent / f"{cgroups.PREFIX}{dead}-deadbeef"
    stale.mkdir()
    alive = parent / f"{cgroups.PREFIX}{os.getpid()}-cafef00d"
    alive.mkdir()
    try:
        cgroups.sweep_stale()
        assert not stale.exists() and alive.exists()  # only the dead creator's group goes
    finally:
        for path in (stale, alive):
            if path.exists():
                path.rmdir()


NAMESPACES = ("user", "pid", "mnt", "net", "uts", "ipc", "cgroup")


def test_sandbox_has_its_own_namespaces_and_full_id_range():
    host = {ns: os.readlink(f"/proc/self/ns/{ns}") for ns in NAMESPACES}
    out = play([" ; ".join(f"readlink /proc/self/ns/{ns}" for ns in NAMESPACES),
                "cat /proc/self/uid_map; hostname",
                "useradd -m alice && touch /srv/f && chown alice:alice /srv/f && stat -c '%U:%G' /srv/f "
                "&& su alice -c 'whoami; touch /home/alice/mine' && stat -c %U /home/alice/mine"])
    inside = out[0].split("\n\n", 1)[1].split()
    assert len(inside) == len(NAMESPACES)
    assert not set(inside) & set(host.values())              # every namespace is the sandbox's own
    uid_map = out[1].split("\n\n", 1)[1].split()
    assert uid_map[:3] == ["0", str(rootfs.id_base()), str(rootfs.ID_COUNT)] and uid_map[3] == "sandbox"
    assert out[2] == "The output of the OS:\n\nalice:alice\nalice\nalice\n"   # useradd/chown/su work


def test_cpu_time_and_process_limits():
    env = make_env(limits={**LIMITS, "cpu_seconds": 1, "idle_timeout": 20.0, "command_timeout": 30.0},
                   pool_size=0)
    forker = ("python3 -c \"import os, time\nn = 0\ntry:\n    while n < 2000:\n        if os.fork() == 0:\n"
              "            time.sleep(2); os._exit(0)\n        n += 1\nexcept OSError as e:\n"
              "    print('refused', n)\"")
    try:
        env.reset(seed=0, options={"sample": 0})
        obs, *_ = env.step(bash("python3 -c 'while True: pass'; echo rc=$?"))
        assert re.search(r"rc=(137|152)\b", obs), obs           # killed at 1 s of CPU time
        obs, *_ = env.step(bash(forker))
        refused = re.search(r"refused (\d+)", obs)
        assert refused, obs
        # pids cgroup where the host has one (the sandbox's own processes count too), else RLIMIT_NPROC
        cap = LIMITS["pids"] if cgroups._parent("pids") else LIMITS["pids"] * 16
        assert int(refused.group(1)) < cap
    finally:
        env.close()
