"""SQL backends of the DB env: ``sqlite`` (embedded, default) and ``mysql`` (MySQL/MariaDB)."""

from __future__ import annotations

from agentbench_gym.envs.database.backends.base import SqlBackend, SqlSession, render_rows, truncate

BACKENDS = {
    "sqlite": "agentbench_gym.envs.database.backends.sqlite:SqliteBackend",
    "mysql": "agentbench_gym.envs.database.backends.mysql:MySQLBackend",
}
"""Backend name -> ``"module:Class"`` (imported lazily: pymysql is an optional extra)."""

__all__ = ["BACKENDS", "SqlBackend", "SqlSession", "render_rows", "truncate"]
