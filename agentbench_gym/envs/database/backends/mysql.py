"""The MySQL/MariaDB backend: a database per episode, an agent user confined to it, a sweeper."""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import weakref
from typing import Any

from agentbench_gym.envs.database.backends.base import FETCH_ROWS, render_rows, truncate
from agentbench_gym.envs.database.data import DBSample
from agentbench_gym.envs.database.scoring import GROUP_CONCAT_MAX_LEN
from agentbench_gym.errors import BackendUnavailable, MissingExtra

logger = logging.getLogger(__name__)

URL_ENV = "AGENTBENCH_MYSQL_URL"
"""Environment variable holding the SQLAlchemy URL of the server (an admin account)."""

SELECT_LIMIT = 1000
"""Session ``sql_select_limit``: more rows could never change the 800 characters shown."""

# The agent may change data and schema inside its own databases, nothing else (no FILE, no
# server-level privilege, no other database, no LOCK TABLES).
AGENT_PRIVILEGES = ("SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, "
                    "CREATE TEMPORARY TABLES, CREATE VIEW, SHOW VIEW")
# SQLSTATEs for the error numbers agents meet, so errors read as mysql.connector prints them.
_SQLSTATE = {1044: "42000", 1045: "28000", 1046: "3D000", 1049: "42000", 1050: "42S01", 1051: "42S02",
             1054: "42S22", 1062: "23000", 1064: "42000", 1109: "42S02", 1136: "21S01", 1142: "42000",
             1143: "42000", 1146: "42S02", 1227: "42000", 1242: "21000", 1248: "42000", 1264: "22003",
             1292: "22007", 1305: "42000", 1327: "42000", 1366: "22007", 1406: "22001", 1969: "70100",
             3024: "HY000"}
_PREFIX_RE = re.compile(r"[a-z][a-z0-9]{0,15}")


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


def _pymysql() -> Any:
    try:
        import pymysql
        import pymysql.cursors
    except ImportError as exc:
        raise MissingExtra("db-mysql", "the DB env's mysql backend", exc) from exc
    return pymysql


def resolve_url(url: str | None) -> Any:
    """The server URL (kwarg, else ``$AGENTBENCH_MYSQL_URL``) as a SQLAlchemy URL on pymysql."""
    from sqlalchemy.engine import make_url

    raw = url or os.environ.get(URL_ENV)
    if not raw:
        raise BackendUnavailable(
            f"the DB env's mysql backend needs a server: pass mysql_url='mysql+pymysql://USER:PW@HOST:3306/' "
            f"or set {URL_ENV} (an account that may create databases and users)")
    return make_url(raw).set(drivername="mysql+pymysql")


def sweep(conn: Any, prefix: str) -> list[str]:
    """Drop databases and users named ``<prefix>_<token>...`` whose owner process is gone.

    A live backend holds the named lock ``<prefix>_<token>`` on its admin connection; the
    server frees it when that connection dies, so a free lock marks a stale episode.
    """
    dropped = []
    with conn.cursor() as cur:
        cur.execute("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE %s",
                    (prefix + r"\_%",))
        names = [r[0] for r in cur.fetchall()]
        try:
            cur.execute("SELECT User, Host FROM mysql.user WHERE User LIKE %s", (prefix + r"\_%",))
            users = list(cur.fetchall())
        except Exception:  # no right to read mysql.user: leave users alone
            users = []
        for name, host in [(n, None) for n in names] + users:
            token = name.split("_")[1] if name.count("_") >= 1 else ""
            cur.execute("SELECT IS_USED_LOCK(%s)", (f"{prefix}_{token}",))
            if cur.fetchone()[0] is not None:
                continue
            if host is None:
                cur.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            else:
                cur.execute("DROP USER IF EXISTS %s@%s", (name, host))
            dropped.append(name)
    conn.commit()
    return dropped


def _abandon(cursor: Any) -> None:
    """Stop a streamed cursor of a dead connection from trying to read it again when collected."""
    result = getattr(cursor, "_result", None)
    if result is not None:
        result.unbuffered_active = False
    cursor.connection = None


