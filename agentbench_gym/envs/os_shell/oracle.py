"""The scripted solver of the OS task: replays the sample's gold solution, then commits.

Our samples carry ``solution`` (bash commands). For AgentBench's data, the reference
solution (``evaluation.example``) is run instead. The commit is ``answer(<expected>)`` for
``match`` samples, ``answer(<output of the last command>)`` for check pipelines that compare
against the reference (a null entry) or whose reference solution prints something, and
``finish`` for silent operations checked by script.
"""

from __future__ import annotations

import shlex
from typing import Any

from agentbench_gym.envs.os_shell import prompts
from agentbench_gym.envs.os_shell.data import OSSample


def solution_commands(sample: OSSample) -> list[str]:
    """The bash commands that solve ``sample``."""
    if sample.solution:
        return list(sample.solution)
    example = sample.example
    if example is None or example.builtin is not None or example.missing:
        return []
    if example.language == "python":
        return [f"python3 -c {shlex.quote(example.code)}"]
    return [example.code]


class OSShellOracle:
    """Scripted solver for ``OSShellEnv`` (reads ``env.sample``)."""

    def __init__(self, env: Any) -> None:
        """Play ``env`` (the unwrapped ``OSShellEnv``)."""
        self.env = env
        self._queue: list[str] = []
        self._sample_id: str | None = None

    def reset(self) -> None:
        """Forget the previous episode."""
        self._sample_id = None

    def act(self, observation: str, info: dict[str, Any]) -> str:
        """The next reply: the next gold command, then the commit."""
        sample: OSSample = self.env.sample
        if self._sample_id != sample.id or info.get("turn", 0) == 0:
            self._sample_id = sample.id
            self._queue = solution_commands(sample)
        if self._queue:
            command = self._queue.pop(0)
            return f"Think: run the next step of the solution.\n\nAct: bash\n\n```bash\n{command}\n```"
        if sample.match is not None and sample.match.answer is not None:
            return f"Think: I know the answer.\n\nAct: answer({sample.match.answer})"
        output = _last_output(observation)
        if sample.match is not None or any(entry is None for entry in sample.check) or output:
            # Some operations also ask for an answer (their reference solution prints it).
            return f"Think: the last output is the answer.\n\nAct: answer({output})"
        return "Think: the task is done.\n\nAct: finish"


def _last_output(observation: str) -> str:
    """The command output inside an observation, on one line."""
    if observation.startswith(prompts.OUTPUT_HEADER):
        observation = observation[len(prompts.OUTPUT_HEADER):]
    elif observation == prompts.EMPTY_OUTPUT:
        observation = ""
    return observation.strip().replace("\n", " ")
