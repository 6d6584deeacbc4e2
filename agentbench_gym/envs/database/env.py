"""``AgentBench/DB-v0``: answer questions about, or change, tables through a SQL session."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any, ClassVar

from agentbench_gym.core import AgentBenchEnv, Message, Outcome, TurnResult
from agentbench_gym.envs.database.backends import BACKENDS, SqlBackend, SqlSession
from agentbench_gym.envs.database.data import DBSample, load_samples
from agentbench_gym.envs.database.parse import Answer, Invalid, Operation, parse_reply
from agentbench_gym.envs.database.prompts import ACKNOWLEDGEMENT, INSTRUCTIONS
from agentbench_gym.envs.database.scoring import answer_matches, category_accuracies

ANSWER_METRIC_CHARS = 4000
"""Longest final answer kept in ``info["metrics"]["answer"]`` (enough to re-score offline)."""


class DatabaseEnv(AgentBenchEnv):
    """AgentBench's DB task (dbbench): a multi-turn SQL session on the episode's own database.

    ## Description
    The agent gets AgentBench's instructions, then a question about a table (or an instruction
    to INSERT/UPDATE/DELETE rows) with the table name and headers. Each turn it either runs one
    SQL statement or gives its final answer. The database is real (SQLite or MySQL/MariaDB),
    built per episode from the sample and dropped after it.

    ## Observation
    ``reset``: ``description + "\\n" + add_description``; ``info["prefix"]`` holds AgentBench's
    instructions and the canned ``"Ok."``. After an operation: ``str()`` of the result rows as a
    list of tuples (``[]`` for statements without rows), or the database's error text, cut at
    800 characters plus ``[TRUNCATED]``, as upstream. On SQLite, syntax and unknown-function
    errors carry a note that the server is SQLite standing in for MySQL.

    ## Reply format
    ``Action: Operation`` + newline + a fenced sql block (the first block runs, newlines become spaces; one
    statement), or ``Action: Answer`` + newline + ``Final Answer: ["A", "B"]`` (upstream's regular
    expressions: ``Action: (.*?)\\n``, the fenced block, ``\\nFinal Answer:(.*)``). Several
    statements in one block are refused by the driver, as the instructions ask for one (upstream's
    connector would have sent them all).

    ## Outcomes
    Every reply that is not a valid operation ends the episode: a final answer gives
    ``completed``; an operation without a sql block, or a reply matching no pattern, gives
    ``invalid_format``; after ``max_turns - 1`` operations the next reply must answer, else
    ``task_limit`` (an operation is then not run, as upstream). SQL errors only cost a turn.

    ## Score & metrics
    Queries: 1 if the final answer equals the gold answer under AgentBench's normalisation
    (read as a Python literal, one value compared as float then string, several as a set), else
    0. INSERT/UPDATE/DELETE: 1 if the graded table's hash (MD5 of the sorted 5-hex row MD5s of
    ``CONCAT_WS(',', cols)``) equals the gold state's, computed whatever the outcome, as
    upstream. ``metrics``: ``type``, ``answer``, ``operations``, ``upstream_quirks``.
    ``task_metrics``: per-category ``<type>_accuracy`` and ``main`` = ``overall_cat_accuracy`` =
    mean of the SELECT, INSERT and UPDATE accuracies (and DELETE's, where present), over the
    categories present. Fixed upstream bugs (``upstream_quirks=True`` restores them): a bare
    string answer ``"17"`` was split into characters; ``[1, 2]`` did not equal ``["1", "2"]``;
    DELETE counted as SELECT; an absent category counted 0 in the mean.

    ## Arguments
    ``split`` (``dev`` 60 / ``test`` 300 built-in; with ``data_dir``: ``dev`` or ``std``),
    ``data_dir`` (AgentBench's ``data/dbbench`` folder or a file), ``backend``
    (``sqlite``/``mysql``), ``max_turns`` (agent replies; default 16: upstream's ``max_round:
    15`` counts SQL operations, and the reply after the 15th may still answer),
    ``statement_timeout`` (seconds per statement, default 10; upstream has none), ``mysql_url``
    (SQLAlchemy URL of an account that may create databases and users; ``"private"`` forces the
    private server), ``upstream_quirks`` (score with upstream's bugs, see above), ``render_mode``
    (``ansi``).

    ## Backends
    ``sqlite`` (default): one in-memory database per episode through SQLAlchemy (NullPool: a
    connection is a database). TEXT columns compare case-insensitively, as in MySQL's default
    collation (but a TEXT column compared with a number compares as text, where MySQL converts
    to numbers); CONCAT behaves as MySQL's; ATTACH, VACUUM and all but the
    schema PRAGMAs are refused; a progress handler
    enforces the statement timeout; values are capped at 10 MB. MySQL-only syntax fails with the
    database's error plus a note that the server is SQLite (all 60 official dev samples still
    score 1.0 with their gold on SQLite: the 40 INSERT/UPDATE gold statements reproduce upstream's
    table hashes exactly). ``mysql`` (extra ``db-mysql``): a database ``abg_<token>_<n>`` per
    episode on the server at ``mysql_url`` / ``$AGENTBENCH_MYSQL_URL`` (else a private MariaDB
    on tmpfs, started once per process when ``mariadbd`` is installed). The agent connects as a
    user ``abg_<token>`` granted only ``abg_<token>_%`` databases (no FILE, no server-level
    rights), with ``max_statement_time`` on the server and a client read timeout just after it;
    a huge result is cut after the rows shown and its query killed. Databases are dropped in the
    background after each episode and all of them, with the user, at ``close()`` or interpreter
    exit; a crashed process's leftovers are swept by the next backend (its named lock is free).
    Table set-up errors are ignored as upstream (``metrics["setup_errors"]`` says which). The
    database is built on a worker thread while the agent writes its first reply; the first
    statement waits for it.

    ## Data
    Built-in ``dev`` (60) and ``test`` (300) splits generated by ``generate.py`` with a seeded
    generator (SELECT with filters, counting, comparison, ranking, SUM/MIN/MAX/AVG, GROUP BY and
    two-table joins; INSERT, UPDATE, DELETE), gold answers computed by running the gold SQL; typed
    INT/TEXT columns; every gold answer also holds on MariaDB. AgentBench's files via
    ``data_dir`` (``dev.jsonl``; ``standard.jsonl`` as split ``std``). ``python -m
    agentbench_gym.envs.database.check [DATA_DIR] --backend sqlite`` lists which samples' gold
    scores 1.0 on a backend and explains the others.

    ## Registered ids
    ``AgentBench/DB-v0``.

    ## Version history
    * v0: initial release.
    """

    task: ClassVar[str] = "DB"
    default_max_turns: ClassVar[int | None] = 16
    splits: ClassVar[tuple[str, ...]] = ("dev", "test")
    backends: ClassVar[tuple[str, ...]] = ("sqlite", "mysql")
    oracle: ClassVar[str] = "agentbench_gym.envs.database.oracle:DatabaseOracle"
    reply_examples: ClassVar[tuple[str, ...]] = (
        "Let me look at the table.\nAction: Operation\n```sql\nSELECT * FROM `t` LIMIT 3;\n```",
        "Action: Operation\n```sql\nSELECT COUNT(*) FROM sqlite_master;\n```",
        "Action: Operation\n```sql\nSELECT 1; DROP TABLE x;\n```",
        "Action: Operation\n```sql\nDROP DATABASE test;\n```",
        "Action: Operation\n```sql\nSELECT SLEEP(100);\n```",
        "Action: Operation\nno sql here",
        'I am sure now.\nAction: Answer\nFinal Answer: ["42"]',
        "Action: Answer\nFinal Answer: []",
    )

    def __init__(self, *, split: str | None = None, data_dir: str | None = None,
                 backend: str | None = None, max_turns: int | None = None,
                 render_mode: str | None = None, dense: bool = False,
                 statement_timeout: float = 10.0, mysql_url: str | None = None,
                 upstream_quirks: bool = False) -> None:
        """See the class docstring for the arguments."""
        self.upstream_quirks = bool(upstream_quirks)
        if statement_timeout <= 0:
            raise ValueError(f"statement_timeout must be positive, got {statement_timeout}")
        self.statement_timeout = float(statement_timeout)
        self.mysql_url = mysql_url
        self._session: SqlSession | None = None
        self._db: SqlBackend | None = None
        super().__init__(split=split, data_dir=data_dir, backend=backend, max_turns=max_turns,
                         render_mode=render_mode, dense=dense)
        self._operations = 0
        self._db = self._make_backend(self.backend or "sqlite")

    def _make_backend(self, name: str) -> SqlBackend:
        module, _, cls = BACKENDS[name].partition(":")
        backend_cls = getattr(importlib.import_module(module), cls)
        kwargs: dict[str, Any] = {"statement_timeout": self.statement_timeout}
        if name == "mysql":
            kwargs["url"] = self.mysql_url
        return backend_cls(**kwargs)

    # ----------------------------------------------------------------- hooks
    def _load_samples(self, split: str, data_dir: str | None) -> Sequence[DBSample]:
        return load_samples(split, data_dir)

    def _start(self, sample: DBSample) -> tuple[str, list[Message]]:
        if self._db is None:  # reset after close(): build the backend again
            self._db = self._make_backend(self.backend or "sqlite")
        self._operations = 0
        self._session = self._db.open(sample)
        prefix = [{"role": "user", "content": INSTRUCTIONS},
                  {"role": "assistant", "content": ACKNOWLEDGEMENT}]
        return sample.prompt, prefix

    def _turn(self, reply: str) -> TurnResult:
        assert self._session is not None
        operations_allowed = self.max_turns is None or self._operations < self.max_turns - 1
        parsed = parse_reply(reply, operations_allowed=operations_allowed)
        if isinstance(parsed, Operation):
            self._operations += 1
            return TurnResult(self._session.execute(parsed.sql))
        if isinstance(parsed, Answer):
            # Upstream: at the limit an empty answer still counts as "no answer" (TLE).
            outcome = Outcome.TASK_LIMIT if not operations_allowed and not parsed.text \
                else Outcome.COMPLETED
            return self._close(outcome, parsed.text, "")
        assert isinstance(parsed, Invalid)
        outcome = Outcome.INVALID_FORMAT if operations_allowed else Outcome.TASK_LIMIT
        return self._close(outcome, "", f"Invalid reply: {parsed.reason}.")

    def _on_limit(self, last: TurnResult, outcome: Outcome) -> TurnResult:
        return self._close(outcome, "", last.observation)

    def _close(self, outcome: Outcome, answer: str, observation: str) -> TurnResult:
        """Score the episode: the table hash for modifications (whatever the outcome), else the answer."""
        sample: DBSample = self.sample
        assert self._session is not None
        if sample.modifies:
            answer = self._session.table_hash()
            correct = answer == sample.answer_md5
        else:
            correct = answer_matches(answer, sample.answer, upstream_quirks=self.upstream_quirks)
        metrics: dict[str, Any] = {"type": sample.type, "answer": answer[:ANSWER_METRIC_CHARS],
                                   "operations": self._operations, "upstream_quirks": self.upstream_quirks}
        if self._session.setup_errors:
            metrics["setup_errors"] = list(self._session.setup_errors)
        return TurnResult(observation, outcome, score=1.0 if correct else 0.0, metrics=metrics)

    def _release(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            session.close()

    def close(self) -> None:
        """End the episode and release the backend (its connections, databases and agent user)."""
        super().close()
        if self._db is not None:
            db, self._db = self._db, None
            db.close()

    def _step_info(self) -> dict[str, Any]:
        return {"backend": self.backend}

    @classmethod
    def task_metrics(cls, episodes: Sequence[Any]) -> dict[str, float]:
        """AgentBench's per-category accuracies; ``main`` is ``overall_cat_accuracy``."""
        return category_accuracies(episodes)

    @classmethod
    def backend_status(cls) -> dict[str, str | None]:
        """``sqlite`` always works; ``mysql`` needs pymysql and a server (or ``mariadbd``)."""
        from agentbench_gym.envs.database.backends.mysql import mysql_status

        return {"sqlite": None, "mysql": mysql_status()}
