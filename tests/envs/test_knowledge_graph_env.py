"""KG env behaviour: AgentBench's conversation, error texts, limits, scoring and flags."""

from __future__ import annotations

import time

import gymnasium as gym
import pytest

import agentbench_gym  # noqa: F401  (registers the ids)
from agentbench_gym.core import Outcome
from agentbench_gym.envs.knowledge_graph import prompts
from agentbench_gym.envs.knowledge_graph.env import KnowledgeGraphEnv


@pytest.fixture
def env():
    env = KnowledgeGraphEnv()
    yield env
    env.close()


def first_of_kind(env, kind: str):
    return next(s for s in env.samples if s.kind == kind)


def play(env, replies):
    out = []
    for reply in replies:
        obs, reward, terminated, truncated, info = env.step(reply)
        out.append((obs, reward, terminated, truncated, info))
        if terminated or truncated:
            break
    return out


def test_opening_conversation_is_agentbench_s(env):
    sample = env.samples[0]
    obs, info = env.reset(options={"sample": 0})
    names = ", ".join(name for name, _ in sample.entities)
    assert obs == f"A new question: {sample.question}\nEntities: [{names}]"
    prefix = info["prefix"]
    assert len(prefix) == 18
    assert prefix[0] == {"role": "user", "content": prompts.INSTRUCTIONS}
    assert prefix[1]["content"] == "I've understood your instruction, start please."
    assert [m["role"] for m in prefix[2:]] == ["user", "assistant"] * 8
    assert prefix[-1]["content"].endswith("Final Answer: #3")
    assert "at most 15 actions" in prefix[0]["content"]


def test_tool_observations_and_variable_numbering(env):
    sample = first_of_kind(env, "intersection")
    (a, _), (b, _) = sample.entities
    env.reset(options={"sample": sample.id})
    steps = play(env, [f"Action: get_relations({a})"])
    relations = steps[0][0]
    assert relations.startswith("Observation: [") and relations.endswith("]")
    listed = relations[len("Observation: ["):-1].split(", ")
    assert listed == sorted(listed)
    rel_a = sample.actions[1].split(", ", 1)[1].rstrip(")")
    rel_b = sample.actions[3].split(", ", 1)[1].rstrip(")")
    assert rel_a in listed
    obs = play(env, [f"Action: get_neighbors({a}, {rel_a})"])[0][0]
    assert obs.startswith("Observation: variable #0, which are instances of ")
    play(env, [f"Action: get_relations({b})"])
    obs = play(env, [f"Thought: x\nAction: get_neighbors({b}, {rel_b})"])[0][0]
    assert obs.startswith("Observation: variable #1, which are instances of ")
    obs = play(env, ["Action: intersection(#0, variable #1)"])[0][0]
    assert obs.startswith("Observation: variable #2")
    obs = play(env, ["Action: count(#-1)"])[0][0]  # negative ids count from the end, as upstream
    assert obs == "Observation: variable #3, which is a number"
    (obs, reward, terminated, truncated, info), = play(env, ["Final Answer: #3"])
    assert terminated and not truncated and info["outcome"] is Outcome.COMPLETED
    assert info["metrics"]["predict"] == [str(len(sample.answer))]
    assert reward == info["score"] == 0.0  # a count is not the gold answer set
    assert info["metrics"]["executability"] == 1.0


def test_error_texts_cost_a_turn_and_never_end(env):
    sample = first_of_kind(env, "multi-hop")
    name = sample.entities[0][0]
    env.reset(options={"sample": sample.id})
    replies = {
        "no action at all": prompts.NO_FUNCTION,
        "Action: think harder": prompts.NOT_EXECUTED,
        "Final Answer: #0": prompts.INVALID_VARIABLE,
        f"Action: get_neighbors({name}, people.person.profession)":
            f"get_neighbors({name}, people.person.profession) cannot be executed. "
            "You may make a mistake and need to fix it.",
        "Action: fly(#0)": prompts.syntax_error("fly"),
        "Action: get_relations(Not An Entity)": prompts.cannot_execute("get_relations", ["Not An Entity"]),
        "Action: get_relations(#0)": prompts.cannot_execute("get_relations", ["#0"]),
        "Action: get_attributes(m.0abcde)": prompts.cannot_execute("get_attributes", ["m.0abcde"]),
        f"Action: intersection({name}, {name})": prompts.cannot_execute("intersection", [name, name]),
    }
    for turn, (reply, expected) in enumerate(replies.items(), 1):
        obs, reward, terminated, truncated, info = env.step(reply)
        assert obs == expected, reply
        assert (reward, terminated, truncated, info["outcome"], info["turn"]) == (0.0, False, False,
                                                                                 Outcome.RUNNING, turn)
    assert "intersection" in prompts.cannot_execute("intersection", ["a", "b"])
    assert "not of the same type" in prompts.cannot_execute("intersection", ["a", "b"])


