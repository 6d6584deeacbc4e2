"""AgentBench's DB task text (``v0.2:src/server/tasks/dbbench/__init__.py``), kept verbatim."""

# ruff: noqa: E501  (the instructions are upstream's text, line breaks included)

from __future__ import annotations

INSTRUCTIONS = """
I will ask you a question, then you should help me operate a MySQL database with SQL to answer the question.
You have to explain the problem and your solution to me and write down your thoughts.
After thinking and explaining thoroughly, every round you can choose to operate or to answer.
your operation should be like this:
Action: Operation
```sql
SELECT * FROM table WHERE condition;
```
You MUST put SQL in markdown format without any other comments. Your SQL should be in one line.
Every time you can only execute one SQL statement. I will only execute the statement in the first SQL code block. Every time you write a SQL, I will execute it for you and give you the output.
If you are done operating, and you want to commit your final answer, then write down:
Action: Answer
Final Answer: ["ANSWER1", "ANSWER2", ...]
DO NOT write this pattern unless you are sure about your answer. I expect an accurate and correct answer.
Your answer should be accurate. Your answer must be exactly the same as the correct answer.
If the question is about modifying the database, then after done operation, your answer field can be anything.
If your response cannot match any pattern I mentioned earlier, you will be judged as FAIL immediately.
Your input will be raw MySQL response, you have to deal with it by yourself.
"""
"""The first user message (upstream ``big_prompt``), leading and trailing newline included."""

ACKNOWLEDGEMENT = "Ok."
"""The canned agent reply upstream injects after the instructions."""

OUTPUT_LIMIT = 800
"""Upstream truncates every observation to this many characters ..."""

TRUNCATION_MARK = "[TRUNCATED]"
"""... and appends this mark."""

SQLITE_DIALECT_HINT = (
    " [SQLite backend: this database is SQLite standing in for MySQL, so MySQL-only syntax or "
    "functions (SHOW, DESCRIBE, DATE_FORMAT, ...) fail here; inspect tables with PRAGMA table_info(name) "
    "or sqlite_master; run with backend='mysql' for a real MySQL server]"
)
"""Appended (by us, not upstream) to SQLite syntax/function errors so MySQL-isms never fail silently."""


def add_description(tables: list[tuple[str, list[str]]]) -> str:
    """The sentence naming the table(s) and their headers.

    For one table it is upstream's generated sentence; for two tables (our join samples) it
    follows the same pattern once per table.
    """
    if len(tables) == 1:
        name, heads = tables[0]
        return f"The name of this table is {name}, and the headers of this table are {','.join(heads)}."
    parts = [f"The name of table {i} is {name}, and the headers of this table are {','.join(heads)}."
             for i, (name, heads) in enumerate(tables, 1)]
    return f"There are {len(tables)} tables. " + " ".join(parts)
