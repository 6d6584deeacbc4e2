"""The SPARQL backend against real servers: identical tool results to the local store.

Oxigraph (PyPI ``oxigraph``) runs in the default suite; Virtuoso (Debian
``virtuoso-opensource``, the engine of AgentBench's Freebase endpoint) runs with ``-m slow``,
once in the standard dialect and once with upstream's exact query text.
"""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

from agentbench_gym.envs.knowledge_graph.backends.local import LocalBackend
from agentbench_gym.envs.knowledge_graph.data import builtin_graph, builtin_types, load_builtin
from agentbench_gym.envs.knowledge_graph.session import KGSession
from agentbench_gym.envs.knowledge_graph.tools import ToolBox

httpx = pytest.importorskip("httpx", reason="needs the kg-sparql extra")
from agentbench_gym.envs.knowledge_graph.backends.sparql import SparqlBackend  # noqa: E402
from agentbench_gym.envs.knowledge_graph.serve import oxigraph_binary, start_server  # noqa: E402
from agentbench_gym.errors import BackendUnavailable  # noqa: E402


def _server(engine, tmp_path_factory):
    store, _ = builtin_graph()
    server = start_server(engine, store, tmp_path_factory.mktemp(engine), types=builtin_types())
    return server


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    if oxigraph_binary() is None:
        pytest.skip("oxigraph CLI not installed (pip install oxigraph)")
    server = _server("oxigraph", tmp_path_factory)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    if shutil.which("virtuoso-t") is None:
        pytest.skip("Virtuoso not installed (apt-get install virtuoso-opensource)")
    server = _server("virtuoso", tmp_path_factory)
    yield server
    server.stop()


VARIABLE = re.compile(r"variable #(\d+)")


def probe_replies(sample, rng: np.random.Generator, local_session: KGSession):
    """Gold actions, with probes after each new variable, then random exploration from the local side."""
    for action in sample.actions:
        yield f"Action: {action}"
        last = len(local_session.tools.variables) - 1
        if last >= 0:
            yield f"Action: get_relations(#{last})"
            yield f"Action: get_attributes(#{last})"
    # Random walk: hop, intersect, superlative, then hop past the superlative (nested ARGMAX).
    for _ in range(6):
        variables = local_session.tools.variables
        if not variables:
            return
        k = int(rng.integers(len(variables)))
        relations = local_session.tools.relations_cache.get(variables[k])
        attributes = local_session.tools.attributes_cache.get(variables[k])
        choice = int(rng.integers(4))
        if choice == 0 and relations:
            yield f"Action: get_neighbors(#{k}, {relations[int(rng.integers(len(relations)))]})"
        elif choice == 1 and attributes:
            op = "argmax" if rng.random() < 0.5 else "argmin"
            yield f"Action: {op}(#{k}, {attributes[int(rng.integers(len(attributes)))]})"
        elif choice == 2:
            yield f"Action: intersection(#{k}, #{int(rng.integers(len(variables)))})"
        else:
            yield f"Action: count(#{k})"
        last = len(local_session.tools.variables) - 1
        yield f"Action: get_relations(#{last})"
        yield f"Action: get_attributes(#{last})"


def compare_backends(url: str, samples, dialect: str = "standard", seed: int = 0) -> int:
    """Play the same replies on both backends; every observation and answer must agree."""
    store, ontology = builtin_graph()
    local = LocalBackend(store)
    remote = SparqlBackend(url, dialect=dialect)
    rng = np.random.default_rng(seed)
    compared = 0
    try:
        for sample in samples:
            a = KGSession(ToolBox(local, ontology), sample.entity_map)
            b = KGSession(ToolBox(remote, ontology), sample.entity_map)
            for reply in probe_replies(sample, rng, a):
                obs_a, obs_b = a.handle(reply).observation, b.handle(reply).observation
                assert obs_a == obs_b, (sample.id, reply)
                compared += 1
            for k in range(len(a.tools.variables)):
                final_a, final_b = a.handle(f"Final Answer: #{k}"), b.handle(f"Final Answer: #{k}")
                assert final_a.prediction == final_b.prediction, (sample.id, k, a.actions)
                assert (final_a.error is None) == (final_b.error is None), (sample.id, k, final_a, final_b)
                compared += 1
    finally:
        remote.close()
    return compared


def test_oxigraph_matches_local_on_dev(oxigraph):
    assert compare_backends(oxigraph.url, load_builtin("dev")) > 300


