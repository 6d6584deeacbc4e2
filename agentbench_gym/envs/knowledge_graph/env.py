"""``AgentBench/KG-v0``: answer a question with AgentBench's knowledge-graph tools."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from agentbench_gym.core import AgentBenchEnv, Message, Outcome, TurnResult
from agentbench_gym.envs.knowledge_graph import prompts, scoring
from agentbench_gym.envs.knowledge_graph.backends import KGBackend
from agentbench_gym.envs.knowledge_graph.backends.local import LocalBackend
from agentbench_gym.envs.knowledge_graph.data import (
    KGSample,
    builtin_graph,
    load_builtin,
    load_graph,
    load_graph_dir,
    load_upstream,
    load_upstream_ontology,
)
from agentbench_gym.envs.knowledge_graph.parse import normalize
from agentbench_gym.envs.knowledge_graph.program import Programs
from agentbench_gym.envs.knowledge_graph.session import KGSession
from agentbench_gym.envs.knowledge_graph.store import GraphStore
from agentbench_gym.envs.knowledge_graph.tools import Ontology, ToolBox

SPARQL_URL_VARIABLE = "AGENTBENCH_KG_SPARQL_URL"


def _ontology_of(store: GraphStore) -> Ontology:
    """Whitelists = everything in the store; ranges from the store or inferred."""
    ranges = {**store.infer_ranges(), **store.ranges}
    return Ontology(frozenset(store.relations), frozenset(store.attributes), ranges)


class KnowledgeGraphEnv(AgentBenchEnv):
    """Knowledge-graph question answering with AgentBench's tools (the paper's KG task).

    **Description.** The agent answers a question about a knowledge graph by calling tools that
    build variables ``#0, #1, ...`` — each a typed *program* over the graph, not a materialised
    set — and ends with ``Final Answer: #k``; the answer is that variable's executed result.

    **Observation.** ``reset`` returns ``A new question: <question>\\nEntities: [<names>]``;
    ``info["prefix"]`` holds AgentBench's instructions, the canned acknowledgement and the
    16-message one-shot demonstration. Each step returns a tool observation (``Observation:
    [r1, r2]``, ``Observation: variable #3, which are instances of film.film``, ``Observation:
    variable #4, which is a number``) or AgentBench's error text.

    **Reply format.** Free text. The reply is cut at ``Observation:`` and ``\\_`` becomes ``_``
    (the cleaned text is ``info["history_reply"]``, what upstream keeps in history). ``Final
    Answer: #k`` anywhere ends the episode; else the first line starting ``Action...:`` is read and
    the calls on it (``get_relations(x)``, ``get_neighbors(x, rel)``, ``intersection(a, b)``,
    ``get_attributes(x)``, ``argmax(x, attr)``, ``argmin(x, attr)``, ``count(x)``; also the
    unadvertised ``union``) are tried in order until one runs. Arguments: ``#k`` (negative k
    counts from the end, as upstream), an entity name exactly as listed, or a MID ``m.xxx``.

    **Outcomes.** ``completed`` when a final answer names an existing variable. Nothing else ends
    the episode early (KG never gives IF/IA upstream): an unknown variable id, a reply without an
    Action line, an unknown tool or a failing call only costs the turn. ``task_limit`` after
    ``max_turns`` (15) replies. A failing SPARQL endpoint (connection lost) gives ``task_error``.

    **Score & metrics.** Score = F1 of the predicted vs gold answer sets. ``info["metrics"]``:
    ``f1``, ``em``, ``executability`` (non-empty prediction), ``predict`` (the executed answer)
    and ``actions`` (successful calls). ``task_metrics`` = AgentBench's ``main``/``F1``, ``EM``
    and ``executability`` means.

    **Arguments.** ``split`` (``dev`` 26 questions, ``test`` 150), ``data_dir`` (AgentBench's
    ``data/knowledgegraph`` with ``dev.json``/``std.json``; ``test`` reads ``std.json``),
    ``backend`` (``local`` | ``sparql``), ``max_turns`` (15), ``render_mode`` (``ansi``),
    ``sparql_url`` (or ``$AGENTBENCH_KG_SPARQL_URL``), ``graph`` (local backend: a folder like the
    built-in one, a triples TSV file, a ``GraphStore``, or the ``(store, ontology)`` pair that
    ``data.load_graph(triples, names, attributes, schema)`` returns), ``ontology_dir``
    (``vocab.json`` + ``fb_roles``; default ``<data_dir>/ontology``), ``max_results`` (10000:
    answers returned, like Virtuoso's default ``ResultSetMaxRows``), ``timeout`` (SPARQL
    seconds, 60), ``sparql_dialect`` (``standard``: SPARQL 1.1 for any engine; ``virtuoso``:
    upstream's exact query text), ``upstream_bugs`` (False).

    **Deliberate differences from upstream** (each documented in TASK_DETAILS §1):
    relation/attribute lists are sorted (upstream: Python set order, unreproducible); the
    relation/attribute caches live per episode (upstream: module globals shared by every sample);
    a failed call is worded with its own arguments (upstream reuses the previous call's). With
    ``upstream_bugs=True`` the caches are shared by all episodes of the env and the stale wording
    comes back. Programs AgentBench would turn into broken SPARQL (``union`` results, two
    superlatives, count below the top, a tree above 256 nodes) cannot be executed here: tools say
    "cannot be executed" and a final answer predicts nothing (upstream: a task error). Only the
    listed tools are callable (upstream ``getattr`` also reaches helper functions); an unknown
    name gets upstream's syntax-error text. Predictions come sorted by MID (upstream: endpoint
    order) and are capped at ``max_results``. The SPARQL backend POSTs its queries (upstream:
    GET) and has a timeout; a lost endpoint is ``task_error`` (upstream: the worker exits).

    **Backends.** ``local`` (default): an in-process store (sorted numpy indexes) of the
    project's own fictional world — 1.6k entities, 16k triples, 3.5k numeric facts — or of any
    graph loaded from TSV. ``sparql``: a SPARQL 1.1 endpoint queried with AgentBench's queries in
    Freebase URI style (``http://rdf.freebase.com/ns/``), e.g. a Freebase Virtuoso, or the built-in
    world served by Oxigraph or Virtuoso (``python -m agentbench_gym.envs.knowledge_graph.serve``);
    needs the ``kg-sparql`` extra. Both give identical observations on every built-in question.

    **Data.** Built-in: questions generated from gold tool programs over the project's world
    (multi-hop, intersection, counting, superlatives); the gold answer is the program's executed
    result (regenerate with ``python -m agentbench_gym.envs.knowledge_graph.build_data``).
    Upstream questions need Freebase: use ``backend="sparql"`` with a Freebase endpoint,
    or ``graph=`` with a slice holding the facts.

    **Registered ids.** ``AgentBench/KG-v0``.

    **Version history.** v0: initial release (AgentBench v0.2 protocol).
    """

    task: ClassVar[str] = "KG"
    default_max_turns: ClassVar[int | None] = 15
    splits: ClassVar[tuple[str, ...]] = ("dev", "test")
    backends: ClassVar[tuple[str, ...]] = ("local", "sparql")
    oracle: ClassVar[str] = "agentbench_gym.envs.knowledge_graph.oracle:KnowledgeGraphOracle"
    reply_examples: ClassVar[tuple[str, ...]] = (
        "Thought: I need the relations first.\nAction: get_relations(#0)",
        "Action: get_neighbors(#0, film.film.directed_by)",
        "Action: intersection(#0, #1)",
        "Action: get_attributes(#1)",
        "Action: argmax(#1, film.film.runtime_minutes)",
        "Action: argmin(#0, people.person.birth_year)",
        "Action: count(#0)",
        "Action: union(#0, #1)",
        "Final Answer: #0",
        "Final Answer: #1",
        "Find Answer: #99",
        "Action: get_relations(m.0abcde)",
        "Action: get_neighbors(variable #-1, location.location.contains)",
        "Action: intersection(#0, #0)",
        "Action: get_relations(#0) Observation: [fake]",
        "Action: get_relations(",
    )

    def __init__(self, *, split: str | None = None, data_dir: str | None = None, backend: str | None = None,
                 max_turns: int | None = None, render_mode: str | None = None, dense: bool = False,
                 sparql_url: str | None = None, graph: str | os.PathLike | None = None,
                 ontology_dir: str | os.PathLike | None = None, max_results: int = 10_000,
                 timeout: float = 60.0, sparql_dialect: str = "standard", upstream_bugs: bool = False) -> None:
        """See the class docstring for the arguments."""
        super().__init__(split=split, data_dir=data_dir, backend=backend, max_turns=max_turns,
                         render_mode=render_mode, dense=dense)
        if max_results < 1:
            raise ValueError(f"max_results must be at least 1, got {max_results}")
        self.upstream_bugs = upstream_bugs
        self.ontology = self._ontology(data_dir, ontology_dir, graph)
        self.kg_backend: KGBackend = self._make_backend(sparql_url, graph, max_results, timeout, sparql_dialect)
        self._shared = (Programs(), {}, {})  # used across episodes only with upstream_bugs
        self._session: KGSession | None = None
        self._history_reply: str | None = None

    # ---------------------------------------------------------------- setup
    def _ontology(self, data_dir, ontology_dir, graph) -> Ontology:
        folder = Path(ontology_dir) if ontology_dir else (Path(data_dir) / "ontology" if data_dir else None)
        if folder is not None and (folder / "vocab.json").is_file():
            return load_upstream_ontology(folder)
        if ontology_dir:
            raise FileNotFoundError(f"KG: no vocab.json in {ontology_dir}")
        if graph is not None:
            return self._graph(graph)[1]
        if data_dir is not None and self.backend == "sparql":
            raise FileNotFoundError("KG: upstream questions over SPARQL need AgentBench's ontology "
                                    "(vocab.json, fb_roles): pass ontology_dir=")
        return builtin_graph()[1]

    def _graph(self, graph) -> tuple[GraphStore, Ontology]:
        cached = getattr(self, "_graph_cache", None)
        if cached is None:
            if isinstance(graph, tuple):  # (store, ontology) from load_graph(...)
                cached = graph
            elif isinstance(graph, GraphStore):
                cached = (graph, _ontology_of(graph))
            else:
                path = Path(graph)
                cached = load_graph_dir(path) if path.is_dir() else load_graph(path)
            self._graph_cache = cached
        return cached

    def _make_backend(self, sparql_url, graph, max_results: int, timeout: float, dialect: str) -> KGBackend:
        if self.backend == "sparql":
            from agentbench_gym.envs.knowledge_graph.backends.sparql import SparqlBackend

            url = sparql_url or os.environ.get(SPARQL_URL_VARIABLE)
            if not url:
                raise ValueError(f"KG: backend='sparql' needs sparql_url= or ${SPARQL_URL_VARIABLE}")
            return SparqlBackend(url, max_results=max_results, timeout=timeout, dialect=dialect)
        if graph is not None:
            store = self._graph(graph)[0]
        elif self.data_dir is not None:
            raise ValueError("KG: AgentBench's questions are about Freebase, which the built-in graph does "
                             "not hold; use backend='sparql' with a Freebase endpoint, or graph= with the facts")
        else:
            store = builtin_graph()[0]
        return LocalBackend(store, max_results=max_results)

    # ---------------------------------------------------------------- hooks
    def _load_samples(self, split: str, data_dir: str | None) -> Sequence[KGSample]:
        return load_upstream(data_dir, split) if data_dir else load_builtin(split)

    def _start(self, sample: KGSample) -> tuple[str, list[Message]]:
        if self.upstream_bugs:
            programs, relations, attributes = self._shared
        else:
            programs, relations, attributes = Programs(), {}, {}
        tools = ToolBox(self.kg_backend, self.ontology, programs, relations, attributes)
        self._session = KGSession(tools, sample.entity_map, stale_arguments=self.upstream_bugs)
        self._history_reply = None
        prefix: list[Message] = [{"role": "user", "content": prompts.INSTRUCTIONS},
                                 {"role": "assistant", "content": prompts.ACKNOWLEDGEMENT}]
        for index, shot in enumerate(prompts.ONE_SHOT):
            prefix.append({"role": "user" if index % 2 == 0 else "assistant", "content": shot})
        return prompts.new_question(sample.question, [name for name, _ in sample.entities]), prefix

    def _turn(self, reply: str) -> TurnResult:
        assert self._session is not None
        self._history_reply = normalize(reply)
        step = self._session.handle(reply)
        if step.prediction is None:
            return TurnResult(step.observation)
        metrics: dict[str, Any] = scoring.sample_metrics(step.prediction, self._sample.answer)
        metrics.update(predict=list(step.prediction), actions=list(self._session.actions))
        if step.error:
            metrics["error"] = step.error
        closing = f"Final answer executed: {len(step.prediction)} result(s)."
        return TurnResult(closing, Outcome.COMPLETED, score=metrics["f1"], metrics=metrics)

    def _on_limit(self, last: TurnResult, outcome: Outcome) -> TurnResult:
        actions = list(self._session.actions) if self._session else []
        metrics = {"f1": 0.0, "em": 0.0, "executability": 0.0, "predict": [], "actions": actions}
        return TurnResult(last.observation, outcome, score=0.0, metrics=metrics)

    def _step_info(self) -> dict[str, Any]:
        return {} if self._history_reply is None else {"history_reply": self._history_reply}

    def _release(self) -> None:
        self._session = None

    def close(self) -> None:
        """End the episode and close the backend's connections."""
        super().close()
        backend = getattr(self, "kg_backend", None)
        if backend is not None:
            backend.close()

    # ---------------------------------------------------------- class hooks
    @classmethod
    def backend_status(cls) -> dict[str, str | None]:
        """``local`` always works; ``sparql`` needs httpx and an endpoint URL."""
        status: dict[str, str | None] = {"local": None}
        try:
            import httpx  # noqa: F401
        except ImportError:
            status["sparql"] = "pip install 'agentbench-gym[kg-sparql]' and set $AGENTBENCH_KG_SPARQL_URL"
            return status
        status["sparql"] = None if os.environ.get(SPARQL_URL_VARIABLE) else (
            f"set ${SPARQL_URL_VARIABLE} (or sparql_url=) to a SPARQL endpoint in Freebase URI style; "
            "`python -m agentbench_gym.envs.knowledge_graph.serve` serves the built-in graph")
        return status

    @classmethod
    def task_metrics(cls, episodes: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        """AgentBench's ``calculate_overall``: ``main`` (= mean F1), ``F1``, ``EM``, ``executability``."""
        return scoring.aggregate(episodes)
