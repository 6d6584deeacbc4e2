"""KG data: the built-in world and questions, AgentBench's question files, and TSV graphs."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from agentbench_gym.baselines import make_policy
from kg_helpers import synthesize_slice

from agentbench_gym.envs.knowledge_graph.backends.local import LocalBackend
from agentbench_gym.envs.knowledge_graph.build_data import HERE, write_all
from agentbench_gym.envs.knowledge_graph.data import (
    builtin_graph,
    freebase_id,
    load_builtin,
    load_graph,
    load_upstream,
    load_upstream_ontology,
)
from agentbench_gym.envs.knowledge_graph.env import KnowledgeGraphEnv
from agentbench_gym.envs.knowledge_graph.session import KGSession
from agentbench_gym.envs.knowledge_graph.tools import ToolBox
from agentbench_gym.errors import DataFormatError

KINDS = {"multi-hop", "intersection", "count", "superlative"}


def test_builtin_splits_cover_agentbench_sizes_and_kinds():
    dev, test = load_builtin("dev"), load_builtin("test")
    assert len(dev) >= 20 and len(test) >= 150
    for split in (dev, test):
        assert set(Counter(s.kind for s in split)) == KINDS
        assert len({s.id for s in split}) == len(split)
        assert all(s.answer and s.actions and s.entities for s in split)
    assert not {s.question for s in dev} & {s.question for s in test}


def test_every_builtin_gold_answer_is_its_program_s_result():
    store, ontology = builtin_graph()
    backend = LocalBackend(store)
    for sample in load_builtin("dev") + load_builtin("test"):
        session = KGSession(ToolBox(backend, ontology), sample.entity_map)
        for action in sample.actions:
            assert "cannot" not in session.handle(f"Action: {action}").observation
        step = session.handle(f"Final Answer: #{len(session.tools.variables) - 1}")
        assert step.prediction == list(sample.answer), sample.id


def test_regenerating_gives_identical_files(tmp_path):
    write_all(tmp_path)
    shipped = sorted(p.relative_to(HERE) for p in HERE.rglob("*") if p.is_file())
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert shipped == built
    for name in shipped:
        assert (HERE / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_builtin_world_is_consistent():
    store, ontology = builtin_graph()
    assert store.n_triples > 10_000 and store.n_attribute_facts > 3_000
    assert set(store.relations) == set(ontology.relations) and set(ontology.ranges) >= set(store.relations)
    assert all(not any(c in name for c in ",()#") for name in store.names.values())
    # Every relation is stored both ways (Freebase's reverse properties).
    birth = store.ids([store.nodes[0]])
    assert len(birth) == 1


# ------------------------------------------------------------------ upstream
@pytest.fixture(scope="module")
def upstream_kg(shared_data) -> Path:
    folder = shared_data / "agentbench" / "kg"
    if not (folder / "dev.json").is_file():
        pytest.skip("AgentBench KG data not in ../shared/data")
    return folder


def test_upstream_questions_load(upstream_kg):
    samples = load_upstream(upstream_kg, "dev")
    assert len(samples) == 20
    first = samples[0]
    assert first.id == "0" and first.answer == ("m.05ch8k4",)
    assert first.entity_map["Pat Connaughton"] == "m.0j50kb6"
    assert first.actions[0] == "get_relations(m.09rl290)" and len(first.actions) == 7
    assert sum(len(s.answer) for s in samples) == 32
    assert Counter(s.source for s in samples) == {"grailqa": 14, "graphquestions": 4, "cwq": 2}
    with pytest.raises(FileNotFoundError, match=r"std\.json"):
        load_upstream(upstream_kg, "test")


def test_upstream_ontology_loads(upstream_kg):
    ontology = load_upstream_ontology(upstream_kg / "ontology")
    assert len(ontology.relations) == 13_100 and len(ontology.attributes) == 3_384
    assert ontology.ranges["basketball.basketball_player.position_s"] == "basketball.basketball_position"


def test_malformed_upstream_files_raise(tmp_path):
    (tmp_path / "dev.json").write_text("{not json")
    with pytest.raises(DataFormatError):
        load_upstream(tmp_path, "dev")
    (tmp_path / "dev.json").write_text(json.dumps([{"question": "q"}]))
    with pytest.raises(DataFormatError, match="record 0"):
        load_upstream(tmp_path, "dev")


def test_upstream_gold_actions_run_on_a_slice_with_their_facts(upstream_kg, tmp_path):
    samples = load_upstream(upstream_kg, "dev")
    triples, attributes = synthesize_slice(samples)
    with gzip.open(tmp_path / "triples.tsv.gz", "wt", encoding="utf-8") as handle:
        handle.writelines("\t".join(t) + "\n" for t in triples)
    (tmp_path / "attributes.tsv").write_text("".join("\t".join(a) + "\n" for a in attributes))
    env = KnowledgeGraphEnv(data_dir=str(upstream_kg), graph=str(tmp_path))
    policy = make_policy("scripted", env)
    scores = {}
    try:
        for index in range(len(env.samples)):
            obs, info = env.reset(options={"sample": index})
            policy.reset()
            while True:
                obs, _, terminated, truncated, info = env.step(policy.act(obs, info))
                if terminated or truncated:
                    break
            scores[env.sample.id] = info["score"]
    finally:
        env.close()
    # Two gold sequences fail upstream too: 14 intersects a sports.sports_championship_event variable
    # with a time.event one (fb_roles ranges differ), 17 calls get_relations(common.topic), which the
    # entity check rejects.
    assert {k for k, v in scores.items() if v < 1.0} == {"14", "17"}
    main = KnowledgeGraphEnv.task_metrics([{"score": v, "metrics": {"f1": v}} for v in scores.values()])["main"]
    assert 18 / 20 <= main < 1.0


def test_upstream_data_without_a_graph_says_how_to_serve_freebase(upstream_kg):
    with pytest.raises(ValueError, match="sparql"):
        KnowledgeGraphEnv(data_dir=str(upstream_kg))


# -------------------------------------------------------------- TSV graphs
def test_freebase_ids_are_converted():
    assert freebase_id("/m/027rn") == "m.027rn"
    assert freebase_id("/film/film/release_date_s./film/film_regional_release_date/film_release_region") == \
        "film.film.release_date_s.film.film_regional_release_date.film_release_region"
    assert freebase_id("m.0x") == "m.0x"


def _fb15k(shared_data) -> Path:
    folder = shared_data / "kg"
    if not (folder / "fb15k237_triples.tsv.gz").is_file():
        pytest.skip("FB15k-237 not in ../shared/data/kg")
    return folder


def test_tsv_loader_on_a_fb15k_excerpt(shared_data, tmp_path):
    folder = _fb15k(shared_data)
    with gzip.open(folder / "fb15k237_triples.tsv.gz", "rt", encoding="utf-8") as handle:
        lines = [next(handle) for _ in range(3001)]
    (tmp_path / "t.tsv").write_text("".join(lines))
    store, ontology = load_graph(tmp_path / "t.tsv", folder / "fb15k_entity_names.tsv.gz",
                                 folder / "fb15k_numeric_literals.tsv.gz")
    head, relation, tail, _ = lines[1].rstrip("\n").split("\t")
    session = KGSession(ToolBox(LocalBackend(store), ontology), {store.names[freebase_id(head)]: freebase_id(head)})
    name = store.names[freebase_id(head)]
    rel = freebase_id(relation)
    assert rel in session.handle(f"Action: get_relations({name})").observation
    assert session.handle(f"Action: get_neighbors({name}, {rel})").observation.startswith("Observation: variable #0")
    assert freebase_id(tail) in session.handle("Final Answer: #0").prediction
    assert store.n_triples == 3000 and "people.person.date_of_birth" in ontology.attributes


@pytest.mark.slow
def test_tsv_loader_on_all_of_fb15k_237(shared_data):
    folder = _fb15k(shared_data)
    store, ontology = load_graph(folder / "fb15k237_triples.tsv.gz", folder / "fb15k_entity_names.tsv.gz",
                                 folder / "fb15k_numeric_literals.tsv.gz")
    assert store.n_triples == 310_116 and len(store.relations) == 237 and len(store.attributes) == 116
    assert store.n_attribute_facts == 29_395
    backend = LocalBackend(store)
    rng = np.random.default_rng(0)
    usa = freebase_id("/m/09c7w0")  # a hub: thousands of edges
    session = KGSession(ToolBox(backend, ontology), {"USA": usa})
    relations = session.handle("Action: get_relations(USA)").observation
    for relation in rng.choice(relations[len("Observation: ["):-1].split(", "), size=5, replace=False):
        assert "variable" in session.handle(f"Action: get_neighbors(USA, {relation})").observation
    session.handle("Action: get_relations(#0)")
    attributes = session.handle("Action: get_attributes(#0)").observation
    assert attributes.startswith("Observation: [")


def test_env_serves_a_user_graph_given_as_a_store():
    from agentbench_gym.envs.knowledge_graph.store import GraphStore

    store = GraphStore([("m.a", "x.y.knows", "m.b"), ("m.b", "x.y.knows", "m.c")])
    env = KnowledgeGraphEnv(graph=store)  # built-in questions, foreign graph: tools run, answers differ
    env.reset(options={"sample": 0})
    assert env.step("Action: get_relations(m.a)")[0] == "Observation: [x.y.knows]"
    obs = env.step("Action: get_neighbors(m.a, x.y.knows)")[0]
    assert obs == "Observation: variable #0, which are instances of x.y"
    assert env.step("Final Answer: #0")[-1]["metrics"]["predict"] == ["m.b"]
    env.close()
