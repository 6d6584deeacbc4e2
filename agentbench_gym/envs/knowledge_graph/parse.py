"""Reading an agent reply the way AgentBench's KG task does (TASK_DETAILS §1.4).

The reply is cut at the first ``Observation:`` and ``\\_`` becomes ``_``. A ``Final Answer: #k``
(or ``Find Answer``) anywhere wins; otherwise the first line that starts with ``Action...:`` is
read, and every ``name(`` on it is a candidate call, tried in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FINAL_ANSWER = re.compile(r"(?:Find|Final) Answer: #(\d+)")
ACTION_LINE = re.compile(r"Action.*?:")
FUNCTION_NAME = re.compile(r"(\w+)\(")
ARGUMENT_SPLIT = re.compile(r"\s*,\s*")
MAX_INDEX_DIGITS = 9  # Python refuses int() on very long digit strings; no episode has 10**9 variables
MAX_CALLS = 50  # candidate calls tried per Action line (upstream tries all; bounds hostile replies)


@dataclass(frozen=True)
class FinalAnswer:
    """``Final Answer: #index``; ``index`` is None when the number is absurdly long."""

    index: int | None


@dataclass(frozen=True)
class Call:
    """One candidate call on the Action line; ``arguments`` is None when they cannot be parsed."""

    name: str
    arguments: tuple[str, ...] | None


@dataclass(frozen=True)
class ActionLine:
    """The Action line's candidate calls, in order (empty: "Function is not executed!")."""

    calls: tuple[Call, ...]


@dataclass(frozen=True)
class NoAction:
    """Neither a final answer nor an Action line."""


Parsed = FinalAnswer | ActionLine | NoAction


def normalize(reply: str) -> str:
    """Cut at the first "Observation:" and unescape ``\\_`` (the text upstream keeps in history)."""
    return reply.split("Observation:")[0].replace("\\_", "_")


def parse_reply(reply: str) -> Parsed:
    """Classify a raw reply (see the module docstring)."""
    text = normalize(reply)
    final = FINAL_ANSWER.search(text)
    if final:
        digits = final.group(1)
        return FinalAnswer(int(digits) if len(digits) <= MAX_INDEX_DIGITS else None)
    for line in text.split("\n"):
        if ACTION_LINE.match(line):
            calls = []
            for match in FUNCTION_NAME.finditer(line):
                if len(calls) == MAX_CALLS:
                    break
                name = match.group(1)
                found = _first_arguments(line, name)
                calls.append(Call(name, tuple(ARGUMENT_SPLIT.split(found)) if found is not None else None))
            return ActionLine(tuple(calls))
    return NoAction()


def _first_arguments(line: str, name: str) -> str | None:
    """What upstream's first ``re.findall(name + r"\\((.+?)\\)", line)`` match holds, in linear time.

    The lazy pattern takes the first ``name(`` and runs to the first ``)`` at least one character
    later; when that fails no later occurrence can succeed, so one ``find`` each suffices.
    """
    start = line.find(name + "(")
    if start < 0:
        return None
    begin = start + len(name) + 1
    end = line.find(")", begin + 1)
    return line[begin:end] if end >= 0 else None


def strip_variable_word(argument: str) -> str:
    """Upstream drops the words "variable " / "Variable " from every argument."""
    return argument.replace("variable ", "").replace("Variable ", "")


def variable_index(argument: str) -> int | None:
    """``#k`` -> k as upstream's ``int(argument[1:])`` would read it; None if not a number."""
    body = argument[1:]
    if len(body.strip()) > MAX_INDEX_DIGITS + 2:
        return None
    try:
        return int(body)
    except ValueError:
        return None
