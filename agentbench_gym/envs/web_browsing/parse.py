"""Reading the agent's reply the way AgentBench's ``postprocess_action_llm`` does."""

from __future__ import annotations

import re
from dataclasses import dataclass

LETTER = re.compile(r"Answer: (A|B|C|D|E|F)")
OPERATION = re.compile(r"Action: (CLICK|SELECT|TYPE)")
VALUE = re.compile(r"Value: (.*)$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Reply:
    """A parsed reply.

    Attributes:
        letter: the first ``Answer: X`` letter (A-F), or None when the reply has none.
        action: ``"<OP> <value>"`` as AgentBench builds it (either part may be empty).
    """

    letter: str | None
    action: str


def parse_reply(text: str) -> Reply:
    """Parse ``Answer:``, ``Action:`` and ``Value:`` (first match each, value up to its line end)."""
    text = text.strip()
    letter = LETTER.search(text)
    operation = OPERATION.search(text)
    value = VALUE.search(text)
    op = operation.group(1) if operation else ""
    val = value.group(1) if value else ""
    return Reply(letter.group(1) if letter else None, op.strip() + " " + val.strip())


def answer_text(letter: str, op: str, value: str) -> str:
    """The reply AgentBench's demonstrations model: ``X.``, then Action and (unless CLICK) Value."""
    text = f"Answer: {letter}.\nAction: {op}\n"
    if op != "CLICK":
        text += f"Value: {value}"
    return text
