"""Household samples and their loaders: our built-in games and ALFWorld/AgentBench game files.

A sample names one game and knows how to fetch its tw-pddl JSON (``pddl_domain``,
``pddl_problem``, ``grammar``, optionally ``walkthrough``); the JSON itself is read lazily and kept
in a small per-process cache, because a game is ~50 KB and a split may list thousands.

Upstream layouts read from ``data_dir``:

- AgentBench's ``data/alfworld`` folder: ``<split>.json`` maps a task-type key to game paths
  relative to the ALFWorld data root (``json_2.1.1/valid_unseen/<task dir>/<trial>/game.tw-pddl``);
  the lists are concatenated in key order, as upstream does.
- ALFWorld's own tree, ``<root>/json_2.1.1/<split>/<task dir>/<trial>/game.tw-pddl``, when there
  is no ``<split>.json`` (e.g. ``split="valid_unseen"``); walked in sorted order.

Game roots, searched in order: the ``game_dir`` argument, ``$ALFWORLD_DATA`` (as alfworld reads
it), ``data_dir`` and its parent. A listed path is a file under a root, or else a record of a
game pack (``*.jsonl.gz`` in a root, one ``{"name": <listed path>, "game": {...}}`` per line).
"""

from __future__ import annotations

import gzip
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentbench_gym.data import read_json, read_jsonl
from agentbench_gym.errors import DataFormatError

TASK_TYPES: dict[str, str] = {
    "pick_and_place_simple": "pick_and_place",
    "pick_clean_then_place_in_recep": "pick_clean_then_place",
    "pick_heat_then_place_in_recep": "pick_heat_then_place",
    "pick_cool_then_place_in_recep": "pick_cool_then_place",
    "look_at_obj_in_light": "look_at_obj",
    "pick_two_obj_and_place": "pick_two_obj",
}
"""ALFWorld's task-type directory prefix -> AgentBench's category key (its split-list keys)."""

CATEGORIES: tuple[str, ...] = tuple(TASK_TYPES.values())
"""AgentBench's six category keys, in its split-list order."""


@dataclass(frozen=True, slots=True)
class HouseholdSample:
    """One household game.

    Attributes:
        id: ``<task dir>/<trial>`` for ALFWorld games (e.g.
            ``pick_and_place_simple-SoapBottle-None-Toilet-424/trial_T20190907_004404_604165``),
            ``<split>-<nnn>-<task type>-...`` for built-in games.
        task_type: ALFWorld's task-type prefix (a key of ``TASK_TYPES``).
        source: where the game JSON lives: a file path, ``<pack>::<name>`` or ``builtin:<split>:<i>``.
        walkthrough: a winning command sequence when one is known (built-in games, current-format
            ALFWorld files), else empty.
    """

    id: str
    task_type: str
    source: str
    walkthrough: tuple[str, ...] = ()

    @property
    def category(self) -> str:
        """AgentBench's category key (``pick_and_place`` ... ``pick_two_obj``)."""
        return TASK_TYPES[self.task_type]


def task_type_of(path: str) -> str:
    """The ALFWorld task type of a game path (from its task directory name)."""
    for part in reversed(Path(path).parts):
        for prefix in TASK_TYPES:
            if part.startswith(prefix):
                return prefix
    raise DataFormatError(f"{path}: no ALFWorld task type ({', '.join(TASK_TYPES)}) in the path")


def sample_id_of(path: str) -> str:
    """``<task dir>/<trial>`` of a game path (the last two folders)."""
    parts = Path(path).parts
    return "/".join(parts[-3:-1]) if len(parts) >= 3 else path


# ------------------------------------------------------------------ game JSON cache
_GAMES: OrderedDict[str, Mapping[str, Any]] = OrderedDict()
_PACKS: dict[str, dict[str, int]] = {}
_LOCK = threading.Lock()
_CACHE_SIZE = 64


