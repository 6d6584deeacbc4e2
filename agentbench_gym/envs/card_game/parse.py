"""Reply parsing as AgentBench's client does it (``AI_En._decode_guess`` / ``_decode_move``).

Every match of the non-greedy ``\\{[\\w\\W]*?\\}`` is a candidate once ``'`` is replaced by ``"``;
the first candidate that parses as JSON *and* validates is the move. A try fails with
``NO_JSON`` when no candidate parses (AgentBench's ``#[ERROR]2``, our ``invalid_format``) and with
``INVALID`` when one parsed but none validated (``#[ERROR]1``, ``invalid_action``).

The candidates are found with ``str.find`` rather than the regex: the result is the same, but the
regex is quadratic on a long run of ``{`` with no ``}``, and a reply may be megabytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from agentbench_gym.envs.card_game.engine import FISH_NAMES, NAME_TO_ID

NO_JSON = 2
"""Failure code: no candidate parsed as JSON (upstream's ``#[ERROR]2``)."""
INVALID = 1
"""Failure code: a candidate parsed but none was a legal move (upstream's ``#[ERROR]1``)."""

T = TypeVar("T")

_decode = json.JSONDecoder().decode


def candidates(reply: str) -> Iterator[str]:
    """The matches of ``\\{[\\w\\W]*?\\}`` in ``reply``, left to right, with ``'`` → ``"``."""
    start = reply.find("{")
    while start >= 0:
        end = reply.find("}", start + 1)
        if end < 0:
            return  # no later "{" can have a "}" after it either
        yield reply[start:end + 1].replace("'", '"')
        start = reply.find("{", end + 1)


def as_position(value: Any) -> int | None:
    """Upstream's ``int(str(value))``: ``2``, ``"2"``, ``" 2 "`` give 2; ``2.0``, ``True`` fail."""
    try:
        return int(str(value))
    except (ValueError, TypeError, RecursionError):  # also int()'s limit on long digit strings
        return None


def decode(reply: str, keys: tuple[str, ...], validate: Callable[[dict[str, Any]], T | None]) -> tuple[T | None, int]:
    """Return ``(move, 0)`` for the first candidate that parses and validates, else ``(None, code)``.

    ``validate`` maps a parsed JSON object to a move or None. Candidates that cannot hold all of
    ``keys`` (and have no escape that could spell them) are not parsed once one candidate has
    parsed: they cannot validate and cannot change the failure code.
    """
    code = NO_JSON
    for text in candidates(reply):
        if code == INVALID and "\\" not in text and not all(k in text for k in keys):
            continue
        try:
            obj = _decode(text)
        except (ValueError, RecursionError):
            continue
        code = INVALID
        if isinstance(obj, dict):
            move = validate(obj)
            if move is not None:
                return move, 0
    return None, code


def guess_validator(enemy_living: list[int]) -> Callable[[dict[str, Any]], tuple[int, int] | None]:
    """Validator of ``{"guess_type": <name>, "target_position": <p>}``: ``(position, fish_id)``.

    The name must be one of the four fish; the position a living enemy (revealed ones included:
    the engine turns such a guess into no guess).
    """
    def validate(obj: dict[str, Any]) -> tuple[int, int] | None:
        if "target_position" not in obj or "guess_type" not in obj:
            return None
        position = as_position(obj["target_position"])
        name = obj["guess_type"]
        if position is None or not isinstance(name, str) or name not in NAME_TO_ID:
            return None
        if position not in enemy_living:
            return None
        return position, NAME_TO_ID[name]
    return validate


def parse_guess(reply: str, enemy_living: list[int]) -> tuple[tuple[int, int] | None, int]:
    """Parse a guess reply; see ``decode`` and ``guess_validator``."""
    return decode(reply, ("guess_type", "target_position"), guess_validator(enemy_living))


# Upstream's name_to_pos: the names, plus the digit strings "0".."3" mapped one position too far.
UPSTREAM_PICK = {**{name: p for p, name in enumerate(FISH_NAMES)}, **{str(p): p + 1 for p in range(4)}}
FIXED_PICK = {**{name: p for p, name in enumerate(FISH_NAMES)}, **{str(p): p for p in range(4)}}


def action_validator(my_living: list[int], enemy_living: list[int], *, upstream: bool = False
                     ) -> Callable[[dict[str, Any]], tuple[int, str, int] | None]:
    """Validator of ``{"pick_fish": ..., "action": "normal"|"active", "target_position": ...}``.

    Returns ``(actor, action, target)``. As upstream: ``target_position`` must parse even for an
    AOE (whose target is then ignored and reported as 0); flame/sunfish need another living own
    fish; a normal attack needs a living enemy. With ``upstream=True`` the digit strings "0"-"3"
    pick positions 1-4 and are refused for an active skill; otherwise they pick positions 0-3.
    """
    picks = UPSTREAM_PICK if upstream else FIXED_PICK

    def validate(obj: dict[str, Any]) -> tuple[int, str, int] | None:
        if "pick_fish" not in obj or "action" not in obj or "target_position" not in obj:
            return None
        pick, action = obj["pick_fish"], obj["action"]
        if not isinstance(action, str) or action not in ("normal", "active"):
            return None
        target = as_position(obj["target_position"])
        if target is None or not isinstance(pick, str) or pick not in picks:
            return None
        actor = picks[pick]
        if actor not in my_living:
            return None
        if action == "normal":
            return (actor, action, target) if target in enemy_living else None
        if upstream and pick not in NAME_TO_ID:
            return None
        if actor in (0, 2):  # spray, eel: the AOE ignores the target
            return actor, action, 0
        if target in my_living and target != actor:
            return actor, action, target
        return None
    return validate


def parse_action(reply: str, my_living: list[int], enemy_living: list[int], *, upstream: bool = False
                 ) -> tuple[tuple[int, str, int] | None, int]:
    """Parse an action reply; see ``decode`` and ``action_validator``."""
    return decode(reply, ("pick_fish", "action", "target_position"),
                  action_validator(my_living, enemy_living, upstream=upstream))
