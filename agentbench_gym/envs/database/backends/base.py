"""What every SQL backend provides, and the observation format shared by all of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from agentbench_gym.envs.database.data import DBSample
from agentbench_gym.envs.database.prompts import OUTPUT_LIMIT, TRUNCATION_MARK

FETCH_ROWS = 201
"""Rows fetched per statement: ``str()`` of any 200 rows is longer than the 800 characters
shown (each row prints as at least ``(x,), ``), so more rows could never change the observation."""


def truncate(text: str) -> str:
    """Upstream's cut: at most 800 characters, then ``[TRUNCATED]``."""
    return text if len(text) <= OUTPUT_LIMIT else text[:OUTPUT_LIMIT] + TRUNCATION_MARK


def render_rows(rows: Sequence[Sequence[Any]]) -> str:
    """``str()`` of the result as a list of tuples (what mysql.connector's ``fetchall`` prints)."""
    return truncate(str([tuple(row) for row in rows]))


class SqlSession(Protocol):
    """One episode's database."""

    setup_errors: tuple[str, ...]
    """Errors met while building the tables (upstream ignores them and runs the episode)."""

    def execute(self, sql: str) -> str:
        """Run one agent statement; return the observation (rows or the database's error text)."""
        ...

    def driver_connection(self) -> Any:
        """The DBAPI connection the agent's statements run on (for tools and benchmarks)."""
        ...

    def table_hash(self) -> str:
        """The graded table's hash in upstream's string form (or the error text)."""
        ...

    def close(self) -> None:
        """Drop the episode's database; idempotent."""
        ...


class SqlBackend(Protocol):
    """A database server (or library) that opens one isolated database per episode."""

    name: str

    def open(self, sample: DBSample) -> SqlSession:
        """Create the sample's tables in a fresh database and return the session."""
        ...

    def close(self) -> None:
        """Release the backend (connections, users, private servers); idempotent."""
        ...