def test_superlative_needs_get_attributes_first(env):
    sample = first_of_kind(env, "superlative")
    env.reset(options={"sample": sample.id})
    *hops, get_attributes, argmax = sample.actions
    for action in hops:
        assert "cannot" not in env.step(f"Action: {action}")[0]
    last = argmax.split("(", 1)[1].split(",")[0]
    attribute = argmax.rsplit(", ", 1)[1].rstrip(")")
    op = argmax.split("(")[0]
    assert "cannot be executed" in env.step(f"Action: {op}({last}, {attribute})")[0]
    obs = env.step(f"Action: {get_attributes}")[0]
    assert attribute in obs and obs.startswith("Observation: [")
    assert "which are instances of" in env.step(f"Action: {argmax}")[0]


def test_turn_limit_is_task_limit(env):
    env.reset(options={"sample": 0})
    results = play(env, ["Action: nope"] * 20)
    assert len(results) == 15
    obs, reward, terminated, truncated, info = results[-1]
    assert truncated and not terminated and info["outcome"] is Outcome.TASK_LIMIT
    assert info["score"] == 0.0 and info["metrics"]["predict"] == []


def test_final_answer_scores_f1_and_exact_match(env):
    sample = next(s for s in env.samples if len(s.answer) >= 2 and s.kind == "multi-hop")
    env.reset(options={"sample": sample.id})
    for action in sample.actions:
        env.step(f"Action: {action}")
    *_, info = env.step(f"Final Answer: #{sum('get_neighbors' in a for a in sample.actions) - 1}")
    assert info["score"] == 1.0 and info["metrics"]["em"] == 1.0
    assert sorted(info["metrics"]["predict"]) == sorted(sample.answer)
    assert info["metrics"]["actions"] == list(sample.actions)


def test_union_variable_cannot_be_executed_but_does_not_crash(env):
    sample = first_of_kind(env, "intersection")
    env.reset(options={"sample": sample.id})
    for action in sample.actions[:-1]:
        env.step(f"Action: {action}")
    assert env.step("Action: union(#0, #1)")[0].startswith("Observation: variable #2")
    assert "cannot be executed" in env.step("Action: get_relations(#2)")[0]
    *_, terminated, _, info = env.step("Final Answer: #2")
    assert terminated and info["metrics"]["predict"] == [] and "error" in info["metrics"]


def test_doubling_programs_stay_fast(env):
    sample = first_of_kind(env, "multi-hop")
    env.reset(options={"sample": sample.id})
    env.step(f"Action: {sample.actions[0]}")
    env.step(f"Action: {sample.actions[1]}")
    start = time.perf_counter()
    for k in range(12):
        env.step(f"Action: intersection(#{k}, #{k})")
    assert "cannot be executed" in env.step("Action: get_relations(#12)")[0]  # a 8k-node tree
    assert time.perf_counter() - start < 1.0


def test_caches_are_per_episode_unless_upstream_bugs():
    for bugs, expect_cached in ((False, False), (True, True)):
        env = KnowledgeGraphEnv(upstream_bugs=bugs)
        sample = env.samples[0]
        env.reset(options={"sample": 0})
        env.step(f"Action: {sample.actions[0]}")
        env.reset(options={"sample": 0})
        obs = env.step(f"Action: {sample.actions[1]}")[0]
        assert obs.startswith("Observation: variable #0") == expect_cached
        env.close()


def test_stale_arguments_bug_only_with_flag():
    for bugs in (False, True):
        env = KnowledgeGraphEnv(upstream_bugs=bugs)
        env.reset(options={"sample": 0})
        env.step("Action: get_relations(m.0zzzzz)")
        obs = env.step("Action: get_relations(")[0]
        expected = (prompts.cannot_execute("get_relations", ["m.0zzzzz"]) if bugs
                    else prompts.syntax_error("get_relations"))
        assert obs == expected
        env.close()


