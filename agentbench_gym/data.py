"""Data helpers: built-in split files and JSON Lines reading."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from agentbench_gym.errors import DataFormatError


def builtin_file(package: str, name: str) -> Path:
    """Path of a data file shipped inside ``package`` (e.g. ``agentbench_gym.envs.card_game``)."""
    return Path(str(resources.files(package).joinpath("data", name)))


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    """Yield the JSON objects of a JSON Lines file; a bad line raises ``DataFormatError``."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataFormatError(f"{path}:{number}: not valid JSON ({exc})") from exc
            if not isinstance(record, dict):
                raise DataFormatError(f"{path}:{number}: expected a JSON object")
            yield record


def read_json(path: str | Path) -> Any:
    """Read a JSON file; a parse error raises ``DataFormatError`` naming the file."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as exc:
        raise DataFormatError(f"{path}: not valid JSON ({exc})") from exc
