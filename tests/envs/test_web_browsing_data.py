"""WB data: built-in splits, Mind2Web/AgentBench loaders on ../shared/data, ranking recall."""

from __future__ import annotations

import gzip
import json
import pickle
import shutil

import pytest
from agentbench_gym.baselines import make_policy

from agentbench_gym.data import builtin_file, read_jsonl
from agentbench_gym.env_checker import run_episode
from agentbench_gym.envs.web_browsing import WebBrowsingEnv, prompts
from agentbench_gym.envs.web_browsing.data import load_builtin, load_data_dir, load_prompt, read_scores
from agentbench_gym.envs.web_browsing.dom import Page
from agentbench_gym.envs.web_browsing.sitegen import generate
from agentbench_gym.envs.web_browsing.tournament import candidate_ranks, recall_at_k
from agentbench_gym.errors import DataFormatError


@pytest.mark.parametrize(("split", "minimum"), [("dev", 31), ("test", 100)])
def test_builtin_split_sizes_and_integrity(split, minimum):
    tasks = load_builtin(split)
    steps = [s for t in tasks for s in t.steps]
    assert len(steps) >= minimum
    assert {t.website for t in tasks} >= {"skyhop", "staywell", "harborlibrary"}
    for step in steps:
        page = Page.parse(step.cleaned_html)
        uids = [c.uid for c in (*step.positives, *step.negatives)]
        assert len(uids) == len(set(uids)) and all(uid in page.by_id for uid in uids)
        assert step.op in {"CLICK", "TYPE", "SELECT"} and not step.ranked
        assert (step.op == "CLICK") == (step.value == "")
    # previous actions are the gold reprs of the earlier steps (teacher forcing)
    for task in tasks:
        for i, step in enumerate(task.steps):
            assert step.previous_actions == tuple(s.action_repr for s in task.steps[:i])


def test_builtin_files_are_what_the_generator_writes():
    for split in ("dev", "test"):
        path = builtin_file("agentbench_gym.envs.web_browsing", f"{split}.jsonl")
        assert list(read_jsonl(path)) == generate(split)


@pytest.mark.parametrize("split", ["dev", "test"])
def test_bm25_recall_on_builtin_steps(split):
    steps = [s for t in load_builtin(split) for s in t.steps]
    recall = recall_at_k(steps)
    assert recall[1] < 0.5  # the ranker does not simply give the answer away
    assert recall[10] >= 0.9 and recall[20] == 1.0


def test_mind2web_folder_loads_the_real_step(shared_data):
    folder = shared_data / "mind2web"
    tasks = load_data_dir(folder, "dev")  # flat folder: the 90 online tasks have no actions
    assert len(tasks) == 1 and len(tasks[0].steps) == 1
    step = tasks[0].steps[0]
    assert step.ranked and step.op == "CLICK" and len(step.previous_actions) == 2
    assert [c.rank for c in step.positives] == [2] and len(step.negatives) == 467
    ranks = candidate_ranks(step, True)
    assert sum(rank < 10 for rank in ranks.values()) == 10
    env = WebBrowsingEnv(data_dir=str(folder))
    info = run_episode(env, make_policy("scripted", env).act, seed=0)[-1][-1]
    assert info["score"] == 1.0 and info["metrics"]["predicted_element"] == "8635"
    assert recall_at_k([step], use_data_ranks=False)[10] == 0.0  # BM25 alone misses this positive
    assert recall_at_k([step])[5] == 1.0  # Mind2Web's ranker put it at rank 2
    bm25 = WebBrowsingEnv(data_dir=str(folder), ranker="bm25")
    info = run_episode(bm25, make_policy("scripted", bm25).act, seed=0)[-1][-1]
    assert info["metrics"]["gold_in_pool"] == 0.0 and info["score"] == 0.0


def _raw_task(step_record):
    """The real flattened step turned back into Mind2Web's raw task format (at test time only)."""
    action = {k: step_record[k] for k in ("action_uid", "operation", "cleaned_html")}
    action["pos_candidates"] = [{"backend_node_id": c["backend_node_id"]} for c in step_record["pos_candidates"]]
    action["neg_candidates"] = [{"backend_node_id": c["backend_node_id"]} for c in step_record["neg_candidates"]]
    reprs = [*step_record["previous_actions"], "[button]  Search -> CLICK"]
    filler = {"action_uid": "earlier", "operation": {"op": "TYPE", "value": "x"},
              "cleaned_html": '<html backend_node_id="1"><input backend_node_id="2"/></html>',
              "pos_candidates": [{"backend_node_id": "2"}], "neg_candidates": [{"backend_node_id": "1"}]}
    return {"annotation_id": step_record["annotation_id"], "website": step_record["website"],
            "confirmed_task": step_record["confirmed_task"], "action_reprs": reprs,
            "actions": [dict(filler, action_uid="p0"), dict(filler, action_uid="p1"), action]}


