"""Trajectory exports: SFT, ShareGPT and Parquet round trips, the export command, token view."""

from __future__ import annotations

import argparse
import json

import pytest
from agentbench_gym.wrappers import ChatHistory, ContextLimit
from fake_env import ACK, EchoEnv

from agentbench_gym.episode import play_episode
from agentbench_gym.errors import AgentError
from agentbench_gym.export_cli import add_export_parser, run_export
from agentbench_gym.trajectory import read_records, select
from agentbench_gym.trajectory_export import (
    from_sft,
    from_sharegpt,
    read_parquet,
    to_sft,
    to_sharegpt,
    token_view,
    write_parquet,
)


class Replies:
    def __init__(self, *replies):
        self.replies = list(replies)

    def reset(self):
        pass

    def act(self, observation, info):
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        return reply


EPISODES = [  # (sample, replies, context size) -> outcome, score
    (0, ["say apple", "answer apple"], None),                     # completed 1.0
    (1, ["answer apple"], None),                                  # completed 0.0
    (2, ["hello?"], None),                                        # invalid_format 0.0
    (3, ["say damson", AgentError("HTTP 500 x3")], None),         # agent_error (left out)
    (4, ["say elder \udcff", "say elder " + "x " * 40], 120),      # context_limit 0.2
]


@pytest.fixture
def run_dir(tmp_path):
    folder = tmp_path / "run"
    for sample, replies, context in EPISODES:
        env = ChatHistory(EchoEnv())
        if context:
            env = ContextLimit(env, context_size=context)
        play_episode(env, Replies(*replies), options={"sample": sample}, seed=sample, run_id="run1",
                     agent="scripted-agent", record_path=folder / "scripted-agent__ECHO.jsonl")
    with open(folder / "scripted-agent__ECHO.jsonl", "a") as handle:
        handle.write('{"not": "a record"}\n{"truncated li')  # a foreign line and a torn last line
    return folder


def test_records_and_selection(run_dir):
    records = list(read_records(run_dir))
    assert [(r.outcome, r.score) for r in records] == [
        ("completed", 1.0), ("completed", 0.0), ("invalid_format", 0.0), ("agent_error", 0.0),
        ("context_limit", pytest.approx(0.2))]
    assert "\udcff" in records[4].steps[0].action  # JSON Lines keep any str exactly
    assert [r.sample_id for r in select(records)] == ["echo-0", "echo-1", "echo-2", "echo-4"]
    assert [r.sample_id for r in select(records, only_success=True)] == ["echo-0"]
    assert [r.sample_id for r in select(records, min_score=0.1)] == ["echo-0", "echo-4"]


def test_sft_and_sharegpt_round_trip(run_dir):
    for record in read_records(run_dir):
        # The task's closing message is not trained on; exports hold valid UTF-8 only.
        conversation = [{"role": m["role"], "content": m["content"].replace("\udcff", "\ufffd")}
                        for m in record.messages[:-1]]
        sft = json.loads(json.dumps(to_sft(record)))
        assert from_sft(sft) == conversation
        weights = [m.get("weight") for m in sft["messages"] if m["role"] == "assistant"]
        assert weights == [0] + [1] * record.turns and sft["messages"][1]["content"] == ACK
        share = json.loads(json.dumps(to_sharegpt(record)))
        assert from_sharegpt(share) == conversation
        assert share["conversations"][0]["from"] == "human" and share["conversations"][1]["from"] == "gpt"


def test_parquet_round_trip(run_dir, tmp_path):
    pytest.importorskip("pyarrow", reason="Parquet export needs the 'parquet' extra (pyarrow)")
    records = list(read_records(run_dir))
    assert write_parquet(records, tmp_path / "r.parquet") == 5
    back = read_parquet(tmp_path / "r.parquet")
    for original, restored in zip(records, back, strict=True):
        if original.sample_id == "echo-4":  # lone surrogates become U+FFFD in Arrow strings
            assert restored.steps[0].action == original.steps[0].action.replace("\udcff", "\ufffd")
            continue
        assert restored == original


