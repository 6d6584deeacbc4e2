"""A run's output folder: one JSONL of records per (agent, task), a manifest, and resume.

Layout::

    OUT/manifest.json          config, package/data versions, seeds, start times
    OUT/<agent>/<task>.jsonl   one trajectory record per finished episode, appended and flushed

A restarted run reads the files back: a sample with a scored record is done and never run
again; a sample whose records are all ``task_error``/``agent_error`` is run again while it has
attempts left. A half-written last line (the process was killed mid-write) is cut off before
anything is appended, so every line of every file is a whole record.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentbench_gym.core import Outcome

MANIFEST = "manifest.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A file-name-safe form of an agent or task name (``gpt-4o``, ``openai_gpt-4o``)."""
    cleaned = _UNSAFE.sub("_", name).strip("._") or "_"
    return cleaned[:100]


@dataclass
class PairState:
    """What the files say about one (agent, task) pair: finished samples and failed attempts."""

    done: dict[str, dict[str, Any]] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    last_error: dict[str, dict[str, Any]] = field(default_factory=dict)


class RunStore:
    """Reads and appends the records of a run folder (see the module docstring).

    Args:
        root: the output folder (created when missing).
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        """Open (or create) the folder."""
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._handles: dict[tuple[str, str], Any] = {}

    # ------------------------------------------------------------- manifest
    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or None for a new folder."""
        path = self.root / MANIFEST
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    def write_manifest(self, manifest: Mapping[str, Any]) -> None:
        """Write the manifest atomically (a temp file renamed over the old one)."""
        path = self.root / MANIFEST
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str), encoding="utf-8")
        os.replace(tmp, path)

    # -------------------------------------------------------------- records
    def path(self, agent: str, task: str) -> Path:
        """The JSONL file of a pair."""
        return self.root / safe_name(agent) / f"{safe_name(task)}.jsonl"

    def state(self, agent: str, task: str) -> PairState:
        """Read a pair's file (repairing a torn last line) into its finished samples and attempts."""
        state = PairState()
        for record in self.records(agent, task, repair=True):
            sample = str(record["sample_id"])
            if Outcome(record["outcome"]).scored:
                state.done.setdefault(sample, record)
            else:
                state.attempts[sample] = state.attempts.get(sample, 0) + 1
                state.last_error[sample] = record
        return state

    def records(self, agent: str, task: str, *, repair: bool = False) -> Iterator[dict[str, Any]]:
        """The records of a pair's file, in file order (a torn last line is skipped or cut off)."""
        path = self.path(agent, task)
        if not path.exists():
            return
        if repair:
            _cut_torn_tail(path)
        yield from _read_jsonl(path)

    def append(self, record: Mapping[str, Any]) -> None:
        """Append one record to its pair's file and flush it to the OS (one write per record)."""
        key = (str(record["agent"]), str(record["task"]))
        handle = self._handles.get(key)
        if handle is None:
            path = self.path(*key)
            path.parent.mkdir(parents=True, exist_ok=True)
            _cut_torn_tail(path)
            handle = self._handles[key] = open(path, "a", encoding="utf-8")  # kept open: one write per record
        # json.dumps escapes non-ASCII (lone surrogates too), so the line is valid UTF-8.
        handle.write(json.dumps(record, default=str) + "\n")
        handle.flush()

    def close(self) -> None:
        """Close the open files."""
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.endswith("\n"):
                return  # torn tail: the episode is run again
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(data, dict) and {"sample_id", "outcome", "agent", "task"} <= data.keys():
                yield data


def _cut_torn_tail(path: Path) -> None:
    """Truncate a file after its last newline (what a kill in the middle of a write leaves)."""
    if not path.exists():
        return
    with open(path, "rb+") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        # Walk back to the last newline in blocks.
        position = size
        while position > 0:
            start = max(0, position - 65536)
            handle.seek(start)
            block = handle.read(position - start)
            cut = block.rfind(b"\n")
            if cut >= 0:
                handle.truncate(start + cut + 1)
                return
            position = start
        handle.truncate(0)


def iter_run_records(root: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Every record of a run folder (all pairs), read-only."""
    for path in sorted(Path(root).rglob("*.jsonl")):
        yield from _read_jsonl(path)