class MySQLSession:
    """One episode: its database, the agent's connection, and the graded table's hash."""

    def __init__(self, backend: MySQLBackend, database: str, sample: DBSample):
        self._backend = backend
        self.database = database
        self._sample = sample
        self.setup_errors: tuple[str, ...] = ()
        self._sa: Any = None  # the agent's SQLAlchemy connection, opened on first use
        self._conn: Any = None  # ... and its pymysql connection

    def _agent(self) -> Any:
        if self._conn is None:
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
        pymysql = _pymysql()
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


def _cleanup(admin: Any, prefix: str, token: str, user: str) -> None:
    """Drop every database and the user of one backend (also run at interpreter exit)."""
    try:
        with admin.cursor() as cur:
            cur.execute("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE %s",
                        (f"{prefix}\\_{token}\\_%",))
            for (name,) in cur.fetchall():
                cur.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            cur.execute("DROP USER IF EXISTS %s@'%%'", (user,))
            cur.execute("SELECT RELEASE_LOCK(%s)", (f"{prefix}_{token}",))
        admin.commit()
    except Exception as exc:  # server gone: the sweeper of the next run drops what is left
        logger.warning("DB mysql backend: cleanup of %s_%s failed (%s)", prefix, token, exc)


class MySQLBackend:
    """Episodes in databases ``<prefix>_<token>_<n>`` on a MySQL/MariaDB server.

    At start it takes the named lock ``<prefix>_<token>``, sweeps stale databases and users
    of dead processes, and creates the agent user ``<prefix>_<token>`` with a random password,
    granted only databases matching ``<prefix>_<token>_%``. Each agent connection has a
    server-side statement timeout, ``sql_select_limit`` and MySQL's ``group_concat_max_len``.
    """

    name = "mysql"

    def __init__(self, *, url: str | None = None, statement_timeout: float = 10.0, prefix: str = "abg"):
        """Connect as admin (``url`` or ``$AGENTBENCH_MYSQL_URL``), sweep, create the agent user."""
        _pymysql()  # MissingExtra before anything else
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        if not _PREFIX_RE.fullmatch(prefix):
            raise ValueError(f"prefix must be lowercase letters and digits, got {prefix!r}")
        self.prefix, self.statement_timeout = prefix, statement_timeout
        self.url = resolve_url(url)
        # ssl_disabled: PyMySQL would build an SSL context per connect (~70 ms); local server.
        args = {"ssl_disabled": True, "connect_timeout": 5, "charset": "utf8mb4"}
        self._admin_engine = create_engine(self.url, poolclass=NullPool, connect_args=args)
        try:
            self._admin_sa = self._admin_engine.connect()
        except Exception as exc:
            raise BackendUnavailable(f"DB mysql backend: cannot connect to "
                                     f"{self.url.render_as_string(hide_password=True)}: {exc}") from exc
        self._admin = self._admin_sa.connection.driver_connection
        self.token = secrets.token_hex(6)
        self.user = f"{prefix}_{self.token}"
        password = secrets.token_hex(16)
        # From here on, the finalizer undoes everything (also if this constructor fails).
        self._finalizer = weakref.finalize(self, _cleanup, self._admin, prefix, self.token, self.user)
        try:
            with self._admin.cursor() as cur:
                cur.execute("SELECT GET_LOCK(%s, 0), VERSION()", (self.user,))
                _, version = cur.fetchone()
                self.mariadb = "mariadb" in str(version).lower()
                self.swept = sweep(self._admin, prefix)
                cur.execute("CREATE USER %s@'%%' IDENTIFIED BY %s", (self.user, password))
                pattern = quote(f"{prefix}\\_{self.token}\\_%").replace("%", "%%")
                cur.execute(f"GRANT {AGENT_PRIVILEGES} ON {pattern}.* TO %s@'%%'", (self.user,))
            self._admin.commit()
        except Exception as exc:
            self._finalizer()
            self._admin_sa.close()
            raise BackendUnavailable(f"DB mysql backend: cannot set up the agent user "
                                     f"(the URL's account needs CREATE USER and GRANT OPTION): {exc}") from exc
        timeout_var = (f"max_statement_time = {statement_timeout:g}" if self.mariadb
                       else f"max_execution_time = {int(statement_timeout * 1000)}")
        agent_args = {**args, "read_timeout": statement_timeout + 1, "write_timeout": statement_timeout + 1,
                      "init_command": f"SET SESSION {timeout_var}, sql_select_limit = {SELECT_LIMIT}, "
                                      f"group_concat_max_len = {GROUP_CONCAT_MAX_LEN}"}
        agent_url = self.url.set(username=self.user, password=password, database=None)
        self._agent_engine = create_engine(agent_url, poolclass=NullPool, connect_args=agent_args)
        self._count = 0
        self._errors = _pymysql().err

    def agent_connection(self, database: str) -> Any:
        """A new SQLAlchemy connection as the agent user, inside ``database``."""
        sa_conn = self._agent_engine.connect()
        sa_conn.connection.driver_connection.select_db(database)
        return sa_conn

    def open(self, sample: DBSample) -> MySQLSession:
        """Create the episode's database and tables (as admin) and return its session."""
        if not self._finalizer.alive:
            raise RuntimeError("DB mysql backend is closed")
        self._count += 1
        database = f"{self.prefix}_{self.token}_{self._count}"
        errors: list[str] = []
        try:
            with self._admin.cursor() as cur:
                cur.execute(f"CREATE DATABASE {quote(database)} CHARACTER SET utf8mb4")
                for table in sample.tables:
                    try:
                        self._create(cur, database, table)
                    except self._errors.MySQLError as exc:
                        if exc.args and isinstance(exc.args[0], int) and exc.args[0] >= 2000:
                            raise  # a client/connection error, not a bad table
                        # Upstream swallows a failed set-up (e.g. an empty column name) and
                        # runs the episode without the table; so do we, and say so in info.
                        errors.append(error_text(exc))
                        logger.warning("DB sample %s: table %r not created: %s", sample.id, table.name, exc)
            self._admin.commit()
        except BaseException:
            self.drop(database)
            raise
        session = MySQLSession(self, database, sample)
        session.setup_errors = tuple(errors)
        return session

    @staticmethod
    def _create(cur: Any, database: str, table: Any) -> None:
        name = f"{quote(database)}.{quote(table.name)}"
        cols = ", ".join(f"{quote(c)} {t}" for c, t in table.columns)
        cur.execute(f"CREATE TABLE {name} ({cols})")
        if table.rows:
            marks = ", ".join(["%s"] * len(table.columns))
            cur.executemany(f"INSERT INTO {name} VALUES ({marks})", table.rows)

    def drop(self, database: str) -> None:
        """Drop one episode database."""
        with self._admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {quote(database)}")
        self._admin.commit()

    def kill(self, thread_id: int, *, query_only: bool = False) -> None:
        """Stop an agent connection (or only its running statement) on the server."""
        try:
            with self._admin.cursor() as cur:
                cur.execute(f"KILL {'QUERY ' if query_only else ''}{int(thread_id)}")
        except Exception:  # already gone
            pass

    def close(self) -> None:
        """Drop this backend's databases and user, release the lock, close connections."""
        self._finalizer()  # runs _cleanup once (also registered for interpreter exit)
        self._admin_sa.close()
        self._agent_engine.dispose()
        self._admin_engine.dispose()


def mysql_status() -> str | None:
    """None when the mysql backend can run here, else how to enable it (no service is started)."""
    try:
        _pymysql()
    except MissingExtra as exc:
        return str(exc)
    if os.environ.get(URL_ENV):
        return None
    if shutil.which("mariadbd") or shutil.which("mysqld"):
        return f"set {URL_ENV} to the server's URL (e.g. mysql+pymysql://root@127.0.0.1:3306/)"
    return f"install a MySQL/MariaDB server (apt-get install mariadb-server) and set {URL_ENV}"
