"""Built-in games: our PDDL problems joined with ALFWorld's domain and grammar, in either phrasing.

Our data files hold only what we wrote: each game's PDDL problem, its goal text and its
walkthrough. The PDDL domain (``alfred.pddl``) and the text grammar (``alfred.twl2``) come from
the installed alfworld wheel at run time, with the goal text put into the grammar's ``task``
rule, so that a built-in game is an ordinary tw-pddl game.

Phrasings:
- ``"agentbench"`` (default): the command and feedback wording of the ALFWorld 2.1.1 games that
  AgentBench runs: ``put X in/on Y`` / ``You put the X in/on the Y.``, ``You arrive at loc N.``,
  and no ``help`` command. Made from the wheel's files by rewriting those three places and
  dropping the ``help`` action (domain and grammar).
- ``"alfworld"``: the wheel's files as they are (``move X to Y``, ``You arrive at <receptacle>.``,
  ``help``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from agentbench_gym.errors import DataFormatError, MissingExtra

PHRASINGS = ("agentbench", "alfworld")
PLACEHOLDER_TASK = '"rhs": "Your task is to: UNKNOWN GOAL."'

_GRAMMAR_EDITS = (
    ('"You arrive at {r.name}. #examineReceptacle.feedback#"',
     '"You arrive at {lend.name}. #examineReceptacle.feedback#"'),
    ('"You move the {o.name} to the {r.name}."', '"You put the {o.name} in/on the {r.name}."'),
    ('template :: "move {o} to {r}";', 'template :: "put {o} in/on {r}";'),
)
_HELP_GRAMMAR = re.compile(r'\naction help \{.*?"""\s*;\s*\}\n', re.S)


def _wheel_file(name: str) -> str:
    try:
        return resources.files("alfworld").joinpath("data", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise MissingExtra("alfworld", f"The built-in household games (alfworld's {name})", exc) from exc


def _drop_pddl_action(domain: str, name: str) -> str:
    start = domain.find(f"(:action {name}")
    if start < 0:
        return domain
    depth = 0
    for index in range(start, len(domain)):
        depth += {"(": 1, ")": -1}.get(domain[index], 0)
        if depth == 0:
            return domain[:start] + domain[index + 1:]
    raise DataFormatError("alfred.pddl: unbalanced help action")


@lru_cache(maxsize=2)
def domain_and_grammar(phrasing: str) -> tuple[str, str]:
    """ALFWorld's PDDL domain and grammar (task text still a placeholder) in ``phrasing``."""
    if phrasing not in PHRASINGS:
        raise ValueError(f"phrasing must be one of {PHRASINGS}, got {phrasing!r}")
    domain, grammar = _wheel_file("alfred.pddl"), _wheel_file("alfred.twl2")
    if PLACEHOLDER_TASK not in grammar:
        raise DataFormatError("alfred.twl2 of this alfworld version has no placeholder task rule")
    if phrasing == "agentbench":
        for old, new in _GRAMMAR_EDITS:
            if old not in grammar:
                raise DataFormatError(f"alfred.twl2 of this alfworld version lacks {old!r}")
            grammar = grammar.replace(old, new)
        grammar = _HELP_GRAMMAR.sub("\n", grammar)
        domain = _drop_pddl_action(domain, "help")
        if "help" in grammar.split("Available commands")[0] or "(:action help" in domain:
            raise DataFormatError("could not drop the help action from alfworld's files")
    return domain, grammar


def assemble(record: Mapping[str, Any], phrasing: str) -> dict[str, Any]:
    """The tw-pddl game of a built-in record in ``phrasing``."""
    domain, grammar = domain_and_grammar(phrasing)
    goal = json.dumps("Your task is to: " + str(record["goal"]))
    return {
        "pddl_domain": domain,
        "pddl_problem": str(record["problem"]),
        "grammar": grammar.replace(PLACEHOLDER_TASK, '"rhs": ' + goal),
        "walkthrough": [rephrase(c, phrasing) for c in record.get("walkthrough", ())],
    }


def rephrase(command: str, phrasing: str) -> str:
    """A command in ``phrasing`` (``put X in/on Y`` for agentbench, ``move X to Y`` for alfworld)."""
    put = re.match(r"^put (.+) in/on (.+)$", command)
    move = re.match(r"^move (.+) to (.+)$", command)
    if phrasing == "alfworld" and put:
        return f"move {put.group(1)} to {put.group(2)}"
    if phrasing == "agentbench" and move:
        return f"put {move.group(1)} in/on {move.group(2)}"
    return command
