"""Scoring as AgentBench's dbbench: answer normalisation, table hash, category accuracies."""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

MODIFY_TYPES = frozenset({"INSERT", "UPDATE", "DELETE"})
"""Sample types graded by the table state instead of the answer."""

QUERY_TYPES = ("other", "counting", "comparison", "ranking", "aggregation-SUM", "aggregation-MIN",
               "aggregation-MAX", "aggregation-AVG")
"""The query categories upstream reports (our built-in data adds ``group-by`` and ``join``)."""

MAIN_CATEGORIES = ("SELECT", "INSERT", "UPDATE")
"""AgentBench's ``overall_cat_accuracy`` is the mean accuracy over these three."""

GROUP_CONCAT_MAX_LEN = 1024
"""MySQL's default ``group_concat_max_len``; upstream's hash string is cut there (MariaDB: 1 MiB)."""


def _literal(text: str) -> Any:
    # Upstream runs eval() on the agent's answer; literal_eval accepts the same literals without
    # running code. eval() drops leading spaces and tabs, so do the same.
    return ast.literal_eval(text.lstrip(" \t"))


def _value(x: Any) -> Any:
    # One answer value, normalised: a number as a float, anything else as its stripped text.
    try:
        return float(x)
    except (ValueError, TypeError, OverflowError):
        return str(x).strip()


def answer_matches(answer: str, gold: Sequence[str], *, upstream_quirks: bool = False) -> bool:
    """Compare a final answer with the gold values as upstream's ``metrics`` does.

    The answer text is read as a Python literal and made a list, falling back to ``[answer]``.
    With one value on both sides they are compared as floats, else as strings; otherwise the two
    sets are compared.

    By default two upstream bugs are fixed: a bare string literal counts as one value (upstream's
    ``list(eval(ans))`` splits ``"17"`` into ``["1", "7"]``, so a one-character answer matched and a
    longer one never did), and in a set every value is normalised as the single values are (a
    number as a float, text stripped), so ``[1, 2]`` equals ``["1", "2"]``. ``upstream_quirks=True``
    reproduces upstream exactly.
    """
    try:
        value = _literal(answer)
        items = [value] if isinstance(value, str) and not upstream_quirks else list(value)
    except Exception:  # upstream: bare except -> the raw text as the only value
        items = [answer]
    if len(items) == 1 and len(gold) == 1:
        try:
            return float(items[0]) == float(gold[0])
        except (ValueError, TypeError, OverflowError):
            if upstream_quirks:
                return items[0] == gold[0]
            return str(items[0]).strip() == str(gold[0]).strip()
    try:
        if upstream_quirks:
            return set(items) == set(gold)
        return {_value(x) for x in items} == {_value(x) for x in gold}
    except TypeError:  # unhashable values (nested lists): upstream counts the sample wrong
        return False


def mysql_text(value: Any) -> str | None:
    """The string MySQL's ``CONCAT_WS`` sees for a stored value (None stays NULL)."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def table_hash(rows: Iterable[Sequence[Any]]) -> str:
    """Upstream's table hash, computed in Python, in upstream's stringified form.

    Upstream runs ``md5(group_concat(rowhash order by rowhash))`` over
    ``substring(MD5(CONCAT_WS(',', cols)), 1, 5)`` on the server and compares ``str(result)``,
    e.g. ``"[('09aa8fbf72f39362970f95a1276b957c',)]"``; an empty table gives ``"[(None,)]"``.
    """
    row_hashes = []
    for row in rows:
        joined = ",".join(t for t in (mysql_text(v) for v in row) if t is not None)
        row_hashes.append(hashlib.md5(joined.encode("utf-8")).hexdigest()[:5])
    if not row_hashes:
        return str([(None,)])
    concatenated = ",".join(sorted(row_hashes))[:GROUP_CONCAT_MAX_LEN]
    return str([(hashlib.md5(concatenated.encode("utf-8")).hexdigest(),)])


def category_of(sample_type: str, *, upstream_quirks: bool = False) -> tuple[str, ...]:
    """The accuracy categories a sample counts in (its own type and, for queries, SELECT).

    Upstream's code puts every type but INSERT and UPDATE in "SELECT", so a DELETE (which its
    data never has) would count as a query; by default DELETE is a modification of its own.
    """
    if sample_type in ("INSERT", "UPDATE"):
        return (sample_type,)
    if sample_type == "DELETE":
        return ("DELETE", "SELECT") if upstream_quirks else ("DELETE",)
    return (sample_type, "SELECT")


def category_accuracies(episodes: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Per-category accuracy (``<type>_accuracy``) and ``main`` = ``overall_cat_accuracy``.

    Each episode needs ``score`` and ``metrics["type"]``. ``main`` is upstream's mean of the
    SELECT, INSERT and UPDATE accuracies (plus DELETE where there are DELETE samples), over the
    categories present. Episodes played with ``upstream_quirks`` (``metrics["upstream_quirks"]``)
    get upstream's exact formula: DELETE inside SELECT and an absent category counted as 0.
    """
    quirks = bool(episodes) and all(e.get("metrics", {}).get("upstream_quirks") for e in episodes)
    totals: dict[str, list[float]] = {}
    for episode in episodes:
        sample_type = str(episode.get("metrics", {}).get("type", "other"))
        for category in category_of(sample_type, upstream_quirks=quirks):
            totals.setdefault(category, []).append(float(episode["score"]))
    out = {f"{c}_accuracy": sum(v) / len(v) for c, v in sorted(totals.items())}
    if quirks:
        main = sum(out.get(f"{c}_accuracy", 0.0) for c in MAIN_CATEGORIES) / len(MAIN_CATEGORIES)
    else:
        present = [out[f"{c}_accuracy"] for c in (*MAIN_CATEGORIES, "DELETE") if f"{c}_accuracy" in out]
        main = sum(present) / len(present) if present else 0.0
    out["overall_cat_accuracy"] = out["main"] = main
    return out
