"""A persistent bash shell driven over a byte stream, with sentinel-framed commands.

Each command is sent inside a quoted here-document under a random token, evaluated with its
stdin on /dev/null and stderr merged, and followed by a marker line carrying the token and
the exit status. The reader collects bytes until that marker. State (cwd, variables,
functions) persists because the same shell evaluates every command; a syntax error only
fails that ``eval``. Stdin is /dev/null so a command can never read the protocol stream.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from agentbench_gym.envs.os_shell.backends.pipes import now_ticks

MAX_KEPT_OUTPUT = 1 << 20
"""Output kept per command (the agent sees 780 characters; checks need little more)."""
MAX_DRAINED_OUTPUT = 64 << 20
"""Output drained before a runaway writer (``yes``) is stopped."""


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one command produced.

    Attributes:
        output: stdout and stderr, merged (at most ``MAX_KEPT_OUTPUT`` bytes).
        exit_code: the command's status, or None when it had to be stopped.
        stopped: why it was stopped ("" when it ended by itself).
        shell_lost: the shell itself died or hung and must be replaced.
        seconds: wall time.
    """

    output: bytes
    exit_code: int | None
    stopped: str = ""
    shell_lost: bool = False
    seconds: float = 0.0


class Transport(Protocol):
    """A duplex byte stream to a shell (pipes, a socket)."""

    def send(self, data: bytes, deadline: float) -> None:
        """Write all of ``data`` before ``deadline`` (``time.monotonic``) or raise TimeoutError."""

    def recv(self, timeout: float) -> bytes | None:
        """Bytes available within ``timeout`` (b"" when none came), None at end of stream."""


def frame(command: str, token: str) -> bytes:
    """The bytes that make the shell run ``command`` and print the marker."""
    # NUL cannot travel through bash; lone surrogates become U+FFFD.
    body = command.replace("\x00", "")
    text = (
        f"IFS= read -r -d '' __sbx_cmd <<'__SBX_EOF_{token}'\n{body}\n__SBX_EOF_{token}\n"
        f"eval \"$__sbx_cmd\" </dev/null 2>&1; printf '\\n__SBX_{token}_%s__\\n' \"$?\"\n"
    )
    return text.encode("utf-8", "replace")


class ShellChannel:
    """Runs commands in one shell over a ``Transport``.

    Args:
        transport: the stream to the shell.
        on_timeout: called when a command overstays; it must stop the command's processes
            (not the shell). Its argument is the command's start in clock ticks since boot
            (``pipes.now_ticks``), the unit of ``/proc/PID/stat``'s start time.
        alive: polled while waiting, so that a shell that exited is noticed at once.
    """

    def __init__(self, transport: Transport, on_timeout: Callable[[float], None],
                 alive: Callable[[], bool] | None = None) -> None:
        """Wrap ``transport``; ``alive`` tells whether the shell process still exists."""
        self.transport = transport
        self.on_timeout = on_timeout
        self.alive = alive

    def run(self, command: str, *, idle_timeout: float, total_timeout: float,
            grace: float = 2.0) -> RunResult:
        """Run ``command``; stop it after ``idle_timeout`` s without output or ``total_timeout`` s."""
        token = secrets.token_hex(8)
        marker = re.compile(rb"\n__SBX_" + token.encode() + rb"_(\d+)__\n")
        started = time.monotonic()
        started_ticks = now_ticks()
        try:
            self.transport.send(frame(command, token), started + total_timeout)
        except (TimeoutError, OSError):
            return RunResult(b"", None, "the shell did not accept input", True,
                             time.monotonic() - started)
        kept = bytearray()
        tail = bytearray()  # the last bytes, where the marker may straddle two reads
        drained = 0
        last_output = started
        stopped = ""
        stop_deadline = 0.0
        while True:
            now = time.monotonic()
            if not stopped:
                if now - last_output >= idle_timeout:
                    stopped = f"no output for {idle_timeout:g} seconds"
                elif now - started >= total_timeout:
                    stopped = f"it ran longer than {total_timeout:g} seconds"
                elif drained > MAX_DRAINED_OUTPUT:
                    stopped = f"it wrote more than {MAX_DRAINED_OUTPUT >> 20} MiB of output"
                if stopped:
                    self.on_timeout(started_ticks)
                    stop_deadline = time.monotonic() + grace
            elif now >= stop_deadline:
                return RunResult(bytes(kept) + bytes(tail), None, stopped, True, now - started)
            wait = stop_deadline - now if stopped else min(
                idle_timeout - (now - last_output), total_timeout - (now - started))
            chunk = self.transport.recv(max(0.0, min(wait, 0.2)))
            if chunk == b"" and self.alive is not None and not self.alive():
                chunk = None
            if chunk is None:
                return RunResult(bytes(kept) + bytes(tail[:MAX_KEPT_OUTPUT]), None,
                                 stopped or "the shell exited", True, time.monotonic() - started)
            if not chunk:
                continue
            last_output = time.monotonic()
            drained += len(chunk)
            tail += chunk
            found = marker.search(tail)
            if found:
                before = tail[:found.start()]
                if len(kept) < MAX_KEPT_OUTPUT:
                    kept += before[:MAX_KEPT_OUTPUT - len(kept)]
                code = int(found.group(1))
                return RunResult(bytes(kept), None if stopped else code, stopped, False,
                                 time.monotonic() - started)
            # Keep enough of the tail to find a marker split across reads.
            keep = 64
            if len(tail) > keep:
                spill = tail[:-keep]
                del tail[:-keep]
                if len(kept) < MAX_KEPT_OUTPUT:
                    kept += spill[:MAX_KEPT_OUTPUT - len(kept)]
