"""The SPARQL backend: AgentBench's Freebase queries, sent to any SPARQL 1.1 endpoint.

``compile_program`` writes the query AgentBench's ``lisp_to_sparql`` writes for a program
(TASK_DETAILS §1.2): one variable per sub-program, AND and superlatives merging variables, the
language filter and one ``FILTER (?x != ns:<mid>)`` per MID on the answer, and the superlative's
outer block of bare clauses joined to an ordered ``LIMIT 1`` sub-query. Filters on MIDs come
sorted (upstream: set order).

Two dialects: ``virtuoso`` writes upstream's exact spelling (``ns:`` prefixed names, ``OR`` in
the language filter, ``SELECT COUNT DISTINCT ?x``, ``regex(?x0, ...)`` on an IRI), which only
Virtuoso accepts; ``standard`` (the default) writes the same queries in SPARQL 1.1 that any engine
accepts: full IRIs (Oxigraph 0.5 rejects local names with two dots such as
``ns:people.person.profession``), ``||``, ``(COUNT(DISTINCT ?x) AS ?count)`` and ``str(?x0)``.
"""

from __future__ import annotations

import re
from typing import Any

from agentbench_gym.envs.knowledge_graph.program import SUPERLATIVES, Program
from agentbench_gym.errors import BackendUnavailable, MissingExtra

NS = "http://rdf.freebase.com/ns/"
PREFIX = f"PREFIX ns: <{NS}>"
DIALECTS = ("standard", "virtuoso")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.]*(?<!\.)$")


def language_filter(dialect: str) -> str:
    """The filter upstream puts first on the answer variable."""
    op = "OR" if dialect == "virtuoso" else "||"
    return f"FILTER (!isLiteral(?x) {op} lang(?x) = '' {op} langMatches(lang(?x), 'en'))"


class SparqlQueryError(RuntimeError):
    """The endpoint rejected a query (HTTP 4xx/5xx) or it timed out; the tool "cannot be executed"."""


def term(name: str, dialect: str = "standard") -> str:
    """``ns:name`` (virtuoso dialect, when valid) or the full IRI."""
    if dialect == "virtuoso" and _SAFE_NAME.match(name):
        return f"ns:{name}"
    if any(c in name for c in '<>"{}|^`\\ \n\t'):
        raise ValueError(f"not a Freebase id: {name!r}")
    return f"<{NS}{name}>"


