"""Pipe transport and host-side process helpers for the local sandbox."""

from __future__ import annotations

import os
import select
import signal
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class PipeTransport:
    """A ``Transport`` over a pair of pipe file descriptors (non-blocking writes)."""

    def __init__(self, write_fd: int, read_fd: int) -> None:
        """Take ownership of both descriptors."""
        self.write_fd = write_fd
        self.read_fd = read_fd
        os.set_blocking(write_fd, False)

    def send(self, data: bytes, deadline: float) -> None:
        """Write ``data``, draining nothing: the shell reads its whole input before it writes."""
        view = memoryview(data)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the shell stopped reading its input")
            _, writable, _ = select.select([], [self.write_fd], [], min(remaining, 1.0))
            if writable:
                try:
                    view = view[os.write(self.write_fd, view):]
                except BlockingIOError:
                    continue

    def recv(self, timeout: float) -> bytes | None:
        """Read what is there within ``timeout``; None at end of file."""
        readable, _, _ = select.select([self.read_fd], [], [], timeout)
        if not readable:
            return b""
        data = os.read(self.read_fd, 1 << 16)
        return data if data else None

    def close(self) -> None:
        """Close both ends (idempotent)."""
        for fd in (self.write_fd, self.read_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.write_fd = self.read_fd = -1


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (all threads), via /proc/PID/task/*/children."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                found.extend(int(x) for x in handle.read().split())
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    """Every descendant of ``pid``, parents before children."""
    out: list[int] = []
    stack = children(pid)
    while stack:
        child = stack.pop()
        out.append(child)
        stack.extend(children(child))
    return out


def start_ticks(pid: int) -> int | None:
    """A process's start time in clock ticks since boot (None when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    # The command name may contain spaces and parentheses: split after the last ")".
    return int(stat[stat.rindex(b")") + 2:].split()[19])


def now_ticks() -> int:
    """The current time in clock ticks since boot (the scale of ``start_ticks``)."""
    return int(time.clock_gettime(time.CLOCK_BOOTTIME) * CLOCK_TICKS)


def is_alive(pid: int) -> bool:
    """True when ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return False
    return stat[stat.rindex(b")") + 2:][:1] not in (b"Z", b"X")


def kill_started_since(root: int, since_ticks: int, spare: set[int], rounds: int = 50) -> int:
    """SIGKILL every descendant of ``root`` started at or after ``since_ticks``, except ``spare``.

    Repeats until a round finds nothing (children of killed processes are re-parented to the
    namespace init, so a fork bomb is caught within a few rounds). Returns the number killed.
    """
    killed = 0
    for _ in range(rounds):
        victims = [p for p in descendants(root)
                   if p not in spare and is_alive(p) and (start_ticks(p) or 0) >= since_ticks]
        if not victims:
            break
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
        time.sleep(0.005)
    return killed
