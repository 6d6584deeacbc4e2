"""Fine-tuning views of trajectory records: chat SFT JSONL, ShareGPT, Parquet, token level.

- ``sft``: one JSON line per episode, ``{"messages": [...]}`` in OpenAI's chat fine-tuning form;
  the task's canned assistant turns (its prefix) carry ``"weight": 0``, the agent's ``1``.
- ``sharegpt``: ``{"id", "conversations": [{"from": "human"|"gpt", "value"}], ...}`` per line.
- ``parquet``: one row per episode with every record field (``metrics``/``versions`` as JSON
  text); ``datasets.load_dataset("parquet", data_files=...)`` reads it.

Conversations end with the agent's last reply: the task's closing message is dropped. Text
that is not valid Unicode (lone surrogates) becomes U+FFFD in every export.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from agentbench_gym.core import Message
from agentbench_gym.errors import MissingExtra
from agentbench_gym.trajectory import TrajectoryRecord

FORMATS = ("sft", "sharegpt", "parquet")
_SHAREGPT_ROLE = {"user": "human", "assistant": "gpt", "system": "system"}
_ROLE_FROM_SHAREGPT = {v: k for k, v in _SHAREGPT_ROLE.items()}
_SURROGATE = re.compile("[\ud800-\udfff]")


def _training_messages(record: TrajectoryRecord) -> list[Message]:
    messages = [{"role": m["role"], "content": _clean(m["content"])} for m in record.messages]
    while messages and messages[-1]["role"] == "user":
        messages.pop()
    return messages


def to_sft(record: TrajectoryRecord) -> dict[str, Any]:
    """OpenAI chat fine-tuning example: ``{"messages": [...]}`` with per-assistant ``weight``."""
    out = []
    for index, message in enumerate(_training_messages(record)):
        item: dict[str, Any] = {"role": message["role"], "content": message["content"]}
        if message["role"] == "assistant":
            item["weight"] = 0 if index < record.prefix_length else 1
        out.append(item)
    return {"messages": out}


def from_sft(example: dict[str, Any]) -> list[Message]:
    """The plain messages of an SFT example (inverse of ``to_sft`` on the conversation)."""
    return [{"role": m["role"], "content": m["content"]} for m in example["messages"]]


def to_sharegpt(record: TrajectoryRecord) -> dict[str, Any]:
    """ShareGPT form, with the episode's id, task, outcome and score alongside."""
    return {
        "id": f"{record.run_id}/{record.agent}/{record.task}/{record.sample_id}",
        "conversations": [{"from": _SHAREGPT_ROLE[m["role"]], "value": m["content"]}
                          for m in _training_messages(record)],
        "task": record.task, "outcome": record.outcome, "score": record.score,
    }


def from_sharegpt(example: dict[str, Any]) -> list[Message]:
    """The plain messages of a ShareGPT example."""
    return [{"role": _ROLE_FROM_SHAREGPT[t["from"]], "content": t["value"]}
            for t in example["conversations"]]


def _clean(text: str) -> str:
    # Training files must be valid UTF-8 (Arrow, datasets): lone surrogates become U+FFFD.
    # The records themselves keep every str exactly.
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def _row(record: TrajectoryRecord) -> dict[str, Any]:
    data = record.to_dict()
    data["messages"] = [{"role": m["role"], "content": _clean(m["content"])} for m in record.messages]
    data["steps"] = [{**s, "action": _clean(s["action"]), "observation": _clean(s["observation"])}
                     for s in data["steps"]]
    data["metrics"] = json.dumps(record.metrics, default=str)
    data["versions"] = json.dumps(record.versions)
    return data


def _arrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingExtra("parquet", "Parquet export", exc) from exc
    return pa, pq