def test_history_reply_and_task_metrics(env):
    env.reset(options={"sample": 0})
    *_, info = env.step("Action: get\\_relations(#0)\nObservation: [made up]")
    assert info["history_reply"] == "Action: get_relations(#0)\n"
    episodes = [{"score": 1.0, "metrics": {"f1": 1.0, "em": 1.0, "executability": 1.0}},
                {"score": 0.5, "metrics": {"f1": 0.5, "em": 0.0, "executability": 1.0}},
                {"score": 0.0, "metrics": {"f1": 0.0, "em": 0.0, "executability": 0.0}}]
    metrics = KnowledgeGraphEnv.task_metrics(episodes)
    assert metrics == {"main": 0.5, "F1": 0.5, "EM": pytest.approx(1 / 3), "executability": pytest.approx(2 / 3)}


def test_configuration_errors_raise(monkeypatch):
    monkeypatch.delenv("AGENTBENCH_KG_SPARQL_URL", raising=False)
    with pytest.raises(ValueError, match="sparql_url"):
        KnowledgeGraphEnv(backend="sparql", sparql_url=None)
    with pytest.raises(ValueError):
        KnowledgeGraphEnv(max_results=0)
    with pytest.raises(ValueError, match="split"):
        gym.make("AgentBench/KG-v0", split="nope")
    assert KnowledgeGraphEnv.backend_status()["local"] is None


def test_prompt_text_is_pinned_to_agentbench_v0_2():
    """SHA-256 of upstream's INSTRUCTIONS + ONE_SHOT (v0.2 knowledgegraph/task.py), checked when written."""
    import hashlib

    digest = hashlib.sha256((prompts.INSTRUCTIONS + "\x00".join(prompts.ONE_SHOT)).encode()).hexdigest()
    assert digest == "303640ba27bc8658d094a1ed966de83b0c6eda376c6f0d62d652bb27748cb71f"
    assert len(prompts.ONE_SHOT) == 16


def test_partial_answer_scores_set_f1():
    """Answering a superset of the gold (an intersection's first operand) scores 2PR/(P+R), EM 0."""
    env = KnowledgeGraphEnv(split="test")
    try:
        for sample in (s for s in env.samples if s.kind == "intersection"):
            env.reset(options={"sample": sample.id})
            for action in sample.actions:
                env.step(f"Action: {action}")
            *_, info = env.step("Final Answer: #0")
            predicted, gold = set(info["metrics"]["predict"]), set(sample.answer)
            if predicted != gold:
                break
        else:
            pytest.fail("no intersection question whose first operand differs from its answer")
        assert gold < predicted  # the answer is #0 ∩ #1
        precision, recall = len(gold) / len(predicted), 1.0
        assert info["score"] == info["metrics"]["f1"] == pytest.approx(2 * precision * recall / (precision + recall))
        assert 0.0 < info["score"] < 1.0
        assert info["metrics"]["em"] == 0.0 and info["metrics"]["executability"] == 1.0
    finally:
        env.close()


def test_f1_em_and_means_over_the_whole_split():
    from agentbench_gym.envs.knowledge_graph import scoring

    assert scoring.f1(["a", "b", "c"], ["a", "d"]) == pytest.approx(0.4)  # P 1/3, R 1/2
    assert scoring.f1(["a", "a"], ["a"]) == 1.0 and scoring.f1(["x"], ["a"]) == 0.0 and scoring.f1([], ["a"]) == 0.0
    assert scoring.sample_metrics(["a", "b"], ["b", "a"]) == {"f1": 1.0, "em": 1.0, "executability": 1.0}
    assert scoring.sample_metrics([], ["a"]) == {"f1": 0.0, "em": 0.0, "executability": 0.0}
    episodes = [{"score": 1.0, "metrics": {"f1": 1.0, "em": 1.0, "executability": 1.0}},
                {"score": 0.4, "metrics": {"f1": 0.4, "em": 0.0, "executability": 1.0}}]
    # Upstream divides by the whole split's size: two results out of four samples.
    assert scoring.aggregate(episodes, n_samples=4) == pytest.approx(
        {"main": 0.35, "F1": 0.35, "EM": 0.25, "executability": 0.5})
    assert scoring.aggregate([]) == {"main": 0.0, "F1": 0.0, "EM": 0.0, "executability": 0.0}
