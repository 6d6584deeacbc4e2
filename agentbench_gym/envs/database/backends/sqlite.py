"""The embedded backend: one in-memory SQLite database per episode, through SQLAlchemy."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from agentbench_gym.envs.database.backends.base import FETCH_ROWS, render_rows, truncate
from agentbench_gym.envs.database.data import DBSample, Table
from agentbench_gym.envs.database.prompts import SQLITE_DIALECT_HINT
from agentbench_gym.envs.database.scoring import table_hash

# Read-only schema pragmas an agent may use to look around (SQLite has no DESCRIBE/SHOW).
_ALLOWED_PRAGMAS = frozenset({"table_info", "table_xinfo", "index_list", "index_info", "table_list",
                              "foreign_key_list", "collation_list", "function_list"})
# Error starts that mean "this is not SQLite's dialect": the agent is told so (MySQL-isms).
_DIALECT_ERRORS = ("near ", "no such function", "unrecognized token", "incomplete input")
MAX_VALUE_BYTES = 10_000_000
"""Largest string or blob a statement may build (SQLite's default is 1 GB)."""


def quote(identifier: str) -> str:
    """An SQLite identifier in double quotes."""
    return '"' + identifier.replace('"', '""') + '"'


def column_type(sql_type: str) -> str:
    """Our column type on SQLite: TEXT compares case-insensitively, as MySQL's default collation."""
    return "TEXT COLLATE NOCASE" if sql_type.upper() == "TEXT" else sql_type


def _concat(*args: Any) -> str | None:
    # MySQL's CONCAT: NULL if any argument is NULL.
    return None if any(a is None for a in args) else "".join(str(a) for a in args)


# MySQL functions SQLite lacks, so that common agent SQL behaves as on MySQL (IF, LEFT and
# RIGHT cannot be added: they are keywords of SQLite's grammar).
MYSQL_FUNCTIONS = (("CONCAT", -1, _concat),)


def _authorize(action: int, arg1: str | None, *_: Any) -> int:
    # No files outside the episode: ATTACH/DETACH write or read other databases.
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() not in _ALLOWED_PRAGMAS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


class SqliteSession:
    """An episode's in-memory database; closing the connection discards it."""

    def __init__(self, connection: Any, sample: DBSample, statement_timeout: float):
        self._conn = connection  # a SQLAlchemy Connection (NullPool: a fresh :memory: database)
        self._raw: sqlite3.Connection = connection.connection.driver_connection
        self._sample = sample
        self._timeout = statement_timeout
        self._deadline = float("inf")
        self.setup_errors: tuple[str, ...] = ()
        self._build(sample.tables)
        raw = self._raw
        raw.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        for name, arity, fn in MYSQL_FUNCTIONS:
            raw.create_function(name, arity, fn, deterministic=True)
        raw.set_authorizer(_authorize)
        raw.set_progress_handler(self._past_deadline, 2000)

    def _build(self, tables: tuple[Table, ...]) -> None:
        cursor = self._raw.cursor()
        errors = []
        for table in tables:
            cols = ", ".join(f"{quote(n)} {column_type(t)}" for n, t in table.columns)
            try:
                cursor.execute(f"CREATE TABLE {quote(table.name)} ({cols})")
                marks = ", ".join("?" * len(table.columns))
                cursor.executemany(f"INSERT INTO {quote(table.name)} VALUES ({marks})", table.rows)
            except sqlite3.Error as exc:  # as upstream: the episode runs without the table
                errors.append(f"{table.name}: {exc}")
        self._raw.commit()
        self.setup_errors = tuple(errors)

    def _past_deadline(self) -> bool:
        return time.monotonic() > self._deadline

    def execute(self, sql: str) -> str:
        """Run one statement (the driver refuses several); commit as upstream does after each."""
        if sql.lstrip()[:6].upper() == "VACUUM":  # VACUUM INTO writes a file; nothing to vacuum anyway
            return "not authorized"
        cursor = self._raw.cursor()
        self._deadline = time.monotonic() + self._timeout
        try:
            cursor.execute(sql)
            rows = cursor.fetchmany(FETCH_ROWS) if cursor.description is not None else []
            self._raw.commit()
        except Exception as exc:  # the agent's SQL failed: the error text is the observation
            self._rollback()
            return truncate(self._error_text(exc))
        finally:
            self._deadline = float("inf")
            cursor.close()
        return render_rows(rows)

    def _rollback(self) -> None:
        try:
            self._raw.rollback()
        except sqlite3.Error:
            pass

    def _error_text(self, exc: Exception) -> str:
        text = str(exc) or type(exc).__name__
        if isinstance(exc, sqlite3.OperationalError) and text == "interrupted":
            return f"interrupted: the statement ran longer than the {self._timeout:g} s statement timeout"
        if isinstance(exc, UnicodeError):
            return f"{type(exc).__name__}: {text}"
        if text.startswith(_DIALECT_ERRORS) or "syntax error" in text:
            text += SQLITE_DIALECT_HINT
        return text

    def driver_connection(self) -> sqlite3.Connection:
        """The DBAPI connection the agent's statements run on (for tools and benchmarks)."""
        return self._raw

    def table_hash(self) -> str:
        """Hash the graded table in Python (same digest as upstream's MySQL query)."""
        target = self._sample.target
        cols = ", ".join(quote(n) for n in target.heads)
        self._deadline = time.monotonic() + self._timeout
        try:
            rows = self._raw.execute(f"SELECT {cols} FROM {quote(target.name)}").fetchall()
        except Exception as exc:  # e.g. the agent dropped the table: upstream compares the error
            return self._error_text(exc)
        finally:
            self._deadline = float("inf")
        return table_hash(rows)

    def close(self) -> None:
        """Discard the database."""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()


class SqliteBackend:
    """One SQLAlchemy engine per env; every ``open`` connects to a new in-memory database."""

    name = "sqlite"

    def __init__(self, *, statement_timeout: float = 10.0):
        """Build the engine (no database exists until ``open``)."""
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        # NullPool: each connect() is a brand-new ":memory:" database, dropped on close().
        # check_same_thread off: runners may reset an env in one thread and step it in another
        # (never both at once: an env is used by one thread at a time).
        self._engine = create_engine("sqlite://", poolclass=NullPool,
                                     connect_args={"check_same_thread": False})
        self.statement_timeout = statement_timeout

    def open(self, sample: DBSample) -> SqliteSession:
        """A fresh database holding the sample's tables."""
        connection = self._engine.connect()
        try:
            return SqliteSession(connection, sample, self.statement_timeout)
        except BaseException:
            connection.close()
            raise

    def close(self) -> None:
        """Dispose of the engine."""
        self._engine.dispose()
