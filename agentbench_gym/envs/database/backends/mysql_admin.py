"""Server-side housekeeping of the mysql backend: sweeping stale episodes, dropping a backend's own."""

from __future__ import annotations

import logging
import re
from typing import Any

from agentbench_gym.envs.database.backends.mysql_session import quote

logger = logging.getLogger(__name__)


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


def cleanup(admin: Any, prefix: str, token: str, user: str) -> None:
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