def _export(run_dir, tmp_path, *flags):
    parser = argparse.ArgumentParser()
    add_export_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["export", str(run_dir), *flags])
    return run_export(args)


def test_export_command_filters(run_dir, tmp_path, capsys):
    assert _export(run_dir, tmp_path, "--format", "sft") == 0
    lines = (run_dir / "export.sft.jsonl").read_text().splitlines()
    assert len(lines) == 4  # the agent_error episode is left out
    assert "wrote 4 of 5 episodes" in capsys.readouterr().out
    out = tmp_path / "ok.jsonl"
    assert _export(run_dir, tmp_path, "--format", "sharegpt", "--only-success", "-o", str(out)) == 0
    (only,) = [json.loads(x) for x in out.read_text().splitlines()]
    assert only["id"] == "run1/scripted-agent/ECHO/echo-0" and only["score"] == 1.0
    assert _export(run_dir, tmp_path, "--min-score", "0.1", "-o", str(out)) == 0
    assert len(out.read_text().splitlines()) == 2
    assert _export(run_dir, tmp_path, "--task", "OS", "-o", str(out)) == 0
    assert out.read_text() == ""
    assert _export(tmp_path / "nope", tmp_path) == 2
    (tmp_path / "empty").mkdir()
    assert _export(tmp_path / "empty", tmp_path) == 1
    # A second export does not read the first one's output as records.
    assert _export(run_dir, tmp_path, "--format", "sharegpt") == 0
    assert "wrote 4 of 5" in capsys.readouterr().out


def test_huggingface_datasets_loads_every_format(run_dir, tmp_path):
    datasets = pytest.importorskip("datasets", reason="the round trip through Hugging Face datasets "
                                                      "needs the 'datasets' package (dev extra)")
    for fmt, builder in (("sft", "json"), ("sharegpt", "json"), ("parquet", "parquet")):
        out = tmp_path / f"out.{fmt}"
        assert _export(run_dir, tmp_path, "--format", fmt, "-o", str(out)) == 0
        data = datasets.load_dataset(builder, data_files=str(out), split="train",
                                     cache_dir=str(tmp_path / "hf-cache"))
        assert data.num_rows == 4
        if fmt == "sft":
            assert from_sft(data[0]) == next(iter(read_records(run_dir))).messages[:-1]
        if fmt == "parquet":
            assert data[0]["sample_id"] == "echo-0" and data[0]["messages"][1]["content"] == ACK


def test_token_view_masks_exactly_the_agent_replies(run_dir):
    record = next(iter(read_records(run_dir)))
    view = token_view(record, lambda text: list(text.encode("utf-8")))  # a byte "tokenizer"
    ids, mask = view["input_ids"], view["agent_mask"]
    assert len(ids) == len(mask)
    agent_bytes = bytes(i for i, m in zip(ids, mask, strict=True) if m)
    assert agent_bytes == b"say appleanswer apple"  # the ACK of the prefix is not the agent's
    assert view["turn_rewards"] == [0.0, 1.0]
    assert [bytes(ids[: end + 1]).endswith(s.action.encode()) for end, s in
            zip(view["turn_ends"], record.steps, strict=True)] == [True, True]


def test_token_view_with_a_tokenizers_file(run_dir, tmp_path):
    tokenizers = pytest.importorskip("tokenizers", reason="needs the 'tokenizers' extra")
    from agentbench_gym.wrappers import token_counter

    model = tokenizers.models.WordLevel({"[UNK]": 0, "say": 1, "apple": 2, "answer": 3, "USER": 4,
                                         "AGENT": 5, ":": 6}, unk_token="[UNK]")
    tok = tokenizers.Tokenizer(model)
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    tok.save(str(tmp_path / "tokenizer.json"))
    loaded = tokenizers.Tokenizer.from_file(str(tmp_path / "tokenizer.json"))
    record = next(iter(read_records(run_dir)))
    view = token_view(record, loaded)
    agent_ids = [i for i, m in zip(view["input_ids"], view["agent_mask"], strict=True) if m]
    assert agent_ids == [1, 2, 3, 2]
    assert token_counter(f"hf:{tmp_path}")("say apple now") == 3
