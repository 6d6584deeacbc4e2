"""Tool-call fuzzing: malformed calls, unknown entities, big sets and cycles never crash or hang."""

from __future__ import annotations

import re
import time

import numpy as np

from agentbench_gym.core import Outcome
from agentbench_gym.envs.knowledge_graph import prompts
from agentbench_gym.envs.knowledge_graph.data import builtin_graph
from agentbench_gym.envs.knowledge_graph.env import KnowledgeGraphEnv

KNOWN = re.compile(
    r"^(Observation: \[.*\]|Observation: variable #\d+, which (are instances of \S+|is a number)|"
    r".* cannot be executed\. .*|I may make a syntax error when calling .*|Final answer executed: \d+ result\(s\)\.)$",
    re.S,
)
FIXED = {prompts.INVALID_VARIABLE, prompts.NO_FUNCTION, prompts.NOT_EXECUTED}


def random_reply(rng: np.random.Generator, names: list[str], relations: list[str], attributes: list[str],
                 seen: list[str]) -> str:
    if rng.random() < 0.4:  # well-formed: list relations, then hop over one the observation listed
        if not seen:
            return f"Action: get_relations({names[0]})"
        return f"Action: get_neighbors({names[0]}, {seen[int(rng.integers(len(seen)))]})"
    tools = ["get_relations", "get_neighbors", "intersection", "union", "get_attributes", "argmax", "argmin",
             "count", "get_relation", "", "eval"]
    args = [*names, *(f"#{k}" for k in range(-3, 8)), "variable #0", "m.0zzzzz", "f.x", "g.123", "", " ", "#",
            "#1e3", "#" + "9" * 30, "m.0" + "x" * 500, *relations[:40], *attributes, "((", "))", "\\_"]
    tool = tools[int(rng.integers(len(tools)))]
    picked = [args[int(rng.integers(len(args)))] for _ in range(int(rng.integers(0, 4)))]
    sep = [", ", ",", " , ", ";"][int(rng.integers(4))]
    call = f"{tool}({sep.join(picked)})" if rng.random() < 0.9 else f"{tool}({sep.join(picked)}"
    head = ["Action: ", "Action 2: ", "action: ", "Thought: x\nAction: ", "", "Final Answer: #"][int(rng.integers(6))]
    if head == "Final Answer: #":
        return head + str(int(rng.integers(-2, 10)))
    return head + call + (" Observation: [fake]" if rng.random() < 0.1 else "")


def test_random_tool_calls_give_known_observations_quickly():
    store, ontology = builtin_graph()
    relations, attributes = sorted(ontology.relations), sorted(ontology.attributes)
    env = KnowledgeGraphEnv()
    rng = np.random.default_rng(0)
    outcomes: dict[Outcome, int] = {}
    slowest = 0.0
    seen: list[str] = []
    try:
        env.reset(seed=0)
        for i in range(3000):
            names = [n for n, _ in env.sample.entities]
            reply = random_reply(rng, names, relations, attributes, seen)
            start = time.perf_counter()
            obs, _, terminated, truncated, info = env.step(reply)
            slowest = max(slowest, time.perf_counter() - start)
            assert obs in FIXED or KNOWN.match(obs), (reply, obs)
            if obs.startswith("Observation: [") and len(obs) > 16:
                seen = obs[len("Observation: ["):-1].split(", ")
            if terminated or truncated:
                outcomes[info["outcome"]] = outcomes.get(info["outcome"], 0) + 1
                assert info["outcome"] in (Outcome.COMPLETED, Outcome.TASK_LIMIT)
                env.reset(seed=i)
                seen = []
    finally:
        env.close()
    assert outcomes.get(Outcome.COMPLETED, 0) > 10 and outcomes.get(Outcome.TASK_LIMIT, 0) > 10
    assert slowest < 0.5


def test_cycles_and_big_sets_stay_bounded():
    env = KnowledgeGraphEnv(max_turns=200)
    sample = next(s for s in env.samples if s.kind == "multi-hop")
    env.reset(options={"sample": sample.id})
    name = sample.entities[0][0]
    env.step(f"Action: get_relations({name})")
    relations = env.step(f"Action: get_relations({name})")[0][len("Observation: ["):-1].split(", ")
    env.step(f"Action: get_neighbors({name}, {relations[0]})")
    start = time.perf_counter()
    # Walk back and forth over relations and their reverses: the set grows to most of the graph.
    for k in range(60):
        obs = env.step(f"Action: get_relations(#{k})")[0]
        options = obs[len("Observation: ["):-1].split(", ")
        obs = env.step(f"Action: get_neighbors(#{k}, {options[k % len(options)]})")[0]
        assert obs.startswith("Observation: variable #") or "cannot be executed" in obs
    *_, info = env.step("Final Answer: #59")
    assert info["outcome"] is Outcome.COMPLETED
    assert time.perf_counter() - start < 5.0
    env.close()
