"""``AgentBench/OS-v0``: bash in an isolated Linux sandbox (AgentBench's OS interaction task)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from agentbench_gym.core import AgentBenchEnv, Message, Outcome, TurnResult
from agentbench_gym.envs.os_shell import prompts
from agentbench_gym.envs.os_shell.backends import BACKENDS, backend_class, get_backend
from agentbench_gym.envs.os_shell.backends.base import Limits, Sandbox, script_argv
from agentbench_gym.envs.os_shell.data import OSSample, load_builtin, load_upstream
from agentbench_gym.envs.os_shell.parse import Bash, parse_reply
from agentbench_gym.envs.os_shell.scoring import judge
from agentbench_gym.errors import BackendUnavailable
from agentbench_gym.spaces import UnicodeText

logger = logging.getLogger(__name__)
MAX_OBSERVATION = 1 << 16

# Upstream strips terminal control sequences from what the shell printed (task.py execute).
_ESCAPES = re.compile(rb"\x1b\[[0-9;]*[a-zA-Z]|\x1b\][0-9]*;[^\x07]*\x07|\x1b\[\?2004[hl]|\x07")
# An interactive shell on pipes (no tty) complains when a stopped job's terminal cannot be
# restored; on AgentBench's tty this line never appears.
_NO_TTY = re.compile(rb"^bash: \[\d+: \d+ \(\d+\)\] tcsetattr: Inappropriate ioctl for device\n", re.M)


class _BackendNames:
    """``OSShellEnv.backends``: the names in ``backends.BACKENDS`` when read, so that a new
    backend needs only its module and its line there (the first name is the default)."""

    def __get__(self, instance: object, owner: type | None = None) -> tuple[str, ...]:
        return tuple(BACKENDS)


class OSShellEnv(AgentBenchEnv):
    """AgentBench's OS interaction task: answer a question or reach a goal in a real bash shell.

    ## Description
    Each episode gets a fresh Debian system in a sandbox and a problem (e.g. "how many
    hidden files are in /home?", "make user alice own /data", "write a `calc` command").
    The agent works in one persistent interactive shell (cwd, variables and files carry
    over), then answers or declares it has finished.

    ## Observation
    The reset observation is ``"Now, I will start a new problem in a new OS. My problem
    is:\\n\\n" + description``; ``info["prefix"]`` holds AgentBench's instructions and its
    one-shot demonstration (6 messages) exactly as AgentBench sends them. After a bash
    action: ``"The output of the OS:\\n\\n" + output`` (stdout and stderr merged), or ``"The
    output of the OS is empty."``; output longer than 800 characters is cut to 780 plus
    ``"\\n[truncated because the output is too long]"``. A command that is silent for
    ``idle_timeout`` (5 s) or runs for ``command_timeout`` (30 s), AgentBench's read
    timeouts, is stopped (with every process it started) and the output says so; the shell
    stays usable. A shell that exits (``exit``, ``kill -9 $$``) or is stuck in a builtin
    loop is replaced and the output says so (files survive, shell state does not).

    ## Reply format
    ``Think: ...`` then one of ``Act: bash`` + a fenced ```` ```bash ```` block,
    ``Act: finish``, or ``Act: answer(...)``. As upstream, the ``Act:`` lines are read last
    to first and every ```` ```bash ```` block of the reply is run, joined by blank lines.

    ## Outcomes
    - ``completed`` (terminated): ``answer``/``finish``; the answer is judged.
    - ``invalid_action`` (terminated, score 0): no recognisable ``Act:`` line (AgentBench's
      AGENT_INVALID_ACTION; its AGENT_VALIDATION_FAILED branch cannot fire).
    - ``task_limit`` (truncated, score 0): 8 replies without a commit.
    - ``task_error`` (truncated, unscored): the sample could not be set up (an init script
      failed or a script file named by the data is missing under ``data_dir``), or the
      sandbox failed. AgentBench reports these as UNKNOWN.
    A bash command that fails, times out or kills the shell only costs its turn.

    ## Score & metrics
    Score 1 when the answer passes the sample's evaluation, else 0: ``match`` (exact after
    ``strip``, or a regex search) or a ``check`` pipeline run in the same sandbox after the
    agent stops (parameters start as ``[answer]``; a null entry runs the sample's reference
    solution; each step must exit 0 and its output is appended). The generic checks
    (integer-match, string-match, size-match, containing, in) are built in; other scripts
    come from ``data_dir``. ``metrics``: ``passed``, ``commands``, and ``error`` when
    setup failed. Task metric: AgentBench's success rate ``acc`` = passed / total
    (``main``).

    ## Arguments
    ``split`` (``"dev"`` 26, ``"test"`` 100 built-in; ``"dev"``/``"std"`` with ``data_dir``),
    ``data_dir`` (an AgentBench checkout or its ``data/os_interaction`` folder),
    ``backend`` (``"local"``, ``"docker"``), ``max_turns`` (8), ``limits`` (a
    ``Limits`` or a dict of its fields: memory, disk, file size, CPU time, processes,
    ``idle_timeout``, ``command_timeout``, ``script_timeout``), ``pool_size`` (warm
    sandboxes kept ready, default 2), ``skip_incomplete`` (drop upstream samples whose
    scripts are missing instead of ending them with ``task_error``), ``upstream_quirks``
    (reproduce AgentBench's size-match bug: units tried in dict order, so ``"12KB"`` never
    parses; by default the longest unit is tried first), ``render_mode`` (``"ansi"``).

    ## Differences from AgentBench
    - The shell is an interactive login shell as upstream, but on pipes, not a tty: output
      has ``\\n`` line ends (a tty gives ``\\r\\n``), no echoed command, no prompt, no job
      control; commands get stdin from /dev/null (upstream asks agents for no input
      operations; a reading command would hang there) and no history expansion.
    - A timed-out command is stopped and the agent told so (upstream leaves it running and
      types the next command into the busy shell).
    - The sandbox is set up at the agent's first action rather than at reset; the agent
      cannot tell the difference and resets are free.
    - Invalid UTF-8 in output becomes U+FFFD (upstream crashes, UNKNOWN); a regex ``match``
      after ``finish`` scores 0 (upstream raises, UNKNOWN); c/c++ scripts are compiled
      properly (upstream mangles their source).
    - The local base is Debian bookworm, not Ubuntu; answers are computed by the sample's
      reference solution in the same system, so they agree wherever the data uses that form.

    ## Backends
    - ``local`` (default): a rootless-style namespace sandbox, no daemon. A Debian base
      filesystem is built once per machine (``agentbench-gym setup os``, about two minutes;
      cached in ``~/.cache/agentbench-gym/os``); each sandbox is a tmpfs overlay over it with
      its own user (full id range), PID, mount, network (none), UTS and IPC namespaces,
      pivot_root, rlimits and, where available, memory/pids cgroups. Needs root,
      ``uidmap`` and ``debootstrap``.
    - ``docker``: one container per episode (``--network none``, memory/pids/CPU limits)
      through the ``docker`` SDK (extra ``os-docker``), from the project's image (imported
      from the same base filesystem, or built from the Dockerfile shipped with the package).

    ## Data
    Built-in ``dev`` (26) and ``test`` (100) splits written for this project: questions
    with answers and operations checked by scripts, on files, users and permissions,
    processes, text processing, counting and archives, each with a gold solution.
    AgentBench's own data loads from ``data_dir`` with AgentBench's sample ids.

    ## Registered ids
    ``AgentBench/OS-v0``.

    ## Version history
    - v0: initial version (AgentBench v0.2 protocol).
    """

    task: ClassVar[str] = "OS"
    default_max_turns: ClassVar[int | None] = 8
    splits: ClassVar[tuple[str, ...]] = ("dev", "test")
    backends: ClassVar[tuple[str, ...]] = _BackendNames()  # type: ignore[assignment]
    oracle: ClassVar[str] = "agentbench_gym.envs.os_shell.oracle:OSShellOracle"
    reply_examples: ClassVar[tuple[str, ...]] = (
        "Think: I should look at the root directory.\n\nAct: bash\n\n```bash\nls /\n```",
        "Think: count the files.\n\nAct: bash\n\n```bash\nls -1 /etc | wc -l\n```",
        "Act: bash\n\n```bash\necho hello; cd /tmp; pwd\n```",
        "Think: Now I get the answer, it is 3.\n\nAct: answer(3)",
        "Think: I have finished the task.\n\nAct: finish",
        "Act: answer(hello)",
    )

    def __init__(self, *, split: str | None = None, data_dir: str | None = None,
                 backend: str | None = None, max_turns: int | None = None,
                 render_mode: str | None = None, dense: bool = False,
                 limits: Limits | Mapping[str, Any] | None = None, pool_size: int = 2,
                 skip_incomplete: bool = False, upstream_quirks: bool = False) -> None:
        """Load the split and start (or join) the backend; see the class docstring."""
        self.skip_incomplete = skip_incomplete
        self.upstream_quirks = upstream_quirks
        super().__init__(split=split, data_dir=data_dir, backend=backend, max_turns=max_turns,
                         render_mode=render_mode, dense=dense)
        if isinstance(limits, Mapping):
            limits = replace(Limits(), **limits)
        self.limits = limits or Limits()
        # Observations are short (outputs are cut to 780 characters); a tight bound keeps
        # Gymnasium's async vector env, which copies max_length characters per step, fast.
        self.observation_space = UnicodeText(max_length=MAX_OBSERVATION)
        assert self.backend is not None
        self._backend = get_backend(self.backend, self.limits, pool_size)
        self._sandbox: Sandbox | None = None
        self._pending_error: str | None = None
        self._commands = 0

    # ----------------------------------------------------------------- hooks
    def _load_samples(self, split: str, data_dir: str | None) -> Sequence[OSSample]:
        if data_dir is None:
            return load_builtin(split)
        samples = load_upstream(data_dir, split)
        if self.skip_incomplete:
            samples = [s for s in samples if not s.missing_scripts]
        return samples

    def _start(self, sample: OSSample) -> tuple[str, list[Message]]:
        self._commands = 0
        self._pending_error = None
        if sample.missing_scripts:
            self._pending_error = (f"sample {sample.id} needs script files that are not in data_dir: "
                                   + ", ".join(sample.missing_scripts))
        return prompts.problem_message(sample.description)[:MAX_OBSERVATION], prompts.prefix_messages()

    def _turn(self, reply: str) -> TurnResult:
        result = self._act(reply)
        if len(result.observation) > MAX_OBSERVATION:
            result = replace(result, observation=result.observation[:MAX_OBSERVATION])
        return result

    def _act(self, reply: str) -> TurnResult:
        if self._pending_error:
            return self._task_error(self._pending_error)
        action = parse_reply(reply)
        if action is None:
            return TurnResult("Invalid action: the reply has no recognisable "
                              "'Act: bash', 'Act: finish' or 'Act: answer(...)' line.",
                              Outcome.INVALID_ACTION, score=0.0, metrics=self._metrics(False))
        sandbox = self._ensure_sandbox()
        if sandbox is None:
            return self._task_error(self._pending_error or "sandbox setup failed")
        if isinstance(action, Bash):
            self._commands += 1
            return TurnResult(self._run(sandbox, action.script))
        verdict = judge(self.sample, action.answer, sandbox, self.limits.script_timeout,
                        self.upstream_quirks)
        observation = "The answer is correct." if verdict.passed else "The answer is wrong."
        metrics = self._metrics(verdict.passed)
        if verdict.detail:
            metrics["detail"] = verdict.detail
        return TurnResult(observation, Outcome.COMPLETED, score=float(verdict.passed), metrics=metrics)

    def _release(self) -> None:
        sandbox, self._sandbox = self._sandbox, None
        if sandbox is not None:
            sandbox.close()

    @classmethod
    def backend_status(cls) -> dict[str, str | None]:
        """``local``/``docker`` -> None when usable here, else how to enable it."""
        status: dict[str, str | None] = {}
        for name in cls.backends:
            try:
                status[name] = backend_class(name).status()
            except ImportError as exc:
                status[name] = str(exc)
        return status

    @classmethod
    def task_metrics(cls, episodes: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        """AgentBench's ``calculate_overall``: ``acc`` = passed / total (``main``)."""
        total = len(episodes)
        passed = sum(1 for e in episodes if float(e["score"]) >= 1.0)
        acc = passed / total if total else 0.0
        return {"main": acc, "acc": acc, "pass": float(passed), "wrong": float(total - passed),
                "total": float(total)}

    # --------------------------------------------------------------- helpers
    def _metrics(self, passed: bool) -> dict[str, Any]:
        return {"passed": passed, "commands": self._commands}

    def _task_error(self, message: str) -> TurnResult:
        metrics = self._metrics(False)
        metrics["error"] = message
        return TurnResult(f"Task error: {message}", Outcome.TASK_ERROR, metrics=metrics)

    def _ensure_sandbox(self) -> Sandbox | None:
        """The episode's sandbox, set up on first use (init scripts, then the start script).

        Deferring it to the first action changes nothing the agent can see and makes resets
        (and episodes that end on a malformed reply) free.
        """
        if self._sandbox is not None:
            return self._sandbox
        sample: OSSample = self.sample
        try:
            sandbox = self._backend.open()
        except BackendUnavailable as exc:
            self._pending_error = str(exc)
            return None
        self._sandbox = sandbox
        for number, script in enumerate(sample.init):
            result = sandbox.exec(script_argv(script.language, script.code, []),
                                  timeout=self.limits.script_timeout)
            if result.exit_code != 0:
                tail = result.output.decode("utf-8", "replace")[-300:]
                why = f"exit {result.exit_code}" + (f", {result.stopped}" if result.stopped else "")
                self._pending_error = f"init script {number} of sample {sample.id} failed ({why}): {tail}"
                return None
        if sample.start is not None:
            # As upstream: the start script is typed into the agent's shell.
            sandbox.run(sample.start.code, idle_timeout=self.limits.idle_timeout,
                        total_timeout=self.limits.command_timeout)
        return sandbox

    def _run(self, sandbox: Sandbox, script: str) -> str:
        result = sandbox.run(script, idle_timeout=self.limits.idle_timeout,
                             total_timeout=self.limits.command_timeout)
        output = _ESCAPES.sub(b"", _NO_TTY.sub(b"", result.output)).decode("utf-8", "replace")
        notice = ""
        if result.stopped and not result.stopped.startswith("the shell"):
            notice = prompts.TIMEOUT_NOTICE.format(reason=result.stopped)
        if result.shell_lost:  # it exited, or was stuck in a builtin loop and was replaced
            notice += prompts.SHELL_RESTARTED_NOTICE
        if not notice:
            return prompts.format_output(output)
        # Our notices come after AgentBench's truncation so that the agent always sees them.
        if not output:
            return prompts.OUTPUT_HEADER + notice.lstrip("\n")
        return prompts.format_output(output) + notice