def parquet_schema():
    """The Arrow schema of the Parquet export (one row per episode)."""
    pa, _ = _arrow()
    message = pa.struct([("role", pa.string()), ("content", pa.string())])
    step = pa.struct([("action", pa.string()), ("observation", pa.string()), ("reward", pa.float64()),
                      ("latency", pa.float64()), ("env_latency", pa.float64())])
    return pa.schema([
        ("run_id", pa.string()), ("agent", pa.string()), ("task", pa.string()),
        ("sample_id", pa.string()), ("outcome", pa.string()), ("score", pa.float64()),
        ("turns", pa.int64()), ("messages", pa.list_(message)), ("steps", pa.list_(step)),
        ("metrics", pa.string()), ("env_id", pa.string()), ("split", pa.string()),
        ("seed", pa.int64()), ("prefix_length", pa.int64()), ("started_at", pa.string()),
        ("duration", pa.float64()), ("versions", pa.string()), ("error", pa.string()),
        ("schema_version", pa.int64()),
    ])


def write_parquet(records: Iterable[TrajectoryRecord], path: str | os.PathLike[str]) -> int:
    """Write records as Parquet, one row per episode; returns the number of rows."""
    pa, pq = _arrow()
    rows = [_row(r) for r in records]
    table = pa.Table.from_pylist(rows, schema=parquet_schema())
    pq.write_table(table, str(path))
    return len(rows)


def read_parquet(path: str | os.PathLike[str]) -> list[TrajectoryRecord]:
    """Read records back from ``write_parquet`` output."""
    _, pq = _arrow()
    records = []
    for row in pq.read_table(str(path)).to_pylist():
        row["metrics"] = json.loads(row["metrics"] or "{}")
        row["versions"] = json.loads(row["versions"] or "{}")
        records.append(TrajectoryRecord.from_dict(row))
    return records


def export(records: Iterable[TrajectoryRecord], path: str | os.PathLike[str], fmt: str) -> int:
    """Write ``records`` to ``path`` in ``fmt`` (``sft``, ``sharegpt`` or ``parquet``); returns the count."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {FORMATS}")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        return write_parquet(records, path)
    convert = to_sft if fmt == "sft" else to_sharegpt
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(convert(record)) + "\n")
            count += 1
    return count


def token_view(record: TrajectoryRecord, tokenizer: Any, *,
               render: Callable[[Message], tuple[str, str, str]] | None = None) -> dict[str, list]:
    """Token-level view of an episode for RL trainers.

    Each message is rendered as ``header + content + footer`` (by default AgentBench's
    non-chat form, ``"USER: "``/``"AGENT: "`` then ``"\\n\\n"``) and tokenized piece by piece, so
    the token boundaries of the agent's replies are exact.

    Args:
        record: the episode.
        tokenizer: anything ``token_counter`` accepts as a tokenizer (tiktoken ``Encoding``,
            ``tokenizers.Tokenizer``, a ``transformers`` tokenizer) or a callable ``text -> ids``.
        render: ``message -> (header, content, footer)`` to use another chat layout.

    Returns:
        ``input_ids``; ``agent_mask`` (1 on the tokens of the agent's own replies, 0 on the task's
        text and on the prefix's canned replies); ``turn_rewards`` (the reward of each agent
        turn, in order); ``turn_ends`` (index of the last token of each agent turn, where a
        trainer puts that turn's reward).
    """
    from agentbench_gym.wrappers.history_truncation import encode_ids

    encode: Callable[[str], Sequence[int]] = (
        (lambda text: encode_ids(tokenizer, text)) if hasattr(tokenizer, "encode") else tokenizer)
    render = render or _nonchat_parts
    ids: list[int] = []
    mask: list[int] = []
    ends: list[int] = []
    for index, message in enumerate(record.messages):
        header, content, footer = render(message)
        is_agent = message["role"] == "assistant" and index >= record.prefix_length
        for part, (piece, flag) in enumerate(((header, 0), (content, int(is_agent)), (footer, 0))):
            piece_ids = list(encode(piece)) if piece else []
            ids.extend(piece_ids)
            mask.extend([flag] * len(piece_ids))
            if is_agent and part == 1:
                ends.append(max(len(ids) - 1, 0))
    return {"input_ids": ids, "agent_mask": mask,
            "turn_rewards": [s.reward for s in record.steps], "turn_ends": ends}


def _nonchat_parts(message: Message) -> tuple[str, str, str]:
    return ("USER: " if message["role"] == "user" else "AGENT: "), message["content"], "\n\n"
