"""DB samples: the built-in split (our JSONL) and AgentBench's dbbench files from ``data_dir``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentbench_gym.data import builtin_file, read_json, read_jsonl
from agentbench_gym.envs.database.prompts import add_description
from agentbench_gym.envs.database.scoring import MODIFY_TYPES
from agentbench_gym.errors import DataFormatError

Cell = str | int | float | None


@dataclass(frozen=True, slots=True)
class Table:
    """A table to create at reset: name, ``(column, SQL type)`` pairs and rows."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[Cell, ...], ...]

    @property
    def heads(self) -> list[str]:
        """The column names."""
        return [name for name, _ in self.columns]


@dataclass(frozen=True, slots=True)
class DBSample:
    """One DB task sample.

    Attributes:
        id: sample id (the line index for upstream files).
        type: upstream's ``type[0]``: INSERT/UPDATE/DELETE, or a query category.
        description: the question or instruction.
        add_description: the sentence naming the table(s) and headers.
        tables: the tables to build; the first is the one whose state is graded.
        gold_sql: the reference SQL (upstream ``label`` for modifications, ``sql.query`` else).
        answer: the gold answer values of a query (empty for modifications).
        answer_md5: the expected table hash of a modification, in upstream's string form.
        source: where the sample comes from (``builtin`` or upstream's dataset name).
        upstream: True for AgentBench data, whose SQL was written for MySQL.
    """

    id: str
    type: str
    description: str
    add_description: str
    tables: tuple[Table, ...]
    gold_sql: str
    answer: tuple[str, ...] = ()
    answer_md5: str | None = None
    source: str = "builtin"
    upstream: bool = False

    @property
    def modifies(self) -> bool:
        """True for INSERT/UPDATE/DELETE samples, graded by the table hash."""
        return self.type in MODIFY_TYPES

    @property
    def target(self) -> Table:
        """The table whose final state is hashed."""
        return self.tables[0]

    @property
    def prompt(self) -> str:
        """The task message: ``description + "\\n" + add_description`` as upstream."""
        return self.description + "\n" + self.add_description


def _need(record: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = record.get(key)
    if not isinstance(value, kind):
        raise DataFormatError(f"{where}: field {key!r} missing or not {kind}")
    return value


def _rows(raw: Any, width: int, where: str) -> tuple[tuple[Cell, ...], ...]:
    if not isinstance(raw, list):
        raise DataFormatError(f"{where}: rows must be a list")
    rows = []
    for i, row in enumerate(raw):
        if not isinstance(row, list) or len(row) != width:
            raise DataFormatError(f"{where}: row {i} must be a list of {width} cells")
        if not all(c is None or isinstance(c, str | int | float) for c in row):
            raise DataFormatError(f"{where}: row {i} has a cell that is not a string or number")
        rows.append(tuple(row))
    return tuple(rows)


def upstream_sample(record: Mapping[str, Any], index: int, where: str) -> DBSample:
    """Convert one AgentBench dbbench record (see shared/data/agentbench/db/SOURCE.md)."""
    kind = _need(record, "type", list, where)
    if not kind or not isinstance(kind[0], str):
        raise DataFormatError(f"{where}: 'type' must be a list holding one string")
    table = _need(record, "table", dict, where)
    name = _need(table, "table_name", str, where)
    info = _need(table, "table_info", dict, where)
    columns = _need(info, "columns", list, where)
    if not columns or not all(isinstance(c, dict) and isinstance(c.get("name"), str) for c in columns):
        raise DataFormatError(f"{where}: table_info.columns must be objects with a 'name'")
    # Upstream creates every column as TEXT, whatever the declared type says.
    cols = tuple((c["name"], "TEXT") for c in columns)
    label = _need(record, "label", list, where)
    modifies = kind[0] in MODIFY_TYPES
    if modifies:
        answer_md5 = _need(record, "answer_md5", str, where)
        gold_sql = str(label[0]) if label else ""
        answer: tuple[str, ...] = ()
    else:
        answer_md5 = None
        sql = record.get("sql")
        gold_sql = str(sql.get("query", "")) if isinstance(sql, dict) else ""
        answer = tuple(str(v) for v in label)
    return DBSample(
        id=str(index), type=kind[0], description=_need(record, "description", str, where),
        add_description=_need(record, "add_description", str, where),
        tables=(Table(name, cols, _rows(info.get("rows"), len(cols), where)),),
        gold_sql=gold_sql, answer=answer, answer_md5=answer_md5,
        source=str(record.get("source", "agentbench")), upstream=True,
    )


UPSTREAM_FILES = {"dev": "dev.jsonl", "std": "standard.jsonl", "standard": "standard.jsonl",
                  "test": "standard.jsonl"}
"""Split name -> file in AgentBench's ``data/dbbench`` folder (``dbbench-dev`` / ``dbbench-std``)."""


def load_upstream(data_dir: str | Path, split: str = "dev") -> list[DBSample]:
    """Load ``data_dir/<file of split>`` (JSON Lines or a JSON list), or ``data_dir`` if a file."""
    path = Path(data_dir)
    if path.is_dir():
        path = path / UPSTREAM_FILES.get(split, f"{split}.jsonl")
        if not path.exists() and path.with_suffix(".json").exists():
            path = path.with_suffix(".json")
    if not path.exists():
        raise FileNotFoundError(f"DB: no dbbench data file at {path}")
    if path.suffix == ".json":
        records = read_json(path)
        if not isinstance(records, list):
            raise DataFormatError(f"{path}: expected a JSON list of records")
    else:
        records = list(read_jsonl(path))
    out = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            raise DataFormatError(f"{path}: record {i} is not an object")
        out.append(upstream_sample(record, i, f"{path}: record {i}"))
    return out


def builtin_sample(record: Mapping[str, Any], where: str) -> DBSample:
    """Convert one record of our built-in JSONL (written by ``generate.py``)."""
    tables = []
    for t in _need(record, "tables", list, where):
        cols = tuple((str(n), str(k)) for n, k in _need(t, "columns", list, where))
        tables.append(Table(_need(t, "name", str, where), cols, _rows(t.get("rows"), len(cols), where)))
    return DBSample(
        id=_need(record, "id", str, where), type=_need(record, "type", str, where),
        description=_need(record, "description", str, where),
        add_description=add_description([(t.name, t.heads) for t in tables]),
        tables=tuple(tables), gold_sql=_need(record, "gold_sql", str, where),
        answer=tuple(str(v) for v in record.get("answer", [])), answer_md5=record.get("answer_md5"),
    )


def load_builtin(split: str) -> list[DBSample]:
    """Load the built-in split ``split`` (``dev`` or ``test``)."""
    path = builtin_file("agentbench_gym.envs.database", f"{split}.jsonl")
    return [builtin_sample(r, f"{path}: record {i}") for i, r in enumerate(read_jsonl(path))]


def load_samples(split: str, data_dir: str | Path | None) -> Sequence[DBSample]:
    """Built-in ``split`` when ``data_dir`` is None, else AgentBench's files under ``data_dir``."""
    return load_builtin(split) if data_dir is None else load_upstream(data_dir, split)
