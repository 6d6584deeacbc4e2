"""Reply parsing: AgentBench's ``extract_action`` for the OS task, as a pure function."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ACT = re.compile(r"Act:\s*(.+)")
_BASH_BLOCK = re.compile(r"```bash\n(.*?)\n```", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Bash:
    """Run ``script`` (every ```bash block of the reply, joined by a blank line) in the shell."""

    script: str


@dataclass(frozen=True, slots=True)
class Commit:
    """End the episode: ``Act: answer(...)`` gives ``answer``; ``Act: finish`` gives None."""

    answer: str | None


Action = Bash | Commit


def parse_reply(reply: str) -> Action | None:
    """Return the reply's action, or None when no ``Act:`` line is recognisable.

    As upstream: the ``Act:`` lines are scanned last to first; ``bash...`` and ``finish...``
    match by prefix (case-insensitive); ``answer...`` takes the text between the first ``(``
    and the last ``)`` of that line and is skipped when either is missing. A bash action
    with no fenced block runs the empty script.
    """
    for act in reversed(_ACT.findall(reply)):
        head = act.lower()
        if head.startswith("bash"):
            return Bash("\n\n".join(_BASH_BLOCK.findall(reply)))
        if head.startswith("finish"):
            return Commit(None)
        if head.startswith("answer"):
            content = act[6:].strip()
            left, right = content.find("("), content.rfind(")")
            if left == -1 or right == -1:
                continue
            # Upstream slices [left+1:right] even when ")" comes before "(" (gives "").
            return Commit(content[left + 1:right])
    return None
