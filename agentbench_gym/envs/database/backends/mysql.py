"""The MySQL/MariaDB backend: a database per episode, an agent user confined to it, a sweeper."""

from __future__ import annotations

import itertools
import logging
import os
import queue
import re
import secrets
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from agentbench_gym.envs.database.backends.mysql_admin import cleanup, sweep
from agentbench_gym.envs.database.backends.mysql_session import (
    SELECT_LIMIT,
    MySQLSession,
    error_text,
    pymysql_module,
    quote,
)
from agentbench_gym.envs.database.data import DBSample
from agentbench_gym.envs.database.scoring import GROUP_CONCAT_MAX_LEN
from agentbench_gym.errors import BackendUnavailable, MissingExtra

logger = logging.getLogger(__name__)

URL_ENV = "AGENTBENCH_MYSQL_URL"
"""Environment variable holding the SQLAlchemy URL of the server (an admin account)."""

# The agent may change data and schema inside its own databases, nothing else (no FILE, no
# server-level privilege, no other database, no LOCK TABLES).
AGENT_PRIVILEGES = ("SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, "
                    "CREATE TEMPORARY TABLES, CREATE VIEW, SHOW VIEW")
_PREFIX_RE = re.compile(r"[a-z][a-z0-9]{0,15}")


def resolve_url(url: str | None) -> Any:
    """The server URL as a SQLAlchemy URL on pymysql.

    ``url`` if given (``"private"`` asks for a private server), else ``$AGENTBENCH_MYSQL_URL``,
    else a private MariaDB on tmpfs when ``mariadbd`` is installed.
    """
    from sqlalchemy.engine import make_url

    raw = url or os.environ.get(URL_ENV)
    if not raw or raw == "private":
        from agentbench_gym.envs.database.backends.private_server import mariadbd_path, shared_server

        if mariadbd_path() is None:
            raise BackendUnavailable(
                f"the DB env's mysql backend needs a server: pass mysql_url='mysql+pymysql://USER:PW@HOST:3306/'"
                f" or set {URL_ENV} (an account that may create databases and users), or install "
                f"mariadb-server so that a private server can be started")
        raw = shared_server().url
    return make_url(raw).set(drivername="mysql+pymysql")


