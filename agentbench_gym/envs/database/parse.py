"""Reading an agent reply the way AgentBench's dbbench does (same regular expressions)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Upstream: ``re.search(r"Action: (.*?)\n", res)`` -- the action word needs a newline after it.
ACTION_RE = re.compile(r"Action: (.*?)\n")
# Upstream: the first ```sql block, with a newline after the fence and before the closing one.
SQL_BLOCK_RE = re.compile(r"```sql\n([\s\S]*?)\n```")
# Upstream: ``re.search(r"\nFinal Answer:(.*)", res)`` -- needs a newline before it; rest of line.
FINAL_ANSWER_RE = re.compile(r"\nFinal Answer:(.*)")


@dataclass(frozen=True, slots=True)
class Operation:
    """``Action: Operation`` with its SQL (first block, stripped, newlines made spaces)."""

    sql: str


@dataclass(frozen=True, slots=True)
class Answer:
    """A final answer: the raw text after ``Final Answer:`` up to the end of that line."""

    text: str


@dataclass(frozen=True, slots=True)
class Invalid:
    """A reply that matches no pattern (AgentBench: AGENT_VALIDATION_FAILED)."""

    reason: str


Parsed = Operation | Answer | Invalid


def parse_reply(reply: str, *, operations_allowed: bool = True) -> Parsed:
    """Classify one reply.

    Args:
        reply: the agent's raw text.
        operations_allowed: False once AgentBench's ``max_round`` operations were used; then, as
            upstream, an ``Operation`` is not executed and only a final answer is looked for.
    """
    action = ACTION_RE.search(reply)
    if operations_allowed and action is not None and action.group(1) == "Operation":
        block = SQL_BLOCK_RE.search(reply)
        if block is None:
            return Invalid("'Action: Operation' without a ```sql block")
        return Operation(block.group(1).strip().replace("\n", " "))
    answer = FINAL_ANSWER_RE.search(reply)
    if answer is None:
        return Invalid("no 'Action: Operation' with a ```sql block and no line '\\nFinal Answer: ...'")
    return Answer(answer.group(1))