def compile_program(program: Program, dialect: str = "standard") -> str:
    """The SELECT query of a program's answer (``?x``, or one count value for COUNT)."""
    program.check_executable()
    counted = program.op == "COUNT"
    body = program.args[0] if counted else program
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent.get(i, i) != i:
            i = parent[i]
        return i

    def merge(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    raw: list[tuple[str, int | str, str, int]] = []  # (kind, subject var or entity, predicate, object var)
    entities: set[str] = set()
    order: list[str] = []
    counter = [0]

    def walk(node: Program) -> int:
        if node.op == "JOIN":
            child = node.args[0]
            source: int | str = child.label if child.op == "ENTITY" else walk(child)
            if child.op == "ENTITY":
                entities.add(child.label)
            index = _next(counter)
            raw.append(("edge", source, node.label, index))
            return index
        operands = [walk(arg) for arg in node.args]
        index = _next(counter)
        for operand in operands:
            merge(index, operand)
        if node.op in SUPERLATIVES:
            raw.append(("attr", index, node.label, -1))
            order.extend(["ORDER BY DESC(?sk0)" if node.op == "ARGMAX" else "ORDER BY ?sk0", "LIMIT 1"])
        return index

    question = walk(body)

    def var(i: int) -> str:
        return "?x" if root(i) == root(question) else f"?x{root(i)}"

    clauses = []
    for kind, subject, predicate, obj in raw:
        subject_text = term(subject, dialect) if isinstance(subject, str) else var(subject)
        object_text = "?sk0" if kind == "attr" else var(obj)
        clauses.append(f"{subject_text} {term(predicate, dialect)} {object_text} .")
    filters = [f"FILTER (?x != {term(mid, dialect)})" for mid in sorted(entities)]
    where = ["WHERE {", language_filter(dialect), *clauses, *filters, "}"]
    if counted:
        head = "SELECT COUNT DISTINCT ?x" if dialect == "virtuoso" else "SELECT (COUNT(DISTINCT ?x) AS ?count)"
        return "\n".join([PREFIX, head, *where])
    if order:
        return "\n".join([PREFIX, "SELECT DISTINCT ?x", "WHERE {", *clauses, "{SELECT ?sk0", *where, *order,
                          "}", "}"])
    return "\n".join([PREFIX, "SELECT DISTINCT ?x", *where])


def _next(counter: list[int]) -> int:
    counter[0] += 1
    return counter[0] - 1


def predicates_query(program: Program, dialect: str = "standard") -> str:
    """Upstream's wrapper: the predicates leaving any member of the program's answer."""
    program.check_executable(allow_count=False)
    lines = compile_program(program, dialect).split("\n")
    return "\n".join([lines[0], "SELECT DISTINCT ?rel\nWHERE {\n?x ?rel ?obj .\n{", *lines[1:], "}\n}"])


def entity_predicates_query(mid: str, dialect: str = "standard") -> str:
    """Upstream's ``get_out_relations`` query (``str()`` added for standard engines)."""
    subject = f":{mid}" if dialect == "virtuoso" else term(mid)
    tested = "?x0" if dialect == "virtuoso" else "str(?x0)"
    return (
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        f"PREFIX : <{NS}>\n"
        "SELECT (?x0 AS ?value) WHERE {\n"
        "SELECT DISTINCT ?x0  WHERE {\n"
        f"{subject} ?x0 ?x1 . \n"
        f'FILTER regex({tested}, "{NS}")\n'
        "}\n}"
    )


class SparqlBackend:
    """Sends AgentBench's queries to a SPARQL endpoint over HTTP (``httpx``).

    Args:
        url: the endpoint, e.g. ``http://localhost:7878/query`` (Oxigraph) or ``.../sparql``.
        max_results: cap on answers returned by ``execute`` (first ones in MID order).
        timeout: seconds per request (upstream sets none).
        dialect: ``standard`` (SPARQL 1.1, any engine) or ``virtuoso`` (upstream's exact text).
        check: send ``ASK {}`` now, so a dead endpoint fails at construction.
    Raises:
        MissingExtra: httpx is not installed (extra ``kg-sparql``).
        BackendUnavailable: the endpoint cannot be reached.
    """

    def __init__(self, url: str, max_results: int = 10_000, timeout: float = 60.0, dialect: str = "standard",
                 check: bool = True) -> None:
        """Open the HTTP client."""
        if dialect not in DIALECTS:
            raise ValueError(f"dialect must be one of {DIALECTS}, got {dialect!r}")
        self.dialect = dialect
        try:
            import httpx
        except ImportError as exc:
            raise MissingExtra("kg-sparql", "the KG SPARQL backend", exc) from exc
        self._httpx = httpx
        self.url = url
        self.max_results = max_results
        self._client = httpx.Client(timeout=timeout)
        if check:
            self._request("ASK {}")

    def _request(self, query: str) -> dict[str, Any]:
        httpx = self._httpx
        try:
            # POST (form-encoded) rather than upstream's GET: long programs exceed URL limits.
            response = self._client.post(self.url, data={"query": query},
                                         headers={"Accept": "application/sparql-results+json"})
        except httpx.TimeoutException as exc:
            if isinstance(exc, httpx.ConnectTimeout):
                raise BackendUnavailable(f"SPARQL endpoint {self.url} unreachable: {exc}") from exc
            raise SparqlQueryError(f"query timed out: {exc}") from exc
        except httpx.HTTPError as exc:
            raise BackendUnavailable(f"SPARQL endpoint {self.url} unreachable: {exc}") from exc
        if response.status_code >= 400:
            raise SparqlQueryError(f"HTTP {response.status_code}: {response.text[:300]}")
        try:
            return response.json()
        except ValueError as exc:
            raise SparqlQueryError(f"not SPARQL JSON results: {exc}") from exc

    def _values(self, query: str) -> list[str]:
        """Each row's single value, with the Freebase prefix and ``-08:00`` removed (as upstream)."""
        rows = self._request(query).get("results", {}).get("bindings", [])
        values = []
        for row in rows:
            for cell in row.values():
                values.append(str(cell.get("value", "")).replace(NS, "").replace("-08:00", ""))
        return values

    def entity_predicates(self, mid: str) -> list[str]:
        """Predicates leaving ``mid`` (an id that cannot be in a Freebase-style store has none)."""
        if not _SAFE_NAME.match(mid):
            return []
        return sorted(set(self._values(entity_predicates_query(mid, self.dialect))))

    def program_predicates(self, program: Program) -> list[str]:
        """Predicates leaving the members of the program's answer."""
        return sorted(set(self._values(predicates_query(program, self.dialect))))

    def execute(self, program: Program) -> list[str]:
        """The program's answer: sorted values, or the count as a string."""
        query = compile_program(program, self.dialect)
        values = self._values(query)
        if program.op == "COUNT":
            return values[:1] or ["0"]
        return sorted(set(values))[: self.max_results]

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()