def test_agentbench_layout_with_score_file_and_prompt(shared_data, tmp_path):
    with gzip.open(shared_data / "mind2web" / "seeact_example_step.json.gz", "rt", encoding="utf-8") as handle:
        record = json.load(handle)
    (tmp_path / "data_dev").mkdir()
    (tmp_path / "data_dev" / "thumbtack.json").write_text(json.dumps([_raw_task(record)]), encoding="utf-8")
    sid = f"{record['annotation_id']}_{record['action_uid']}"
    candidates = record["pos_candidates"] + record["neg_candidates"]
    scores = {"scores": {sid: {c["backend_node_id"]: c["score"] for c in candidates}},
              "ranks": {sid: {c["backend_node_id"]: c["rank"] for c in candidates}}}
    (tmp_path / "scores_all_data.pkl").write_bytes(pickle.dumps(scores))
    shutil.copytree(shared_data / "agentbench" / "wb" / "prompt", tmp_path / "prompt")

    tasks = load_data_dir(tmp_path, "dev")
    assert [len(t.steps) for t in tasks] == [3]
    step = tasks[0].steps[2]
    assert step.id == sid and step.ranked and step.previous_actions == tuple(record["previous_actions"])
    assert not tasks[0].steps[0].ranked  # no score-file entry: the env falls back to BM25
    env = WebBrowsingEnv(data_dir=str(tmp_path), split="dev")
    assert len(env.samples) == 3
    obs, info = env.reset(options={"sample": sid})
    assert info["prefix"] == prompts.demo_prefix(cot=True)
    info = run_episode(env, make_policy("scripted", env).act, options={"sample": sid})[-1][-1]
    assert info["score"] == 1.0
    with pytest.raises(DataFormatError, match="data_std"):
        load_data_dir(tmp_path, "test")  # AgentBench's std split lives in data_std/, absent here
    assert WebBrowsingEnv(data_dir=str(tmp_path), split="dev", mode="task").samples[0].id == record["annotation_id"]


def test_agentbench_wb_folder_holds_the_prompts_only(shared_data):
    folder = shared_data / "agentbench" / "wb"
    assert load_prompt(folder / "prompt" / "llm_prompt_cot.json") == prompts.demo_prefix(cot=True)
    assert load_prompt(folder / "prompt" / "llm_prompt.json") == prompts.demo_prefix(cot=False)
    with pytest.raises(DataFormatError, match="data_dev"):
        WebBrowsingEnv(data_dir=str(folder))


def test_bad_data_raises_clear_errors(tmp_path):
    task = {"annotation_id": "x", "actions": [{"operation": {"op": "CLICK"}}]}  # no page, no candidates
    (tmp_path / "bad.json").write_text(json.dumps([task]))
    with pytest.raises(DataFormatError, match=r"bad\.json"):
        load_data_dir(tmp_path, "dev")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(DataFormatError, match=r"bad\.json"):
        load_data_dir(tmp_path, "dev")
    with pytest.raises(DataFormatError):
        load_data_dir(tmp_path / "missing", "dev")


class Evil:
    def __reduce__(self):
        return (print, ("pwned",))


def test_score_file_cannot_run_code(tmp_path):
    path = tmp_path / "scores_all_data.pkl"
    path.write_bytes(pickle.dumps({"scores": {}, "ranks": {"a": Evil()}}))
    with pytest.raises(DataFormatError, match="refusing"):
        read_scores(path)


def test_score_file_with_numpy_scalars(tmp_path):
    import numpy as np

    path = tmp_path / "scores_all_data.pkl"
    path.write_bytes(pickle.dumps({"scores": {"a_b": {"7": np.float32(0.5)}}, "ranks": {"a_b": {"7": np.int64(3)}}}))
    scores = read_scores(path)
    assert float(scores["scores"]["a_b"]["7"]) == 0.5 and int(scores["ranks"]["a_b"]["7"]) == 3


def test_scripted_solver_on_the_test_split():
    env = WebBrowsingEnv(split="test")
    policy = make_policy("scripted", env)
    episodes = [run_episode(env, policy.act, options={"sample": i})[-1][-1] for i in range(len(env.samples))]
    metrics = WebBrowsingEnv.task_metrics(episodes)
    steps = [s for t in load_builtin("test") for s in t.steps]
    assert metrics["main"] == pytest.approx(recall_at_k(steps)[10])  # solvable exactly when reachable
