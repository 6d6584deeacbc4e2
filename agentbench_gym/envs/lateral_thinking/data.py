"""LTP samples: our built-in puzzles (JSONL with a structured answer key) and AgentBench's xlsx."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentbench_gym.data import builtin_file, read_jsonl
from agentbench_gym.errors import DataFormatError, MissingExtra

_PACKAGE = "agentbench_gym.envs.lateral_thinking"
VERDICTS = ("yes", "no", "irrelevant")


@dataclass(frozen=True)
class KeyPoint:
    """One key point of the truth: its text, other ways to say it, and the oracle's question."""

    text: str
    paraphrases: tuple[str, ...] = ()
    ask: str = ""


@dataclass(frozen=True)
class Fact:
    """A statement about the hidden story with its truth value (the offline judge's answer key)."""

    text: str
    truth: bool
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Probe:
    """A labelled question (gold answer, gold key-point index or None) to measure a judge."""

    question: str
    answer: str
    key: int | None = None


@dataclass(frozen=True)
class Puzzle:
    """One lateral-thinking puzzle.

    Attributes:
        id: sample id (``dev-00`` for built-in puzzles, the 0-based row for upstream xlsx).
        story: the surface story shown to the agent.
        truth: the hidden truth, shown only to the host.
        story_keys: key points of the story (questions that restate them are refused).
        answer_key_lines: the truth's key-point lines as the host sees them; blank lines kept,
            because AgentBench counts them as hints (see ``upstream_bugs``).
        key_points: the key points to uncover (numbering stripped, blanks dropped).
        facts: the structured answer key of built-in puzzles (empty for upstream puzzles).
        probes: labelled questions for measuring judges (built-in puzzles only).
        language: ``"en"`` or ``"zh"``.
    """

    id: str
    story: str
    truth: str
    story_keys: tuple[str, ...]
    answer_key_lines: tuple[str, ...]
    key_points: tuple[KeyPoint, ...]
    facts: tuple[Fact, ...] = ()
    probes: tuple[Probe, ...] = field(default=(), repr=False)
    language: str = "en"
    title: str = ""

    @property
    def structured(self) -> bool:
        """True when the puzzle has the structured answer key the offline judge needs."""
        return bool(self.facts)


_NUMBERING = re.compile(r"^\s*(?:\d{1,2}[.、)]|[-•*])\s*")


def strip_numbering(line: str) -> str:
    """'1. text' / '- text' -> 'text' (what AgentBench compares, minus its index-error risk)."""
    return _NUMBERING.sub("", line, count=1).strip()


def _texts(record: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = record.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataFormatError(f"{where}: {key!r} must be a list of strings")
    return tuple(value)


def puzzle_from_record(record: Mapping[str, Any], where: str) -> Puzzle:
    """Build a built-in ``Puzzle`` from one JSONL record; ``where`` names it in errors."""
    try:
        key_points = tuple(KeyPoint(k["text"], tuple(k.get("paraphrases", ())), k.get("ask", ""))
                           for k in record["key_points"])
        facts = tuple(Fact(f["text"], bool(f["truth"]), tuple(f.get("variants", ()))) for f in record["facts"])
        probes = tuple(Probe(p["q"], p["a"], p.get("key")) for p in record.get("probes", ()))
        story, truth, sample_id = record["story"], record["truth"], str(record["id"])
    except (KeyError, TypeError) as exc:
        raise DataFormatError(f"{where}: missing or malformed field ({exc!r})") from exc
    if not key_points:
        raise DataFormatError(f"{where}: a puzzle needs at least one key point")
    for probe in probes:
        if probe.answer not in VERDICTS or not (probe.key is None or 0 <= probe.key < len(key_points)):
            raise DataFormatError(f"{where}: bad probe {probe}")
    return Puzzle(
        id=sample_id, story=story, truth=truth, story_keys=_texts(record, "story_keys", where),
        answer_key_lines=tuple(f"{i}. {k.text}" for i, k in enumerate(key_points, 1)),
        key_points=key_points, facts=facts, probes=probes,
        language=record.get("language", "en"), title=record.get("title", ""),
    )


def load_builtin(split: str) -> list[Puzzle]:
    """Our puzzles of a built-in split (``dev`` or ``test``)."""
    path = builtin_file(_PACKAGE, f"{split}.jsonl")
    return [puzzle_from_record(r, f"{path}:{i}") for i, r in enumerate(read_jsonl(path), 1)]


# ------------------------------------------------------------------------ upstream (xlsx)
# AgentBench's file per split; "test" is the paper's name for the std split.
_UPSTREAM_FILES = {"dev": "dev.xlsx", "test": "standard.xlsx", "std": "standard.xlsx", "standard": "standard.xlsx"}


def upstream_path(data_dir: str | Path, split: str) -> tuple[Path, str]:
    """Locate the xlsx for ``split`` under ``data_dir`` and return it with its language.

    ``data_dir`` may be AgentBench's ``data`` folder, its ``lateralthinkingpuzzle[_zh]``
    folder, or an xlsx file. A ``-zh`` suffix on the split (``dev-zh``) picks the Chinese set.
    """
    root = Path(data_dir)
    lang = "zh" if split.endswith(("-zh", "_zh")) else "en"
    name = _UPSTREAM_FILES.get(split.removesuffix("-zh").removesuffix("_zh"))
    if root.is_file():
        return root, ("zh" if "_zh" in str(root.parent.name) else lang)
    if name is None:
        raise ValueError(f"LTP: unknown upstream split {split!r}; use dev, test (std) or their -zh forms")
    folder = "lateralthinkingpuzzle_zh" if lang == "zh" else "lateralthinkingpuzzle"
    for candidate in (root / folder / name, root / "ltp" / folder / name, root / name):
        if candidate.is_file():
            in_zh = candidate.parent.name.endswith("_zh")
            return candidate, ("zh" if in_zh or lang == "zh" else "en")
    raise FileNotFoundError(f"LTP: no {folder}/{name} under {root}")


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def puzzles_from_rows(rows: Iterable[tuple[Any, ...]], where: str, language: str) -> list[Puzzle]:
    """Build puzzles from xlsx rows (header excluded), columns by position as AgentBench reads them."""
    puzzles = []
    for index, row in enumerate(rows):
        cells = [_cell(v) for v in row[:4]]
        if not any(c.strip() for c in cells):
            continue  # trailing empty rows of a spreadsheet
        if len(cells) < 4 or not all(c.strip() for c in cells):
            raise DataFormatError(f"{where}: row {index + 2} needs story, answer, story keys and answer keys")
        story, truth, story_key, answer_key = (c.strip() for c in cells)
        lines = tuple(answer_key.split("\n"))
        points = tuple(KeyPoint(strip_numbering(line)) for line in lines if strip_numbering(line))
        puzzles.append(Puzzle(
            id=str(index), story=story, truth=truth,
            story_keys=tuple(s for s in (strip_numbering(x) for x in story_key.split("\n")) if s),
            answer_key_lines=lines, key_points=points, language=language,
        ))
    return puzzles


def load_upstream(data_dir: str | Path, split: str) -> list[Puzzle]:
    """AgentBench's LTP puzzles from its xlsx (first sheet, header row skipped), via openpyxl."""
    path, language = upstream_path(data_dir, split)
    try:
        import openpyxl
    except ImportError as exc:
        raise MissingExtra("ltp", "reading AgentBench's LTP xlsx files", exc) from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a broken file
        raise DataFormatError(f"{path}: not a readable xlsx file ({exc})") from exc
    try:
        rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    finally:
        book.close()
    return puzzles_from_rows(rows, str(path), language)
