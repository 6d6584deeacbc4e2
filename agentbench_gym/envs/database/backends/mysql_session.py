"""One episode on MySQL/MariaDB: the agent's statements, errors as mysql.connector prints them, the hash."""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from agentbench_gym.envs.database.backends.base import FETCH_ROWS, render_rows, truncate
from agentbench_gym.envs.database.data import DBSample
from agentbench_gym.envs.database.scoring import GROUP_CONCAT_MAX_LEN
from agentbench_gym.errors import MissingExtra

if TYPE_CHECKING:
    from agentbench_gym.envs.database.backends.mysql import MySQLBackend

SELECT_LIMIT = 1000
"""Session ``sql_select_limit``: more rows could never change the 800 characters shown."""

# SQLSTATEs for the error numbers agents meet, so errors read as mysql.connector prints them.
_SQLSTATE = {1044: "42000", 1045: "28000", 1046: "3D000", 1049: "42000", 1050: "42S01", 1051: "42S02",
             1054: "42S22", 1062: "23000", 1064: "42000", 1109: "42S02", 1136: "21S01", 1142: "42000",
             1143: "42000", 1146: "42S02", 1227: "42000", 1242: "21000", 1248: "42000", 1264: "22003",
             1292: "22007", 1305: "42000", 1327: "42000", 1366: "22007", 1406: "22001", 1969: "70100",
             3024: "HY000"}


def quote(identifier: str) -> str:
    """A MySQL identifier in backticks."""
    return "`" + identifier.replace("`", "``") + "`"


def error_text(exc: BaseException) -> str:
    """An error as mysql.connector prints it: ``1054 (42S22): Unknown column ...``."""
    args = getattr(exc, "args", ())
    if len(args) >= 2 and isinstance(args[0], int):
        state = getattr(exc, "sqlstate", None) or _SQLSTATE.get(args[0], "HY000")
        return f"{args[0]} ({state}): {args[1]}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def pymysql_module() -> Any:
    try:
        import pymysql
        import pymysql.cursors
    except ImportError as exc:
        raise MissingExtra("db-mysql", "the DB env's mysql backend", exc) from exc
    return pymysql


def _abandon(cursor: Any) -> None:
    """Stop a streamed cursor of a dead connection from trying to read it again when collected."""
    result = getattr(cursor, "_result", None)
    if result is not None:
        result.unbuffered_active = False
    cursor.connection = None


class MySQLSession:
    """One episode: its database, the agent's connection, and the graded table's hash."""

    def __init__(self, backend: MySQLBackend, database: str, sample: DBSample, ready: Future):
        self._backend = backend
        self.database = database
        self._sample = sample
        self._ready = ready  # the database being built: its result is the set-up errors
        self._sa: Any = None  # the agent's SQLAlchemy connection, opened on first use
        self._conn: Any = None  # ... and its pymysql connection

    def driver_connection(self) -> Any:
        """The agent's pymysql connection (opened on first use; for tools and benchmarks)."""
        return self._agent()

    @property
    def setup_errors(self) -> tuple[str, ...]:
        """Errors met while building the tables (waits for the build)."""
        return self._ready.result()

    def _agent(self) -> Any:
        if self._conn is None:
            self._ready.result()  # the tables exist (or the build's error is raised) from here on
            self._sa = self._backend.agent_connection(self.database)
            self._conn = self._sa.connection.driver_connection
        return self._conn

    def _drop_agent(self, kill: bool) -> None:
        sa, conn, self._sa, self._conn = self._sa, self._conn, None, None
        if sa is None:
            return
        if kill:  # the server may still be running the statement (or streaming rows): stop it
            self._backend.kill(conn.thread_id())
            sa.invalidate()  # close the socket without reading what is left
        else:
            sa.close()

    def execute(self, sql: str) -> str:
        """Run one agent statement (the server refuses several); commit after it, as upstream."""
        pymysql = pymysql_module()
        conn = self._agent()
        cursor = conn.cursor(pymysql.cursors.SSCursor)  # streamed: only the rows shown are read
        try:
            cursor.execute(sql)  # no parameters, so '%' in the agent's SQL stays as written
            rows = list(cursor.fetchmany(FETCH_ROWS)) if cursor.description else []
            if len(rows) == FETCH_ROWS and len(cursor.fetchmany(SELECT_LIMIT)) == SELECT_LIMIT:
                # An explicit huge LIMIT: stop the server instead of reading every row.
                self._backend.kill(conn.thread_id(), query_only=True)
                try:
                    cursor.close()
                except pymysql.err.MySQLError:
                    pass  # "query execution was interrupted": expected
            cursor.close()
            conn.commit()
        except pymysql.err.MySQLError as exc:
            lost = bool(exc.args) and exc.args[0] in (2006, 2013, 2014, 2055)
            if lost:  # client-side timeout or broken link: stop the query, reconnect next time
                _abandon(cursor)
                self._drop_agent(kill=True)
            else:
                self._rollback()
            return truncate(error_text(exc))
        except Exception as exc:  # e.g. a lone surrogate the driver cannot encode
            self._rollback()
            return truncate(error_text(exc))
        return render_rows(rows)

    def _rollback(self) -> None:
        try:
            if self._conn is not None:
                self._conn.rollback()
        except Exception:
            self._drop_agent(kill=True)

    def table_hash(self) -> str:
        """Upstream's hash query, run on the server (group_concat_max_len as MySQL's 1024)."""
        target = self._sample.target
        cols = ",".join(quote(c) for c in target.heads)
        query = (f"select md5(group_concat(rowhash order by rowhash)) as hash from( SELECT "
                 f"substring(MD5(CONCAT_WS(',', {cols})), 1, 5) AS rowhash FROM {quote(target.name)}) as sub")
        try:
            conn = self._agent()
            with conn.cursor() as cur:
                cur.execute(f"SET SESSION group_concat_max_len = {GROUP_CONCAT_MAX_LEN}")
                cur.execute(query)
                rows = cur.fetchall()
            conn.commit()
        except Exception as exc:  # upstream compares whatever came back, error text included
            self._drop_agent(kill=True)
            return truncate(error_text(exc))
        return str([tuple(r) for r in rows])

    def close(self) -> None:
        """Close the agent's connection and drop the episode's database."""
        self._drop_agent(kill=False)
        if self.database:
            database, self.database = self.database, ""
            self._backend.drop(database)
