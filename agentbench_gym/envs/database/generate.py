"""Generate the built-in split: ``python -m agentbench_gym.envs.database.generate`` (seeded).

Each sample gets tables from ``domains.py``, a question or modification from a template, and
its gold SQL; the gold answer (queries) or gold table hash (modifications) is computed by
running that SQL on the SQLite backend. The SQL is portable (backtick identifiers, ANSI
functions), and a test checks every gold answer on MariaDB too.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np

from agentbench_gym.envs.database.backends.sqlite import SqliteBackend
from agentbench_gym.envs.database.data import builtin_sample
from agentbench_gym.envs.database.domains import DOMAINS, Domain, join_values, key_values, lookup_row, make_row

SPLITS = {"dev": (60, 20261125), "test": (300, 20261126)}
"""Split -> (size, seed)."""

QUERY_KINDS = ("other", "other-list", "counting", "comparison", "ranking", "aggregation-SUM",
               "aggregation-MIN", "aggregation-MAX", "aggregation-AVG", "group-by", "join")
ORDINALS = {1: "highest", 2: "second highest", 3: "third highest"}


def q(name: str) -> str:
    """A backtick-quoted identifier (MySQL and SQLite both accept it)."""
    return "`" + name.replace("`", "``") + "`"


def lit(value: object) -> str:
    """An SQL literal."""
    return str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"


def _half_up(x: Fraction, places: int) -> Fraction:
    scale = 10 ** places
    return Fraction(int(x * scale + Fraction(1, 2)), scale)


def _query(kind: str, d: Domain, rows: list[list], rng: np.random.Generator):
    """(type, description, sql) of a query, or None when this table does not suit it (ties...)."""
    col = {name: i for i, (name, _) in enumerate(d.columns)}
    T, K = q(d.table), q(d.key)
    r = rows[int(rng.integers(len(rows)))]
    n = d.numbers[int(rng.integers(len(d.numbers)))]
    cat = d.categories[int(rng.integers(len(d.categories)))]
    groups: dict[str, list[list]] = {}
    for row in rows:
        groups.setdefault(row[col[cat]], []).append(row)
    v = r[col[cat]]
    where = f"WHERE {q(cat)} = {lit(v)}"
    if kind == "other":
        c = d.columns[int(rng.integers(1, len(d.columns)))][0]
        return "other", f"What is the {c} of the {d.noun} {r[0]}?", \
            f"SELECT {q(c)} FROM {T} WHERE {K} = {lit(r[0])};"
    if kind == "other-list":
        if not 2 <= len(groups[v]) <= 6:
            return None
        return "other", f"Which {d.noun}s have {cat} {v}? Give their {d.key}.", \
            f"SELECT {K} FROM {T} {where};"
    if kind == "counting":
        t = r[col[n]]
        return "counting", f"How many {d.noun}s have a {n} greater than {t}?", \
            f"SELECT COUNT(*) FROM {T} WHERE {q(n)} > {t};"
    if kind == "comparison":
        other = rows[int(rng.integers(len(rows)))]
        if other[col[n]] == r[col[n]]:
            return None
        word, order = ("higher", "DESC") if rng.random() < 0.5 else ("lower", "ASC")
        return "comparison", f"Which {d.noun} has the {word} {n}: {r[0]} or {other[0]}?", \
            f"SELECT {K} FROM {T} WHERE {K} IN ({lit(r[0])}, {lit(other[0])}) ORDER BY {q(n)} {order} LIMIT 1;"
    if kind == "ranking":
        k = int(rng.integers(1, 4))
        values = sorted((row[col[n]] for row in rows), reverse=True)
        if len(set(values[: k + 1])) != k + 1:
            return None
        return "ranking", f"Which {d.noun} has the {ORDINALS[k]} {n}?", \
            f"SELECT {K} FROM {T} ORDER BY {q(n)} DESC LIMIT 1 OFFSET {k - 1};"
    if kind.startswith("aggregation-"):
        fn = kind.split("-")[1]
        words = {"SUM": "total", "MIN": "smallest", "MAX": "largest", "AVG": "average"}
        desc = f"What is the {words[fn]} {n} of the {d.noun}s with {cat} {v}"
        if fn != "AVG":
            return kind, desc + "?", f"SELECT {fn}({q(n)}) FROM {T} {where};"
        exact = Fraction(sum(row[col[n]] for row in groups[v]), len(groups[v]))
        # MySQL averages to 4 decimals, then rounds; SQLite rounds a double: avoid any tie.
        if _half_up(_half_up(exact, 4), 2) != _half_up(exact, 2) or (exact * 100) % 1 == Fraction(1, 2):
            return None
        return kind, desc + ", rounded to 2 decimal places?", f"SELECT ROUND(AVG({q(n)}), 2) FROM {T} {where};"
    if kind == "group-by":
        totals = sorted((sum(row[col[n]] for row in g), c) for c, g in groups.items())
        if len(totals) < 2 or totals[-1][0] == totals[-2][0]:
            return None
        return "group-by", f"Which {cat} has the largest total {n} over its {d.noun}s?", \
            f"SELECT {q(cat)} FROM {T} GROUP BY {q(cat)} ORDER BY SUM({q(n)}) DESC LIMIT 1;"
    assert kind == "join"
    L, J = q(d.lookup), q(d.join_col)
    lc = d.lookup_columns[int(rng.integers(1, len(d.lookup_columns)))][0]
    return "join", f"What is the {lc} of the {d.join_col.lower()} of the {d.noun} {r[0]}? " \
        f"(Look it up in the {d.lookup} table.)", \
        f"SELECT {L}.{q(lc)} FROM {T} JOIN {L} ON {T}.{J} = {L}.{J} WHERE {T}.{K} = {lit(r[0])};"


def _modification(kind: str, d: Domain, rows: list[list], rng: np.random.Generator, spare: str, jv: list):
    col = {name: i for i, (name, _) in enumerate(d.columns)}
    T, K = q(d.table), q(d.key)
    r = rows[int(rng.integers(len(rows)))]
    n = d.numbers[int(rng.integers(len(d.numbers)))]
    if kind == "INSERT":
        new = make_row(d, spare, rng, jv)
        said = ", ".join(f"{c} {v}" for (c, _), v in zip(d.columns, new, strict=True))
        cols = ", ".join(q(c) for c, _ in d.columns)
        return f"Add a new {d.noun} to the table with {said}.", \
            f"INSERT INTO {T} ({cols}) VALUES ({', '.join(lit(v) for v in new)});"
    if kind == "UPDATE":
        if rng.random() < 0.5:
            c, _ = d.columns[int(rng.integers(1, len(d.columns)))]
            value = make_row(d, spare, rng, jv)[col[c]]
            return f"Change the {c} of the {d.noun} {r[0]} to {value}.", \
                f"UPDATE {T} SET {q(c)} = {lit(value)} WHERE {K} = {lit(r[0])};"
        cat = d.categories[0]
        step = int(rng.integers(1, 10))
        return f"Increase the {n} of every {d.noun} whose {cat} is {r[col[cat]]} by {step}.", \
            f"UPDATE {T} SET {q(n)} = {q(n)} + {step} WHERE {q(cat)} = {lit(r[col[cat]])};"
    if rng.random() < 0.5:
        return f"Remove the {d.noun} {r[0]} from the table.", f"DELETE FROM {T} WHERE {K} = {lit(r[0])};"
    return f"Delete every {d.noun} whose {n} is less than {r[col[n]]}.", \
        f"DELETE FROM {T} WHERE {q(n)} < {r[col[n]]};"


def _tables(d: Domain, rng: np.random.Generator) -> tuple[list[list], list[list], str, list[str]]:
    size = int(rng.integers(12, 31))
    keys = key_values(d, rng, size + 1)
    jv = join_values(d, rng)
    rows = [make_row(d, k, rng, jv) for k in keys[:size]]
    return rows, [lookup_row(d, v, rng) for v in jv], keys[size], jv


def _table_json(name: str, columns, rows) -> dict:
    return {"name": name, "columns": [list(c) for c in columns], "rows": rows}


def generate(split: str) -> list[dict]:
    """The records of ``split``, deterministic for its seed."""
    size, seed = SPLITS[split]
    rng = np.random.default_rng(seed)
    plan = [*QUERY_KINDS * (size // 2 // len(QUERY_KINDS) + 1)][: size // 2]
    plan += [("INSERT", "UPDATE", "DELETE")[i % 3] for i in range(size - len(plan))]
    backend = SqliteBackend()
    records = []
    for i, kind in enumerate(plan):
        while True:
            d = DOMAINS[int(rng.integers(len(DOMAINS)))]
            rows, lookup, spare, jv = _tables(d, rng)
            tables = [_table_json(d.table, d.columns, rows)]
            if kind in QUERY_KINDS:
                made = _query(kind, d, rows, rng)
                if made is None:
                    continue
                sample_type, description, sql = made
                if kind == "join":
                    tables.append(_table_json(d.lookup, d.lookup_columns, lookup))
            else:
                sample_type = kind
                description, sql = _modification(kind, d, rows, rng, spare, jv)
            record = {"id": f"{split}-{i:03d}", "type": sample_type, "description": description,
                      "tables": tables, "gold_sql": sql}
            session = backend.open(builtin_sample(record, record["id"]))
            try:
                result = session.execute(sql)
                rows_out = session.driver_connection().execute(sql).fetchall() if kind in QUERY_KINDS else []
                if kind in QUERY_KINDS:
                    record["answer"] = [str(v) for row in rows_out for v in row]
                    if not record["answer"] or record["answer"] == ["None"]:
                        continue
                else:
                    record["answer_md5"] = session.table_hash()
            finally:
                session.close()
            if "answer_md5" in record and record["answer_md5"] == _initial_hash(backend, record):
                continue  # the statement changes nothing: doing nothing would score
            assert not result.startswith(("no such", "near")), (sql, result)
            records.append(record)
            break
    backend.close()
    return records


def _initial_hash(backend: SqliteBackend, record: dict) -> str:
    """The graded table's hash before any statement."""
    session = backend.open(builtin_sample(record, record["id"]))
    try:
        return session.table_hash()
    finally:
        session.close()


def main() -> None:
    """Write ``data/<split>.jsonl`` next to this module."""
    out = Path(__file__).with_name("data")
    for split in SPLITS:
        with open(out / f"{split}.jsonl", "w", encoding="utf-8") as handle:
            for record in generate(split):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