@pytest.mark.slow
def test_oxigraph_matches_local_on_test(oxigraph):
    assert compare_backends(oxigraph.url, load_builtin("test"), seed=1) > 2000


@pytest.mark.slow
@pytest.mark.parametrize("dialect", ["standard", "virtuoso"])
def test_virtuoso_matches_local_on_every_question(virtuoso, dialect):
    samples = load_builtin("dev") + load_builtin("test")
    assert compare_backends(virtuoso.url, samples, dialect=dialect, seed=2) > 2000


def test_env_over_oxigraph_solves_dev(oxigraph):
    import gymnasium as gym
    from agentbench_gym.baselines import make_policy

    env = gym.make("AgentBench/KG-v0", backend="sparql", sparql_url=oxigraph.url)
    policy = make_policy("scripted", env)
    scores = []
    try:
        for index in range(len(env.unwrapped.samples)):
            obs, info = env.reset(options={"sample": index})
            policy.reset()
            while True:
                obs, _, terminated, truncated, info = env.step(policy.act(obs, info))
                if terminated or truncated:
                    break
            scores.append(info["score"])
    finally:
        env.close()
    assert np.mean(scores) == 1.0


def test_endpoint_errors(oxigraph):
    with pytest.raises(BackendUnavailable):
        SparqlBackend("http://127.0.0.1:9/sparql", timeout=2)
    backend = SparqlBackend(oxigraph.url)
    from agentbench_gym.envs.knowledge_graph.backends.sparql import SparqlQueryError

    with pytest.raises(SparqlQueryError):
        backend._values("SELECT nonsense")
    assert backend.entity_predicates("m.0zz<z") == []
    backend.close()


def test_upstream_questions_over_sparql_match_local(shared_data, tmp_path):
    """AgentBench's own questions (and ontology) over SPARQL, on a slice holding their facts."""
    import gymnasium as gym
    from agentbench_gym.baselines import make_policy
    from kg_helpers import synthesize_slice

    from agentbench_gym.envs.knowledge_graph.store import GraphStore

    folder = shared_data / "agentbench" / "kg"
    if not (folder / "dev.json").is_file() or oxigraph_binary() is None:
        pytest.skip("needs ../shared/data/agentbench/kg and the oxigraph CLI")
    from agentbench_gym.envs.knowledge_graph.data import load_upstream

    triples, attributes = synthesize_slice(load_upstream(folder, "dev"))
    store = GraphStore(triples, attributes)
    server = start_server("oxigraph", store, tmp_path)
    results = {}
    try:
        for backend, extra in (("local", {"graph": store}), ("sparql", {"sparql_url": server.url})):
            env = gym.make("AgentBench/KG-v0", data_dir=str(folder), backend=backend, **extra)
            policy = make_policy("scripted", env)
            transcript = []
            for index in range(len(env.unwrapped.samples)):
                obs, info = env.reset(options={"sample": index})
                policy.reset()
                while True:
                    obs, _, terminated, truncated, info = env.step(policy.act(obs, info))
                    transcript.append(obs)
                    if terminated or truncated:
                        transcript.append((info["score"], tuple(info["metrics"]["predict"])))
                        break
            env.close()
            results[backend] = transcript
    finally:
        server.stop()
    assert results["local"] == results["sparql"]
    assert sum(item[0] == 1.0 for item in results["sparql"] if isinstance(item, tuple)) == 18


def test_endpoint_dying_mid_episode_is_a_task_error(tmp_path):
    """Upstream's worker exits on a lost endpoint; here the sample ends as task_error (re-run, unscored)."""
    import gymnasium as gym

    from agentbench_gym.core import Outcome

    if oxigraph_binary() is None:
        pytest.skip("oxigraph CLI not installed")
    server = _server_at(tmp_path)
    env = gym.make("AgentBench/KG-v0", backend="sparql", sparql_url=server.url, timeout=5)
    try:
        env.reset(options={"sample": 0})
        name = env.unwrapped.sample.entities[0][0]
        assert env.step(f"Action: get_relations({name})")[0].startswith("Observation: [")
        server.stop()
        *_, terminated, truncated, info = env.step(f"Action: get_relations({name})")
        assert truncated and not terminated and info["outcome"] is Outcome.TASK_ERROR
        assert "unreachable" in info["error"]
    finally:
        env.close()
        server.stop()


def _server_at(path):
    store, _ = builtin_graph()
    return start_server("oxigraph", store, path)