def _pack_index(pack: str) -> dict[str, int]:
    """Game name -> line number of a ``*.jsonl.gz`` pack (read once per process)."""
    index = _PACKS.get(pack)
    if index is None:
        index = {}
        with gzip.open(pack, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                name = json.loads(line).get("name")
                if isinstance(name, str):
                    index[name] = number
        _PACKS[pack] = index
    return index


def _read_pack_game(pack: str, name: str) -> Mapping[str, Any]:
    number = _pack_index(pack)[name]
    with gzip.open(pack, "rt", encoding="utf-8") as handle:
        for current, line in enumerate(handle):
            if current == number:
                return json.loads(line)["game"]
    raise DataFormatError(f"{pack}: game {name!r} vanished")  # pragma: no cover


def load_game(source: str, builtin: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """The tw-pddl JSON of a sample's ``source`` (cached; ``builtin`` builds built-in games)."""
    with _LOCK:
        game = _GAMES.get(source)
        if game is not None:
            _GAMES.move_to_end(source)
            return game
    if builtin is not None:
        game = builtin
    elif "::" in source:
        pack, name = source.split("::", 1)
        game = _read_pack_game(pack, name)
    else:
        game = read_json(source)
    if not isinstance(game, Mapping) or not {"pddl_domain", "pddl_problem", "grammar"} <= set(game):
        raise DataFormatError(f"{source}: not a tw-pddl game (needs pddl_domain, pddl_problem, grammar)")
    with _LOCK:
        _GAMES[source] = game
        while len(_GAMES) > _CACHE_SIZE:
            _GAMES.popitem(last=False)
    return game


# ------------------------------------------------------------------ upstream loaders
def game_roots(data_dir: str | Path | None, game_dir: str | Path | None) -> list[Path]:
    """Where game files are looked for, in order (see the module docstring)."""
    roots: list[Path] = []
    for candidate in (game_dir, os.environ.get("ALFWORLD_DATA"),
                      data_dir, Path(data_dir).parent if data_dir else None):
        if candidate and Path(candidate).is_dir() and Path(candidate) not in roots:
            roots.append(Path(candidate))
    return roots


def _resolve(path: str, roots: Sequence[Path]) -> str | None:
    for root in roots:
        if (root / path).is_file():
            return str(root / path)
    for root in roots:
        for pack in sorted(root.glob("*.jsonl.gz")):
            if path in _pack_index(str(pack)):
                return f"{pack}::{path}"
    return None


def load_split_list(data_dir: str | Path, split: str) -> list[str]:
    """The game paths of AgentBench's ``<split>.json``, concatenated in key order."""
    path = Path(data_dir) / f"{split}.json"
    content = read_json(path)
    if not isinstance(content, Mapping):
        raise DataFormatError(f"{path}: expected an object of task-type key -> list of game paths")
    games: list[str] = []
    for key, value in content.items():
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise DataFormatError(f"{path}: entry {key!r} must be a list of game paths")
        games.extend(value)
    return games


def load_upstream(data_dir: str | Path, split: str, game_dir: str | Path | None = None) -> list[HouseholdSample]:
    """Samples of an AgentBench split list or an ALFWorld split folder (module docstring)."""
    roots = game_roots(data_dir, game_dir)
    if (Path(data_dir) / f"{split}.json").is_file():
        paths = load_split_list(data_dir, split)
    else:
        paths = []
        for root in roots:
            folder = root / "json_2.1.1" / split
            if folder.is_dir():
                paths = sorted(str(p.relative_to(root)) for p in folder.glob("*/*/game.tw-pddl"))
                break
        if not paths:
            raise DataFormatError(f"{data_dir}: no {split}.json and no json_2.1.1/{split}/ game folder "
                                  f"under {[str(r) for r in roots]}")
    samples = []
    for path in paths:
        source = _resolve(path, roots)
        if source is None:
            raise DataFormatError(f"game {path!r} of split {split!r} not found under "
                                  f"{[str(r) for r in roots]} (set $ALFWORLD_DATA or game_dir=)")
        samples.append(HouseholdSample(sample_id_of(path), task_type_of(path), source))
    return samples


def load_builtin(path: str | Path, split: str) -> tuple[list[HouseholdSample], list[dict[str, Any]]]:
    """Our built-in split: samples plus their raw records (problem, goal, walkthrough)."""
    samples, records = [], []
    for index, record in enumerate(read_jsonl(path)):
        try:
            sample = HouseholdSample(str(record["id"]), str(record["task_type"]), f"builtin:{split}:{index}",
                                     tuple(record["walkthrough"]))
            _ = sample.category, record["problem"], record["goal"]
        except (KeyError, TypeError) as exc:
            raise DataFormatError(f"{path}: record {index} is missing {exc}") from exc
        samples.append(sample)
        records.append(record)
    return samples, records
