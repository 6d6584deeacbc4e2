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


def answer_matches(answer: str, gold: Sequence[str]) -> bool:
    """Compare a final answer with the gold values as upstream's ``metrics`` does.

    The answer text is read as a Python literal and turned into a list (a string literal becomes
    its characters, as ``list(eval(ans))`` does upstream), falling back to ``[answer]``. With one
    value on both sides the values are compared as floats, else as strings; otherwise the two
    sets are compared.
    """
    try:
        items = list(_literal(answer))
    except Exception:  # upstream: bare except -> the raw text as the only value
        items = [answer]
    if len(items) == 1 and len(gold) == 1:
        try:
            return float(items[0]) == float(gold[0])
        except (ValueError, TypeError, OverflowError):
            return items[0] == gold[0]
    try:
        return set(items) == set(gold)
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


def category_of(sample_type: str) -> tuple[str, ...]:
    """The accuracy categories a sample counts in (its own type and, for queries, SELECT).

    As upstream's code, "SELECT" is every type but INSERT and UPDATE (so DELETE, which upstream
    data never has, lands there too).
    """
    if sample_type in ("INSERT", "UPDATE"):
        return (sample_type,)
    if sample_type == "DELETE":
        return ("DELETE", "SELECT")
    return (sample_type, "SELECT")


def category_accuracies(episodes: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Per-category accuracy (``<type>_accuracy``) and ``main`` = ``overall_cat_accuracy``.

    Each episode needs ``score`` and ``metrics["type"]``. Upstream gives an absent category an
    accuracy of 0 inside the mean; we average over the categories present (identical on full
    splits, fairer on subsets).
    """
    totals: dict[str, list[float]] = {}
    for episode in episodes:
        sample_type = str(episode.get("metrics", {}).get("type", "other"))
        for category in category_of(sample_type):
            totals.setdefault(category, []).append(float(episode["score"]))
    out = {f"{c}_accuracy": sum(v) / len(v) for c, v in sorted(totals.items())}
    present = [out[f"{c}_accuracy"] for c in MAIN_CATEGORIES if f"{c}_accuracy" in out]
    out["overall_cat_accuracy"] = sum(present) / len(present) if present else 0.0
    out["main"] = out["overall_cat_accuracy"]
    return out
