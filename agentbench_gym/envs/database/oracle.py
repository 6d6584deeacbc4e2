"""Scripted solver for the DB task: runs the gold SQL, then answers with the gold answer."""

from __future__ import annotations

import json
from typing import Any

SQL_REPLY = "I will run the reference statement.\nAction: Operation\n```sql\n{sql}\n```"
ANSWER_REPLY = "That settles it.\nAction: Answer\nFinal Answer: {answer}"


class DatabaseOracle:
    """Reads ``env.sample``: one operation with the gold SQL (when there is one), then the answer.

    For modifications the gold SQL produces the graded table state; for queries the gold
    answer values are given (upstream's reference query is run first only to exercise it).
    """

    def __init__(self, env: Any):
        """Bind to the (unwrapped) env whose sample is read."""
        self.env = env
        self._ran_sql = False

    def reset(self) -> None:
        """Forget the previous episode."""
        self._ran_sql = False

    def act(self, observation: str, info: dict[str, Any]) -> str:
        """Next reply: the gold SQL once, then the final answer."""
        sample = self.env.sample
        if info.get("turn", 0) == 0:
            self._ran_sql = False
        max_turns = self.env.max_turns
        room = max_turns is None or info.get("turn", 0) < max_turns - 1
        if not self._ran_sql and sample.gold_sql.strip() and room:
            self._ran_sql = True
            return SQL_REPLY.format(sql=sample.gold_sql.strip())
        answer = json.dumps(list(sample.answer), ensure_ascii=False)
        return ANSWER_REPLY.format(answer=answer)