class MySQLBackend:
    """Episodes in databases ``<prefix>_<token>_<n>`` on a MySQL/MariaDB server.

    At start it takes the named lock ``<prefix>_<token>``, sweeps stale databases and users
    of dead processes, and creates the agent user ``<prefix>_<token>`` with a random password,
    granted only databases matching ``<prefix>_<token>_%``. Each agent connection has a
    server-side statement timeout, ``sql_select_limit`` and MySQL's ``group_concat_max_len``.
    A worker thread with its own admin connection builds episode databases (first) and drops
    them (when idle).
    """

    name = "mysql"

    def __init__(self, *, url: str | None = None, statement_timeout: float = 10.0, prefix: str = "abg"):
        """Connect as admin (``url`` or ``$AGENTBENCH_MYSQL_URL``), sweep, create the agent user."""
        pymysql_module()  # MissingExtra before anything else
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        if not _PREFIX_RE.fullmatch(prefix):
            raise ValueError(f"prefix must be lowercase letters and digits, got {prefix!r}")
        self.prefix, self.statement_timeout = prefix, statement_timeout
        self.url = resolve_url(url)
        # ssl_disabled: PyMySQL would build an SSL context per connect (~70 ms); local server.
        args: dict[str, Any] = {"connect_timeout": 5, "charset": "utf8mb4"}
        if not any(key.startswith("ssl") for key in self.url.query):
            args["ssl_disabled"] = True
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
        self._finalizer = weakref.finalize(self, cleanup, self._admin, prefix, self.token, self.user)
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
        self._errors = pymysql_module().err
        # One worker thread, with its own admin connection, builds and drops databases.
        self._jobs: queue.PriorityQueue[tuple[int, int, Any, Future]] = queue.PriorityQueue()
        self._job_ids = itertools.count()
        self._drop_slots = threading.BoundedSemaphore(4)
        self._worker: threading.Thread | None = None

    def agent_connection(self, database: str) -> Any:
        """A new SQLAlchemy connection as the agent user, inside ``database``."""
        sa_conn = self._agent_engine.connect()
        sa_conn.connection.driver_connection.select_db(database)
        return sa_conn

    def open(self, sample: DBSample) -> MySQLSession:
        """Start building the episode's database and return its session at once.

        The database, tables and rows are made on the worker thread (10-60 ms on a disk-backed
        server), overlapping with the agent's first reply; the session waits for them before
        its first statement.
        """
        if not self._finalizer.alive:
            raise RuntimeError("DB mysql backend is closed")
        self._count += 1
        database = f"{self.prefix}_{self.token}_{self._count}"
        ready = self._submit(0, lambda conn: self._build(conn, database, sample))
        return MySQLSession(self, database, sample, ready)

    def _build(self, conn: Any, database: str, sample: DBSample) -> tuple[str, ...]:
        errors: list[str] = []
        try:
            with conn.cursor() as cur:
                cur.execute(f"CREATE DATABASE {quote(database)} CHARACTER SET utf8mb4")
                for table in sample.tables:
                    try:
                        self._create(cur, database, table)
                    except self._errors.MySQLError as exc:
                        if exc.args and isinstance(exc.args[0], int) and exc.args[0] >= 2000:
                            raise  # a client/connection error, not a bad table
                        # Upstream swallows a failed set-up (e.g. an empty column name) and
                        # runs the episode without the table; so do we, and say so in metrics.
                        errors.append(error_text(exc))
                        logger.warning("DB sample %s: table %r not created: %s", sample.id, table.name, exc)
            conn.commit()
        except BaseException:
            with conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS {quote(database)}")
            raise
        return tuple(errors)

    @staticmethod
    def _create(cur: Any, database: str, table: Any) -> None:
        name = f"{quote(database)}.{quote(table.name)}"
        cols = ", ".join(f"{quote(c)} {t}" for c, t in table.columns)
        cur.execute(f"CREATE TABLE {name} ({cols})")
        if table.rows:
            marks = ", ".join(["%s"] * len(table.columns))
            cur.executemany(f"INSERT INTO {name} VALUES ({marks})", table.rows)

    def drop(self, database: str) -> None:
        """Drop one episode database on the worker thread, after any pending build.

        At most four drops wait at a time (then this call blocks), so a slow server cannot
        pile up databases; ``close()`` waits for all, and the cleanup that follows drops by
        name pattern whatever may be left.
        """
        self._drop_slots.acquire()

        def job(conn: Any) -> None:
            try:
                with conn.cursor() as cur:
                    cur.execute(f"DROP DATABASE IF EXISTS {quote(database)}")
            finally:
                self._drop_slots.release()

        self._submit(1, job)

    def _submit(self, priority: int, job: Callable[[Any], Any] | None) -> Future:
        """Queue a job for the worker thread (builds before drops; FIFO within a priority)."""
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name=f"{self.user}-worker", daemon=True)
            self._worker.start()
        future: Future = Future()
        self._jobs.put((priority, next(self._job_ids), job, future))
        return future

    def _work(self) -> None:
        sa_conn = None
        while True:
            _, _, job, future = self._jobs.get()
            if job is None:
                break
            if not future.set_running_or_notify_cancel():
                continue
            try:
                if sa_conn is None:
                    sa_conn = self._admin_engine.connect()
                future.set_result(job(sa_conn.connection.driver_connection))
            except BaseException as exc:  # the session (or close()'s cleanup) deals with it
                future.set_exception(exc)
                if sa_conn is not None:
                    sa_conn.invalidate()
                sa_conn = None
        if sa_conn is not None:
            sa_conn.close()

    def kill(self, thread_id: int, *, query_only: bool = False) -> None:
        """Stop an agent connection (or only its running statement) on the server."""
        try:
            with self._admin.cursor() as cur:
                cur.execute(f"KILL {'QUERY ' if query_only else ''}{int(thread_id)}")
        except Exception:  # already gone
            pass

    def close(self) -> None:
        """Drop this backend's databases and user, release the lock, close connections."""
        if self._worker is not None:
            self._submit(2, None)  # after every pending build and drop
            self._worker.join(timeout=60)
            self._worker = None
        self._finalizer()  # runs cleanup once (also registered for interpreter exit)
        self._admin_sa.close()
        self._agent_engine.dispose()
        self._admin_engine.dispose()


def mysql_status() -> str | None:
    """None when the mysql backend can run here, else how to enable it (no service is started)."""
    try:
        pymysql_module()
    except MissingExtra as exc:
        return str(exc)
    from agentbench_gym.envs.database.backends.private_server import mariadbd_path

    if os.environ.get(URL_ENV) or mariadbd_path() is not None:
        return None  # a configured server, or a private one started on demand
    return f"set {URL_ENV} to a MySQL/MariaDB server's URL, or apt-get install mariadb-server"
