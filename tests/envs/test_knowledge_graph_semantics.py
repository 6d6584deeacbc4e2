"""Program semantics on a hand-made graph: what AgentBench's SPARQL returns, local and on Oxigraph.

The cases pin the upstream quirks: seeds filtered from the top-level answer only, ties kept by
superlatives, the extreme taken over the whole query (``AND(ARGMAX(A, t), B)`` is not
``ARGMAX(A, t) ∩ B``), and the superlative's outer block skipping the seed filter.
"""

from __future__ import annotations

import pytest

from agentbench_gym.envs.knowledge_graph.backends.local import LocalBackend
from agentbench_gym.envs.knowledge_graph.program import ProgramError, Programs
from agentbench_gym.envs.knowledge_graph.store import GraphStore

TRIPLES = [
    ("m.e1", "x.r", "m.a1"), ("m.e1", "x.r", "m.a2"), ("m.e1", "x.r", "m.a3"),
    ("m.e2", "x.s", "m.a1"),
    ("m.a1", "x.u", "m.b1"), ("m.a2", "x.u", "m.b2"),
    ("m.a1", "x.v", "m.e1"), ("m.a1", "x.v", "m.c"), ("m.c", "x.r", "m.d"),
    ("m.e3", "x.w", "m.e3"), ("m.e3", "x.w", "m.a1"),
]
ATTRIBUTES = [("m.a1", "x.t", "5"), ("m.a2", "x.t", "9"), ("m.a3", "x.t", "9"), ("m.e3", "x.t", "5"),
              ("m.a1", "x.h", "1.5"), ("m.a2", "x.h", "1.25")]


def cases():
    p = Programs()
    r_e1 = p.join("x.r", p.entity("m.e1"))
    s_e2 = p.join("x.s", p.entity("m.e2"))
    top = p.superlative("ARGMAX", r_e1, "x.t")
    return [
        ("one hop", r_e1, ["m.a1", "m.a2", "m.a3"]),
        ("intersection", p.both("AND", r_e1, s_e2), ["m.a1"]),
        ("argmax keeps ties", top, ["m.a2", "m.a3"]),
        ("argmin", p.superlative("ARGMIN", r_e1, "x.t"), ["m.a1"]),
        ("argmax over a double", p.superlative("ARGMAX", r_e1, "x.h"), ["m.a1"]),
        ("extreme over the whole query", p.both("AND", top, s_e2), ["m.a1"]),
        ("hop past a superlative keeps members with the hop", p.join("x.u", top), ["m.b2"]),
        ("seed filtered at the top", p.join("x.v", r_e1), ["m.c"]),
        ("seed kept in the middle", p.join("x.r", p.join("x.v", r_e1)), ["m.a1", "m.a2", "m.a3", "m.d"]),
        ("superlative outer block skips the seed filter",
         p.superlative("ARGMAX", p.join("x.w", p.entity("m.e3")), "x.t"), ["m.a1", "m.e3"]),
        ("count", p.count(r_e1), ["3"]),
        ("count of nothing", p.count(p.join("x.r", p.entity("m.nothing"))), ["0"]),
        ("unknown relation", p.join("x.zzz", p.entity("m.e1")), []),
    ]


@pytest.fixture(scope="module")
def store():
    return GraphStore(TRIPLES, ATTRIBUTES)


@pytest.mark.parametrize("case", cases(), ids=lambda c: c[0])
def test_local_semantics(store, case):
    _, program, expected = case
    assert LocalBackend(store).execute(program) == expected


def test_unexecutable_programs_are_refused(store):
    p = Programs()
    a = p.join("x.r", p.entity("m.e1"))
    backend = LocalBackend(store)
    for program in (p.both("OR", a, a), p.join("x.u", p.count(a)),
                    p.both("AND", p.superlative("ARGMAX", a, "x.t"), p.superlative("ARGMIN", a, "x.t")),
                    p.count(p.superlative("ARGMAX", a, "x.t"))):
        with pytest.raises(ProgramError):
            backend.execute(program)
    with pytest.raises(ProgramError):
        backend.program_predicates(p.count(a))


def test_predicates_of_a_set(store):
    p = Programs()
    backend = LocalBackend(store)
    assert backend.entity_predicates("m.a1") == ["x.h", "x.t", "x.u", "x.v"]
    assert backend.program_predicates(p.join("x.r", p.entity("m.e1"))) == ["x.h", "x.t", "x.u", "x.v"]
    assert backend.entity_predicates("m.unknown") == []


def test_max_results_truncates(store):
    p = Programs()
    assert LocalBackend(store, max_results=2).execute(p.join("x.r", p.entity("m.e1"))) == ["m.a1", "m.a2"]


def test_oxigraph_agrees_on_every_case(tmp_path, store):
    pytest.importorskip("httpx", reason="needs the kg-sparql extra")
    from agentbench_gym.envs.knowledge_graph.backends.sparql import SparqlBackend
    from agentbench_gym.envs.knowledge_graph.serve import oxigraph_binary, start_server

    if oxigraph_binary() is None:
        pytest.skip("oxigraph CLI not installed")
    server = start_server("oxigraph", store, tmp_path)
    try:
        backend = SparqlBackend(server.url)
        for name, program, expected in cases():
            assert backend.execute(program) == expected, name
        p = Programs()
        assert backend.program_predicates(p.join("x.r", p.entity("m.e1"))) == ["x.h", "x.t", "x.u", "x.v"]
        backend.close()
        capped = SparqlBackend(server.url, max_results=2)  # truncated as the local backend truncates
        r_e1 = p.join("x.r", p.entity("m.e1"))
        assert capped.execute(r_e1) == LocalBackend(store, max_results=2).execute(r_e1) == ["m.a1", "m.a2"]
        assert capped.execute(p.count(r_e1)) == ["3"]  # a count is not capped
        capped.close()
    finally:
        server.stop()


@pytest.mark.slow
def test_virtuoso_agrees_on_every_case_in_both_dialects(tmp_path, store):
    import shutil

    pytest.importorskip("httpx", reason="needs the kg-sparql extra")
    from agentbench_gym.envs.knowledge_graph.backends.sparql import SparqlBackend
    from agentbench_gym.envs.knowledge_graph.serve import start_server

    if shutil.which("virtuoso-t") is None:
        pytest.skip("Virtuoso not installed (apt-get install virtuoso-opensource)")
    server = start_server("virtuoso", store, tmp_path)
    try:
        for dialect in ("standard", "virtuoso"):
            backend = SparqlBackend(server.url, dialect=dialect)
            for name, program, expected in cases():
                assert backend.execute(program) == expected, (dialect, name)
            backend.close()
    finally:
        server.stop()
