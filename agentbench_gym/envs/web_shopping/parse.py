"""Reply parsing: AgentBench's action regex over the agent's whole reply."""

from __future__ import annotations

import re

# AgentBench (webshop/__init__.py): the first "Action:" followed by search[...] or click[...];
# `.+?` stops at the first "]" and does not cross a newline.
ACTION_RE = re.compile(r"[Aa]ction: *\n* *((search|click)\[.+?])")


def parse_action(reply: str) -> str | None:
    """The action string (``search[...]`` / ``click[...]``) in the reply, or None (invalid format)."""
    match = ACTION_RE.search(reply)
    return match.group(1) if match else None
