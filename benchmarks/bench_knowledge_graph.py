"""KG tool latency (built-in world and a synthetic 1M-triple graph) and the 1M-triple store's memory.

Usage: python benchmarks/bench_knowledge_graph.py [--triples 1000000] [--sessions 300]
       [--sparql oxigraph,virtuoso] [--write]

Every tool call goes through the env's turn logic (``KGSession.handle``: parsing, argument
resolution, the tool, the local backend), timed alone. Built-in: the gold calls of all 176
questions plus get_relations/get_attributes/count probes on every variable and the final answers.
Synthetic: random sessions (entity -> hop -> hop -> superlative/count/intersection) over a graph
whose subjects (half the edges) and objects are Zipf-distributed, a third of them starting at a
hub, so some neighbour sets hold tens of thousands of nodes (the largest is reported). Memory is
what tracemalloc sees allocated by the store after its inputs are freed. ``--write`` replaces the
KG section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import numpy as np

from agentbench_gym.envs.knowledge_graph.backends.local import LocalBackend
from agentbench_gym.envs.knowledge_graph.data import builtin_graph, load_builtin
from agentbench_gym.envs.knowledge_graph.session import KGSession
from agentbench_gym.envs.knowledge_graph.store import GraphStore
from agentbench_gym.envs.knowledge_graph.tools import Ontology, ToolBox

LARGEST = [0]  # the biggest variable a synthetic session built (members)
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = "## KG (AgentBench/KG-v0): tool latency and store memory"


def timed(session: KGSession, reply: str, sink: dict[str, list[tuple[float, float]]]) -> str:
    """Run one reply; file (wall, thread CPU) seconds under the tool name (or ``final_answer``).

    CPU time is reported beside wall time because the machine is shared: a call descheduled by
    the OS shows a wall-clock spike (a time slice, about 4-8 ms) that is not the store's cost.
    """
    start, cpu = time.perf_counter(), time.thread_time()
    step = session.handle(reply)
    elapsed, cpu_elapsed = time.perf_counter() - start, time.thread_time() - cpu
    name = "final_answer" if reply.startswith("Final Answer") else reply.split("Action: ", 1)[1].split("(")[0]
    sink[name].append((elapsed, cpu_elapsed))
    return step.observation


def bench_builtin(rounds: int = 3, backend=None) -> dict[str, list[tuple[float, float]]]:
    """Latencies of every gold call + probes on the built-in world (local backend unless given)."""
    store, ontology = builtin_graph()
    backend = backend or LocalBackend(store)
    sink: dict[str, list[tuple[float, float]]] = defaultdict(list)
    warm = load_builtin("dev")[0]  # first calls pay one-off numpy/import costs: not timed
    warm_session = KGSession(ToolBox(backend, ontology), warm.entity_map)
    for action in warm.actions:
        warm_session.handle(f"Action: {action}")
    for _ in range(rounds):
        for sample in load_builtin("dev") + load_builtin("test"):
            session = KGSession(ToolBox(backend, ontology), sample.entity_map)
            for action in sample.actions:
                timed(session, f"Action: {action}", sink)
            for k in range(len(session.tools.variables)):
                if session.tools.variables[k].type != "type.int":
                    timed(session, f"Action: get_relations(#{k})", sink)
                    timed(session, f"Action: get_attributes(#{k})", sink)
                    timed(session, f"Action: count(#{k})", sink)
            for k in range(len(session.tools.variables)):
                timed(session, f"Final Answer: #{k}", sink)
    return sink


def synthetic_graph(n_triples: int, seed: int = 0) -> tuple[GraphStore, Ontology, float, int]:
    """A random graph: ``n_triples`` edges, n/5 nodes, 200 relations, Zipf objects, n/5 attribute facts."""
    rng = np.random.default_rng(seed)
    n_nodes, n_rel, n_attr = n_triples // 5, 200, 20
    # Half the edges leave Zipf-chosen hubs and objects and relations are Zipf too, so some
    # neighbour sets hold tens of thousands of nodes; hubs are scattered over the id space.
    draw = int(n_triples * 2.5)

    def zipf(a: float, n: int) -> np.ndarray:
        return rng.permutation(n)[np.minimum(rng.zipf(a, draw) - 1, n - 1)]

    subjects = np.where(rng.random(draw) < 0.5, rng.integers(0, n_nodes, draw), zipf(1.5, n_nodes))
    objects, relations = zipf(1.3, n_nodes), zipf(1.5, n_rel)
    keys = np.unique((subjects * n_rel + relations) * n_nodes + objects)  # distinct triples
    keys = rng.permutation(keys)[:n_triples]
    subjects, relations, objects = keys // n_nodes // n_rel, keys // n_nodes % n_rel, keys % n_nodes
    a_subj = rng.integers(0, n_nodes, n_triples // 5)
    a_attr = rng.integers(0, n_attr, n_triples // 5)
    a_val = rng.integers(0, 10_000, n_triples // 5)
    gc.collect()
    tracemalloc.start()  # from here on: the names are the store's too, so they are counted
    start = time.perf_counter()
    mids = [f"m.0syn{i:x}" for i in range(n_nodes)]
    rel_names = [f"synthetic.type{r % 25}.relation_{r}" for r in range(n_rel)]
    attr_names = [f"synthetic.type{a}.measure_{a}" for a in range(n_attr)]
    triples = ((mids[s], rel_names[r], mids[o]) for s, r, o in
               zip(subjects.tolist(), relations.tolist(), objects.tolist(), strict=True))
    attributes = ((mids[s], attr_names[a], str(v)) for s, a, v in
                  zip(a_subj.tolist(), a_attr.tolist(), a_val.tolist(), strict=True))
    store = GraphStore(triples, attributes)
    build = time.perf_counter() - start
    del mids, triples, attributes
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    ranges = {r: f"synthetic.type{i % 25}" for i, r in enumerate(rel_names)}
    ontology = Ontology(frozenset(rel_names), frozenset(attr_names), ranges)
    return store, ontology, build, held


def bench_synthetic(store: GraphStore, ontology: Ontology, sessions: int,
                    seed: int = 1) -> dict[str, list[tuple[float, float]]]:
    """Latencies of random multi-hop sessions on the synthetic graph."""
    rng = np.random.default_rng(seed)
    backend = LocalBackend(store)
    sink: dict[str, list[tuple[float, float]]] = defaultdict(list)

    def listed(observation: str) -> list[str]:
        inner = observation[len("Observation: ["):-1]
        return inner.split(", ") if inner else []

    largest = LARGEST
    degree = np.bincount(store._edge_key // store._n_rel, minlength=len(store.nodes))
    hubs = np.argsort(degree)[-100:]
    frequency = np.bincount(store._edge_key % store._n_rel, minlength=len(store.relations))
    for _ in range(sessions):
        # A third of the sessions start at one of the 100 biggest hubs.
        start = hubs[int(rng.integers(len(hubs)))] if rng.random() < 1 / 3 else int(rng.integers(len(store.nodes)))
        mid = store.nodes[int(start)]
        session = KGSession(ToolBox(backend, ontology), {})
        source = mid
        for hop in range(2):
            relations = listed(timed(session, f"Action: get_relations({source})", sink))
            if not relations:
                break
            # Half the time follow the listed relation that is most frequent overall (big sets).
            relation = (max(relations, key=lambda r: frequency[store.relation_ids[r]]) if rng.random() < 0.5
                        else relations[int(rng.integers(len(relations)))])
            timed(session, f"Action: get_neighbors({source}, {relation})", sink)
            source = f"#{hop}"
        variables = len(session.tools.variables)
        if variables == 0:
            continue
        for variable in session.tools.variables:
            largest[0] = max(largest[0], len(backend.answer_ids(variable.program)))
        last = f"#{variables - 1}"
        timed(session, f"Action: get_relations({last})", sink)
        attributes = listed(timed(session, f"Action: get_attributes({last})", sink))
        if attributes:
            op = "argmax" if rng.random() < 0.5 else "argmin"
            timed(session, f"Action: {op}({last}, {attributes[int(rng.integers(len(attributes)))]})", sink)
        timed(session, f"Action: intersection({last}, #0)", sink)
        timed(session, f"Action: count({last})", sink)
        for k in range(len(session.tools.variables)):
            timed(session, f"Final Answer: #{k}", sink)
    return sink


def _row(name: str, pairs: list[tuple[float, float]]) -> str:
    def stats(values: list[float]) -> tuple[float, float, float]:
        values = sorted(values)
        return (statistics.median(values) * 1e6, values[min(len(values) - 1, int(0.95 * len(values)))] * 1e6,
                values[-1] * 1e6)

    wall, cpu = stats([w for w, _ in pairs]), stats([c for _, c in pairs])
    return (f"| {name} | {len(pairs)} | {wall[0]:.0f} | {wall[1]:.0f} | {cpu[0]:.0f} | {cpu[1]:.0f} | "
            f"{cpu[2]:.0f} |")


def bench_sparql(engine: str) -> list[str]:
    """The built-in benchmark over HTTP against a local ``engine`` server (one round)."""
    import tempfile

    from agentbench_gym.envs.knowledge_graph.backends.sparql import SparqlBackend
    from agentbench_gym.envs.knowledge_graph.data import builtin_types
    from agentbench_gym.envs.knowledge_graph.serve import start_server

    with tempfile.TemporaryDirectory() as folder:
        server = start_server(engine, builtin_graph()[0], Path(folder), types=builtin_types())
        try:
            backend = SparqlBackend(server.url)
            sink = bench_builtin(rounds=1, backend=backend)
            backend.close()
        finally:
            server.stop()
    return [f"### Built-in world over SPARQL: {engine} on localhost (standard dialect, one round; CPU is "
            "the client's only)", "", *table(sink), ""]


def table(sink: dict[str, list[tuple[float, float]]]) -> list[str]:
    """Markdown rows per tool: calls; wall median/p95; CPU median/p95/max (microseconds)."""
    rows = ["| tool | calls | wall median µs | wall p95 µs | CPU median µs | CPU p95 µs | CPU max µs |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    order = ["get_relations", "get_neighbors", "intersection", "get_attributes", "argmax", "argmin", "count",
             "final_answer"]
    everything: list[tuple[float, float]] = []
    for name in order:
        if sink.get(name):
            everything += sink[name]
            rows.append(_row(name, sink[name]))
    rows.append(_row("**all**", everything))
    return rows


def main() -> None:
    """Run both benchmarks and print (or write) the Markdown section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--write", action="store_true", help="replace the KG section of RESULTS.md")
    parser.add_argument("--sparql", default="", help="also time the SPARQL backend on these engines, "
                        "e.g. oxigraph,virtuoso (servers started here on the built-in world)")
    args = parser.parse_args()
    builtin = bench_builtin()
    sparql_lines = []
    for engine in filter(None, args.sparql.split(",")):
        sparql_lines += bench_sparql(engine)
    store, ontology, build, held = synthetic_graph(args.triples)
    synthetic = bench_synthetic(store, ontology, args.sessions)
    built_store, _ = builtin_graph()
    lines = [
        HEADER, "",
        f"Command: `python benchmarks/bench_knowledge_graph.py --triples {args.triples} --sessions {args.sessions}"
        f"{' --sparql ' + args.sparql if args.sparql else ''}"
        f"{' --write' if args.write else ''}` ({platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, shared 2-core machine). Each call is timed through the env's turn logic "
        "(parse, resolve arguments, tool, local backend).", "",
        f"### Built-in world ({built_store.n_triples} triples, {built_store.n_attribute_facts} attribute facts): "
        "gold calls of all 176 questions, probes on every variable, every final answer (3 rounds)", "",
        *table(builtin), "",
        f"### Synthetic graph: {store.n_triples:,} triples, {len(store.nodes):,} nodes, "
        f"{store.n_attribute_facts:,} attribute facts, Zipf hubs ({args.sessions} random sessions; largest "
        f"variable {LARGEST[0]:,} members)", "",
        *table(synthetic), "",
        *sparql_lines,
        f"Store memory at {store.n_triples:,} triples: **{held / 2**20:.0f} MiB** allocated (tracemalloc, inputs "
        f"freed; numpy indexes {store.memory_bytes() / 2**20:.0f} MiB, the rest is node names and their dict). "
        f"Build time {build:.1f} s (from Python tuples, under tracemalloc). Targets: ≤ 1 ms per tool call, "
        "≤ 500 MB at 1M triples. Wall-clock p95 above CPU p95 is the shared machine descheduling the process. "
        "On the synthetic graph the CPU maxima are hops and predicate lists over the largest sets; a lone CPU "
        "outlier above 1 ms on the built-in world is a garbage-collection pass.", "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        previous = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\n"
        if HEADER in previous:
            head, _, rest = previous.partition(HEADER)
            tail = rest[rest.find("\n## "):] if "\n## " in rest else ""
            previous = head.rstrip("\n") + "\n\n"
            text = text + tail.lstrip("\n")
        RESULTS.write_text(previous.rstrip("\n") + "\n\n" + text, encoding="utf-8")


if __name__ == "__main__":
    main()
