"""Judging a committed answer: AgentBench's ``match`` and ``check`` evaluations.

The generic check programs AgentBench's data names (``check/integer-match.py`` and friends)
are implemented here from their described behaviour and run on the host; every other check
script runs in the episode's sandbox with the pipeline's parameters as its arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from agentbench_gym.envs.os_shell.backends.base import Sandbox, script_argv
from agentbench_gym.envs.os_shell.data import Match, OSSample, Script


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


_UNITS = {"B": 1, "Byte": 1, "K": 1 << 10, "KB": 1 << 10, "M": 1 << 20, "MB": 1 << 20,
          "G": 1 << 30, "GB": 1 << 30, "T": 1 << 40, "TB": 1 << 40, "P": 1 << 50, "PB": 1 << 50}


def _size(text: str, quirks: bool = False) -> int:
    """Bytes of a human size: an integer and a 1024-based unit (``12K``, ``3MB``, ``512``).

    As described, only integers parse (``"8.0K"``, what ``du -h`` prints below 10 units,
    fails). Longer units are tried first, so ``"12KB"`` is 12288 bytes; with ``quirks`` the
    units are tried in upstream's order, where ``B`` matches first and ``"12KB"`` fails.
    """
    text = text.strip()
    units = _UNITS if quirks else dict(sorted(_UNITS.items(), key=lambda kv: -len(kv[0])))
    for unit, factor in units.items():
        if text.endswith(unit):
            return int(text[:-len(unit)]) * factor
    return int(text)


def _integer_match(a: str, b: str) -> bool:
    return int(a) == int(b)


def _string_match(a: str, b: str) -> bool:
    return _norm(a) == _norm(b)


def _size_match(a: str, b: str, quirks: bool = False) -> bool:
    return _size(a, quirks) == _size(b, quirks)


def _containing(a: str, b: str) -> bool:
    return _norm(b) in _norm(a)


def _in(a: str, b: str) -> bool:
    return _norm(a) in _norm(b)


BUILTIN_CHECKS: dict[str, Callable[[str, str], bool]] = {
    "integer-match": _integer_match,
    "string-match": _string_match,
    "size-match": _size_match,
    "containing": _containing,
    "in": _in,
}
"""Generic checks over the pipeline's first two parameters (the answer and the next output);
any exception (a non-number, too few parameters) means fail, as a crashing script would."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The judgement of one episode: ``passed`` and, for check pipelines, the step log."""

    passed: bool
    detail: str = ""


def judge_match(match: Match, answer: str | None) -> Verdict:
    """``match``: exact equality after strip, or ``re.search``; ``finish`` (None) fails."""
    if answer is None:
        return Verdict(False, "no answer given")
    if match.strip:
        answer = answer.strip()
    if match.answer is not None:
        return Verdict(answer == match.answer)
    try:
        return Verdict(re.search(match.regex or "", answer) is not None)
    except re.error as exc:
        return Verdict(False, f"bad regex in the data: {exc}")


def judge_check(sample: OSSample, answer: str | None, sandbox: Sandbox, timeout: float,
                quirks: bool = False) -> Verdict:
    """Run the check pipeline in the episode's sandbox, as upstream does.

    Parameters start as ``[str(answer)]`` (``"None"`` after ``finish``); each entry (None
    means the sample's ``example``) gets them as arguments, must exit 0, and its output is
    appended.
    """
    params = [str(answer)]
    for step, entry in enumerate(sample.check):
        script = sample.example if entry is None else entry
        assert script is not None  # the loader guarantees an example for null entries
        ok, output = run_script(script, params, sandbox, timeout, quirks)
        if not ok:
            return Verdict(False, f"check step {step} failed: {output[-300:]}")
        params.append(output)
    return Verdict(True)


def run_script(script: Script, args: list[str], sandbox: Sandbox, timeout: float,
               quirks: bool = False) -> tuple[bool, str]:
    """Run one script (built-in or in the sandbox); return (exit status 0, output)."""
    if script.builtin is not None:
        try:
            if script.builtin == "size-match":
                return _size_match(*args[:2], quirks=quirks), ""
            return BUILTIN_CHECKS[script.builtin](*args[:2]), ""
        except Exception as exc:  # a check program that raises exits non-zero
            return False, f"{script.builtin}: {type(exc).__name__}: {exc}"
    result = sandbox.exec(script_argv(script.language, script.code, args), timeout=timeout)
    output = result.output.decode("utf-8", "replace")
    return result.exit_code == 0, output


def judge(sample: OSSample, answer: str | None, sandbox: Sandbox, timeout: float,
          quirks: bool = False) -> Verdict:
    """The sample's evaluation applied to ``answer`` (``quirks``: upstream's size-match bug)."""
    if sample.match is not None:
        return judge_match(sample.match, answer)
    return judge_check(sample, answer, sandbox, timeout, quirks)
