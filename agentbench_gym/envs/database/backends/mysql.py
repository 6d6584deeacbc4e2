"""The MySQL/MariaDB backend: a database per episode, an agent user confined to it, a sweeper."""

from __future__ import annotations

import logging
import os
import queue
import re
import secrets
import threading
import weakref
from typing import Any

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
            # Only names this module makes (<prefix>_<12 hex>[_<n>]): never a user's own "abg_data".
            match = re.fullmatch(rf"{prefix}_([0-9a-f]{{12}})" + ("" if host else r"_\d+"), name)
            if match is None:
                continue
            token = match.group(1)
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
        self._errors = pymysql_module().err
        # Bounded: when drops fall behind, reset waits instead of piling up databases.
        self._drops: queue.Queue[str | None] = queue.Queue(maxsize=4)
        self._dropper: threading.Thread | None = None

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
        """Drop one episode database, in the background (DROP costs 10-60 ms of file unlinks).

        The dropper thread has its own connection; ``close()`` waits for it, and the
        cleanup that follows drops by name pattern whatever it may have missed.
        """
        if self._dropper is None:
            self._dropper = threading.Thread(target=self._drop_loop, name=f"{self.user}-dropper", daemon=True)
            self._dropper.start()
        self._drops.put(database)

    def _drop_loop(self) -> None:
        sa_conn = None
        while (database := self._drops.get()) is not None:
            try:
                if sa_conn is None:
                    sa_conn = self._admin_engine.connect()
                with sa_conn.connection.driver_connection.cursor() as cur:
                    cur.execute(f"DROP DATABASE IF EXISTS {quote(database)}")
            except Exception as exc:  # left for close()'s pattern cleanup or the sweeper
                logger.warning("DB mysql backend: dropping %s failed (%s)", database, exc)
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
        if self._dropper is not None:
            self._drops.put(None)
            self._dropper.join(timeout=60)
            self._dropper = None
        self._finalizer()  # runs _cleanup once (also registered for interpreter exit)
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
